from odoo import models


class MailActivity(models.Model):
    """An activity of an action line (iso.action.line.mixin) marked done marks its line done."""

    _inherit = "mail.activity"

    def _iso_action_lines(self):
        """The action lines whose activities these are, per line model."""
        res_models = set(self.mapped("res_model"))
        found = []
        for name in self.env["iso.controlled.mixin"]._iso_controlled_model_names("iso.action.line.mixin"):
            lines_model = self.env[name].sudo()
            if lines_model._iso_parent_model()._name in res_models:
                lines = lines_model.search([("activity_id", "in", self.ids)])
                if lines:
                    found.append(lines)
        return found

    def _action_done(self, feedback=False, attachment_ids=None):
        lines_by_model = self._iso_action_lines()
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        for lines in lines_by_model:
            lines._iso_action_activity_done()
        return result
