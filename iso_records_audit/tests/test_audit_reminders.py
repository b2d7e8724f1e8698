from datetime import date, timedelta

from freezegun import freeze_time

from odoo.addons.iso_records.tools import workflow
from odoo.tests import new_test_user, tagged

from .audit_reminder_common import IsoAuditCase

UPCOMING = "iso_records_audit.mail_activity_type_audit_upcoming"
DUE = "iso_records_audit.mail_activity_type_finding_due"
OVERDUE = "iso_records_audit.mail_activity_type_finding_overdue"
PROGRAMME_OVERDUE = "iso_records_audit.mail_activity_type_programme_overdue"


@tagged("post_install", "-at_install")
class TestAuditReminders(IsoAuditCase):
    def run_cron(self, day):
        with freeze_time(day):
            return self.Audit._cron_audit_reminders()

    # ------------------------------------------------------------------
    # The lead auditor before the audit
    # ------------------------------------------------------------------
    def test_lead_auditor_is_reminded_once_before_the_audit(self):
        audit = self.new_audit(start="2026-03-10")
        self.run_cron("2026-03-02")  # 8 days before, Settings: 7
        self.assertFalse(self.activities(audit, UPCOMING))
        self.run_cron("2026-03-03")
        activity = self.activities(audit, UPCOMING)
        self.assertEqual(activity.user_id, self.lead_user)
        self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertIn(audit.display_name, activity.summary)
        self.assertEqual(audit.lead_reminder_date, date(2026, 3, 10))
        self.run_cron("2026-03-04")
        self.run_cron("2026-03-09")
        self.assertEqual(self.activities(audit, UPCOMING), activity, "never twice")
        activity.action_feedback("Team briefed")
        self.run_cron("2026-03-09")
        self.assertFalse(self.activities(audit, UPCOMING).filtered("active"), "a done reminder is not given again")

    def test_moved_audit_gives_a_new_reminder_for_its_new_start(self):
        audit = self.new_audit(start="2026-03-10")
        self.run_cron("2026-03-05")
        audit.write({"date_start": "2026-03-12", "date_end": "2026-03-12"})
        self.run_cron("2026-03-06")
        activities = self.activities(audit, UPCOMING)
        self.assertEqual(sorted(activities.mapped("date_deadline")), [date(2026, 3, 10), date(2026, 3, 12)])
        self.run_cron("2026-03-07")
        self.assertEqual(len(self.activities(audit, UPCOMING)), 2)

    def test_settings_days_and_stages_decide_which_audits_are_reminded(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_reminder_days", "3")
        soon = self.new_audit(start="2026-03-10")
        later = self.new_audit(start="2026-03-14")
        cancelled = self.new_audit(start="2026-03-10", cancel_reason="Merged with the next one")
        cancelled.action_cancel()
        under_way = self.under_way(self.new_audit(start="2026-03-10"))
        past = self.new_audit(start="2026-03-06")
        self.run_cron("2026-03-07")
        self.assertEqual(len(self.activities(soon, UPCOMING)), 1)
        for audit in (later, cancelled, under_way, past):
            with self.subTest(audit=audit.title, state=audit.state, start=audit.date_start):
                self.assertFalse(self.activities(audit, UPCOMING))

    def test_lead_auditor_who_may_not_act_is_not_asked(self):
        audit = self.new_audit(start="2026-03-10")
        self.lead_user.active = False
        self.run_cron("2026-03-05")
        self.assertFalse(self.activities(audit, UPCOMING), "archived user")
        self.assertFalse(audit.lead_reminder_date, "not marked as reminded")
        self.lead_user.active = True
        self.lead_user.groups_id -= self.env.ref("iso_records.group_iso_user")
        self.assertFalse(self.lead_user.has_group("iso_records.group_iso_user"))
        self.run_cron("2026-03-06")
        self.assertFalse(self.activities(audit, UPCOMING), "not an ISO user")
        self.lead_user.groups_id += self.env.ref("iso_records.group_iso_user")
        self.run_cron("2026-03-07")
        self.assertEqual(self.activities(audit, UPCOMING).user_id, self.lead_user, "reminded once able to act")

    def test_audit_without_lead_auditor_reminds_nobody(self):
        audit = self.new_audit(start="2026-03-10")
        audit.auditor_ids.role = "auditor"
        self.run_cron("2026-03-05")
        self.assertFalse(self.activities(audit, UPCOMING))

    # ------------------------------------------------------------------
    # The responsible of a finding before and after its due date
    # ------------------------------------------------------------------
    def new_finding(self, due="2026-04-30", **values):
        with freeze_time("2026-03-01"):
            audit = self.under_way(self.new_audit(start="2026-03-01"))
            return self.raise_finding(audit, due_date=due, **values)

    def test_finding_responsible_is_reminded_before_and_after_the_due_date_once_each(self):
        finding = self.new_finding(owner_id=self.employee_of[self.iso_user].id)
        self.run_cron("2026-04-22")  # 8 days before, Settings: 7
        self.assertFalse(self.activities(finding, DUE))
        self.run_cron("2026-04-23")
        before = self.activities(finding, DUE)
        self.assertEqual(before.user_id, self.iso_user)
        self.assertEqual(before.date_deadline, date(2026, 4, 30))
        self.assertEqual(finding.due_reminder_date, date(2026, 4, 30))
        self.run_cron("2026-04-30")
        self.assertEqual(self.activities(finding, DUE), before, "never twice")
        self.assertFalse(self.activities(finding, OVERDUE), "due today is not overdue")
        self.run_cron("2026-05-01")
        after = self.activities(finding, OVERDUE)
        self.assertEqual(after.user_id, self.iso_user)
        self.assertEqual(finding.overdue_reminder_date, date(2026, 4, 30))
        self.run_cron("2026-05-02")
        self.run_cron("2026-06-01")
        self.assertEqual(self.activities(finding, OVERDUE), after, "never twice")
        self.assertEqual(self.activities(finding, DUE), before)

    def test_moved_due_date_gives_new_reminders(self):
        finding = self.new_finding(owner_id=self.employee_of[self.iso_user].id)
        self.run_cron("2026-05-01")
        self.assertEqual(len(self.activities(finding, OVERDUE)), 1)
        self.assertFalse(self.activities(finding, DUE), "already overdue when first seen: only the overdue one")
        finding.due_date = "2026-05-20"
        self.run_cron("2026-05-15")
        self.assertEqual(self.activities(finding, DUE).date_deadline, date(2026, 5, 20))
        self.run_cron("2026-05-21")
        self.assertEqual(
            sorted(self.activities(finding, OVERDUE).mapped("date_deadline")), [date(2026, 4, 30), date(2026, 5, 20)]
        )

    def test_finding_reminders_go_to_the_department_manager_by_default(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.finding_reminder_days", "2")
        finding = self.new_finding()  # no process owner: the department's manager is its responsible
        self.assertEqual(finding.owner_id, self.employee_of[self.production_manager])
        self.run_cron("2026-04-27")
        self.assertFalse(self.activities(finding, DUE), "3 days before, Settings: 2")
        self.run_cron("2026-04-28")
        self.assertEqual(self.activities(finding, DUE).user_id, self.production_manager)

    def test_responsible_who_may_not_act_is_not_asked(self):
        plain = new_test_user(self.env, "iso_plain_owner", groups="base.group_user")
        employee = self.env["hr.employee"].create(
            {"name": "Plain owner", "user_id": plain.id, "department_id": self.production.id}
        )
        finding = self.new_finding(owner_id=employee.id)
        self.run_cron("2026-04-25")
        self.assertEqual(self.activities(finding, DUE).user_id, self.production_manager, "not an ISO user")
        archived = self.new_finding(owner_id=self.employee_of[self.colleague].id)
        self.colleague.active = False
        self.run_cron("2026-05-03")
        self.assertEqual(self.activities(archived, OVERDUE).user_id, self.production_manager, "archived user")

    def test_answered_and_closed_findings_are_not_reminded(self):
        finding = self.new_finding(owner_id=self.employee_of[self.iso_user].id)
        finding.write({"answer_kind": "action", "answer": "Stamps checked at each shift change."})
        finding.with_user(self.iso_user).action_answer()
        observation = self.new_finding(grade="observation")
        observation.action_close()
        self.run_cron("2026-05-05")
        self.assertFalse(self.activities(finding | observation, DUE) | self.activities(finding | observation, OVERDUE))

    # ------------------------------------------------------------------
    # The programme owner when a line's audit is overdue
    # ------------------------------------------------------------------
    def test_programme_owner_is_reminded_of_overdue_lines(self):
        Line = self.env["iso.audit.programme.line"]
        if "next_due_date" not in Line._fields or "overdue" not in Line._fields:
            self.skipTest("the programme lines' next_due_date and overdue (issue 13, helper B) are not merged yet")
        programme = self.env["iso.audit.programme"].create(
            {
                "name": "Programme 2026-2028 (test)",
                "standard_ids": [(6, 0, self.standard_9001.ids)],
                "cycle_start": "2026-01-01",
                "owner_id": self.employee_of[self.iso_manager].id,
                "line_ids": [
                    (0, 0, {"department_id": self.production.id, "frequency_months": 1}),
                    (0, 0, {"department_id": self.quality.id, "frequency_months": 2}),
                ],
            }
        )
        workflow(programme).write({"state": "active"})  # approving it is tested with the programme
        lines = programme.line_ids.sorted("id")
        self.assertTrue(all(lines.mapped("next_due_date")), "no audit yet: each line is due")
        first, second = sorted(lines.mapped("next_due_date"))
        self.run_cron(first)
        self.assertFalse(self.activities(programme, PROGRAMME_OVERDUE), "due today is not overdue")
        with freeze_time(first + timedelta(days=1)):
            programme.line_ids.invalidate_recordset()
            self.assertTrue(programme.line_ids.filtered("overdue"))
            self.Audit._cron_audit_reminders()
        reminded = self.activities(programme, PROGRAMME_OVERDUE)
        self.assertEqual(reminded.user_id, self.iso_manager)
        self.assertEqual(reminded.date_deadline, first)
        self.run_cron(first + timedelta(days=2))
        self.assertEqual(self.activities(programme, PROGRAMME_OVERDUE), reminded, "never twice")
        if second > first:
            self.run_cron(second + timedelta(days=1))
            self.assertEqual(len(self.activities(programme, PROGRAMME_OVERDUE)), 2, "one more for the second line")
