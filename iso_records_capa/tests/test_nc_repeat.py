from datetime import date, timedelta

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import CapaCase

TODAY = date(2026, 6, 10)
# Statements of _iso_mark_repeats, for one nonconformity as for many: the detection that writes what it found.
MARK_REPEATS_QUERIES = 1


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestNcRepeat(CapaCase):
    """Earlier nonconformities of the company on the same product, supplier, clause or root-cause category within
    the window (Settings) make a new one a repeat; the Nth occurrence requires a CAPA; one statement for a batch."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_product = cls.env["product.product"].create({"name": "Other product (test)"})
        cls.clause_7_2 = cls.env.ref("iso_records.clause_9001_7_2")

    def unrelated(self, **values):
        """A nonconformity sharing nothing with make_nc's: another product, no supplier, another clause."""
        return self.make_nc(product_id=self.other_product.id, partner_id=False, clause_id=self.clause_7_2.id, **values)

    def test_a_nonconformity_on_the_same_product_is_a_repeat_naming_the_latest(self):
        first = self.make_nc(date=TODAY - timedelta(days=40), severity=1, likelihood=1)
        second = self.make_nc(date=TODAY - timedelta(days=10), severity=1, likelihood=1)
        self.assertFalse(first.is_repeat)
        self.assertEqual(second.repeat_of_id, first)
        third = self.make_nc(severity=1, likelihood=1)
        self.assertTrue(third.is_repeat)
        self.assertEqual(third.repeat_ids, first | second)
        self.assertEqual(third.repeat_of_id, second)
        self.assertEqual(third.repeat_count, 2)

    def test_each_key_alone_makes_a_repeat(self):
        base = self.unrelated(date=TODAY - timedelta(days=5), cause_category="machine")
        for name, value in (
            ("product_id", self.other_product.id),
            ("partner_id", self.supplier.id),
            ("clause_id", self.clause_7_2.id),
            ("cause_category", "machine"),
        ):
            with self.subTest(key=name):
                values = {
                    "product_id": self.product.id,
                    "partner_id": False,
                    "clause_id": self.clause_8_4.id,
                    name: value,
                }
                if name == "partner_id":
                    workflow(base.sudo()).write({"partner_id": self.supplier.id})
                later = self.make_nc(**values)
                self.assertIn(base, later.repeat_ids)
        self.assertFalse(
            self.make_nc(product_id=self.product.id, partner_id=False, clause_id=self.clause_8_4.id).repeat_ids & base
        )

    def test_window_company_and_rejected_nonconformities_do_not_count(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.nc_repeat_window_days", 30)
        self.make_nc(date=TODAY - timedelta(days=31))
        rejected = self.make_nc(date=TODAY - timedelta(days=3))
        rejected.with_user(self.iso_manager).action_reject("Not a nonconformity: the housings were samples.")
        later_in_b = self.Nonconformity.create(
            {
                "title": "B scratches (test)",
                "description": "Same product name, other company.",
                "company_id": self.company_b.id,
                "product_id": self.product.id,
                "date": TODAY - timedelta(days=1),
            }
        )
        nonconformity = self.make_nc()
        self.assertFalse(nonconformity.is_repeat)
        self.assertFalse(later_in_b.is_repeat)
        self.assertFalse(rejected.repeat_ids)
        within = self.make_nc(date=TODAY - timedelta(days=30))
        nonconformity.invalidate_recordset()
        # The back-dated one makes the later one a repeat of it.
        self.assertEqual(nonconformity.repeat_ids, within)

    def test_the_nth_occurrence_requires_a_capa(self):
        low = {"severity": 1, "likelihood": 2}
        first, second = self.make_nc(**low), self.make_nc(**low)
        self.assertFalse(first.capa_required or second.capa_required)
        third = self.make_nc(**low)
        self.assertEqual(third.repeat_count, 2)
        self.assertTrue(third.capa_required, "the third occurrence (Settings: 3) requires a CAPA")
        self.env["ir.config_parameter"].sudo().set_param("iso_records.nc_repeat_capa_count", 2)
        fourth = self.unrelated(**low)
        self.assertFalse(fourth.capa_required)
        fifth = self.unrelated(**low)
        self.assertTrue(fifth.capa_required, "with Settings at 2 the second occurrence requires one")
        self.env["ir.config_parameter"].sudo().set_param("iso_records.nc_repeat_capa_count", 0)
        self.assertFalse(self.make_nc(**low).capa_required, "0 switches the repeat rule off")

    def test_changing_a_key_decides_the_repeats_again(self):
        earlier = self.make_nc(date=TODAY - timedelta(days=2))
        later = self.make_nc()
        self.assertEqual(later.repeat_of_id, earlier)
        # The earlier one moves to another product, supplier and clause: the later one no longer repeats it.
        earlier.with_user(self.iso_user).write(
            {"product_id": self.other_product.id, "partner_id": False, "clause_id": self.clause_7_2.id}
        )
        later.invalidate_recordset()
        self.assertFalse(later.is_repeat)
        self.assertEqual(later.repeat_count, 0)
        # Its root-cause category, found later, matches the later one's: a repeat again.
        later.with_user(self.iso_user).write({"cause_category": "method"})
        earlier.with_user(self.iso_user).write({"cause_category": "method"})
        later.invalidate_recordset()
        self.assertEqual(later.repeat_of_id, earlier)
        # Rejecting the earlier one takes it out.
        earlier.with_user(self.iso_manager).action_reject("Duplicate of another report.")
        later.invalidate_recordset()
        self.assertFalse(later.repeat_ids)

    def test_repeats_are_never_written_by_a_client(self):
        earlier = self.make_nc(date=TODAY - timedelta(days=2))
        nonconformity = self.unrelated()
        for values in ({"repeat_of_id": earlier.id}, {"repeat_count": 4}, {"repeat_ids": [(6, 0, earlier.ids)]}):
            with self.subTest(values=values):
                with self.assertRaisesRegex(UserError, "set by the workflow"):
                    nonconformity.with_user(self.iso_manager).write(values)
                with self.assertRaisesRegex(UserError, "set by the workflow"):
                    self.make_nc(user=self.iso_manager, **values)

    def test_detection_runs_one_statement_for_one_as_for_many(self):
        for day in range(1, 30):
            self.make_nc(date=TODAY - timedelta(days=day))
        one = self.make_nc()
        many = self.Nonconformity.with_user(self.iso_user).create(
            [
                {
                    "title": f"Batch {index} (test)",
                    "description": "Found at goods receipt.",
                    "product_id": self.product.id if index % 2 else self.other_product.id,
                    "date": TODAY,
                }
                for index in range(40)
            ]
        )
        self.env.flush_all()
        for records in (one, many):
            with self.subTest(count=len(records)):
                before = self.env.cr.sql_log_count
                records._iso_mark_repeats()
                self.assertEqual(self.env.cr.sql_log_count - before, MARK_REPEATS_QUERIES)
        # The batch found its own earlier members as well as the 29 earlier ones on the product.
        self.assertEqual(many[1].repeat_count, 29 + 1)  # the 29 and `one` (same product)
        self.assertEqual(many[3].repeat_count, 30 + 1)  # and many[1]
        self.assertEqual(many[2].repeat_count, 1)  # many[0], same other product
        self.assertTrue(all(many[1:].mapped("is_repeat")))
        self.assertFalse(many[0].is_repeat)

    def test_creating_one_costs_the_same_queries_whatever_the_earlier_ones(self):
        fresh = self.env["product.product"].create({"name": "Fresh product (test)"})
        values = {"product_id": fresh.id, "partner_id": False, "clause_id": False}

        def create_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            nonconformity = self.make_nc(**values)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, nonconformity

        create_queries()  # warm-up: caches and sequences
        self.Nonconformity.search([("product_id", "=", fresh.id)]).with_user(self.iso_manager).action_reject("Warm-up.")
        alone, first = create_queries()
        self.assertEqual(first.repeat_count, 0)
        for day in range(1, 21):
            self.make_nc(date=TODAY - timedelta(days=day), **values)
        after_twenty, later = create_queries()
        self.assertEqual(later.repeat_count, 21)
        self.assertEqual(after_twenty, alone)
