from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoRetention(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Policy = cls.env["iso.retention.policy"]

    def test_bad_policies_are_refused(self):
        Policy = self.Policy.with_user(self.iso_administrator)
        for duration in (0, -1):
            with (
                self.subTest(duration=duration),
                self.assertRaisesRegex(ValidationError, "Duration: .* must be positive"),
            ):
                Policy.create({"name": "Bad", "duration": duration, "start_event": "filed"})
        with self.assertRaisesRegex(ValidationError, "Clock starts when: a retention policy needs the event"):
            Policy.create({"name": "No event", "duration": 3})
        policy = self.env.ref("iso_records.retention_policy_filed_5y").with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, "Clock starts when"):
            policy.write({"start_event": False})
        self.assertEqual(policy.start_event, "filed")

    def test_only_administrators_edit_policies(self):
        policy = self.env.ref("iso_records.retention_policy_filed_5y")
        for user in (self.iso_user, self.iso_auditor, self.iso_manager):
            with self.subTest(user=user.login):
                self.assertEqual(policy.with_user(user).duration, 5)
                with self.assertRaises(AccessError):
                    policy.with_user(user).write({"duration": 1})
        policy.with_user(self.iso_administrator).write({"duration": 6})
        self.assertEqual(policy.duration, 6)

    def test_filing_starts_the_clock(self):
        with freeze_time("2025-03-10"):
            record = self.make_record(self.iso_user, self.calibration_type, product_id=self.product.id)
            self.assertEqual(record.retention_policy_id, self.env.ref("iso_records.retention_policy_filed_5y"))
            self.assertFalse(record.retention_until)
            self.sign(record, self.iso_user, "file")
        self.assertEqual(record.retention_start_date, date(2025, 3, 10))
        self.assertEqual(record.retention_until, date(2030, 3, 10))
        events = self.env["iso.trail.event"].search([("res_id", "=", record.id), ("res_model", "=", "iso.record")])
        retention_event = events.filtered(lambda event: "retention_until" in (event.changes or ""))
        self.assertEqual(len(retention_event), 1)
        self.assertTrue(retention_event.reason.startswith("Retention clock started"))

    def test_superseding_starts_the_clock_of_the_old_revision(self):
        with freeze_time("2025-01-01"):
            first = self.approved_procedure()
        self.assertFalse(first.retention_until, "an effective procedure is kept while it is in force")
        with freeze_time("2026-06-30"):
            second = self.env["iso.record"].browse(first.with_user(self.iso_user).action_new_revision()["res_id"])
            second.with_user(self.iso_user).write({"change_reason": "Update"})
            second.with_user(self.iso_user).action_submit()
            self.sign(second.with_user(self.approver), self.approver, "approve")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.retention_until, date(2029, 6, 30))
        self.assertFalse(second.retention_until)

    def test_employee_departure_starts_the_clock_of_training_records(self):
        employee = self.employee_of[self.colleague]
        record = self.make_record(self.iso_user, self.training_type, employee_id=employee.id)
        record.action_file()
        self.assertFalse(record.retention_until, "kept while employed")
        employee.write({"departure_date": date(2026, 2, 28)})
        self.assertEqual(record.retention_start_date, date(2026, 2, 28))
        self.assertEqual(record.retention_until, date(2031, 2, 28))
        employee.write({"departure_date": date(2026, 12, 31)})
        self.assertEqual(record.retention_until, date(2031, 2, 28), "the clock starts once")

    def test_archiving_a_supplier_starts_the_clock_of_its_evaluations(self):
        evaluation_type = self.env.ref("iso_records.record_type_supplier_evaluation")
        record = self.make_record(self.iso_user, evaluation_type, partner_id=self.supplier.id)
        self.sign(record, self.iso_user, "file")
        with freeze_time("2027-05-01"):
            self.supplier.action_archive()
        self.assertEqual(record.retention_until, date(2032, 5, 1))

    def test_archiving_a_product_starts_the_clock_of_its_records(self):
        policy = self.Policy.with_user(self.iso_administrator).create(
            {"name": "Product life + 2", "duration": 2, "start_event": "product_archived"}
        )
        product = self.env["product.product"].create({"name": "Gauge to retire (test)"})
        record = self.make_record(self.iso_user, self.calibration_type, product_id=product.id)
        record.with_user(self.iso_administrator).retention_policy_id = policy
        self.sign(record, self.iso_user, "file")
        self.assertFalse(record.retention_until, "kept while the product is sold")
        with freeze_time("2027-03-15"):
            product.action_archive()
        self.assertFalse(product.product_tmpl_id.active, "its last variant archived, the product is archived")
        self.assertEqual(record.retention_start_date, date(2027, 3, 15))
        self.assertEqual(record.retention_until, date(2029, 3, 15))

    def test_retention_due_against_today(self):
        with freeze_time("2020-01-15"):
            record = self.make_record(self.iso_user, self.calibration_type)
            self.sign(record, self.iso_user, "file")
        Record = self.env["iso.record"].with_user(self.iso_auditor)
        with freeze_time("2025-01-15"):
            record.invalidate_recordset(["retention_due"])
            self.assertFalse(record.retention_due)
            self.assertNotIn(record, Record.search([("retention_due", "=", True)]))
        with freeze_time("2025-01-16"):
            record.invalidate_recordset(["retention_due"])
            self.assertTrue(record.retention_due)
            self.assertIn(record, Record.search([("retention_due", "=", True)]))

    def test_only_administrators_choose_a_records_policy(self):
        short = self.env.ref("iso_records.retention_policy_superseded_3y")
        record = self.make_record(self.iso_manager, self.calibration_type, retention_policy_id=short.id)
        self.assertEqual(record.retention_policy_id, self.calibration_type.retention_policy_id)
        with self.assertRaisesRegex(UserError, "Retention Policy: only ISO administrators"):
            record.write({"retention_policy_id": short.id})
        chosen = self.make_record(self.iso_administrator, self.calibration_type, retention_policy_id=short.id)
        self.assertEqual(chosen.retention_policy_id, short)

    def test_retention_dates_are_not_written_by_hand(self):
        record = self.make_record(self.iso_user, self.calibration_type)
        for user in (self.iso_user, self.iso_administrator):
            with (
                self.subTest(user=user.login),
                self.assertRaisesRegex(UserError, "Retention Until: set by the workflow"),
            ):
                record.with_user(user).write({"retention_until": "2099-01-01"})
        self.assertFalse(record.retention_until)
