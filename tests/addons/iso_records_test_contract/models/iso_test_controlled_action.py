from odoo import fields, models


class IsoTestControlledAction(models.Model):
    """The smallest action line of a controlled record: an owner, a deadline and an activity on the record
    while it is verified or closed, escalated to the record owner's manager when late. Test only."""

    _name = "iso.test.controlled.action"
    _description = "ISO Test Controlled Action"
    _inherit = ["iso.action.line.mixin"]
    _order = "record_id, id"
    _iso_parent_field = "record_id"
    _iso_action_activity_type = "iso_records_test_contract.mail_activity_type_test_action"
    _iso_action_escalation_type = "iso_records_test_contract.mail_activity_type_test_action_overdue"

    record_id = fields.Many2one("iso.test.controlled", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="record_id.company_id", store=True)
    name = fields.Char(required=True)

    def _iso_action_summary(self):
        self.ensure_one()
        return f"Test action: {self.name}"
