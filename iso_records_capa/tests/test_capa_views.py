from lxml import etree

from odoo.tests import tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestCapaViews(CapaCase):
    """The CAPA's views as an ISO user: the steps as header buttons, kanban by state, pivot and graph."""

    def test_the_views_and_their_buttons(self):
        Capa = self.Capa.with_user(self.iso_user)
        views = Capa.get_views([(False, kind) for kind in ("list", "kanban", "form", "pivot", "graph", "search")])
        form = etree.fromstring(views["views"]["form"]["arch"])
        buttons = {button.get("name"): button.get("invisible") for button in form.iter("button")}
        for name, shown_in in (
            ("action_start_analysis", "state != 'draft'"),
            ("action_start_actions", "state != 'analysis'"),
            ("action_open_effectiveness", "state != 'verification' or not iso_may_verify"),
            ("action_print_8d", "not id"),
        ):
            with self.subTest(button=name):
                self.assertEqual(buttons.get(name), shown_in)
        self.assertIn("',close,' not in (iso_signable_by_me or '')", buttons["action_open_close"])
        kanban = etree.fromstring(views["views"]["kanban"]["arch"])
        self.assertEqual(kanban.get("default_group_by"), "state")
        self.assertTrue(views["views"]["pivot"]["arch"])
        self.assertTrue(views["views"]["graph"]["arch"])
        action = self.env.ref("iso_records_capa.iso_capa_action_window")
        self.assertEqual(action.view_mode.split(","), ["list", "kanban", "form", "pivot", "graph"])

    def test_grouped_by_state_for_the_kanban(self):
        capas = self.capa_acting() | self.make_capa(self.make_nc())
        groups = self.Capa.with_user(self.iso_manager).read_group([("id", "in", capas.ids)], ["state"], ["state"])
        counts = {group["state"]: group["state_count"] for group in groups}
        self.assertEqual((counts.get("draft"), counts.get("action")), (1, 1))

    def test_the_record_effectiveness_button_is_the_verifiers(self):
        capa = self.finish_capa_actions(self.capa_acting())
        self.assertTrue(capa.with_user(self.verifier).iso_may_verify)
        for user in (self.iso_manager, self.iso_user, self.iso_administrator):
            with self.subTest(user=user.login):
                self.assertFalse(capa.with_user(user).iso_may_verify)
        capa.with_user(self.verifier).action_record_effectiveness("effective", "Fine.")
        self.assertFalse(capa.with_user(self.verifier).iso_may_verify)
