import json
from datetime import timedelta

from odoo import Command
from odoo.addons.iso_records.tests.audit_pack_common import AuditPackMixin
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .common import AuditCase
from .management_common import ManagementCase


@tagged("post_install", "-at_install")
class TestAuditPackSources(AuditPackMixin, AuditCase, ManagementCase):
    """Audits, findings, held management reviews and objectives of the period in the audit pack."""

    def test_audit_programme_evidence_of_the_period_is_packed(self):
        date_from, date_to = self.pack_period()
        in_period = date_from + timedelta(days=20)
        audit = self.audit_in("fieldwork", date_start=in_period, date_end=in_period + timedelta(days=1))
        later_audit = self.make_audit(date_start=date_to + timedelta(days=10), date_end=date_to + timedelta(days=11))
        finding = self.raise_finding(audit, date=in_period)
        other_clause_finding = self.raise_finding(audit, date=in_period, clause_id=self.clause_8_5_1.id)
        review = self.make_review(
            date=in_period, period_start=date_from - timedelta(days=300), period_end=date_from - timedelta(days=1)
        )
        frozen = json.dumps({"inputs": "as held (test)"})
        workflow(review).write({"state": "held", "frozen_content": frozen, "frozen_hash": "f" * 64})
        draft_review = self.make_review(date=in_period + timedelta(days=1), title="Not held (test)")
        objective = self.make_objective(
            date_start=date_from - timedelta(days=30), date_due=date_to + timedelta(days=90)
        )
        self.measure(objective, (in_period, 91.5), (date_to + timedelta(days=40), 12.0))
        clauses = (
            self.clause_7_5 | self.env.ref("iso_records.clause_9001_9_3") | self.env.ref("iso_records.clause_9001_6_2")
        )
        pack = self.build(self.new_pack(self.iso_manager, clause_ids=[Command.set(clauses.ids)], department_ids=[]))
        archive = self.open_zip(pack)
        included = {
            "iso.audit": audit,
            "iso.audit.finding": finding,
            "iso.management.review": review,
            "iso.objective": objective,
        }
        excluded = {
            "iso.audit": later_audit,
            "iso.audit.finding": other_clause_finding,
            "iso.management.review": draft_review,
        }
        for model, record in included.items():
            self.assertIn(record.id, self.packed_ids(archive, model), model)
            self.assertEqual(len(self.export_events(record, pack)), 1, model)
        for model, record in excluded.items():
            self.assertNotIn(record.id, self.packed_ids(archive, model), model)
            self.assertFalse(self.export_events(record, pack), model)
        self.assert_manifest_matches(archive)

        review_file = next(name for name in archive.namelist() if name.endswith(f"({review.id})/frozen_content.json"))
        self.assertEqual(archive.read(review_file).decode(), frozen)
        self.assertIn("f" * 64, self.index_text(archive))
        objective_file = next(
            name
            for name in archive.namelist()
            if name.startswith("records/iso.objective/") and name.endswith(f"({objective.id})/content.json")
        )
        measurements = json.loads(archive.read(objective_file))["measurements"]
        self.assertEqual([measurement["value"] for measurement in measurements], [91.5])

    def test_reviews_stay_out_of_a_pack_without_the_review_clause(self):
        date_from, __ = self.pack_period()
        review = self.make_review(
            date=date_from + timedelta(days=5),
            period_start=date_from - timedelta(days=300),
            period_end=date_from - timedelta(days=1),
        )
        workflow(review).write({"state": "held", "frozen_content": "{}", "frozen_hash": "e" * 64})
        pack = self.build(self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_5.ids)]))
        self.assertNotIn(review.id, self.packed_ids(self.open_zip(pack), "iso.management.review"))
