from odoo import api, fields, models

from ..models.iso_record import SIGNATURE_OPERATIONS
from ..models.iso_signature import SIGNATURE_MEANINGS

DEFAULT_MEANING = {"approve": "approved", "file": "authored", "obsolete": "obsoleted"}


class IsoSignatureWizard(models.TransientModel):
    _name = "iso.signature.wizard"
    _description = "Sign an ISO Record"
    _inherit = ["iso.password.confirmation"]

    record_id = fields.Many2one("iso.record", required=True, ondelete="cascade")
    operation = fields.Selection(SIGNATURE_OPERATIONS, required=True)
    meaning = fields.Selection(
        SIGNATURE_MEANINGS, required=True, compute="_compute_meaning", store=True, precompute=True, readonly=False
    )
    reason = fields.Text(help="Required to make a document obsolete.")
    content_hash = fields.Char(related="record_id.content_hash")

    @api.depends("operation")
    def _compute_meaning(self):
        for wizard in self:
            wizard.meaning = DEFAULT_MEANING.get(wizard.operation)

    def action_sign(self):
        self.ensure_one()
        self._check_password()
        self.record_id._iso_sign(self.operation, self.meaning, self.reason)
        return {"type": "ir.actions.act_window_close"}
