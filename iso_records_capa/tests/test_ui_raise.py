from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestRaiseTour(CapaCase, HttpCase):
    def test_manager_raises_from_a_product_and_plans_the_capa(self):
        template = self.env["product.template"].create({"name": "Tour Housing"})
        manager = self.iso_manager
        self.assertFalse(manager.has_group("base.group_system"))
        self.assertFalse(manager.has_group("iso_records.group_iso_administrator"))

        self.start_tour(f"/odoo/product.template/{template.id}", "iso_records_capa_raise_tour", login=manager.login)

        nonconformity = self.Nonconformity.search([("product_tmpl_id", "=", template.id)])
        self.assertEqual(len(nonconformity), 1)
        self.assertEqual(nonconformity.product_id, template.product_variant_id)
        self.assertEqual((nonconformity.title, nonconformity.source), ("Scratched housings at reception", "product"))
        self.assertEqual(nonconformity.quantity_affected, 12)
        self.assertEqual(nonconformity.create_uid, manager)
        self.assertEqual(nonconformity.owner_id, self.employee_of[manager])
        self.assertEqual(template.with_user(manager).nonconformity_count, 1)

        capa = nonconformity.capa_ids
        self.assertEqual(len(capa), 1)
        self.assertEqual(capa.create_uid, manager)
        self.assertEqual(
            capa.why_ids.sorted("sequence").mapped("answer"),
            [
                "They rub against each other in the box.",
                "The supplier packs them without separators.",
                "Our purchase specification does not require them.",
            ],
        )
        self.assertEqual(
            sorted(capa.cause_ids.mapped(lambda cause: (cause.category, cause.cause))),
            [("material", "Packaging without separators"), ("method", "Purchase specification silent on packaging")],
        )
        self.assertIn("does not require separators", capa.root_cause)
        today = fields.Date.context_today(capa)
        self.assertEqual(
            {action.user_id: action.date_deadline for action in capa.action_ids},
            {self.approver: today + timedelta(days=14), self.production_manager: today + timedelta(days=30)},
        )
        self.assertEqual(len(capa.action_ids), 2)
