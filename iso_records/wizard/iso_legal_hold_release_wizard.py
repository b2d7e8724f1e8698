from odoo import fields, models

from ..tools import one_record


class IsoLegalHoldReleaseWizard(models.TransientModel):
    _name = "iso.legal.hold.release.wizard"
    _description = "Release a Legal Hold, or Take Records out of It"
    _inherit = ["iso.target.wizard.mixin"]

    hold_id = fields.Many2one("iso.legal.hold", required=True, ondelete="cascade")
    item_ids = fields.Many2many(
        "iso.legal.hold.item",
        string="Records to take out",
        help="Empty: release the whole hold.",
    )
    reason = fields.Text(required=True, help="Why the records may follow their retention policy again.")

    def action_release(self):
        one_record(self, self.env._("Release"))
        if self.item_ids:
            self.hold_id._remove_items(self.item_ids, self.reason)
        else:
            self.hold_id.action_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
