from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.iso_records.tests.self_check_common import SelfCheckCase
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

AUDIT_CHECKS = (
    "programme_audit_overdue",
    "clause_not_audited",
    "management_review",
    "objective_unmeasured",
    "review_output_overdue",
)


@tagged("post_install", "-at_install")
class TestSelfCheckAudit(SelfCheckCase):
    """The checks of audits, management review and objectives, one known failure each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        today = fields.Date.today()
        company = {"company_id": cls.company_c.id}
        standard = env["iso.standard"].create(
            {"name": "TEST 1:2026", "code": "TEST 1", "edition_year": 2026, "title": "Self-check standard (test)"}
        )
        cls.clause_a, cls.clause_b = env["iso.clause"].create(
            [
                {"standard_id": standard.id, "number": "1", "title": "Planned (test)"},
                {"standard_id": standard.id, "number": "2", "title": "Never planned (test)"},
            ]
        )
        cls.programme = env["iso.audit.programme"].create(
            {
                **company,
                "name": "Programme (test)",
                "standard_ids": [Command.set(standard.ids)],
                "cycle_start": today - relativedelta(years=2),
                "cycle_years": 3,
                "line_ids": [
                    Command.create(
                        {"process": "Operations", "frequency_months": 12, "clause_ids": [Command.set(cls.clause_a.ids)]}
                    )
                ],
            }
        )
        workflow(cls.programme).write({"state": "active"})
        cls.programme_line = cls.programme.line_ids

        Review = env["iso.management.review"]
        review_values = {**company, "chair_id": cls.manager_c.id, "standard_ids": [Command.set(standard.ids)]}
        cls.old_review = Review.create(
            {
                **review_values,
                "date": today - relativedelta(months=6),
                "period_start": today - relativedelta(months=18),
                "period_end": today - relativedelta(months=6),
                "output_ids": [
                    Command.create(
                        {
                            "description": "Second supplier (test)",
                            "user_id": cls.manager_c.id,
                            "date_deadline": today - timedelta(days=5),
                        }
                    )
                ],
            }
        )
        cls.last_review = Review.create(
            {
                **review_values,
                "date": today - relativedelta(months=1),
                "period_start": today - relativedelta(months=6),
                "period_end": today - relativedelta(months=4),
            }
        )
        workflow(cls.old_review | cls.last_review).write({"state": "held"})
        cls.late_output = cls.old_review.output_ids
        cls.objective = env["iso.objective"].create(
            {
                **company,
                "title": "On-time delivery (test)",
                "measure": "Share of orders on time",
                "target": 95.0,
                "frequency": "monthly",
                "date_start": today - relativedelta(months=6),
                "date_due": today + relativedelta(months=6),
            }
        )
        workflow(cls.objective).write({"state": "active"})

    def test_each_check_fails_once_and_passes_once_fixed(self):
        run = self.run_checks()
        self.assert_fails_once(run, "programme_audit_overdue", self.programme_line)
        coverage = self.env["iso.audit.clause.coverage"].search(
            [("programme_id", "=", self.programme.id), ("clause_id", "=", self.clause_b.id)]
        )
        self.assert_fails_once(run, "clause_not_audited", coverage)
        self.assert_fails_once(run, "management_review", self.last_review)
        self.assert_fails_once(run, "objective_unmeasured", self.objective)
        self.assert_fails_once(run, "review_output_overdue", self.late_output)
        self.assertEqual(self.line(run, "clause_not_audited").clause, "ISO 9001 9.2.2")

        today = fields.Date.today()
        workflow(self.programme_line).write({"frequency_months": 36, "clause_ids": [Command.link(self.clause_b.id)]})
        workflow(self.last_review.output_ids).create(
            {"review_id": self.last_review.id, "description": "Keep going (test)", "user_id": self.manager_c.id}
        )
        workflow(self.late_output).write({"date_done": today})
        for months in (1, 2):
            self.env["iso.objective.measurement"].create(
                {"objective_id": self.objective.id, "period_start": today - relativedelta(months=months), "value": 97.0}
            )
        fixed = self.run_checks()
        for key in AUDIT_CHECKS:
            self.assert_passes(fixed, key)

    def test_no_review_held_in_twelve_months_fails_without_items(self):
        reviews = self.old_review | self.last_review
        # Their meeting dates are signed and never change: moved back in SQL, as if they had been held then.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE iso_management_review SET date = %s WHERE id = ANY(%s)",
            [fields.Date.today() - relativedelta(months=13), reviews.ids],
        )
        reviews.invalidate_recordset(["date"])
        line = self.line(self.run_checks(), "management_review")
        self.assertEqual((line.passed, line.item_count), (False, 1))
        self.assertEqual(self.items(line), reviews, "it opens the reviews held before")
