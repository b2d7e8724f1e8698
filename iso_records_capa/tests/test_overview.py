from datetime import timedelta

from odoo import fields
from odoo.addons.iso_records.tests.overview_common import OverviewChecks
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .common import CapaCase

SYSTEM_KEYS = (
    "capa_actions_open",
    "capa_actions_overdue",
    "effectiveness_checks_due",
    "nonconformities_open",
    "nonconformities_overdue",
    "supplier_requests_overdue",
)
MINE_KEYS = ("my_capa_actions_open", "my_capa_actions_overdue", "my_effectiveness_checks_due")


@tagged("post_install", "-at_install")
class TestCapaOverview(OverviewChecks, CapaCase):
    """The CAPA addon's tiles count what the lists they open show, for each role, and the seeded figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Overview = cls.env["iso.overview"]
        cls.roles = {
            "iso_user": cls.iso_user,
            "iso_manager": cls.iso_manager,
            "iso_auditor": cls.iso_auditor,
            "iso_administrator": cls.iso_administrator,
            "verifier": cls.verifier,
            "user_b": cls.user_b,
        }
        cls.today = fields.Date.context_today(cls.Overview)
        cls.baseline = {key: cls.counts_of(cls.iso_administrator)[key] for key in SYSTEM_KEYS}
        cls.baseline_sources = cls.nonconformities_this_month(cls.iso_administrator)
        cls.seed(1, "A")
        # Confidential, of a colleague in Production: the Quality manager does not read it.
        cls.confidential = cls.make_nc(
            user=cls.colleague,
            title="Confidential NC (test)",
            confidentiality="confidential",
            department_id=cls.production.id,
        )
        cls.nonconformity_b = cls.make_nc(
            user=cls.user_b,
            title="Company B NC (test)",
            company_id=cls.company_b.id,
            product_id=cls.product_b.id,
            partner_id=cls.supplier_b.id,
        )
        # A CAPA closed today, opened ten days ago.
        cls.closed_capa = cls.make_capa(title="Closed CAPA (test)")
        workflow(cls.closed_capa.sudo()).write({"state": "closed", "closed_date": cls.today})
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE iso_capa SET create_date = create_date - interval '10 days' WHERE id = %s", [cls.closed_capa.id]
        )
        cls.env.invalidate_all()

    @classmethod
    def seed(cls, count, tag):
        """``count`` items for every tile of the addon; the expected figures follow from them."""
        past = cls.today - timedelta(days=3)
        acting = cls.capa_acting(owners=[cls.iso_user])  # one open action, not late, and its nonconformity
        for index in range(count):
            cls.add_capa_action(acting, owner=cls.iso_user, description=f"Late {tag}{index}", date_deadline=past)
        for _index in range(count):  # due today: the effectiveness check falls due the day the actions are done
            cls.finish_capa_actions(cls.capa_acting(owners=[cls.iso_user], effectiveness_days=0))
        overdue = cls.Nonconformity
        for index in range(count):
            overdue |= cls.make_nc(title=f"Overdue NC {tag}{index} (test)")
        overdue.sudo().write({"closure_deadline": past})
        requests = cls.SupplierRequest
        for index in range(count):
            requests |= cls.make_supplier_request(title=f"Late request {tag}{index} (test)")
        cls.force_state(requests, "sent")
        requests.sudo().write({"deadline": past})
        cls.env.flush_all()

    @classmethod
    def chart_of(cls, user, key):
        return next(chart for chart in cls.Overview.with_user(user).get_overview()["charts"] if chart["key"] == key)

    @classmethod
    def nonconformities_this_month(cls, user):
        chart = cls.chart_of(user, "nonconformities_by_source")
        return {serie["key"]: serie["values"][-1] for serie in chart["series"]}

    def test_each_tile_counts_the_list_it_opens_for_each_role(self):
        self.assert_tiles_count_their_lists(self.roles)

    def test_seeded_figures(self):
        system = self.counts_of(self.iso_administrator)
        # The acting CAPA's NC, the finished CAPA's and the overdue one; the confidential NC of the colleague.
        expected = {
            "capa_actions_open": 2,
            "capa_actions_overdue": 1,
            "effectiveness_checks_due": 1,
            "nonconformities_open": 4,
            "nonconformities_overdue": 1,
            "supplier_requests_overdue": 1,
        }
        for key, added in expected.items():
            with self.subTest(tile=key):
                self.assertEqual(system[key], self.baseline[key] + added)
        mine = self.counts_of(self.iso_user)
        self.assertEqual((mine["my_capa_actions_open"], mine["my_capa_actions_overdue"]), (2, 1))
        self.assertEqual(mine["my_effectiveness_checks_due"], 0)
        self.assertFalse(set(SYSTEM_KEYS) & set(mine), "employees see their own work only")
        self.assertEqual(self.counts_of(self.verifier)["my_effectiveness_checks_due"], 1)

    def test_confidential_and_other_company_records_are_not_counted(self):
        manager_list = self.opened(self.iso_manager, "nonconformities_open")
        self.assertNotIn(self.confidential, manager_list)
        self.assertEqual(self.counts_of(self.iso_manager)["nonconformities_open"], len(manager_list))
        administrator_list = self.opened(self.iso_administrator, "nonconformities_open")
        self.assertIn(self.confidential, administrator_list)
        self.assertNotIn(self.nonconformity_b, administrator_list)
        counts_b = self.counts_of(self.user_b)
        self.assertEqual({key: counts_b[key] for key in MINE_KEYS}, dict.fromkeys(MINE_KEYS, 0))

    def test_charts(self):
        by_source = self.chart_of(self.iso_administrator, "nonconformities_by_source")
        self.assertEqual((by_source["kind"], len(by_source["labels"])), ("stacked_bar", 12))
        this_month = self.nonconformities_this_month(self.iso_administrator)
        # Five supplier NCs detected today (one confidential); company B's is not counted.
        self.assertEqual(this_month["supplier"], self.baseline_sources["supplier"] + 4)
        nonconformities = self.env["iso.nonconformity"].with_user(self.iso_administrator)
        for source, value in this_month.items():
            with self.subTest(source=source):
                expected = nonconformities.search_count(
                    [("source", "=", source), ("date", ">=", self.today.replace(day=1))]
                )
                self.assertEqual(value, expected)
        cycle = self.chart_of(self.iso_administrator, "capa_cycle_time")
        closed = (
            self.env["iso.capa"]
            .with_user(self.iso_administrator)
            .search([("state", "=", "closed"), ("closed_date", ">=", self.today.replace(day=1))])
        )
        self.assertIn(self.closed_capa, closed)
        mean = sum((capa.closed_date - capa.create_date.date()).days for capa in closed) / len(closed)
        self.assertEqual(cycle["series"][0]["values"][-1], round(mean, 1))
        self.assertGreater(cycle["series"][0]["values"][-1], 0)
        self.assertFalse(self.Overview.with_user(self.iso_user).get_overview()["charts"])

    def test_queries_do_not_grow_with_the_items(self):
        self.assert_queries_constant(self.iso_administrator, lambda: self.seed(19, "B"))
        system = self.counts_of(self.iso_administrator)
        self.assertEqual(system["capa_actions_overdue"], self.baseline["capa_actions_overdue"] + 20)
        self.assertEqual(system["supplier_requests_overdue"], self.baseline["supplier_requests_overdue"] + 20)
        self.assertEqual(self.counts_of(self.verifier)["my_effectiveness_checks_due"], 20)
