from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record
from odoo.exceptions import UserError

LINE_RESULTS = [
    ("conform", "Conform"),
    ("major", "Major nonconformity"),
    ("minor", "Minor nonconformity"),
    ("observation", "Observation"),
    ("improvement", "Opportunity for improvement"),
    ("positive", "Positive point"),
    ("not_applicable", "Not applicable"),
]
# Results that are written up as findings.
FINDING_RESULTS = ("major", "minor", "observation", "improvement", "positive")


class IsoAuditLine(models.Model):
    """A checklist line of an audit: the question asked, its clause, what was found and the evidence seen."""

    _name = "iso.audit.line"
    _description = "ISO Audit Checklist Line"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "audit_id, sequence, id"
    _iso_parent_field = "audit_id"

    audit_id = fields.Many2one("iso.audit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    audit_state = fields.Selection(related="audit_id.state", string="Audit Stage")
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one("iso.clause", index=True)
    question = fields.Text(required=True)
    guidance = fields.Text(help="What to look at; shown to the auditor, not in the report.")
    result = fields.Selection(LINE_RESULTS, index=True)
    evidence_notes = fields.Text(string="Evidence", help="What was seen, heard and read.")
    attachment_ids = fields.Many2many(
        "ir.attachment", "iso_audit_line_attachment_rel", "line_id", "attachment_id", string="Attachments"
    )
    record_ids = fields.Many2many(
        "iso.record",
        "iso_audit_line_record_rel",
        "line_id",
        "record_id",
        string="Records Seen",
        help="The ISO records seen as evidence.",
    )
    finding_ids = fields.One2many("iso.audit.finding", "line_id", string="Findings")
    finding_id = fields.Many2one("iso.audit.finding", compute="_compute_finding_id")

    @api.depends("finding_ids")
    def _compute_finding_id(self):
        for line in self:
            line.finding_id = line.finding_ids[:1]

    def action_raise_finding(self):
        """One click: a finding of the line's result, clause, evidence and records, opened for review."""
        one_record(self, self.env._("Raise finding"))
        if self.result not in FINDING_RESULTS:
            raise UserError(
                self.env._(
                    "Result: record a nonconformity, observation, opportunity or positive point on the line "
                    "“%(question)s” before raising a finding from it.",
                    question=self.question,
                )
            )
        if self.finding_ids:
            return self.finding_ids[:1]._iso_form_action()
        finding = self.env["iso.audit.finding"].create(self._iso_finding_values())
        return finding._iso_form_action()

    def _iso_finding_values(self):
        self.ensure_one()
        return {
            "audit_id": self.audit_id.id,
            "line_id": self.id,
            "grade": self.result,
            "clause_id": self.clause_id.id,
            "requirement": self.question,
            "evidence": self.evidence_notes,
            "record_ids": [(6, 0, self.record_ids.ids)],
        }
