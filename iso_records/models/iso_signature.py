from odoo import api, fields, models
from odoo.exceptions import UserError

from .iso_controlled_mixin import WORKFLOW, WORKFLOW_KEY

SIGNATURE_MEANINGS = [
    ("authored", "Authored"),
    ("reviewed", "Reviewed"),
    ("approved", "Approved"),
    ("obsoleted", "Made obsolete"),
]


class IsoSignature(models.Model):
    _name = "iso.signature"
    _description = "ISO Electronic Signature"
    _order = "signed_at desc, id desc"

    record_id = fields.Many2one("iso.record", required=True, index=True, ondelete="restrict")
    revision_id = fields.Many2one("iso.record.revision", index=True, ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, index=True)
    signer_id = fields.Many2one("res.users", required=True)
    signer_name = fields.Char(required=True, help="The signer's name as it was when signing.")
    meaning = fields.Selection(SIGNATURE_MEANINGS, required=True)
    signed_at = fields.Datetime(string="Signed at (UTC)", required=True)
    content_hash = fields.Char(required=True, help="SHA-256 of the content that was signed.")
    reason = fields.Text()

    @api.depends("signer_name", "meaning", "signed_at")
    def _compute_display_name(self):
        meanings = dict(SIGNATURE_MEANINGS)
        for signature in self:
            signature.display_name = f"{meanings.get(signature.meaning)} by {signature.signer_name}"

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get(WORKFLOW_KEY) is not WORKFLOW:
            raise UserError(self.env._("Signatures are given through the signature dialog, with a password."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Signatures are immutable: nothing on them can change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self.env.context.get(WORKFLOW_KEY) is WORKFLOW:
            return  # a disposal that deletes the record
        raise UserError(self.env._("Signatures are immutable and cannot be deleted."))
