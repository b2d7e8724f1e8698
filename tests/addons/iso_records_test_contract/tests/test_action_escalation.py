"""Escalation of late action lines (iso.action.line.mixin, opt-in ``_iso_action_escalation_type``) on the
test-only iso.test.controlled.action: one activity on the record for the manager of its owner, once per line
and deadline, only while the record acts on its lines; and two cron workers at once give each escalation
once."""

import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from unittest.mock import patch

import psycopg2

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged

from .test_contract import TEST_MODEL, ContractCase

ACTION_MODEL = "iso.test.controlled.action"
OVERDUE = "iso_records_test_contract.mail_activity_type_test_action_overdue"
# The errors Odoo's RPC layer and the cron retry (odoo.service.model.PG_CONCURRENCY_ERRORS_TO_RETRY).
RETRYABLE_PGCODES = {"40001", "40P01", "55P03"}
WORKER_TIMEOUT = 300


@tagged("post_install", "-at_install")
class TestActionEscalation(ContractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The record owner (iso_user) reports to the operations manager.
        cls.employee_of[cls.iso_user].parent_id = cls.employee_of[cls.operations_manager]

    def escalations(self, record):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", TEST_MODEL),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.env.ref(OVERDUE).id),
            ]
        )

    def acting_record(self, *deadlines):
        record = self.make(
            self.iso_user,
            owner_id=self.employee_of[self.iso_user].id,
            action_ids=[
                Command.create({"name": f"Action {index}", "user_id": self.colleague.id, "date_deadline": deadline})
                for index, deadline in enumerate(deadlines)
            ],
        )
        self.verified(record)
        return record

    def run_cron(self, day):
        with freeze_time(day):
            self.env.invalidate_all()
            return self.env["iso.action.line.mixin"]._cron_escalate_late_actions()

    def test_late_line_is_escalated_once_to_the_owners_manager(self):
        record = self.acting_record(date(2026, 5, 10), date(2026, 5, 20))
        late, later = record.action_ids
        self.assertEqual(self.run_cron("2026-05-10")[ACTION_MODEL], 0, "not late on its deadline")
        self.assertFalse(self.escalations(record))

        self.run_cron("2026-05-11")
        escalation = self.escalations(record)
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.user_id, self.operations_manager, "the manager of the record's owner")
        self.assertEqual(escalation.date_deadline, date(2026, 5, 10))
        self.assertIn("Test action: Action 0", escalation.summary)
        self.assertIn(self.colleague.name, escalation.summary, "names the line's owner")
        self.assertEqual(late.escalated_deadline, date(2026, 5, 10))
        self.assertFalse(later.escalated_deadline)

        self.run_cron("2026-05-12")
        self.assertEqual(self.escalations(record), escalation, "once per line and deadline")

        # The deadline moved: escalated again once the new one has passed.
        late.with_user(self.iso_user).write({"date_deadline": date(2026, 5, 15)})
        self.run_cron("2026-05-13")
        self.assertEqual(self.escalations(record), escalation)
        self.run_cron("2026-05-21")
        escalations = self.escalations(record)
        self.assertEqual(len(escalations), 3, "the moved line and the second line, each once")
        self.assertEqual(
            sorted(escalations.mapped("date_deadline")), [date(2026, 5, 10), date(2026, 5, 15), date(2026, 5, 20)]
        )

    def test_done_lines_and_records_not_acting_are_not_escalated(self):
        record = self.acting_record(date(2026, 5, 10), date(2026, 5, 10))
        done, __ = record.action_ids
        with freeze_time("2026-05-11"):
            done.with_user(self.colleague).action_mark_done()
        draft = self.make(
            self.iso_user,
            owner_id=self.employee_of[self.iso_user].id,
            action_ids=[
                Command.create({"name": "Not yet", "user_id": self.colleague.id, "date_deadline": "2026-05-01"})
            ],
        )
        self.run_cron("2026-05-12")
        self.assertEqual(len(self.escalations(record)), 1, "only the open line")
        self.assertFalse(done.escalated_deadline)
        self.assertFalse(self.escalations(draft), "a draft record does not act on its lines")
        self.assertFalse(draft.action_ids.escalated_deadline)

    def test_escalation_goes_to_the_department_manager_without_a_manager_and_waits_without_anyone(self):
        self.employee_of[self.iso_user].parent_id = False
        self.operations.manager_id = self.employee_of[self.operations_manager]
        record = self.acting_record(date(2026, 5, 10))
        self.run_cron("2026-05-11")
        self.assertEqual(self.escalations(record).user_id, self.operations_manager)

        self.operations.manager_id = False
        other = self.acting_record(date(2026, 5, 10))
        self.run_cron("2026-05-11")
        self.assertFalse(self.escalations(other), "nobody to tell")
        self.assertFalse(other.action_ids.escalated_deadline, "not marked: escalated when someone can be told")
        self.employee_of[self.iso_user].parent_id = self.employee_of[self.manager]
        self.run_cron("2026-05-12")
        self.assertEqual(self.escalations(other).user_id, self.manager)

    def test_manager_who_may_not_act_is_not_asked(self):
        self.operations_manager.active = False
        record = self.acting_record(date(2026, 5, 10))
        self.run_cron("2026-05-11")
        self.assertFalse(self.escalations(record))
        self.assertFalse(record.action_ids.escalated_deadline)

    def test_escalated_deadline_is_set_by_the_escalation_alone(self):
        record = self.acting_record(date(2026, 5, 10))
        line = record.action_ids
        with self.assertRaisesRegex(UserError, "Escalated Deadline: set by the activity"):
            line.with_user(self.iso_user).write({"escalated_deadline": "2026-05-10"})
        with self.assertRaisesRegex(UserError, "Escalated Deadline"):
            self.env[ACTION_MODEL].with_user(self.iso_user).create(
                {"record_id": record.id, "name": "Forged", "escalated_deadline": "2026-05-10"}
            )
        self.assertFalse(line.escalated_deadline)

    def test_only_models_that_opt_in_are_escalated(self):
        handled = self.run_cron("2026-05-11")
        self.assertIn(ACTION_MODEL, handled)
        for name in handled:
            self.assertTrue(self.env[name]._iso_action_escalation_type, name)


