from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import AuditCase


@tagged("post_install", "-at_install")
class TestAuditCloseTour(AuditCase, HttpCase):
    def test_auditor_fills_checklist_raises_finding_closes_and_prints(self):
        audit = self.make_audit(
            title="Tour audit: assembly traceability",
            clause_ids=[Command.set((self.clause_7_5 | self.clause_8_5_2).ids)],
        )
        lead = audit.with_user(self.lead_auditor)
        lead.action_prepare()
        lead.action_start_fieldwork()
        self.assertEqual((audit.state, len(audit.line_ids)), ("fieldwork", 2))
        self.assertFalse(self.lead_auditor.has_group("iso_records.group_iso_manager"))

        self.start_tour("/odoo", "iso_records_audit_close_tour", login=self.lead_auditor.login)

        audit.invalidate_recordset()
        self.assertEqual(audit.state, "closed")
        instructions, traceability = audit.line_ids.sorted(lambda line: line.clause_id.sort_key)
        self.assertEqual(instructions.result, "conform")
        self.assertEqual(traceability.result, "minor")
        finding = audit.finding_ids
        self.assertEqual(len(finding), 1)
        self.assertEqual(
            (finding.grade, finding.clause_id, finding.line_id), ("minor", self.clause_8_5_2, traceability)
        )
        self.assertEqual(finding.evidence, "Unit 1187 could not be traced to its batch of bearings.")
        self.assertIn("one unit could not be traced", audit.summary)
        signature = audit.signature_ids
        self.assertEqual(len(signature), 1)
        self.assertEqual((signature.operation, signature.meaning), ("close", "closed"))
        self.assertEqual(signature.signer_id, self.lead_auditor)
        self.assertRegex(signature.content_hash, r"^[0-9a-f]{64}$")
