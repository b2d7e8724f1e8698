import json
from datetime import date, timedelta

from odoo import Command
from odoo.addons.iso_records.tests import test_iso_contract_paths as contract_paths
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestCapaWorkflow(CapaCase):
    """The CAPA's steps as real users: root cause before actions, the effectiveness check reached when the last
    action is done, closure signed by the owner with every rule enforced on the server, cancel."""

    def check_activities(self, capa, xmlid):
        activity_type = self.env.ref(xmlid)
        return capa.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)

    # ------------------------------------------------------------------
    # Analysis and actions
    # ------------------------------------------------------------------
    def test_actions_need_the_root_cause_and_its_category(self):
        capa = self.make_capa(self.make_nc())
        capa.action_start_analysis()
        self.assertEqual(capa.state, "analysis")
        self.add_capa_action(capa)
        with self.refused(UserError, r"Start actions: Root Cause and Root Cause Category of .* is empty"):
            capa.action_start_actions()
        capa.root_cause = "The packing specification does not require separators."
        with self.refused(UserError, r"Start actions: Root Cause Category of .* is empty"):
            capa.action_start_actions()
        capa.root_cause_category = "method"
        capa.action_start_actions()
        self.assertEqual(capa.state, "action")
        self.assertTrue(capa.action_ids.activity_id, "the action became its owner's activity")

    def test_actions_need_an_action_with_owner_and_deadline(self):
        capa = self.make_capa(self.make_nc(), root_cause="No separators.", root_cause_category="method")
        capa.action_start_analysis()
        with self.refused(UserError, r"Start actions: .* has no action yet"):
            capa.action_start_actions()
        self.add_capa_action(capa, date_deadline=False)
        with self.refused(UserError, r"has no Deadline; each action needs an owner and a deadline"):
            capa.action_start_actions()
        self.assertEqual(capa.state, "analysis")

    def test_steps_follow_their_order(self):
        capa = self.make_capa(self.make_nc())
        with self.refused(UserError, r"Start actions: .* is New; this step needs it to be Root Cause"):
            capa.action_start_actions()
        with self.refused(UserError, r"Close CAPA: .* is New; this step needs it to be Effectiveness Check"):
            capa.action_open_close()
        with self.refused(UserError, r"Record effectiveness: .* is New"):
            capa.with_user(self.verifier).action_record_effectiveness("effective", "Fine.")
        with self.refused(AccessError, "auditors"):
            capa.with_user(self.iso_auditor).action_start_analysis()

    def test_the_last_action_done_reaches_the_effectiveness_check(self):
        capa = self.capa_acting(effectiveness_days=30)
        first, second = capa.sudo().action_ids
        first.with_user(self.iso_user).action_mark_done()
        capa._iso_on_actions_done()
        self.assertEqual(capa.state, "action", "one action is still open")
        self.assertFalse(capa.verification_ids)
        second.with_user(self.colleague).action_mark_done()
        capa._iso_on_actions_done()
        self.assertEqual(capa.state, "verification")
        self.assertEqual(capa.effectiveness_due_date, date.today() + timedelta(days=30))
        check = capa.verification_ids
        self.assertEqual(len(check), 1)
        self.assertEqual(
            (check.verifier_id, check.due_date, check.result), (self.verifier, capa.effectiveness_due_date, False)
        )
        activity = self.check_activities(capa, "iso_records_capa.mail_activity_type_effectiveness_check")
        self.assertEqual((activity.user_id, activity.date_deadline), (self.verifier, capa.effectiveness_due_date))
        # Called again (from another action's activity, a retry): nothing more.
        capa._iso_on_actions_done()
        self.assertEqual(len(capa.verification_ids), 1)
        self.assertEqual(len(self.check_activities(capa, "iso_records_capa.mail_activity_type_effectiveness_check")), 1)

    def test_marking_the_last_action_done_from_its_activity_reaches_the_check(self):
        """The action's side (iso.capa.action) calls _iso_on_actions_done when an action is done."""
        capa = self.capa_acting(owners=(self.iso_user,))
        capa.sudo().action_ids.activity_id.with_user(self.iso_user).action_feedback(feedback="Separators added.")
        self.assertEqual(capa.state, "verification")

    # ------------------------------------------------------------------
    # The verifier
    # ------------------------------------------------------------------
    def test_the_verifier_is_neither_the_owner_nor_an_action_owner(self):
        capa = self.make_capa(self.make_nc())
        with self.refused(ValidationError, r"Verifier: neither the CAPA owner .* owns CAPA"):
            capa.verifier_id = self.iso_manager
        with self.refused(ValidationError, r"Verifier: .* owns an action of"):
            capa.write(
                {
                    "action_ids": [
                        Command.create(
                            {
                                "description": "Verifier acting (test)",
                                "user_id": self.verifier.id,
                                "date_deadline": date.today() + timedelta(days=3),
                            }
                        )
                    ]
                }
            )
        self.assertEqual(capa.verifier_id, self.verifier)
        self.assertFalse(capa.action_ids)
        with self.refused(ValidationError, r"Verifier: .* owns CAPA"):
            self.make_capa(self.make_nc(), verifier_id=self.iso_manager.id)

    def test_a_verifier_made_action_owner_afterwards_is_caught_at_each_step(self):
        capa = self.make_capa(self.make_nc(), root_cause="No separators.", root_cause_category="method")
        capa.action_start_analysis()
        # Created on its own (not through the CAPA form), the action escapes the CAPA's constraint...
        self.add_capa_action(capa, owner=self.verifier)
        with self.refused(UserError, r"Start actions: the verifier is neither the CAPA owner nor an action owner"):
            capa.action_start_actions()
        capa.write({"verifier_id": False})
        with self.refused(UserError, r"Start actions: Verifier of .* is empty"):
            capa.action_start_actions()

    # ------------------------------------------------------------------
    # Closure: the rules, as manager and as administrator, through the signature dialog (RPC)
    # ------------------------------------------------------------------
    def test_closure_rules_for_a_manager_and_an_administrator_owner(self):
        for owner in (self.iso_manager, self.iso_administrator):
            with self.subTest(owner=owner.login):
                capa = self.capa_acting(user=owner)
                with self.refused(UserError, r"Close CAPA: .* is Actions; this step needs it to be Effectiveness"):
                    self.sign(capa.with_user(owner), owner, "close")
                self.finish_capa_actions(capa)
                # Without an effective verification.
                with self.refused(UserError, r"Close CAPA: .* has no effective verification yet"):
                    capa.with_user(owner).action_open_close()
                with self.refused(UserError, r"has no effective verification yet"):
                    self.sign(capa.with_user(owner), owner, "close")
                capa.with_user(self.verifier).action_record_effectiveness("effective", "No scratch since.")
                # Without root cause.
                capa.with_user(owner).root_cause = False
                with self.refused(UserError, r"Close CAPA: Root Cause of .* is empty"):
                    self.sign(capa.with_user(owner), owner, "close")
                capa.with_user(owner).root_cause = "No separators."
                # With an open action.
                late = self.add_capa_action(capa, user=owner, description="Late action (test)")
                with self.refused(UserError, r"Close CAPA: 1 action\(s\) of .* are not done \(Late action"):
                    self.sign(capa.with_user(owner), owner, "close")
                late.with_user(self.iso_user).action_mark_done()
                # The verifier who since became an action owner: the check is not independent.
                # Added on its own (not through the CAPA form), the action escapes the CAPA's constraint.
                verifier_action = self.add_capa_action(
                    capa, user=owner, owner=self.verifier, description="Verifier's (test)"
                )
                verifier_action.with_user(self.verifier).action_mark_done()
                with self.refused(UserError, r"Close CAPA: the verifier is neither .* owns an action"):
                    self.sign(capa.with_user(owner), owner, "close")
                verifier_action.sudo().unlink()
                # Nobody but the owner signs, an administrator neither.
                other = self.iso_administrator if owner == self.iso_manager else self.iso_manager
                self.assertFalse(capa.with_user(other)._iso_may_sign("close"))
                with self.refused(UserError, r"Close CAPA: only the owner of .* signs its closure"):
                    self.sign(capa.with_user(other), other, "close")
                self.assertEqual(capa.state, "verification")
                self.assertTrue(capa.with_user(owner)._iso_may_sign("close"))
                self.sign(capa.with_user(owner), owner, "close")
                self.assertEqual((capa.state, capa.closed_by_id, capa.closed_date), ("closed", owner, date.today()))

    def test_a_wrong_password_closes_nothing(self):
        capa = self.capa_verified()
        with self.refused(UserError, "password"):
            self.sign(capa, self.iso_manager, "close", password="wrong")
        self.assertEqual(capa.state, "verification")

    def test_closing_re_rates_the_risk_and_tells_the_nonconformities(self):
        risk = (
            self.env["iso.risk"]
            .with_user(self.iso_manager)
            .create({"title": "Transport damage (test)", "likelihood": 4, "severity": 3})
        )
        capa = self.capa_verified(risk_id=risk.id)
        with self.refused(UserError, r"Close CAPA: rate .* after the actions before closing"):
            self.sign(capa, self.iso_manager, "close")
        with self.refused(ValidationError, r"must be between 1 and 5"):
            capa.risk_likelihood_after = 7
        capa.write({"risk_likelihood_after": 1, "risk_severity_after": 3})
        signature = self.sign(capa, self.iso_manager, "close", reason="Separators in the spec, no scratch since.")
        self.assertEqual(capa.state, "closed")
        self.assertEqual((risk.residual_likelihood, risk.residual_severity, risk.residual_score), (1, 3, 3))
        events = self.env["iso.signature"].search([("res_model", "=", "iso.capa"), ("res_id", "=", capa.id)])
        self.assertEqual((events.operation, events.meaning, events.signer_id), ("close", "closed", self.iso_manager))
        self.assertTrue(signature)
        nonconformity = capa.nonconformity_ids
        self.assertEqual(nonconformity.state, "new", "closing a CAPA closes none of its NCs")
        self.assertIn(capa.name, nonconformity.message_ids[:1].body)
        # Locked once closed.
        with self.refused(UserError, r"is locked"):
            capa.root_cause = "Changed afterwards"

    def test_cancel_needs_a_reason_and_removes_the_activities(self):
        capa = self.capa_acting()
        self.assertTrue(capa.sudo().action_ids.activity_id)
        with self.refused(UserError, r"Cancel Reason: say why .* is cancelled"):
            capa.action_cancel()
        capa.cancel_reason = "Duplicate of another CAPA."
        with self.refused(AccessError, "auditors"):
            capa.with_user(self.iso_auditor).action_cancel()
        capa.action_cancel()
        self.assertEqual(capa.state, "cancelled")
        self.assertFalse(capa.sudo().action_ids.activity_id)
        with self.refused(UserError, r"Cancel CAPA: .* is Cancelled"):
            capa.action_cancel()

    def test_workflow_fields_are_never_written_directly(self):
        capa = self.capa_verified()
        check = capa.verification_ids
        for user in (self.iso_manager, self.iso_administrator):
            for values in (
                {"state": "closed"},
                {"reopen_count": 0},
                {"effectiveness_due_date": "2020-01-01"},
                {"closed_by_id": user.id},
            ):
                with self.subTest(user=user.login, values=values), self.refused(UserError, r"set by the workflow"):
                    capa.with_user(user).write(values)
            with self.subTest(user=user.login), self.refused(UserError, r"frozen: an effectiveness check is recorded"):
                check.with_user(user).write({"result": "not_effective"})
            with self.refused(UserError, r"frozen: an effectiveness check is recorded"):
                self.env["iso.capa.verification"].with_user(user).create(
                    {"capa_id": capa.id, "verifier_id": self.verifier.id, "result": "effective", "evidence": "Forged"}
                )
        self.assertEqual((capa.state, check.result), ("verification", "effective"))


