from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import IsoRecordCase, hold_items


@tagged("post_install", "-at_install")
class TestIsoLegalHold(IsoRecordCase):
    def filed(self, **values):
        record = self.make_record(self.iso_user, self.calibration_type, **values)
        self.sign(record, self.iso_user, "file")
        return record

    def trail_types(self, record):
        return (
            self.env["iso.trail.event"]
            .search([("res_model", "=", "iso.record"), ("res_id", "=", record.id)], order="sequence")
            .mapped("event_type")
        )

    def test_hold_chosen_records_and_release_with_reason(self):
        held, free = self.filed(), self.filed()
        Hold = self.env["iso.legal.hold"].with_user(self.iso_administrator)
        hold = Hold.create({"name": "Claim 2026-14", "scope": "records", "item_ids": hold_items(held)})
        self.assertEqual(hold.placed_by_id, self.iso_administrator)
        self.assertEqual(hold.held_count, 1)
        Record = self.env["iso.record"].with_user(self.iso_auditor)
        self.assertIn(held, Record.search([("on_hold", "=", True)]))
        self.assertNotIn(free, Record.search([("on_hold", "=", True)]))
        self.assertTrue(held.with_user(self.iso_auditor).on_hold)
        self.assertIn("hold_placed", self.trail_types(held))

        with self.assertRaisesRegex(UserError, "Release Reason: releasing a legal hold needs a reason"):
            hold.action_release("  ")
        self.assertEqual(hold.state, "active")
        wizard = Form(
            self.env["iso.legal.hold.release.wizard"]
            .with_user(self.iso_administrator)
            .with_context(default_hold_id=hold.id)
        )
        wizard.reason = "Claim settled"
        wizard.save().action_release()
        self.assertEqual(
            (hold.state, hold.released_by_id, hold.release_reason),
            ("released", self.iso_administrator, "Claim settled"),
        )
        held.invalidate_recordset(["on_hold"])
        self.assertFalse(held.on_hold)
        self.assertEqual(self.trail_types(held)[-1], "hold_released")
        with self.assertRaisesRegex(UserError, "released legal hold is kept as it was"):
            hold.write({"name": "Reopened"})

    def test_filter_holds(self):
        other_product = self.env["product.product"].create({"name": "Other product (test)"})
        matching = self.filed(product_id=self.product.id, effective_date=date(2025, 6, 1))
        too_early = self.filed(product_id=self.product.id, effective_date=date(2024, 1, 1))
        other = self.filed(product_id=other_product.id, effective_date=date(2025, 6, 1))
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.iso_administrator)
            .create(
                {
                    "name": "Recall of torque wrenches",
                    "scope": "filter",
                    "product_id": self.product.id,
                    "record_type_ids": [(6, 0, self.calibration_type.ids)],
                    "date_from": date(2025, 1, 1),
                }
            )
        )
        held = self.env["iso.record"].search([("on_hold", "=", True)])
        self.assertIn(matching, held)
        self.assertNotIn(too_early, held)
        self.assertNotIn(other, held)
        self.assertEqual(hold.held_count, 1)

    def test_bad_holds(self):
        Hold = self.env["iso.legal.hold"].with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, "Records: choose the records"):
            Hold.create({"name": "Empty", "scope": "records"})
        with self.assertRaisesRegex(ValidationError, "a filter hold needs at least one criterion"):
            Hold.create({"name": "Everything", "scope": "filter"})
        with self.assertRaisesRegex(ValidationError, "Date To: .* is before Date From"):
            Hold.create(
                {"name": "Backwards", "scope": "filter", "date_from": date(2025, 2, 1), "date_to": date(2025, 1, 1)}
            )

    def test_only_administrators_place_or_release_holds(self):
        record = self.filed()
        for user in (self.iso_user, self.iso_manager, self.iso_auditor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["iso.legal.hold"].with_user(user).create(
                    {"name": "Not mine", "scope": "records", "item_ids": hold_items(record)}
                )
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.iso_administrator)
            .create({"name": "Audit", "scope": "records", "item_ids": hold_items(record)})
        )
        with self.assertRaises(AccessError):
            hold.with_user(self.iso_manager).action_release("Not allowed")
        with self.assertRaisesRegex(UserError, "released with the Release button and a reason"):
            hold.write({"state": "released"})
        with self.assertRaisesRegex(UserError, "never deleted"):
            hold.sudo().unlink()
        self.assertEqual(hold.state, "active")
