import threading
import time
import uuid
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.addons.iso_records.tools import workflow
from odoo.tests import TransactionCase, new_test_user, tagged

from .management_common import ManagementCase

DUE = "iso_records_audit.mail_activity_type_objective_measurement_due"
OFF_TRACK = "iso_records_audit.mail_activity_type_objective_off_track"
RETRYABLE_PGCODES = {"40001", "40P01", "55P03"}
WORKER_TIMEOUT = 300


@tagged("post_install", "-at_install")
class TestObjectiveReminders(ManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objective = cls.make_objective()

    def run_cron(self, day):
        with freeze_time(day):
            self.env.invalidate_all()
            return self.Objective._cron_objective_reminders()

    def activities(self, objective, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "iso.objective"),
                ("res_id", "=", objective.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    # ------------------------------------------------------------------
    # Measurement due
    # ------------------------------------------------------------------
    def test_owner_is_asked_once_per_period_for_the_measurement(self):
        self.run_cron("2026-04-02")
        due = self.activities(self.objective, DUE)
        self.assertEqual(len(due), 1)
        self.assertEqual((due.user_id, due.date_deadline), (self.iso_user, date(2026, 4, 5)))
        self.assertIn("2026-03-01 to 2026-03-31", due.summary)
        self.run_cron("2026-04-02")
        self.run_cron("2026-04-20")
        self.assertEqual(self.activities(self.objective, DUE), due, "once for March")
        self.measure(self.objective, (date(2026, 3, 1), 96), (date(2026, 4, 1), 97))
        self.run_cron("2026-05-03")
        self.assertEqual(self.activities(self.objective, DUE), due, "April measured before its reminder")
        self.run_cron("2026-06-01")
        may = self.activities(self.objective, DUE) - due
        self.assertEqual(may.date_deadline, date(2026, 6, 5), "one for May")

    def test_due_days_come_from_settings(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.objective_measurement_due_days", "12")
        self.run_cron("2026-04-02")
        self.assertEqual(self.activities(self.objective, DUE).date_deadline, date(2026, 4, 12))

    def test_nothing_before_the_first_period_ends(self):
        self.run_cron("2026-01-20")
        self.assertFalse(self.activities(self.objective, DUE))

    def test_computed_draft_and_closed_objectives_are_not_asked(self):
        computed = self.make_objective(title="Computed (test)", builtin_measure="findings_raised")
        closed = self.make_objective(title="Closed (test)")
        workflow(closed).write({"state": "closed"})
        draft = self.Objective.create(
            {
                "title": "Draft (test)",
                "measure": "m",
                "target": 1,
                "date_start": date(2026, 1, 1),
                "date_due": date(2026, 12, 31),
                "owner_id": self.employee_of[self.iso_user].id,
            }
        )
        self.run_cron("2026-04-02")
        for objective in (computed, closed, draft):
            with self.subTest(objective=objective.title):
                self.assertFalse(self.activities(objective, DUE))

    # ------------------------------------------------------------------
    # Off track two periods in a row
    # ------------------------------------------------------------------
    def test_off_track_two_periods_in_a_row_asks_for_an_action_once_per_period(self):
        self.measure(self.objective, (date(2026, 2, 1), 90), (date(2026, 3, 1), 92))
        self.run_cron("2026-04-02")
        action = self.activities(self.objective, OFF_TRACK)
        self.assertEqual(len(action), 1)
        self.assertEqual((action.user_id, action.date_deadline), (self.iso_user, date(2026, 3, 31)))
        self.run_cron("2026-04-03")
        self.assertEqual(self.activities(self.objective, OFF_TRACK), action, "once for March")
        self.measure(self.objective, (date(2026, 4, 1), 93))
        self.run_cron("2026-05-02")
        self.assertEqual(len(self.activities(self.objective, OFF_TRACK)), 2, "April missed again: a new one")

    def test_one_period_off_track_is_not_enough(self):
        self.measure(self.objective, (date(2026, 2, 1), 96), (date(2026, 3, 1), 90))
        self.run_cron("2026-04-02")
        self.assertFalse(self.activities(self.objective, OFF_TRACK))
        only_one = self.make_objective(title="One period (test)")
        self.measure(only_one, (date(2026, 3, 1), 80))
        self.run_cron("2026-04-02")
        self.assertFalse(self.activities(only_one, OFF_TRACK))

    def test_the_current_period_does_not_count_as_off_track(self):
        self.measure(self.objective, (date(2026, 3, 1), 96), (date(2026, 4, 1), 90), (date(2026, 5, 1), 80))
        self.run_cron("2026-05-10")  # April missed, May has not ended
        self.assertFalse(self.activities(self.objective, OFF_TRACK))

    def test_between_off_track_means_outside_the_band(self):
        band = self.make_objective(title="Band (test)", direction="between", target=20, target_max=25)
        self.measure(band, (date(2026, 2, 1), 26), (date(2026, 3, 1), 19))
        self.run_cron("2026-04-02")
        self.assertEqual(len(self.activities(band, OFF_TRACK)), 1)


@tagged("post_install", "-at_install")
class TestObjectiveRemindersTwoWorkers(TransactionCase):
    """Two cron workers running the objective reminders at once, each in its own thread, cursor and
    transactions, committing each batch (commit_batch commits outside the test thread). The fixture is
    committed in a company of its own and removed at the end, but for the trail events, which the database
    keeps: their company is archived."""

    DUE_OBJECTIVES = 7
    OFF_TRACK_OBJECTIVES = 5
    COMPUTED_OBJECTIVES = 5

    @contextmanager
    def committed(self):
        with self.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '120s'")
            yield api.Environment(cr, SUPERUSER_ID, {})

    def make_fixture(self):
        tag = uuid.uuid4().hex[:8]
        with self.committed() as env:
            company = env["res.company"].create({"name": f"ISO objective reminders {tag}"})
            self.addCleanup(self.cleanup, company.id)
            department = env["hr.department"].create({"name": f"Sales {tag}", "company_id": company.id})
            user = new_test_user(
                env,
                f"iso_obj_owner_{tag}",
                groups="iso_records.group_iso_user",
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                notification_type="inbox",
            )
            owner = env["hr.employee"].create(
                {"name": f"Owner {tag}", "user_id": user.id, "department_id": department.id, "company_id": company.id}
            )
            today = fields.Date.context_today(env["iso.objective"])
            last_ended = today.replace(day=1) - relativedelta(months=1)
            objectives = env["iso.objective"].create(
                [
                    {
                        "title": f"Objective {index} {tag}",
                        "measure": "Orders on time",
                        "target": 95.0,
                        "company_id": company.id,
                        "owner_id": owner.id,
                        "date_start": last_ended - relativedelta(months=2),
                        "date_due": today + relativedelta(months=6),
                    }
                    for index in range(self.DUE_OBJECTIVES + self.OFF_TRACK_OBJECTIVES)
                ]
            )
            computed = env["iso.objective"].create(
                [
                    {
                        "title": f"Findings raised {index} {tag}",
                        "measure": "Findings raised",
                        "direction": "at_most",
                        "target": 3.0,
                        "builtin_measure": "findings_raised",
                        "company_id": company.id,
                        "owner_id": owner.id,
                        "date_start": last_ended - relativedelta(months=2),
                        "date_due": today + relativedelta(months=6),
                    }
                    for index in range(self.COMPUTED_OBJECTIVES)
                ]
            )
            workflow(objectives | computed).write({"state": "active"})
            off_track = objectives[self.DUE_OBJECTIVES :]
            env["iso.objective.measurement"].create(
                [
                    {"objective_id": objective.id, "period_start": start, "value": 80.0}
                    for objective in off_track
                    for start in (last_ended - relativedelta(months=1), last_ended)
                ]
            )
            return {
                "company": company.id,
                "user": user.id,
                "due": objectives[: self.DUE_OBJECTIVES].ids,
                "off_track": off_track.ids,
                "computed": computed.ids,
            }

    def cleanup(self, company_id):
        with self.committed() as env:
            cr = env.cr
            cr.execute("SELECT id FROM iso_objective WHERE company_id = %s", [company_id])
            ids = [row[0] for row in cr.fetchall()]
            for table, column in (("mail_activity", "res_model"), ("mail_followers", "res_model")):
                cr.execute(f"DELETE FROM {table} WHERE {column} = 'iso.objective' AND res_id = ANY(%s)", [ids])  # noqa: S608
            cr.execute("DELETE FROM mail_message WHERE model = 'iso.objective' AND res_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM iso_objective_measurement WHERE objective_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM iso_objective WHERE id = ANY(%s)", [ids])
            cr.execute("DELETE FROM hr_employee WHERE company_id = %s", [company_id])
            cr.execute("DELETE FROM hr_department WHERE company_id = %s", [company_id])
            cr.execute("UPDATE res_users SET active = false WHERE company_id = %s", [company_id])
            company = env["res.company"].browse(company_id)
            cr.execute("UPDATE res_partner SET active = false WHERE id = %s", [company.partner_id.id])
            cr.execute("UPDATE res_company SET active = false WHERE id = %s", [company_id])
        self.registry.clear_all_caches()

    def run_workers(self, company_id, count=2, cron="_cron_objective_reminders", created_model="mail.activity"):
        """``count`` workers running ``cron`` started together; each gives its result or the PostgreSQL error
        code that ended it; ``created``: the records of ``created_model`` each created."""
        start = threading.Barrier(count)
        results, created = {}, {}
        Activity = self.registry[created_model]
        create = Activity.create

        def slow_create(model, vals_list):
            # Inside a batch, its rows locked: the other worker meets them locked and takes other rows.
            activities = create(model, vals_list)
            name = threading.current_thread().name
            created[name] = created.get(name, 0) + len(activities)
            time.sleep(0.05)
            return activities

        def work():
            name = threading.current_thread().name
            try:
                start.wait(60)
                with self.registry.cursor() as cr:
                    cr.execute("SET lock_timeout = '120s'")
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    results[name] = getattr(env["iso.objective"], cron)(env["res.company"].browse(company_id))
            except psycopg2.Error as error:
                results[name] = error.pgcode
            except Exception as error:  # noqa: BLE001 - reported by the test
                results[name] = repr(error)

        threads = [threading.Thread(target=work, name=f"iso-objective-worker-{index}") for index in range(count)]
        with (
            patch.object(Activity, "create", slow_create),
            patch("odoo.addons.iso_records.models.iso_controlled_mixin.ACTIVITY_BATCH_SIZE", 2),
            patch("odoo.addons.iso_records_audit.models.iso_objective_measure.COMPUTE_BATCH_SIZE", 2),
        ):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(WORKER_TIMEOUT)
        self.assertFalse([thread.name for thread in threads if thread.is_alive()], "every worker finishes")
        self.registry.clear_all_caches()
        return results, created

    def reminders(self, ids, xmlid):
        with self.committed() as env:
            env.cr.execute(
                """SELECT res_id, user_id, count(*) FROM mail_activity
                    WHERE res_model = 'iso.objective' AND res_id = ANY(%s) AND activity_type_id = %s
                 GROUP BY res_id, user_id""",
                [ids, env.ref(xmlid).id],
            )
            return {res_id: (user_id, count) for res_id, user_id, count in env.cr.fetchall()}

    def test_two_workers_at_once_give_each_reminder_once(self):
        fixture = self.make_fixture()
        results, created = self.run_workers(fixture["company"])
        failed = {name: result for name, result in results.items() if not isinstance(result, (tuple, int))}
        self.assertLessEqual(set(failed.values()), RETRYABLE_PGCODES, f"a worker fails only retryably: {results}")
        self.assertLess(len(failed), 2, f"at least one worker completes: {results}")
        self.assertEqual(len(created), 2, f"both workers took part: {created}")
        self.assertEqual(
            sum(created.values()),
            self.DUE_OBJECTIVES + self.OFF_TRACK_OBJECTIVES,
            f"each reminder given by exactly one worker: {created}",
        )
        again, created_again = self.run_workers(fixture["company"], count=1)
        self.assertFalse(created_again, f"nothing given twice: {again}")
        self.assertEqual(self.reminders(fixture["due"], DUE), dict.fromkeys(fixture["due"], (fixture["user"], 1)))
        self.assertEqual(
            self.reminders(fixture["off_track"], OFF_TRACK), dict.fromkeys(fixture["off_track"], (fixture["user"], 1))
        )
        self.assertFalse(self.reminders(fixture["off_track"], DUE), "the measured ones are not asked to measure")

    def test_two_workers_compute_each_measurement_once(self):
        fixture = self.make_fixture()
        cron = {"cron": "_cron_objective_measurements", "created_model": "iso.objective.measurement"}
        results, created = self.run_workers(fixture["company"], **cron)
        self.assertTrue(all(isinstance(result, int) for result in results.values()), f"both complete: {results}")
        self.assertEqual(len(created), 2, f"both workers took part: {created}")
        # A worker that met periods another had measured out of its sight skips them; the next run fills them.
        again, _created_again = self.run_workers(fixture["company"], count=1, **cron)
        self.assertEqual(sum(results.values()) + again["iso-objective-worker-0"], self.COMPUTED_OBJECTIVES * 3)
        self.assertEqual(self.run_workers(fixture["company"], count=1, **cron)[0], {"iso-objective-worker-0": 0})
        with self.committed() as env:
            env.cr.execute(
                """SELECT objective_id, count(*) FROM iso_objective_measurement
                    WHERE objective_id = ANY(%s) AND source = 'computed' GROUP BY objective_id""",
                [fixture["computed"]],
            )
            self.assertEqual(dict(env.cr.fetchall()), dict.fromkeys(fixture["computed"], 3))
