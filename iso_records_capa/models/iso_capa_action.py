from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_action_line_mixin import ACTION_WORKFLOW_FIELDS

ACTION_KINDS = [
    ("correction", "Correction"),
    ("corrective", "Corrective action"),
    ("preventive", "Preventive action"),
    ("retraining", "Retraining"),
    ("document_change", "Document change"),
]


class IsoCapaAction(models.Model):
    """An action of a CAPA: an action line (iso.action.line.mixin) with its owner and deadline, tracked
    as a "CAPA action" activity on the CAPA. A retraining action names the competence requirement and the
    people concerned; a document-change action names the controlled document it revises."""

    _name = "iso.capa.action"
    _description = "ISO CAPA Action"
    _inherit = ["iso.action.line.mixin"]
    _order = "capa_id, sequence, id"
    _iso_parent_field = "capa_id"
    _iso_action_activity_type = "iso_records_capa.mail_activity_type_capa_action"
    _iso_action_escalation_type = "iso_records_capa.mail_activity_type_capa_action_overdue"
    _iso_action_workflow_fields = (*ACTION_WORKFLOW_FIELDS, "revision_record_id", "retraining_asked_date")

    capa_id = fields.Many2one("iso.capa", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    # Stored: the overview's action tiles filter on it, which as a plain related field costs a subquery
    # on the CAPAs per tile.
    capa_state = fields.Selection(related="capa_id.state", string="CAPA Stage", store=True, index=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(ACTION_KINDS, required=True, default="corrective")
    description = fields.Text(required=True)
    requirement_id = fields.Many2one(
        "iso.competence.requirement",
        string="Competence Requirement",
        help="Retraining: the requirement created or refreshed; empty creates one from the action.",
    )
    training_type_id = fields.Many2one(
        "iso.record.type",
        domain=[("is_training", "=", True)],
        help="Retraining without a requirement: the kind of training the new requirement asks for.",
    )
    retraining_asked_date = fields.Date(
        string="Retraining Asked on", readonly=True, copy=False, help="When the people concerned were asked."
    )
    employee_ids = fields.Many2many(
        "hr.employee",
        "iso_capa_action_employee_rel",
        "action_id",
        "employee_id",
        string="People Concerned",
        help="Retraining: the employees asked to train again.",
    )
    document_id = fields.Many2one(
        "iso.record",
        string="Document to Change",
        domain=[("kind", "=", "document"), ("state", "=", "effective")],
        help="Document change: the controlled document a new revision is started of.",
    )
    revision_record_id = fields.Many2one(
        "iso.record", string="New Revision", readonly=True, copy=False, help="The draft revision this action started."
    )

    @api.depends("capa_id", "description")
    def _compute_display_name(self):
        for action in self:
            first_line = (action.description or "").strip().splitlines()[:1]
            action.display_name = first_line[0][:80] if first_line else action.capa_id.sudo().display_name

    def _iso_action_activity_done(self):
        """The action was marked done (on the line or its activity): when it was the CAPA's last open
        action, the CAPA moves on to its effectiveness check."""
        result = super()._iso_action_activity_done()
        capas = self.sudo().capa_id.filtered(
            lambda capa: capa.state == "action" and all(capa.action_ids.mapped("date_done"))
        )
        if capas:
            capas._iso_on_actions_done()
        return result

    def _iso_action_summary(self):
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return self.env._(
            "%(kind)s: %(action)s (%(capa)s)",
            kind=kinds.get(self.kind, self.kind),
            action=self.display_name,
            capa=self.capa_id.sudo().name,
        )
