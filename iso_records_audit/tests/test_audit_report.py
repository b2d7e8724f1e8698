import io
import re
import shutil
import unittest
from datetime import timedelta

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.pdf import PdfReader

from .common import AuditCase

REPORT = "iso_records_audit.report_iso_audit"
WKHTMLTOPDF = shutil.which("wkhtmltopdf")


def page_text(html):
    """The words of a rendered report: tags as spaces, spaces collapsed, none before punctuation."""
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return re.sub(r"\( ", "(", re.sub(r" ([,.:;)])", r"\1", text))


@tagged("post_install", "-at_install")
class TestAuditReport(AuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        audit = cls.audit_in("reporting", confidentiality="confidential")
        lead = audit.with_user(cls.lead_auditor)
        lead.line_ids[:1].write({"result": "minor", "evidence_notes": "Station 4 used revision B of WI-12."})
        lead.write(
            {
                "summary": "<p>Assembly mostly works to current instructions.</p>",
                "conclusion": "The system is effective; one document control gap.",
                "opening_attendee_ids": [(6, 0, (cls.auditee_employee | cls.production_manager_employee).ids)],
            }
        )
        values = {
            "major": "No traceability label on the batch of 3 May.",
            "minor": "Station 4 used revision B of WI-12; revision C is current.",
            "observation": "Torque values are written on paper first.",
            "improvement": "Scanning the batch label would save a step.",
            "positive": "Every operator knew the escalation path.",
        }
        cls.findings = {
            grade: cls.raise_finding(audit, grade=grade, evidence=evidence, owner_id=cls.auditee_employee.id)
            for grade, evidence in values.items()
        }
        major = cls.findings["major"].with_user(cls.auditee)
        major.write({"answer_kind": "action", "answer": "Labels printed at the line; batches relabelled."})
        major.action_answer()
        cls.overridden = cls.kept_with_override(audit)
        cls.signature = lead._iso_sign("close", "closed")
        cls.audit = audit

    @classmethod
    def kept_with_override(cls, audit):
        """An assembler trained as an auditor, kept on the team of an audit of their own department by an ISO
        administrator's justified and signed override."""
        assembler = cls.env["hr.employee"].create(
            {"name": "Assembler Auditor (test)", "department_id": cls.assembly.id}
        )
        cls.file_auditor_training(assembler, audit.date_start - timedelta(days=30))
        member = (
            cls.env["iso.audit.auditor"]
            .with_user(cls.iso_administrator)
            .create(
                {
                    "audit_id": audit.id,
                    "role": "auditor",
                    "employee_id": assembler.id,
                    "override_reason": "Only three trained auditors in the company; she audits another line.",
                }
            )
        )
        as_administrator = audit.with_user(cls.iso_administrator)
        if "override" in as_administrator._iso_signable_operations():
            as_administrator._iso_sign("override", "reviewed", reason="Accepted for this audit.")
        else:  # before the independence rules: the override is only recorded
            workflow(member).write({"override_signed": True, "override_by_id": cls.iso_administrator.id})
        return member

    def render(self, user, audit=None):
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (audit or self.audit).ids, data={"report_type": "pdf"})
        )
        return html.decode()

    def test_report_of_a_closed_audit(self):
        self.assertEqual(self.audit.state, "closed")
        html = self.render(self.lead_auditor)
        text = page_text(html)
        # Company layout, page numbers, who printed it.
        self.assertIn(self.env.company.name, html)
        self.assertIn('<span class="page"></span> / <span class="topage"></span>', html)
        self.assertRegex(text, r"Printed by Lead Auditor \(test\) on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.")
        for expected in (
            f"Audit report {self.audit.name}",
            "Type Internal (first party)",
            "Stage Closed",
            "Scope Assembly lines 1 and 2, day shift.",
            "Criteria ISO 9001:2015 clauses 7.5 and 8.5; work instruction WI-12.",
            "Department Production (test)",
            "Process owner Production manager",
            "Auditees Auditee (test)",
            "Lead auditor Lead Auditor (test) Internal",
            "Auditor Second Auditor (test) Internal",
            "Auditor Assembler Auditor (test) Internal",
            "Attendees: Auditee (test), Production manager",
            "3 question(s): Conform 2, Minor nonconformity 1.",
            "Major nonconformity (1)",
            "Minor nonconformity (1)",
            "Observation (1)",
            "Opportunity for improvement (1)",
            "Action taken or planned: Labels printed at the line; batches relabelled.",
            "Assembly mostly works to current instructions.",
            "The system is effective; one document control gap.",
        ):
            self.assertIn(expected, text)
        for grade, finding in self.findings.items():
            self.assertIn(finding.evidence, text)
            if grade != "positive":
                self.assertIn(finding.name, text)
        # The findings come in the order of their grades, the positive points after them.
        positions = [text.index(self.findings[grade].evidence) for grade in self.findings]
        self.assertEqual(positions, sorted(positions))
        self.assertIn(f"Positive points {self.clause_7_5.display_name}: {self.findings['positive'].evidence}", text)
        # Overrides of independence, with who signed them.
        self.assertTrue(self.overridden.override_signed)
        self.assertIn("Assembler Auditor (test) (Auditor)", text)
        self.assertIn(
            f"Only three trained auditors in the company; she audits another line. {self.iso_administrator.name}",
            text,
        )
        if self.overridden.conflict_note:
            self.assertIn(f"Conflict: {self.overridden.conflict_note}", text)
        for signature in self.audit.signature_ids:
            self.assertIn(f'<code class="o_iso_hash">{signature.content_hash}</code>', html)
        # The closing signature with its full content hash, in monospace.
        self.assertRegex(self.signature.content_hash, r"^[0-9a-f]{64}$")
        self.assertIn(f'<code class="o_iso_hash">{self.signature.content_hash}</code>', html)
        self.assertIn("Close audit Lead Auditor (test) Closed", text)
        # Labels, not technical values.
        for technical in ("major", "minor", "conform", "lead", "internal", "closed", "answered", "action", "open"):
            self.assertNotRegex(text, rf"\b{technical}\b")
        for technical in ("iso.audit", "False", "None"):
            self.assertNotIn(technical, text)

    def test_report_lists_the_finding_fields(self):
        minor = self.findings["minor"]
        record = self.make_record(self.lead_auditor, title="WI-12 Assembly of gearboxes")
        minor.sudo().record_ids = record  # the audit is closed: set as the finding's own trail would not
        text = page_text(self.render(self.lead_auditor))
        for expected in (
            f"Requirement: {minor.requirement}",
            f"Records concerned: {record.display_name}",
            self.auditee_employee.name,
            "Open",
            "Answered",
        ):
            self.assertIn(expected, text)

    def test_a_repeat_finding_names_the_earlier_one(self):
        audit = self.audit_in("reporting", confidentiality="confidential")
        repeat = self.raise_finding(audit, evidence="Station 2 used revision B of WI-12.")
        self.assertEqual(repeat.repeat_of_id, self.findings["minor"])
        text = page_text(self.render(self.lead_auditor, audit))
        self.assertIn(f"{repeat.name} {self.clause_7_5.display_name}", text)
        self.assertIn(f"Open Repeat of {self.findings['minor'].name}", text)
        self.assertIn("Minor nonconformity (1)", text)
        self.assertIn("Major nonconformity (0)", text)
        self.assertIn("None recorded.", text)  # no positive point in this one
        self.assertIn("None: every member of the team is qualified and independent.", text)

    def test_a_reader_who_cannot_read_the_confidential_audit_cannot_print_it(self):
        self.assertEqual(self.audit.confidentiality, "confidential")
        for user in (self.colleague, self.user_b):
            self.assertFalse(self.audit.with_user(user).has_access("read"))
            with self.assertRaises(AccessError):
                self.render(user)
        # Who may read it prints it: the team, and ISO auditors.
        self.assertIn(self.signature.content_hash, self.render(self.iso_auditor))

    def test_the_report_is_offered_on_the_audit(self):
        action = self.env.ref("iso_records_audit.action_report_iso_audit")
        self.assertEqual((action.binding_model_id.model, action.binding_type), ("iso.audit", "report"))
        arch = self.env["iso.audit"].with_user(self.lead_auditor).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(f'name="{action.id}"', arch)
        self.assertIn('string="Print report"', arch)

    @unittest.skipUnless(WKHTMLTOPDF, "wkhtmltopdf is not installed")
    def test_the_report_prints_as_a_pdf(self):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.lead_auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.audit.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        self.assertGreaterEqual(len(reader.pages), 1)
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn(self.signature.content_hash, text)