@tagged("post_install", "-at_install")
class TestActionEscalationTwoWorkers(TransactionCase):
    """Two cron workers escalating at once, each in its own thread with its own cursor, committing each
    batch as the cron does. The fixture is committed, in a company of its own, and deleted at the end (the
    trail events stay: the database refuses to delete them; their company is kept, archived)."""

    RECORDS = 5
    LINES = 4
    # What is escalated; another addon's test subclasses this one with its own records (make_records).
    RECORD_MODEL = TEST_MODEL
    LINE_MODEL = ACTION_MODEL
    OVERDUE_TYPE = OVERDUE
    LINE_FIELD = "action_ids"

    @contextmanager
    def committed(self):
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '120s'")
            yield api.Environment(cr, SUPERUSER_ID, {})

    def make_fixture(self):
        tag = uuid.uuid4().hex[:8]
        with self.committed() as env:
            multi_company = env.ref("base.group_multi_company") in env["res.users"].browse(SUPERUSER_ID).groups_id
            company = env["res.company"].create({"name": f"ISO escalation {tag}"})
            self.addCleanup(self.cleanup, company.id, multi_company)
            employees = {}
            for login in ("manager", "owner", "doer"):
                user = new_test_user(
                    env,
                    f"iso_esc_{login}_{tag}",
                    groups="iso_records.group_iso_manager" if login == "manager" else "iso_records.group_iso_user",
                    company_id=company.id,
                    company_ids=[Command.set(company.ids)],
                    notification_type="inbox",
                )
                employees[login] = env["hr.employee"].create(
                    {"name": f"{login} {tag}", "user_id": user.id, "company_id": company.id}
                )
            employees["owner"].parent_id = employees["manager"]
            late = fields.Date.context_today(env[self.RECORD_MODEL]) - timedelta(days=3)
            records = self.make_records(env, company, employees, late, tag)
            lines = records[self.LINE_FIELD]
            return {
                "company": company.id,
                "records": records.ids,
                "lines": lines.ids,
                "manager": employees["manager"].user_id.id,
            }

    def make_records(self, env, company, employees, late, tag):
        """The committed records of the fixture, owned by ``employees["owner"]``, in the state that acts on
        their lines, each with LINES lines of ``employees["doer"]`` due on ``late``."""
        records = env[TEST_MODEL].create(
            [
                {
                    "name": f"Escalated {index} {tag}",
                    "company_id": company.id,
                    "owner_id": employees["owner"].id,
                    "action_ids": [
                        Command.create(
                            {
                                "name": f"Line {index}.{line}",
                                "user_id": employees["doer"].user_id.id,
                                "date_deadline": late,
                            }
                        )
                        for line in range(self.LINES)
                    ],
                }
                for index in range(self.RECORDS)
            ]
        )
        workflow(records).write({"state": "verified"})
        return records

    def delete_records(self, env, ids):
        """Delete the fixture's records ``ids`` (and their lines) with SQL, after their messages."""
        env.cr.execute(f"DELETE FROM {env[ACTION_MODEL]._table} WHERE record_id = ANY(%s)", [ids])  # noqa: S608
        env.cr.execute(f"DELETE FROM {env[TEST_MODEL]._table} WHERE id = ANY(%s)", [ids])  # noqa: S608

    def cleanup(self, company_id, multi_company):
        with self.committed() as env:
            cr = env.cr
            model = self.RECORD_MODEL
            cr.execute(f"SELECT id FROM {env[model]._table} WHERE company_id = %s", [company_id])  # noqa: S608
            ids = [row[0] for row in cr.fetchall()]
            for table in ("mail_activity", "mail_followers"):
                cr.execute(f"DELETE FROM {table} WHERE res_model = %s AND res_id = ANY(%s)", [model, ids])  # noqa: S608
            cr.execute("DELETE FROM mail_message WHERE model = %s AND res_id = ANY(%s)", [model, ids])
            self.delete_records(env, ids)
            cr.execute("DELETE FROM hr_employee WHERE company_id = %s", [company_id])
            cr.execute("UPDATE res_users SET active = false WHERE company_id = %s", [company_id])
            env["res.users"].browse(SUPERUSER_ID).write({"company_ids": [Command.unlink(company_id)]})
            if not multi_company:
                cr.execute(
                    "DELETE FROM res_groups_users_rel WHERE gid = %s AND uid = %s",
                    [env.ref("base.group_multi_company").id, SUPERUSER_ID],
                )
            company = env["res.company"].browse(company_id)
            cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [company.partner_id.id])
            cr.execute("UPDATE res_company SET active = false WHERE id = %s", [company_id])
        self.registry.clear_all_caches()

    def run_workers(self, company_id, count=2):
        start = threading.Barrier(count)
        results, created = {}, {}
        errors = self.errors = {}
        Activity = self.registry["mail.activity"]
        create = Activity.create
        overdue_type_id = {}

        def slow_create(model, vals_list):
            activities = create(model, vals_list)
            escalations = activities.filtered(lambda a: a.activity_type_id.id == overdue_type_id.get("id"))
            name = threading.current_thread().name
            if escalations:
                created[name] = created.get(name, 0) + len(escalations)
            time.sleep(0.05)
            return activities

        def work():
            name = threading.current_thread().name
            try:
                start.wait(60)
                with self.registry.cursor() as cr:
                    cr.execute("SET lock_timeout = '120s'")
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    results[name] = env["iso.action.line.mixin"]._cron_escalate_late_actions(
                        env["res.company"].browse(company_id)
                    )
            except psycopg2.Error as error:
                results[name] = error.pgcode
                errors[name] = str(error)
            except Exception as error:  # noqa: BLE001 - reported by the test
                results[name] = repr(error)

        with self.committed() as env:
            overdue_type_id["id"] = env.ref(self.OVERDUE_TYPE).id
        threads = [threading.Thread(target=work, name=f"iso-escalation-worker-{index}") for index in range(count)]
        with (
            patch.object(Activity, "create", slow_create),
            patch("odoo.addons.iso_records.models.iso_controlled_mixin.ACTIVITY_BATCH_SIZE", 3),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(WORKER_TIMEOUT)
        self.assertFalse([thread.name for thread in threads if thread.is_alive()], "every worker finishes")
        self.registry.clear_all_caches()
        return results, created

    def test_two_workers_at_once_escalate_each_line_once(self):
        fixture = self.make_fixture()
        results, created = self.run_workers(fixture["company"])
        failed = {name: result for name, result in results.items() if not isinstance(result, dict)}
        self.assertLessEqual(
            set(failed.values()), RETRYABLE_PGCODES, f"a worker fails only retryably: {results} {self.errors}"
        )
        self.assertLess(len(failed), 2, f"at least one worker completes: {results}")
        self.assertEqual(len(created), 2, f"both workers took part: {created}")
        total = self.RECORDS * self.LINES
        self.assertEqual(sum(created.values()), total, f"each line escalated by exactly one worker: {created}")

        again, created_again = self.run_workers(fixture["company"], count=1)
        self.assertFalse(created_again, f"nothing escalated twice: {again}")
        with self.committed() as env:
            env.cr.execute(
                """SELECT user_id, count(*) FROM mail_activity
                    WHERE res_model = %s AND res_id = ANY(%s) AND activity_type_id = %s
                 GROUP BY user_id""",
                [self.RECORD_MODEL, fixture["records"], env.ref(self.OVERDUE_TYPE).id],
            )
            self.assertEqual(dict(env.cr.fetchall()), {fixture["manager"]: total})
            lines = env[self.LINE_MODEL].browse(fixture["lines"])
            self.assertEqual(set(lines.mapped("escalated_deadline")), set(lines.mapped("date_deadline")))
