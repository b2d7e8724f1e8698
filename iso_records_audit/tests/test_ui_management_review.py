from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import AuditCase
from .management_common import ManagementCase

STATEMENT = "Tour: kept outside the system, reviewed on paper with the team."
DECISION = "Tour: change the packing of desk tops."


@tagged("post_install", "-at_install")
class TestManagementReviewTour(ManagementCase, AuditCase, HttpCase):
    def test_manager_collects_reviews_decides_holds_and_prints_the_minutes(self):
        today = fields.Date.today()
        # The review of the twelve months up to the end of this month, chaired by the ISO manager.
        review = self.make_review(
            title="Tour review: this year",
            date=today,
            period_start=today - relativedelta(months=11, day=1),
            period_end=today + relativedelta(day=31),
        )
        # In the period: an audit with a major and a minor finding, and an objective off track the last two months.
        audit = self.audit_in(
            "reporting", date_start=today - relativedelta(days=20), date_end=today - relativedelta(days=19)
        )
        self.raise_finding(audit, grade="major", evidence="No traceability label on the batch of 3 May (tour).")
        self.raise_finding(audit, grade="minor")
        objective = self.make_objective(
            title="Tour objective: damaged deliveries",
            measure="Complaints about damaged deliveries",
            direction="at_most",
            target=3.0,
            unit="complaints",
            date_start=review.period_start,
            date_due=review.period_end,
        )
        self.measure(
            objective,
            *((today - relativedelta(months=months, day=1), value) for months, value in ((3, 2.0), (2, 5.0), (1, 6.0))),
        )
        self.assertEqual(objective.status, "off_track")
        # Prepared earlier: the inputs were collected once and every input without data but one has its statement;
        # the review went back to draft (collecting again keeps the statements).
        chair = review.with_user(self.chair)
        chair.action_collect_inputs()
        missing = review.input_ids.filtered("is_missing").sorted("sequence")
        self.assertTrue(missing, "the tour needs an input without data")
        left_missing = missing[0]
        for line in missing[1:]:
            line.with_user(self.chair).comment = f"No {line.name.lower()} in the period (prepared)."
        left_section = left_missing.section
        chair.action_reset_to_draft()
        self.assertEqual(review.state, "draft")
        self.assertFalse(self.chair.has_group("base.group_system"))
        self.assertTrue(self.chair.has_group("iso_records.group_iso_manager"))

        self.start_tour("/odoo", "iso_records_audit_management_review_tour", login=self.chair.login)

        review.invalidate_recordset()
        self.assertEqual(review.state, "held")
        self.assertEqual(review.held_by_id, self.chair)
        statement = review.input_ids.filtered(lambda line: line.section == left_section)
        self.assertEqual(statement.comment, STATEMENT)
        self.assertFalse(review.input_ids.filtered("is_missing"))
        # The audit results and the objectives were collected from the data the tour saw.
        results = review.input_ids.filtered(lambda line: line.section == "audit_results")
        self.assertGreaterEqual(dict(results.figures)["Major nonconformity"], 1)
        objectives = review.input_ids.filtered(lambda line: line.section == "objectives")
        self.assertGreaterEqual(dict(objectives.figures)["Off track"], 1)
        # The decision, with its owner and deadline.
        output = review.output_ids
        self.assertEqual(len(output), 1)
        self.assertEqual(output.description, DECISION)
        self.assertEqual(output.user_id, self.production_manager)
        self.assertEqual(output.date_deadline, today + relativedelta(months=2))
        # Signed by the chair; the minutes print from the frozen content, which names the statement.
        signature = review.signature_ids
        self.assertEqual((len(signature), signature.operation, signature.signer_id), (1, "hold", self.chair))
        self.assertRegex(review.frozen_hash, r"^[0-9a-f]{64}$")
        self.assertIn(STATEMENT, review.frozen_content)
        self.assertIn(objective.display_name, review.frozen_content)
