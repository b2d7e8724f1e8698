from odoo import fields, models


class IsoLegalHoldReleaseWizard(models.TransientModel):
    _name = "iso.legal.hold.release.wizard"
    _description = "Release a Legal Hold"

    hold_id = fields.Many2one("iso.legal.hold", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Why the records may follow their retention policy again.")

    def action_release(self):
        self.ensure_one()
        self.hold_id.action_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
