from datetime import date

from freezegun import freeze_time

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestOverviewTour(HttpCase):
    def test_manager_lands_on_the_overview_and_opens_the_overdue_reviews(self):
        Record = self.env["iso.record"]
        # Only the two documents below are overdue: the demo's own overdue reviews are moved ahead.
        demo_overdue = Record.search([("review_due", "=", True)])
        self.env.cr.execute(
            "UPDATE iso_record SET next_review_date = %s WHERE id = ANY(%s)", [date(2099, 1, 1), demo_overdue.ids]
        )
        Record.invalidate_model(["next_review_date"])
        author = new_test_user(self.env, "tour_overview_author", groups="iso_records.group_iso_user")
        approver = new_test_user(self.env, "tour_overview_approver", groups="iso_records.group_iso_manager")
        manager = new_test_user(
            self.env,
            "tour_overview_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_overview_manager",
            name="Overview Manager",
        )
        procedure_type = self.env.ref("iso_records.record_type_procedure")
        with freeze_time("2020-01-06"):
            overdue = Record.with_user(author).create(
                [
                    {"title": title, "record_type_id": procedure_type.id, "body": "<p>Steps</p>"}
                    for title in ("Tour overdue calibration procedure", "Tour overdue cleaning procedure")
                ]
            )
            overdue.action_submit()
            for record in overdue:
                record._iso_sign_as(approver.id, "approve", "approved")
        self.assertEqual(Record.with_user(manager).search_count([("review_due", "=", True)]), 2)
        self.start_tour("/odoo", "iso_records_overview_tour", login=manager.login)
