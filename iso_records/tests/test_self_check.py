import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools import workflow
from .self_check_common import SelfCheckCase
from .workers_common import TwoWorkersCase

CORE_CHECKS = ("document_review_overdue", "owner_left", "training_missing", "trail_verification")


@tagged("post_install", "-at_install")
class TestSelfCheckCore(SelfCheckCase):
    """The core checks on a company where each has one known failure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Record = env["iso.record"]
        procedure = env.ref("iso_records.record_type_procedure")
        common = {"record_type_id": procedure.id, "company_id": cls.company_c.id, "body": "<p>x</p>"}
        cls.document = workflow(Record).create(
            {**common, "title": "Past its review (test)", "owner_id": cls.owner_c.id, "state": "effective"}
        )
        workflow(cls.document).write({"next_review_date": "2000-01-01"})
        cls.leaver = env["hr.employee"].create({"name": "Leaver (test)", "company_id": cls.company_c.id})
        cls.left_record = Record.create({**common, "title": "Owned by a leaver (test)", "owner_id": cls.leaver.id})
        cls.leaver.active = False
        cls.training_type = env.ref("iso_records.record_type_training_record")
        cls.trainee = env["hr.employee"].create(
            {"name": "Trainee (test)", "company_id": cls.company_c.id, "department_id": cls.department_c.id}
        )
        env["iso.competence.requirement"].create(
            {
                "name": "Line clearance (test)",
                "company_id": cls.company_c.id,
                "department_id": cls.department_c.id,
                "record_type_id": cls.training_type.id,
                "refresher_interval_months": 12,
            }
        )
        cls.broken = cls.force_verification("broken")

    @classmethod
    def force_verification(cls, state, verified_at=None):
        """A verification result as the verification writes it, with the state and time given."""
        return workflow(cls.env["iso.trail.verification"].sudo()).create(
            {"verified_at": verified_at or fields.Datetime.now(), "state": state, "problem": "Forged (test)"}
        )

    def core_only(self):
        core = [check for check in self.SelfCheck._iso_self_checks() if check["key"] in CORE_CHECKS]
        return patch.object(type(self.SelfCheck), "_iso_self_checks", lambda self: core)

    def fix_document_and_owner(self):
        workflow(self.document).write({"next_review_date": fields.Date.today() + timedelta(days=300)})
        self.left_record.owner_id = self.owner_c

    def test_each_check_fails_once_and_passes_once_fixed(self):
        run = self.run_checks()
        self.assert_fails_once(run, "document_review_overdue", self.document)
        self.assert_fails_once(run, "owner_left", self.env["hr.employee.public"].browse(self.leaver.id))
        matrix_row = self.env["iso.competence.matrix"].search([("employee_id", "=", self.trainee.id)])
        self.assertEqual(len(matrix_row), 1)
        self.assert_fails_once(run, "training_missing", matrix_row)
        training_line = self.line(run, "training_missing")
        self.assertFalse(self.items(training_line, self.manager_c), "a manager sees the matrix of their departments")
        self.assert_fails_once(run, "trail_verification", self.broken)
        self.assertEqual(self.line(run, "document_review_overdue").clause, "ISO 9001 7.5.2")

        self.fix_document_and_owner()
        training = self.env["iso.record"].create(
            {
                "title": "Line clearance of the trainee (test)",
                "record_type_id": self.training_type.id,
                "company_id": self.company_c.id,
                "employee_id": self.trainee.id,
                "body": "<p>Trained</p>",
                "training_valid_from": fields.Date.today(),
            }
        )
        training.action_file()
        self.env["iso.trail.verification"]._verify()
        fixed = self.run_checks()
        for key in CORE_CHECKS:
            self.assert_passes(fixed, key)

    def test_an_old_intact_verification_is_late(self):
        self.force_verification("intact", fields.Datetime.now() - timedelta(days=2))
        self.assertFalse(self.line(self.run_checks(), "trail_verification").passed, "older than the daily cron")
        self.force_verification("intact")
        self.assertTrue(self.line(self.run_checks(), "trail_verification").passed)

    def test_score_is_the_share_of_checks_passed(self):
        with self.core_only():
            run = self.run_checks()
            self.assertEqual((run.score, run.passed_count, run.failed_count), (0.0, 0, 4))
            self.fix_document_and_owner()
            run = self.run_checks()
        self.assertEqual((run.score, run.passed_count, run.failed_count), (50.0, 2, 2))
        self.assertEqual(len(run.line_ids), 4)

    def test_summary_goes_to_the_company_administrators_only(self):
        run = self.run_checks()
        message = run.message_ids.filtered(lambda message: message.body and "score" in message.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.partner_ids, self.admin_c.partner_id)
        notified = message.notification_ids
        self.assertEqual(notified.res_partner_id, self.admin_c.partner_id, "no one else is notified")
        self.assertEqual(notified.notification_type, "email")
        failed = run.line_ids.filtered(lambda line: not line.passed)
        self.assertTrue(failed)
        for line in failed:
            self.assertIn(f"{line.name} ({line.clause}): {line.item_count}", message.body)
        self.assertIn(f"score {run.score}%", message.body)

    def test_monthly_cron_twice_runs_once_per_company(self):
        cron = self.env.ref("iso_records.ir_cron_iso_self_check")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "months"))
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        period = fields.Date.today().strftime("%Y-%m")
        for company in (self.company_c, self.company_b):
            runs = self.SelfCheck.search([("company_id", "=", company.id), ("trigger", "=", "scheduled")])
            self.assertEqual(runs.mapped("period"), [period], f"one scheduled run of {company.name}")
        self.assertEqual(self.run_checks(trigger="manual").trigger, "manual", "a manual run is always made")

    def test_access_of_each_role(self):
        run = self.run_checks()
        run_b = self.run_checks(self.company_b)
        SelfCheck = self.SelfCheck
        with self.assertRaises(AccessError):
            SelfCheck.with_user(self.user_c).search([])
        with self.refused(AccessError, "only ISO managers and administrators"):
            SelfCheck.with_user(self.user_c).action_run_now()
        self.assertEqual(SelfCheck.with_user(self.auditor_c).search([]), run)
        self.assertEqual(run.with_user(self.auditor_c).line_ids, run.line_ids)
        with self.refused(AccessError, "only ISO managers and administrators"):
            SelfCheck.with_user(self.auditor_c).action_run_now()
        self.assertEqual(SelfCheck.with_user(self.manager_b).search([]), run_b, "company B sees only its runs")
        with self.assertRaises(AccessError):
            self.line(run, "owner_left").with_user(self.manager_b).action_view_items()
        for user in (self.manager_c, self.admin_c):
            action = SelfCheck.with_user(user).action_run_now()
            new_run = SelfCheck.browse(action["res_id"])
            self.assertEqual((new_run.company_id, new_run.trigger), (self.company_c, "manual"))

    def test_items_open_with_the_viewer_access(self):
        hidden = self.env["hr.employee"].create({"name": "Someone else (test)", "company_id": self.company_c.id})
        self.document.write({"confidentiality": "restricted", "owner_id": hidden.id})
        line = self.line(self.run_checks(), "document_review_overdue")
        self.assertEqual(line.item_count, 1, "the run counts every item of the company")
        self.assertFalse(self.items(line, self.manager_c), "a restricted document of someone else stays hidden")
        self.assertEqual(self.items(line, self.admin_c), self.document)

    def test_score_trend_and_overview(self):
        SelfCheck = self.SelfCheck
        now = fields.Datetime.now()
        for days, score in ((70, 40.0), (62, 60.0), (0, 80.0)):
            run = self.run_checks()
            run.write({"run_at": now - timedelta(days=days), "score": score})
        self.run_checks(self.company_b).score = 10.0
        month = lambda days: (now - timedelta(days=days)).strftime("%Y-%m")  # noqa: E731
        expected = {month(0): 80.0, month(70): 40.0}
        if month(62) != month(70):
            expected[month(62)] = 60.0
        else:  # the later run of the month counts
            expected[month(70)] = 60.0
        trend = SelfCheck.with_user(self.manager_c)._iso_score_trend()
        self.assertEqual({point["month"]: point["score"] for point in trend}, expected)
        self.assertEqual([point["month"] for point in trend], sorted(expected))
        overview = self.env["iso.overview"].with_user(self.manager_c).get_overview()
        chart = next(chart for chart in overview["charts"] if chart["key"] == "self_check_score")
        self.assertEqual((chart["kind"], chart["labels"]), ("line", sorted(expected)))
        tiles = {tile["key"]: tile for section in overview["sections"] for tile in section["tiles"]}
        self.assertIn("80.0%", tiles["self_check_score"]["value"])
        self.assertEqual(tiles["self_check_score"]["severity"], "warning")
        self.assertIn("self_check", [link["key"] for link in overview["links"]])
        action = self.env["iso.overview"].with_user(self.manager_c).open_tile("self_check_score")
        self.assertEqual(
            SelfCheck.with_user(self.manager_c).search(action["domain"]),
            SelfCheck.search([("company_id", "=", self.company_c.id)]),
        )
        user_overview = self.env["iso.overview"].with_user(self.user_c).get_overview()
        self.assertNotIn("self_check_score", [chart["key"] for chart in user_overview["charts"]])


@tagged("post_install", "-at_install")
class TestSelfCheckTwoWorkers(TwoWorkersCase):
    def test_two_cron_workers_make_one_run(self):
        with self.committed() as env:
            company_id = env["res.company"].create({"name": f"Self-check workers {uuid.uuid4().hex[:8]} (test)"}).id

        def cleanup():
            with self.committed() as env:
                runs = env["iso.self.check"].search([("company_id", "=", company_id)])
                self.delete_chatter(env, "iso.self.check", runs.ids)
                runs.unlink()
                self.archive_company(env, company_id)

        self.addCleanup(cleanup)

        def job(env):
            return env["iso.self.check"]._iso_run_checks(env["res.company"].browse(company_id), "scheduled").ids

        results, created = self.run_concurrently(job, created_model="iso.self.check", name="iso-self-check")
        self.assert_failed_only_retryably(results, done_types=(list,))
        with self.committed() as env:
            runs = env["iso.self.check"].search([("company_id", "=", company_id)])
            self.assertEqual(len(runs), 1, f"one run of the month: {results}")
            self.assertEqual(runs.period, fields.Date.today().strftime("%Y-%m"))
        self.assertEqual(sum(created.values()), 1)
