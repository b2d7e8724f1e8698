from odoo import models


class IsoCapa(models.Model):
    """The CAPA's side of its actions (iso.action.line.mixin): it acts on them while its actions are carried
    out and while their effectiveness is checked, so each open action has its activity then."""

    _inherit = "iso.capa"  # pylint: disable=consider-merging-classes-inherited

    def _iso_action_lines_active(self):
        self.ensure_one()
        return self.state in ("action", "verification")
