from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.addons.iso_records.tests.overview_common import OverviewChecks
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .common import AuditCase
from .management_common import ManagementCase

SYSTEM_KEYS = ("audits_coming", "findings_open", "findings_overdue", "objectives_off_track", "review_outputs_overdue")


@tagged("post_install", "-at_install")
class TestAuditOverview(OverviewChecks, AuditCase, ManagementCase):
    """The audit addon's tiles count what the lists they open show, for each role, and the seeded figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Overview = env["iso.overview"]
        cls.roles = {
            "iso_user": cls.iso_user,
            "iso_manager": cls.iso_manager,
            "iso_auditor": cls.iso_auditor,
            "iso_administrator": cls.iso_administrator,
            "lead_auditor": cls.lead_auditor,
            "user_b": cls.user_b,
        }
        cls.today = fields.Date.context_today(cls.Overview)
        cls.baseline = {key: cls.counts_of(cls.iso_administrator)[key] for key in SYSTEM_KEYS}
        # Held on a period before the objectives' measurements, which it would freeze otherwise.
        cls.review = cls.make_review(
            date=cls.today - timedelta(days=10),
            period_start=cls.today - relativedelta(years=2),
            period_end=cls.today - relativedelta(months=6),
        )
        workflow(cls.review).write({"state": "held"})
        cls.seed(1, "A")
        # Confidential, of a colleague in Production: the Quality manager does not read it.
        cls.confidential = cls.off_track_objective(
            title="Confidential objective (test)",
            confidentiality="confidential",
            owner_id=cls.employee_of[cls.colleague].id,
            department_id=cls.production.id,
        )
        employee_b = env["hr.employee"].create(
            {"name": "Employee B", "user_id": cls.user_b.id, "company_id": cls.company_b.id}
        )
        cls.objective_b = cls.off_track_objective(
            title="Company B objective (test)", company_id=cls.company_b.id, owner_id=employee_b.id
        )

    @classmethod
    def off_track_objective(cls, **values):
        """An active objective that missed its target the last two months, without improving."""
        objective = cls.make_objective(
            date_start=cls.today - relativedelta(years=1), date_due=cls.today + relativedelta(years=1), **values
        )
        month = cls.today.replace(day=1)
        cls.measure(objective, (month - relativedelta(months=2), 80.0), (month - relativedelta(months=1), 80.0))
        return objective

    @classmethod
    def seed(cls, count, tag):
        """``count`` items for every tile of the addon; ``expected`` follows from them."""
        audits = cls.Audit
        for index in range(count):
            audits |= cls.make_audit(title=f"Coming audit {tag}{index} (test)")
        fieldwork = cls.audit_in("fieldwork", title=f"Audit in fieldwork {tag} (test)")
        for index in range(count):
            cls.raise_finding(
                fieldwork,
                evidence=f"Station {tag}{index} used an old revision.",
                owner_id=cls.employee_of[cls.iso_user].id,
                due_date=cls.today - timedelta(days=3),
            )
        for index in range(count):
            cls.off_track_objective(title=f"Off track {tag}{index} (test)")
        cls.env["iso.management.review.output"].create(
            [
                {
                    "review_id": cls.review.id,
                    "description": f"Decision {tag}{index}",
                    "user_id": cls.iso_user.id,
                    "date_deadline": cls.today - timedelta(days=2),
                }
                for index in range(count)
            ]
        )
        cls.env.flush_all()
        return audits | fieldwork

    def test_each_tile_counts_the_list_it_opens_for_each_role(self):
        self.assert_tiles_count_their_lists(self.roles)

    def test_seeded_figures(self):
        system = self.counts_of(self.iso_administrator)
        # One planned audit and the one in fieldwork; the administrator reads the confidential objective too.
        expected = {"audits_coming": 2, "findings_open": 1, "findings_overdue": 1, "objectives_off_track": 2}
        expected["review_outputs_overdue"] = 1
        for key, added in expected.items():
            with self.subTest(tile=key):
                self.assertEqual(system[key], self.baseline[key] + added)
        self.assertEqual(self.counts_of(self.lead_auditor)["my_audits_coming"], 2)
        mine = self.counts_of(self.iso_user)
        self.assertEqual((mine["my_findings_open"], mine["my_review_outputs_open"]), (1, 1))
        self.assertEqual(mine["my_audits_coming"], 0, "not an auditor")
        self.assertFalse(set(SYSTEM_KEYS) & set(mine), "employees see their own work only")
        for role in ("iso_manager", "iso_auditor"):
            with self.subTest(role=role):
                self.assertTrue(set(SYSTEM_KEYS) <= set(self.counts_of(self.roles[role])))

    def test_confidential_and_other_company_records_are_not_counted(self):
        manager_list = self.opened(self.iso_manager, "objectives_off_track")
        self.assertNotIn(self.confidential, manager_list)
        self.assertEqual(self.counts_of(self.iso_manager)["objectives_off_track"], len(manager_list))
        administrator_list = self.opened(self.iso_administrator, "objectives_off_track")
        self.assertIn(self.confidential, administrator_list)
        self.assertNotIn(self.objective_b, administrator_list)
        counts_b = self.counts_of(self.user_b)
        self.assertEqual(
            {key: counts_b[key] for key in ("my_audits_coming", "my_findings_open", "my_review_outputs_open")},
            {"my_audits_coming": 0, "my_findings_open": 0, "my_review_outputs_open": 0},
        )

    def test_objectives_status_chart(self):
        def chart_of(user):
            charts = self.Overview.with_user(user).get_overview()["charts"]
            return next(chart for chart in charts if chart["key"] == "objectives_status")

        chart = chart_of(self.iso_administrator)
        self.assertEqual(chart["kind"], "bar")
        objectives = self.env["iso.objective"].with_user(self.iso_administrator)
        statuses = [status for status, __ in objectives._fields["status"].selection]
        for status, value in zip(statuses, chart["series"][0]["values"], strict=True):
            with self.subTest(status=status):
                self.assertEqual(value, objectives.search_count([("state", "=", "active"), ("status", "=", status)]))
        off_track = chart["series"][0]["values"][statuses.index("off_track")]
        self.assertEqual(off_track, self.baseline["objectives_off_track"] + 2)
        self.assertEqual(chart_of(self.iso_manager)["series"][0]["values"][statuses.index("off_track")], off_track - 1)
        self.assertNotIn(
            "objectives_status", [c["key"] for c in self.Overview.with_user(self.iso_user).get_overview()["charts"]]
        )

    def test_queries_do_not_grow_with_the_items(self):
        self.assert_queries_constant(self.iso_administrator, lambda: self.seed(19, "B"))
        system = self.counts_of(self.iso_administrator)
        self.assertEqual(system["findings_overdue"], self.baseline["findings_overdue"] + 20)
        self.assertEqual(system["review_outputs_overdue"], self.baseline["review_outputs_overdue"] + 20)
        self.assertEqual(self.counts_of(self.lead_auditor)["my_audits_coming"], 2 + 19 + 1)