@tagged("post_install", "-at_install")
class TestCapaWorkflowRpc(HttpCase):
    """Over JSON-RPC in a browser session, as an ISO manager and an ISO administrator: the state and the check's
    result are refused, closing is only through the signature, nothing written."""

    # The contract's JSON-RPC call, returning the error's data.
    call = contract_paths.TestIsoContractRpc.call

    def test_state_and_results_refused_over_json_rpc(self):
        env = self.env
        manager = new_test_user(env, "capa_rpc_manager", groups="iso_records.group_iso_manager")
        administrator = new_test_user(env, "capa_rpc_admin", groups="iso_records.group_iso_administrator")
        verifier = new_test_user(env, "capa_rpc_verifier", groups="iso_records.group_iso_manager")
        employee = env["hr.employee"].create({"name": "RPC owner (test)", "user_id": manager.id})
        capa = (
            env["iso.capa"]
            .with_user(manager)
            .create({"title": "RPC CAPA (test)", "owner_id": employee.id, "verifier_id": verifier.id})
        )
        for user in (manager, administrator):
            self.authenticate(user.login, user.login)
            for model, method, args, expected in (
                ("iso.capa", "write", [[capa.id], {"state": "closed"}], "odoo.exceptions.UserError"),
                ("iso.capa", "write", [[capa.id], {"reopen_count": 5}], "odoo.exceptions.UserError"),
                (
                    "iso.capa.verification",
                    "create",
                    [{"capa_id": capa.id, "verifier_id": verifier.id, "result": "effective"}],
                    "odoo.exceptions.UserError",
                ),
                ("iso.capa", "action_open_close", [[capa.id]], "odoo.exceptions.UserError"),
                ("iso.capa", "_iso_close", [[capa.id], user.id], "odoo.exceptions.AccessError"),
                (
                    "iso.capa",
                    "action_record_effectiveness",
                    [[capa.id], "effective", "Forged"],
                    "odoo.exceptions.UserError",
                ),
            ):
                with self.subTest(user=user.login, method=method, args=args):
                    error = self.call(model, method, args)
                    self.assertEqual(error.get("name"), expected, error)
        capa.invalidate_recordset()
        self.assertEqual((capa.state, capa.reopen_count), ("draft", 0))
        self.assertFalse(env["iso.capa.verification"].search([("capa_id", "=", capa.id)]))


