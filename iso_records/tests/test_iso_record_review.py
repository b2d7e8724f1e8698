from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoRecordReview(IsoRecordCase):
    def review_activities(self, record):
        review_type = self.env.ref("iso_records.mail_activity_type_iso_review")
        return record.activity_ids.filtered(lambda activity: activity.activity_type_id == review_type)

    def test_review_due_is_computed_against_today(self):
        with freeze_time("2025-01-10"):
            record = self.approved_procedure(effective_date=date(2025, 1, 10))
        self.assertEqual(record.next_review_date, date(2027, 1, 10), "procedures are reviewed every 24 months")
        Record = self.env["iso.record"].with_user(self.iso_user)
        with freeze_time("2027-01-09"):
            record.invalidate_recordset(["review_due"])
            self.assertFalse(record.review_due)
            self.assertNotIn(record, Record.search([("review_due", "=", True)]))
            self.assertIn(record, Record.search([("review_due", "=", False)]))
        with freeze_time("2027-01-10"):
            record.invalidate_recordset(["review_due"])
            self.assertTrue(record.review_due)
            self.assertIn(record, Record.search([("review_due", "=", True)]))
            self.assertNotIn(record, Record.search([("review_due", "!=", True)]))

    def test_cron_gives_one_review_activity_n_days_before(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.review_lead_days", "20")
        with freeze_time("2025-01-10"):
            record = self.approved_procedure(effective_date=date(2025, 1, 10))
        Record = self.env["iso.record"]
        with freeze_time("2026-12-20"):  # 21 days before
            Record._cron_schedule_periodic_reviews()
            self.assertFalse(self.review_activities(record))
        with freeze_time("2026-12-21"):  # 20 days before
            Record._cron_schedule_periodic_reviews()
            activity = self.review_activities(record)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, self.iso_user)
            self.assertEqual(activity.date_deadline, date(2027, 1, 10))
            Record._cron_schedule_periodic_reviews()
        with freeze_time("2027-01-15"):
            Record._cron_schedule_periodic_reviews()
            self.assertEqual(len(self.review_activities(record)), 1, "never twice for the same review date")
            activity.action_feedback(feedback="Looked at it")
            Record._cron_schedule_periodic_reviews()
            self.assertFalse(self.review_activities(record), "a done activity is not given again")

    def test_reviewed_no_change_moves_the_date(self):
        with freeze_time("2025-01-10"):
            record = self.approved_procedure(effective_date=date(2025, 1, 10))
        with freeze_time("2027-01-12"):
            self.env["iso.record"]._cron_schedule_periodic_reviews()
            self.assertTrue(self.review_activities(record))
            record.with_user(self.iso_user).action_reviewed_no_change()
            self.assertEqual(record.last_review_date, date(2027, 1, 12))
            self.assertEqual(record.next_review_date, date(2029, 1, 12))
            self.assertFalse(self.review_activities(record))
            record.invalidate_recordset(["review_due"])
            self.assertFalse(record.review_due)
            self.assertEqual(record.state, "effective")
            self.assertEqual(record.revision_id.number, 1, "a review without change makes no revision")

    def test_only_owner_or_manager_reviews(self):
        record = self.approved_procedure()
        with self.assertRaisesRegex(Exception, "only the owner or an ISO manager"):
            record.with_user(self.stranger_user()).action_reviewed_no_change()

    def stranger_user(self):
        from odoo.tests import new_test_user

        return new_test_user(self.env, "iso_review_stranger", groups="iso_records.group_iso_user")
