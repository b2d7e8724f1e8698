import uuid
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, fields
from odoo.addons.iso_records.tests.workers_common import RETRYABLE_PGCODES, WORKER_TIMEOUT, TwoWorkersCase  # noqa: F401
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
            self.env.invalidate_all()  # what depends on today (a line's overdue) is computed for that day
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
    def test_programme_owner_is_reminded_once_per_line_falling_overdue(self):
        purchasing = self.env["hr.department"].create({"name": "Purchasing (test)"})
        programme = self.env["iso.audit.programme"].create(
            {
                "name": "Programme 2026-2028 (test)",
                "standard_ids": [Command.set(self.standard_9001.ids)],
                "cycle_start": "2026-01-01",
                "owner_id": self.employee_of[self.iso_manager].id,
                "line_ids": [
                    Command.create({"department_id": self.production.id, "frequency_months": 1}),
                    Command.create({"department_id": purchasing.id, "frequency_months": 2}),
                ],
            }
        )
        production, other = programme.line_ids.sorted("id")
        self.assertEqual((production.next_due_date, other.next_due_date), (date(2026, 2, 1), date(2026, 3, 1)))
        self.run_cron("2026-02-05")
        self.assertFalse(self.activities(programme, PROGRAMME_OVERDUE), "a draft programme is not followed up")
        workflow(programme).write({"state": "active"})  # approving it is tested with the programme
        self.run_cron("2026-02-01")
        self.assertFalse(self.activities(programme, PROGRAMME_OVERDUE), "due today is not overdue")
        self.run_cron("2026-02-02")
        reminded = self.activities(programme, PROGRAMME_OVERDUE)
        self.assertEqual(reminded.user_id, self.iso_manager, "the programme's owner")
        self.assertEqual(reminded.date_deadline, date(2026, 2, 1))
        self.assertIn(production.display_name, reminded.summary)
        self.assertNotIn(other.display_name, reminded.summary)
        self.run_cron("2026-02-20")
        self.assertEqual(self.activities(programme, PROGRAMME_OVERDUE), reminded, "never twice")
        self.run_cron("2026-03-02")
        both = self.activities(programme, PROGRAMME_OVERDUE)
        self.assertEqual(len(both), 2, "one more for the line falling overdue later")
        self.assertEqual((both - reminded).date_deadline, date(2026, 3, 1))
        self.assertIn(other.display_name, (both - reminded).summary)
        # The Purchasing line's audit is planned: no longer overdue; Production still is, already reminded.
        with freeze_time("2026-03-03"):
            self.new_audit(
                "Purchasing audit",
                start="2026-03-20",
                department=purchasing,
                programme_id=programme.id,
                programme_line_id=other.id,
            )
        self.run_cron("2026-03-04")
        self.assertEqual(self.activities(programme, PROGRAMME_OVERDUE), both, "nothing given twice")


