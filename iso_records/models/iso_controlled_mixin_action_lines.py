from odoo import api, models


class IsoControlledMixin(models.AbstractModel):
    """The record's side of its action lines (iso.action.line.mixin): whether it acts on them, and their
    activities brought in step when it changes state."""

    _inherit = "iso.controlled.mixin"  # pylint: disable=consider-merging-classes-inherited

    def _iso_action_lines_active(self):
        """Whether this record's action lines are being acted on (a held review, a CAPA being carried out):
        then each open line has an activity for its owner. A model with action lines overrides it."""
        self.ensure_one()
        return False

    @api.model
    def _iso_action_line_fields(self):
        line_model = self.env.registry["iso.action.line.mixin"]
        return [
            name
            for name, field in self._fields.items()
            if field.type == "one2many" and isinstance(self.env[field.comodel_name], line_model)
        ]

    def write(self, vals):
        line_fields = self._iso_action_line_fields() if "state" in vals else []
        if not line_fields:
            return super().write(vals)
        was_active = {record.id: record._iso_action_lines_active() for record in self}
        result = super().write(vals)
        # Only a record that starts or stops acting on its lines touches them (no query for the other steps).
        changed = self.filtered(lambda record: record._iso_action_lines_active() != was_active[record.id])
        for name in line_fields:
            changed[name]._iso_sync_action_activities()
        return result
