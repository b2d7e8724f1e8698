from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import IsoRecordCase, hold_items, line_records


@tagged("post_install", "-at_install")
class TestIsoRisk(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Risk = cls.env["iso.risk"]

    def make_risk(self, user=None, **values):
        return self.Risk.with_user(user or self.iso_manager).create(
            {"title": "Single supplier for resin", "likelihood": 3, "severity": 3, **values}
        )

    def test_score_and_level_follow_the_settings_matrix(self):
        cases = [
            (1, 1, 1, "low"),
            (1, 4, 4, "low"),
            (1, 5, 5, "medium"),
            (3, 3, 9, "medium"),
            (2, 5, 10, "high"),
            (4, 4, 16, "critical"),
            (5, 5, 25, "critical"),
        ]
        for likelihood, severity, score, level in cases:
            with self.subTest(likelihood=likelihood, severity=severity):
                risk = self.make_risk(likelihood=likelihood, severity=severity)
                self.assertEqual((risk.score, risk.level), (score, level))
        risk = self.make_risk(likelihood=3, severity=3)
        self.assertTrue(risk.name.startswith("RSK-"))
        settings = self.env["res.config.settings"].create(
            {"iso_risk_medium_from": 3, "iso_risk_high_from": 6, "iso_risk_critical_from": 9}
        )
        settings.execute()
        self.assertEqual(risk.level, "critical", "changing the thresholds re-levels the register")

    def test_thresholds_must_rise(self):
        for values in (
            {"iso_risk_medium_from": 10, "iso_risk_high_from": 5, "iso_risk_critical_from": 20},
            {"iso_risk_medium_from": 1, "iso_risk_high_from": 5, "iso_risk_critical_from": 20},
            {"iso_risk_medium_from": 5, "iso_risk_high_from": 10, "iso_risk_critical_from": 26},
        ):
            with self.subTest(values=values), self.assertRaisesRegex(ValidationError, "Risk matrix: the thresholds"):
                self.env["res.config.settings"].create(values)

    def test_bad_scores_are_refused(self):
        for field, value in (("likelihood", 0), ("likelihood", 6), ("severity", -1), ("severity", 9)):
            with (
                self.subTest(field=field, value=value),
                self.assertRaisesRegex(ValidationError, "must be between 1 and 5"),
            ):
                self.make_risk(**{field: value})
        with self.assertRaisesRegex(ValidationError, "Residual Likelihood: must be between 1 and 5"):
            self.make_risk(residual_likelihood=7, residual_severity=1)
        # assertRaises (unlike assertRaisesRegex) rolls back to a savepoint, as a refused request would.
        with self.assertRaises(ValidationError) as caught:
            self.make_risk(residual_likelihood=2)
        self.assertIn("give both or neither", str(caught.exception))
        self.assertFalse(self.Risk.search([("title", "=", "Single supplier for resin")]))

    def test_residual_above_inherent_needs_a_reason(self):
        with self.assertRaisesRegex(ValidationError, "Residual Reason: the residual score .* is above its inherent"):
            self.make_risk(likelihood=2, severity=2, residual_likelihood=3, residual_severity=3)
        risk = self.make_risk(
            likelihood=2,
            severity=2,
            residual_likelihood=3,
            residual_severity=3,
            residual_reason="The new supplier is not yet qualified",
        )
        self.assertEqual((risk.residual_score, risk.residual_level), (9, "medium"))

    def test_treatment_must_fit_risk_or_opportunity(self):
        with self.assertRaisesRegex(ValidationError, "Treatment: Exploit does not apply to risks"):
            self.make_risk(treatment="exploit")
        with self.assertRaisesRegex(ValidationError, "Treatment: Mitigate does not apply to opportunities"):
            self.make_risk(kind="opportunity", treatment="mitigate")
        self.assertEqual(self.make_risk(kind="opportunity", treatment="enhance").treatment, "enhance")

    def test_above_target_without_treatment_is_flagged(self):
        risk = self.make_risk(likelihood=4, severity=4, target_level="medium")
        self.assertTrue(risk.above_target)
        self.assertIn(risk, self.Risk.search([("above_target", "=", True)]))
        risk.write({"treatment": "mitigate"})
        self.assertFalse(risk.above_target)
        low = self.make_risk(likelihood=4, severity=4, residual_likelihood=1, residual_severity=2)
        self.assertFalse(low.above_target, "the residual level counts once assessed")

    def test_review_due_against_today_and_activities_once(self):
        risk = self.make_risk(owner_id=self.employee_of[self.iso_manager].id, next_review_date=date(2026, 3, 31))
        with freeze_time("2026-03-30"):
            self.assertFalse(risk.review_due)
            self.assertNotIn(risk, self.Risk.search([("review_due", "=", True)]))
        with freeze_time("2026-03-31"):
            risk.invalidate_recordset(["review_due"])
            self.assertTrue(risk.review_due)
            self.assertIn(risk, self.Risk.search([("review_due", "=", True)]))
        review = self.env.ref("iso_records.mail_activity_type_iso_risk_review")
        with freeze_time("2026-03-15"):
            self.Risk._cron_schedule_periodic_reviews()
            self.Risk._cron_schedule_periodic_reviews()
        activities = risk.activity_ids.filtered(lambda activity: activity.activity_type_id == review)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.iso_manager)
        with freeze_time("2026-04-01"):
            risk.with_user(self.iso_manager).action_reviewed_no_change()
        self.assertEqual(risk.next_review_date, date(2027, 4, 1))
        self.assertFalse(risk.activity_ids.filtered(lambda activity: activity.activity_type_id == review))

    def test_heat_map_counts_what_the_user_may_read(self):
        self.make_risk(likelihood=5, severity=4)
        self.make_risk(likelihood=5, severity=4, residual_likelihood=2, residual_severity=2)
        self.make_risk(
            self.iso_administrator,
            likelihood=5,
            severity=4,
            confidentiality="restricted",
            owner_id=self.employee_of[self.colleague].id,
        )

        def count(user, residual, likelihood, severity):
            heat_map = self.Risk.with_user(user).get_heat_map(
                residual=residual, domain=[("title", "=", "Single supplier for resin")]
            )
            return next(
                cell["count"]
                for cell in heat_map["cells"]
                if (cell["likelihood"], cell["severity"]) == (likelihood, severity)
            )

        self.assertEqual(count(self.iso_manager, False, 5, 4), 2, "another owner's restricted risk is not counted")
        self.assertEqual(count(self.iso_administrator, False, 5, 4), 3)
        self.assertEqual(count(self.colleague, False, 5, 4), 3, "the owner sees their restricted risk")
        self.assertEqual(count(self.iso_manager, True, 2, 2), 1)
        self.assertEqual(count(self.iso_manager, True, 5, 4), 0)
        heat_map = self.Risk.with_user(self.iso_manager).get_heat_map()
        self.assertEqual(len(heat_map["cells"]), 25)
        self.assertEqual(heat_map["cells"][0]["likelihood"], 5, "likelihood 5 is the top row")
        self.assertEqual({cell["level"] for cell in heat_map["cells"]}, {"low", "medium", "high", "critical"})

    def test_access(self):
        risk = self.make_risk()
        self.assertEqual(risk.with_user(self.iso_user).title, "Single supplier for resin")
        with self.assertRaises(AccessError):
            risk.with_user(self.iso_user).write({"likelihood": 1})
        with self.assertRaises(AccessError):
            self.make_risk(user=self.iso_user)
        with self.assertRaises(AccessError):
            risk.with_user(self.iso_auditor).write({"likelihood": 1})
        with self.assertRaises(AccessError):
            risk.with_user(self.internal_user).read(["title"])
        with self.assertRaises(AccessError):
            risk.with_user(self.user_b).read(["title"])

    # ------------------------------------------------------------------
    # The controlled-record contract on risks
    # ------------------------------------------------------------------
    def sign_risk(self, risk, user, meaning="approved"):
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(user)
            .create(
                {
                    "res_model": "iso.risk",
                    "res_id": risk.id,
                    "operation": "approve",
                    "meaning": meaning,
                    "password": user.login,
                }
            )
        )
        return wizard.action_sign()

    def test_assessment_is_approved_with_a_signature_by_someone_else(self):
        risk = self.make_risk(user=self.iso_manager)
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign_risk(risk, self.iso_manager)
        with self.assertRaisesRegex(UserError, "Meaning: Authored does not fit Approve assessment"):
            self.sign_risk(risk, self.approver, meaning="authored")
        with self.assertRaisesRegex(UserError, "Approve assessment: only ISO Manager"):
            self.sign_risk(risk, self.iso_user)
        self.sign_risk(risk, self.approver)
        signature = risk.signature_ids
        self.assertEqual((signature.res_model, signature.res_id, signature.meaning), ("iso.risk", risk.id, "approved"))
        self.assertEqual(signature.content_hash, risk._iso_content_hash())
        self.assertIn(
            "signature", self.env["iso.trail.event"].search([("res_model", "=", "iso.risk")]).mapped("event_type")
        )
        risk.with_user(self.approver).write({"likelihood": 5})
        self.assertNotEqual(signature.content_hash, risk._iso_content_hash(), "the signed hash keeps the old content")
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign_risk(risk, self.approver)

    def test_workflow_fields_of_a_risk_are_refused_for_managers_and_administrators(self):
        risk = self.make_risk()
        for user in (self.iso_manager, self.iso_administrator):
            for values in ({"retention_until": "2020-01-01"}, {"review_activity_date": "2020-01-01"}):
                with (
                    self.subTest(user=user.login, values=values),
                    self.assertRaisesRegex(UserError, "set by the workflow"),
                ):
                    risk.with_user(user).write(values)
        self.assertFalse(risk.retention_until)
        with self.assertRaisesRegex(UserError, "Kept Until|Retention Until|set by the workflow"):
            self.make_risk(retention_until="2020-01-01")

    def test_held_risk_is_neither_deleted_nor_disposed(self):
        policy = self.env.ref("iso_records.retention_policy_risk_closed_3y")
        self.env["ir.config_parameter"].set_param("iso_records.disposal_approval", "per_policy")
        policy.approval_required = False
        held, due, other = self.make_risk(title="Held"), self.make_risk(title="Due"), self.make_risk(title="Other")
        self.assertEqual(held.retention_policy_id, policy, "a risk takes the policy marked as default for risks")
        (held | due).with_user(self.iso_manager).write({"active": False})
        self.assertTrue(held.retention_until, "archiving a risk closes it and starts its clock")
        self.env.flush_all()
        self.env.cr.execute("UPDATE iso_risk SET retention_until = '2000-01-01' WHERE id IN %s", [(held | due)._ids])
        (held | due).invalidate_recordset()
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.iso_administrator)
            .create({"name": "Claim", "scope": "records", "item_ids": hold_items(held | other)})
        )
        self.assertTrue(held.on_hold)
        self.assertIn(held, self.Risk.with_context(active_test=False).search([("on_hold", "=", True)]))
        with self.assertRaisesRegex(UserError, "under an active legal hold"):
            held.with_user(self.iso_administrator).unlink()
        batch = self.env["iso.disposal.batch"]._collect(self.company)
        self.assertEqual(line_records(batch.line_ids, "iso.risk"), due)
        self.assertEqual(batch.line_ids.model_label, "ISO Risk or Opportunity")
        batch._apply(commit=False)
        self.assertEqual(due.disposal_action, "archive")
        self.assertFalse(held.disposal_action)
        with self.assertRaisesRegex(UserError, "taking a record out of an active legal hold needs a reason"):
            hold.with_user(self.iso_administrator).write({"item_ids": [(2, hold.item_ids[0].id)]})
        item = hold.item_ids.filtered(lambda item: item.res_id == held.id)
        hold.with_user(self.iso_administrator)._remove_items(item, "Claim withdrawn")
        held.invalidate_recordset(["on_hold"])
        self.assertFalse(held.on_hold)
        released = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.risk"), ("res_id", "=", held.id), ("event_type", "=", "hold_released")]
        )
        self.assertEqual(released.reason, "Claim withdrawn")

    def test_managers_are_limited_to_their_departments_on_confidential_risks(self):
        quality_risk = self.make_risk(
            user=self.env.user, confidentiality="confidential", department_id=self.quality.id, title="Quality"
        )
        production_risk = self.make_risk(
            user=self.env.user, confidentiality="confidential", department_id=self.production.id, title="Prod"
        )
        readable = self.Risk.with_user(self.iso_manager).search([("id", "in", (quality_risk | production_risk).ids)])
        self.assertEqual(readable, quality_risk)
        with self.assertRaises(AccessError):
            production_risk.with_user(self.iso_manager).write({"likelihood": 1})

    def test_a_policy_change_moves_the_retention_of_closed_risks(self):
        policy = self.env.ref("iso_records.retention_policy_risk_closed_3y")
        with freeze_time("2026-01-10"):
            risk = self.make_risk()
            risk.write({"active": False})
        self.assertEqual((risk.retention_start_date, risk.retention_until), (date(2026, 1, 10), date(2029, 1, 10)))
        policy.with_user(self.iso_administrator).write({"duration": 5})
        self.assertEqual(risk.retention_until, date(2031, 1, 10))
        closing = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.risk"), ("res_id", "=", risk.id), ("reason", "like", "changed")]
        )
        self.assertTrue(closing, "the new date is in the risk's trail, with the policy change as its reason")
