from odoo import fields
from odoo.addons.iso_records_audit.tests.common import AuditCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import RaiseCase


@tagged("post_install", "-at_install")
class TestRaiseFromAuditAndRecord(RaiseCase, AuditCase):
    """From an audit finding (linked both ways, its evidence and clause taken over, as confidential as it)
    and from an ISO record (linked, its clause)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.audit = cls.audit_in("fieldwork")

    def test_finding_prefills_and_links(self):
        finding = self.raise_finding(self.audit)
        action = self.raise_from(finding, self.iso_manager)
        context = action["context"]
        self.assertEqual(context["default_source"], "finding")
        self.assertEqual(context["default_finding_id"], finding.id)
        self.assertEqual(context["default_clause_id"], self.clause_7_5.id)
        self.assertEqual(context["default_department_id"], self.production.id)
        self.assertEqual(context["default_title"], finding.requirement)
        self.assertEqual(context["default_description"], finding.evidence)
        nonconformity = self.save_raised(action, self.iso_manager)
        self.assertEqual(nonconformity.finding_id, finding)
        self.assertEqual(finding.nonconformity_ids, nonconformity)
        self.assertEqual(finding.with_user(self.iso_manager).nonconformity_count, 1)
        self.assertEqual(nonconformity.description, "Station 4 used revision B of WI-12; revision C is current.")

    def test_finding_closes_with_the_nonconformity_raised_from_it(self):
        finding = self.raise_finding(self.audit)
        action = self.raise_from(finding, self.iso_manager)
        nonconformity = self.save_raised(action, self.iso_manager).with_user(self.iso_manager)
        nonconformity.write(
            {
                "severity": 1,
                "likelihood": 1,
                "containment": "Station 4 given revision C.",
                "containment_user_id": self.iso_manager.id,
                "containment_date": fields.Date.context_today(finding),
                "closure_justification": "An isolated copy; the others were current.",
            }
        )
        nonconformity.action_triage()
        self.assertFalse(nonconformity.capa_required)
        self.assertEqual(finding.state, "open")
        nonconformity.action_close()
        self.assertEqual((nonconformity.state, finding.state), ("closed", "closed"))

    def test_confidential_finding_gives_a_confidential_nonconformity(self):
        finding = self.raise_finding(self.audit, confidentiality="confidential")
        nonconformity = self.save_raised(self.raise_from(finding, self.lead_auditor), self.lead_auditor)
        self.assertEqual(nonconformity.confidentiality, "confidential")
        # An ISO user of another department reads neither the finding nor what was raised from it.
        with self.assertRaises(AccessError):
            self.raise_from(finding, self.colleague)
        self.assertFalse(self.Nonconformity.with_user(self.colleague).search([("finding_id", "=", finding.id)]))

    def test_only_nonconformity_grades_raise(self):
        observation = self.raise_finding(self.audit, grade="observation")
        with self.assertRaisesRegex(UserError, "Grade: .* a nonconformity is raised from a major or minor"):
            observation.with_user(self.iso_manager).action_raise_nonconformity()

    def test_closed_finding_raises_nothing(self):
        finding = self.raise_finding(self.audit)
        self.force_state(finding, "closed")
        with self.assertRaisesRegex(UserError, "Raise nonconformity: .* is Closed"):
            finding.with_user(self.iso_manager).action_raise_nonconformity()

    def test_iso_record_prefills_and_counts(self):
        procedure = self.approved_procedure(
            clause_ids=[(6, 0, self.clause_8_4.ids)], product_id=self.product.id, partner_id=self.supplier.id
        )
        action = self.raise_from(procedure, self.iso_user)
        context = action["context"]
        self.assertEqual(
            (context["default_product_id"], context["default_partner_id"]), (self.product.id, self.supplier.id)
        )
        self.assertEqual(context["default_record_id"], procedure.id)
        self.assertEqual(context["default_clause_id"], self.clause_8_4.id)
        self.assertEqual(context["default_source"], "process")
        self.assertNotIn("default_res_ref", context)
        nonconformity = self.save_raised(action, self.iso_user)
        self.assertEqual(nonconformity.record_id, procedure)
        self.assertEqual(procedure.with_user(self.iso_user).nonconformity_count, 1)

    def test_restricted_record_gives_a_restricted_nonconformity(self):
        record = self.make_record(
            self.colleague, confidentiality="restricted", reader_user_ids=[(6, 0, self.iso_user.ids)]
        )
        nonconformity = self.save_raised(self.raise_from(record, self.iso_user), self.iso_user)
        self.assertEqual(nonconformity.confidentiality, "restricted")
        self.assertEqual(nonconformity.reader_user_ids, self.iso_user)
        self.assertFalse(self.Nonconformity.with_user(self.iso_manager).search([("id", "=", nonconformity.id)]))

    def test_restricted_record_is_no_way_in(self):
        secret = self.make_record(self.colleague, confidentiality="restricted", title="Salary grid (test)")
        with self.assertRaises(AccessError):
            self.raise_from(secret, self.iso_user)
        # Nor is linking it by id when saving a nonconformity.
        with self.assertRaisesRegex(AccessError, "ISO Record: you may only link records you can read yourself"):
            self.make_nc(record_id=secret.id)
