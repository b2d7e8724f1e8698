import uuid
from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.addons.iso_records.tests.workers_common import TwoWorkersCase
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .management_common import ManagementCase

DUE = "iso_records_audit.mail_activity_type_objective_measurement_due"
OFF_TRACK = "iso_records_audit.mail_activity_type_objective_off_track"


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
class TestObjectiveRemindersTwoWorkers(TwoWorkersCase):
    """Two cron workers running the objective reminders at once (TwoWorkersCase). The fixture is committed
    in a company of its own and removed at the end, but for the trail events, which the database keeps:
    their company is archived."""

    DUE_OBJECTIVES = 7
    OFF_TRACK_OBJECTIVES = 5
    COMPUTED_OBJECTIVES = 5

    def make_fixture(self):
        tag = uuid.uuid4().hex[:8]
        with self.committed() as env:
            company = env["res.company"].create({"name": f"ISO objective reminders {tag}"})
            self.addCleanup(self.cleanup, company.id)
            department = env["hr.department"].create({"name": f"Sales {tag}", "company_id": company.id})
            owner = self.company_employee(env, company, department, f"iso_obj_owner_{tag}", f"Owner {tag}")
            user = owner.user_id
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
            self.delete_chatter(env, "iso.objective", ids)
            cr.execute("DELETE FROM iso_objective_measurement WHERE objective_id = ANY(%s)", [ids])
            cr.execute("DELETE FROM iso_objective WHERE id = ANY(%s)", [ids])
            self.archive_company(env, company_id)
        self.registry.clear_all_caches()

    def run_workers(self, company_id, count=2, cron="_cron_objective_reminders", created_model="mail.activity"):
        """``count`` workers running ``cron`` of the company started together (see
        TwoWorkersCase.run_concurrently); ``created``: the records of ``created_model`` each created, in
        batches of 2."""
        return self.run_concurrently(
            lambda env: getattr(env["iso.objective"], cron)(env["res.company"].browse(company_id)),
            count=count,
            created_model=created_model,
            patches=[
                patch("odoo.addons.iso_records.models.iso_controlled_mixin.ACTIVITY_BATCH_SIZE", 2),
                patch("odoo.addons.iso_records_audit.models.iso_objective_measure.COMPUTE_BATCH_SIZE", 2),
            ],
            name="iso-objective-worker",
        )

    def test_two_workers_at_once_give_each_reminder_once(self):
        fixture = self.make_fixture()
        results, created = self.run_workers(fixture["company"])
        self.assert_failed_only_retryably(results, done_types=(tuple, int))
        self.assertEqual(len(created), 2, f"both workers took part: {created}")
        self.assertEqual(
            sum(created.values()),
            self.DUE_OBJECTIVES + self.OFF_TRACK_OBJECTIVES,
            f"each reminder given by exactly one worker: {created}",
        )
        again, created_again = self.run_workers(fixture["company"], count=1)
        self.assertFalse(created_again, f"nothing given twice: {again}")
        self.assertEqual(
            self.reminders("iso.objective", fixture["due"], DUE), dict.fromkeys(fixture["due"], (fixture["user"], 1))
        )
        self.assertEqual(
            self.reminders("iso.objective", fixture["off_track"], OFF_TRACK),
            dict.fromkeys(fixture["off_track"], (fixture["user"], 1)),
        )
        self.assertFalse(
            self.reminders("iso.objective", fixture["off_track"], DUE), "the measured ones are not asked to measure"
        )

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