@tagged("post_install", "-at_install")
class TestCapaClosureRpc(HttpCase, CapaCase):
    """Closing through the signature dialog over JSON-RPC, as the owner (an ISO manager) and as an ISO
    administrator: refused while the check is not effective, refused for anyone but the owner."""

    call = contract_paths.TestIsoContractRpc.call

    def sign_over_rpc(self, user, capa):
        self.authenticate(user.login, user.login)
        values = {
            "res_model": "iso.capa",
            "res_id": capa.id,
            "operation": "close",
            "meaning": "closed",
            "password": user.login,
        }
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": "iso.signature.wizard", "method": "create", "args": [values], "kwargs": {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        ).json()
        self.assertIn("result", response, response)
        return self.call("iso.signature.wizard", "action_sign", [[response["result"]]])

    def test_closure_over_json_rpc(self):
        capa = self.finish_capa_actions(self.capa_acting())
        for user, message in (
            (self.iso_manager, "has no effective verification yet"),
            (self.iso_administrator, "only the owner of"),
        ):
            with self.subTest(user=user.login):
                error = self.sign_over_rpc(user, capa)
                self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
                self.assertIn(message, error.get("message", ""))
        capa.with_user(self.verifier).action_record_effectiveness("effective", "No scratch since.")
        error = self.sign_over_rpc(self.iso_administrator, capa)
        self.assertIn("only the owner of", error.get("message", ""))
        self.assertEqual(capa.state, "verification")
        self.assertEqual(self.sign_over_rpc(self.iso_manager, capa), {})
        capa.invalidate_recordset()
        self.assertEqual((capa.state, capa.closed_by_id), ("closed", self.iso_manager))
