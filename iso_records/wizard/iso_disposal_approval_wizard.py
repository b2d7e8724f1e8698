from odoo import fields, models

from ..tools import one_record


class IsoDisposalApprovalWizard(models.TransientModel):
    _name = "iso.disposal.approval.wizard"
    _description = "Approve or Reject a Disposal Batch"
    _inherit = ["iso.password.confirmation", "iso.target.wizard.mixin"]

    batch_id = fields.Many2one("iso.disposal.batch", required=True, ondelete="cascade")
    line_count = fields.Integer(related="batch_id.line_count")
    reason = fields.Text(help="Optional when approving; required when rejecting.")

    def action_approve(self):
        one_record(self, self.env._("Approve"))
        self._check_password()
        self.batch_id._approve(self.reason)
        return {"type": "ir.actions.act_window_close"}

    def action_reject(self):
        one_record(self, self.env._("Reject"))
        self.batch_id._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
