from odoo import api, fields, models

SIGNATURE_MEANINGS = [
    ("authored", "Authored"),
    ("reviewed", "Reviewed"),
    ("approved", "Approved"),
    ("verified", "Verified"),
    ("closed", "Closed"),
    ("obsoleted", "Made obsolete"),
]
# Meanings that attest somebody else's work: who wrote the content cannot give them (four eyes).
INDEPENDENT_MEANINGS = {"approved", "verified"}


class IsoSignature(models.Model):
    """An electronic signature on any controlled record, keyed by (res_model, res_id) as Odoo's
    activities and ratings are. It follows the access of the record it signs."""

    _name = "iso.signature"
    _description = "ISO Electronic Signature"
    _inherit = ["iso.evidence.mixin"]
    _order = "signed_at desc, id desc"
    _iso_evidence_workflow_may = ("create", "unlink")

    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, index=True)
    reference = fields.Char(readonly=True, help="The record's name when it was signed.")
    operation = fields.Char(required=True, readonly=True, help="What was signed: approve, file, verify, close...")
    revision_id = fields.Many2one("iso.record.revision", index="btree_not_null", ondelete="restrict")
    company_id = fields.Many2one("res.company", required=True, index=True)
    signer_id = fields.Many2one("res.users", required=True)
    signer_name = fields.Char(required=True, help="The signer's name as it was when signing.")
    meaning = fields.Selection(SIGNATURE_MEANINGS, required=True)
    signed_at = fields.Datetime(string="Signed at (UTC)", required=True)
    content_hash = fields.Char(required=True, help="SHA-256 of the content that was signed.")
    reason = fields.Text()

    def init(self):
        self.env.cr.execute("CREATE INDEX IF NOT EXISTS iso_signature_res_index ON iso_signature (res_model, res_id)")

    def _iso_evidence_origin(self):
        return self.env._("Signatures are given through the signature dialog, with a password.")

    @api.depends("signer_name", "meaning", "signed_at")
    def _compute_display_name(self):
        meanings = dict(SIGNATURE_MEANINGS)
        for signature in self:
            signature.display_name = self.env._(
                "%(meaning)s by %(signer)s", meaning=meanings.get(signature.meaning), signer=signature.signer_name
            )