@tagged("post_install", "-at_install")
class TestAuditRemindersTwoWorkers(TwoWorkersCase):
    """Two cron workers running the reminders at once (TwoWorkersCase). The fixture is committed, in a
    company of its own, and deleted again at the end, except the audit trail events (the database refuses
    to delete them); their company is kept, archived, for those."""

    AUDITS = 23
    FINDINGS = 17

    def make_fixture(self):
        tag = uuid.uuid4().hex[:8]
        with self.committed() as env:
            multi_company = env.ref("base.group_multi_company") in env["res.users"].browse(SUPERUSER_ID).groups_id
            company = env["res.company"].create({"name": f"ISO audit reminders {tag}"})
            self.addCleanup(self.cleanup, company.id, multi_company)
            department = env["hr.department"].create({"name": f"Production {tag}", "company_id": company.id})
            quality = env["hr.department"].create({"name": f"Quality {tag}", "company_id": company.id})
            employees = {}
            for login, dept in (("lead", quality), ("owner", department)):
                employees[login] = self.company_employee(env, company, dept, f"iso_rem_{login}_{tag}", f"{login} {tag}")
            training_type = env.ref("iso_records_audit.record_type_internal_auditor_training")
            env["iso.competence.requirement"].create(
                {
                    "name": f"Internal auditor ISO 9001 {tag}",
                    "company_id": company.id,
                    "department_id": quality.id,
                    "record_type_id": training_type.id,
                    "auditor_standard_id": env.ref("iso_records.standard_iso_9001_2015").id,
                }
            )
            env["iso.record"].create(
                {
                    "title": f"Internal auditor course {tag}",
                    "company_id": company.id,
                    "record_type_id": training_type.id,
                    "employee_id": employees["lead"].id,
                    "body": "<p>Passed</p>",
                    "training_valid_from": date(2020, 1, 1),
                }
            ).action_file()
            today = fields.Date.context_today(env["iso.audit"])

            def audit_values(index, start):
                return {
                    "title": f"Audit {index} {tag}",
                    "company_id": company.id,
                    "department_id": department.id,
                    "date_start": start,
                    "date_end": start,
                    "standard_ids": [Command.set(env.ref("iso_records.standard_iso_9001_2015").ids)],
                    "auditor_ids": [Command.create({"role": "lead", "employee_id": employees["lead"].id})],
                }

            audits = env["iso.audit"].create(
                [audit_values(index, today + timedelta(days=3)) for index in range(self.AUDITS)]
            )
            under_way = env["iso.audit"].create(audit_values("under way", today - timedelta(days=20)))
            workflow(under_way).write({"state": "fieldwork"})
            clause = env.ref("iso_records.clause_9001_8_5_1")
            findings = env["iso.audit.finding"].create(
                [
                    {
                        "audit_id": under_way.id,
                        "clause_id": clause.id,
                        "grade": "observation",
                        "evidence": f"Observation {index}",
                        "owner_id": employees["owner"].id,
                        "due_date": today + timedelta(days=2 if index % 2 else -5),
                    }
                    for index in range(self.FINDINGS)
                ]
            )
            return {
                "company": company.id,
                "audits": audits.ids,
                "findings": findings.ids,
                "lead": employees["lead"].user_id.id,
                "owner": employees["owner"].user_id.id,
                "due": findings.filtered(lambda finding: finding.due_date >= today).ids,
                "overdue": findings.filtered(lambda finding: finding.due_date < today).ids,
            }

    def cleanup(self, company_id, multi_company):
        with self.committed() as env:
            cr = env.cr
            if not env["res.company"].browse(company_id).exists():
                return
            ids = {}
            for model in ("iso.audit.finding", "iso.audit", "iso.record", "iso.competence.requirement"):
                cr.execute(f"SELECT id FROM {env[model]._table} WHERE company_id = %s", [company_id])
                ids[model] = [row[0] for row in cr.fetchall()]
                self.delete_chatter(env, model, ids[model])
            cr.execute("DELETE FROM iso_record_revision WHERE record_id = ANY(%s)", [ids["iso.record"]])
            for table in ("iso_audit_finding", "iso_audit", "iso_record", "iso_competence_requirement"):
                cr.execute(f"DELETE FROM {table} WHERE company_id = %s", [company_id])  # noqa: S608 - our tables
            env["res.users"].browse(SUPERUSER_ID).write({"company_ids": [Command.unlink(company_id)]})
            if not multi_company:
                cr.execute(
                    "DELETE FROM res_groups_users_rel WHERE gid = %s AND uid = %s",
                    [env.ref("base.group_multi_company").id, SUPERUSER_ID],
                )
            self.archive_company(env, company_id)
        self.registry.clear_all_caches()

    def run_workers(self, company_id, count=2, stale=False):
        """``count`` workers running the audit reminders of the company started together (see
        TwoWorkersCase.run_concurrently); the activities are created in batches of 4."""
        return self.run_concurrently(
            lambda env: env["iso.audit"]._cron_audit_reminders(env["res.company"].browse(company_id)),
            count=count,
            patches=[patch("odoo.addons.iso_records.models.iso_controlled_mixin.ACTIVITY_BATCH_SIZE", 4)],
            name="iso-reminder-worker",
            stale=stale,
        )

    def assert_each_reminder_once(self, fixture, results, created, both=True):
        self.assert_failed_only_retryably(results)
        if both:
            self.assertEqual(len(created), 2, f"both workers took part: {created}")
        self.assertEqual(
            sum(created.values()), self.AUDITS + self.FINDINGS, f"each reminder given by exactly one worker: {created}"
        )
        # The next day's run (or Odoo retrying a worker that failed) gives nothing twice.
        again, created_again = self.run_workers(fixture["company"], count=1)
        self.assertFalse(created_again, f"nothing given twice: {again}")
        expected = [
            ("iso.audit", fixture["audits"], UPCOMING, fixture["lead"]),
            ("iso.audit.finding", fixture["due"], DUE, fixture["owner"]),
            ("iso.audit.finding", fixture["overdue"], OVERDUE, fixture["owner"]),
        ]
        for model, ids, xmlid, user_id in expected:
            with self.subTest(reminder=xmlid):
                self.assertEqual(self.reminders(model, ids, xmlid), dict.fromkeys(ids, (user_id, 1)))

    def test_two_workers_at_once_give_each_reminder_once(self):
        fixture = self.make_fixture()
        results, created = self.run_workers(fixture["company"])
        self.assert_each_reminder_once(fixture, results, created)

    def test_worker_going_on_with_a_stale_list_gives_nothing_twice(self):
        """The second worker does everything while the first holds its first batch; the first then goes
        on through records the second has reminded since it listed them."""
        fixture = self.make_fixture()
        results, created = self.run_workers(fixture["company"], stale=True)
        self.assertEqual(created.get("iso-reminder-worker-0"), 4, f"the first worker's first batch only: {created}")
        self.assert_each_reminder_once(fixture, results, created)
