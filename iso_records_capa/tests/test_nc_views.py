from datetime import date

from odoo.tests import Form, tagged

from .common import CapaCase

GROUPINGS = ("source", "product_id", "partner_id", "department_id", "priority", "date:month")


@tagged("post_install", "-at_install")
class TestNcViews(CapaCase):
    """The nonconformity views as an ISO user sees them: form with its steps, kanban by state, pivot and graph
    by source, product, supplier, department, priority and month."""

    def test_the_action_offers_list_kanban_form_pivot_and_graph(self):
        action = self.env.ref("iso_records_capa.iso_nonconformity_action")
        self.assertEqual(action.view_mode.split(","), ["list", "kanban", "form", "pivot", "graph"])
        views = self.Nonconformity.with_user(self.iso_user).get_views(
            [(False, "list"), (False, "kanban"), (False, "form"), (False, "pivot"), (False, "graph"), (False, "search")]
        )["views"]
        self.assertIn('default_group_by="state"', views["kanban"]["arch"])
        for name in (
            "group_source",
            "group_product",
            "group_partner",
            "group_department",
            "group_priority",
            "group_month",
            "overdue",
            "to_triage",
        ):
            self.assertIn(f'name="{name}"', views["search"]["arch"])

    def test_form_buttons_follow_the_state_and_the_group(self):
        user_form = self.Nonconformity.with_user(self.iso_user).get_views([(False, "form")])["views"]["form"]["arch"]
        manager_form = self.Nonconformity.with_user(self.iso_manager).get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        for button in ("action_triage", "action_reject"):
            self.assertNotIn(f'name="{button}"', user_form)
            self.assertIn(f'name="{button}"', manager_form)
        for button in ("action_start", "action_close", "action_create_capa"):
            self.assertIn(f'name="{button}"', user_form)

    def test_the_form_raises_a_nonconformity(self):
        form = Form(self.Nonconformity.with_user(self.iso_user))
        form.title = "Wrong label (test)"
        form.description = "Labels of lot 7 name the wrong torque."
        form.product_id = self.product
        form.severity = 4
        form.likelihood = 4
        self.assertEqual(form.priority, "critical")
        nonconformity = form.save()
        self.assertTrue(nonconformity.capa_required)
        self.assertNotEqual(nonconformity.name, "/")

    def test_pivot_and_graph_groupings_read_as_a_user(self):
        self.make_nc(severity=5, likelihood=5, department_id=self.quality.id)
        self.make_nc(severity=1, likelihood=1, date=date.today().replace(day=1), partner_id=False)
        Nonconformity = self.Nonconformity.with_user(self.iso_user)
        total = Nonconformity.search_count([])
        self.assertGreaterEqual(total, 2)
        for grouping in GROUPINGS:
            with self.subTest(grouping=grouping):
                groups = Nonconformity._read_group([], [grouping], ["__count", "priority_score:max"])
                self.assertEqual(sum(count for __, count, __ in groups), total)
        kanban = Nonconformity.read_group([], [], ["state"])
        self.assertIn("new", [group["state"] for group in kanban])
