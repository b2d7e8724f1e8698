from odoo import api, fields, models


class IsoRecordRevision(models.Model):
    _name = "iso.record.revision"
    _description = "ISO Record Revision"
    _inherit = ["iso.evidence.mixin"]
    _order = "name, number desc"
    _iso_evidence_workflow_may = ("create", "unlink")
    _iso_evidence_fixed_model = "iso.record"
    _iso_evidence_id_field = "record_id"
    _iso_evidence_outlives_record = False

    record_id = fields.Many2one("iso.record", required=True, index=True, ondelete="restrict")
    name = fields.Char(string="Reference", required=True, index=True)
    number = fields.Integer(string="Revision", required=True)
    title = fields.Char(required=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    change_reason = fields.Text()
    author_id = fields.Many2one("res.users")
    approver_id = fields.Many2one("res.users")
    effective_date = fields.Date(required=True)
    body_snapshot = fields.Html(string="Body", sanitize=False, readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "iso_record_revision_attachment_rel", "revision_id", "attachment_id", string="Attachments"
    )
    attachment_manifest = fields.Text(help="Name and SHA-1 checksum of each attachment at approval, as JSON.")
    content_hash = fields.Char(required=True, help="SHA-256 over the body and the attachment checksums.")
    state = fields.Selection(related="record_id.state", string="Record State")
    signature_ids = fields.One2many("iso.signature", "revision_id", string="Signatures")

    _sql_constraints = [
        ("number_unique", "unique(name, company_id, number)", "Revision: each revision number is used once."),
    ]

    def _iso_evidence_origin(self):
        return self.env._("Revisions are created by approving or filing a record.")

    @api.depends("name", "number", "title")
    def _compute_display_name(self):
        for revision in self:
            revision.display_name = f"{revision.name} rev. {revision.number}"
