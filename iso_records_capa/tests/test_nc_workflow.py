import json
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import CapaCase

CONTAINED = {
    "containment": "Delivery quarantined; housings re-inspected.",
    "containment_date": date(2026, 6, 1),
}


@tagged("post_install", "-at_install")
class TestNcWorkflow(CapaCase):
    """Start, close and reject, and their guards: containment, a closed CAPA when one is required, otherwise a
    justification; a reason to reject. Closing closes the audit finding the nonconformity answers."""

    def contained_nc(self, **values):
        return self.make_nc(containment_user_id=self.iso_user.id, **CONTAINED, **values)

    def triaged(self, nonconformity):
        nonconformity.with_user(self.iso_manager).action_triage()
        return nonconformity

    def trail(self, record, event_type="state"):
        return self.env["iso.trail.event"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id), ("event_type", "=", event_type)],
            order="sequence desc",
            limit=1,
        )

    def test_start_moves_a_triaged_nonconformity_in_progress(self):
        nonconformity = self.make_nc()
        with self.assertRaisesRegex(UserError, "Start: .* is New; this step needs it to be Triaged"):
            nonconformity.with_user(self.iso_user).action_start()
        self.triaged(nonconformity).with_user(self.iso_user).action_start()
        self.assertEqual(nonconformity.state, "in_progress")
        with self.assertRaisesRegex(AccessError, "Start: ISO auditors"):
            nonconformity.with_user(self.iso_auditor).action_start()

    def test_closing_needs_the_containment_with_who_and_when(self):
        nonconformity = self.triaged(self.make_nc(severity=1, likelihood=1, closure_justification="Isolated case."))
        with self.assertRaises(UserError) as caught:
            nonconformity.with_user(self.iso_user).action_close()
        message = str(caught.exception)
        for expected in ("Containment: say what was done", "Contained by: name who", "Contained on: say when"):
            self.assertIn(expected, message)
        self.assertEqual(nonconformity.state, "triaged")
        self.assertFalse(nonconformity.closed_date)
        nonconformity.with_user(self.iso_user).write({"containment_user_id": self.iso_user.id, **CONTAINED})
        nonconformity.with_user(self.iso_user).action_close()
        self.assertEqual(nonconformity.state, "closed")
        self.assertEqual(nonconformity.closed_by_id, self.iso_user)
        self.assertTrue(nonconformity.closed_date)

    def test_a_nonconformity_needing_no_capa_closes_with_a_justification(self):
        nonconformity = self.triaged(self.contained_nc(severity=1, likelihood=1))
        self.assertFalse(nonconformity.capa_required)
        with self.assertRaisesRegex(UserError, "Closure justification: .* needs no CAPA"):
            nonconformity.with_user(self.iso_user).action_close()
        nonconformity.with_user(self.iso_user).write({"closure_justification": "   "})
        with self.assertRaisesRegex(UserError, "Closure justification"):
            nonconformity.with_user(self.iso_user).action_close()
        nonconformity.with_user(self.iso_user).write({"closure_justification": "One housing, sorted out at receipt."})
        nonconformity.with_user(self.iso_user).action_close()
        self.assertEqual(nonconformity.state, "closed")
        with self.assertRaisesRegex(UserError, "is locked"):
            nonconformity.with_user(self.iso_manager).write({"description": "Rewritten afterwards."})

    def test_a_closed_capa_is_enough_without_a_justification(self):
        nonconformity = self.triaged(self.contained_nc(severity=1, likelihood=1))
        capa = self.make_capa(nonconformity)
        self.force_state(capa, "closed")
        nonconformity.with_user(self.iso_user).action_close()
        self.assertEqual(nonconformity.state, "closed")

    def test_a_required_capa_must_exist_and_be_closed(self):
        nonconformity = self.triaged(self.contained_nc(severity=5, likelihood=5, closure_justification="Not enough."))
        self.assertTrue(nonconformity.capa_required)
        actor = nonconformity.with_user(self.iso_manager)
        with self.assertRaisesRegex(UserError, "CAPAs: .* requires a CAPA"):
            actor.action_close()
        capa = self.make_capa(nonconformity)
        cancelled = self.make_capa(nonconformity)
        self.force_state(cancelled, "cancelled")
        for state in ("draft", "analysis", "action", "verification"):
            with self.subTest(state=state):
                self.force_state(capa, state)
                with self.assertRaisesRegex(UserError, f"CAPAs: {capa.name} still open"):
                    actor.action_close()
                self.assertEqual(nonconformity.state, "triaged")
        self.force_state(capa, "closed")
        later = self.make_capa(nonconformity)
        with self.assertRaisesRegex(UserError, f"CAPAs: {later.name} still open"):
            actor.action_close()
        self.force_state(later, "closed")
        actor.action_close()
        self.assertEqual(nonconformity.state, "closed")

    def test_closing_closes_the_finding_it_answers(self):
        audit = self.env["iso.audit"].create(
            {"title": "Supplier audit (test)", "date_start": date(2026, 5, 1), "date_end": date(2026, 5, 2)}
        )
        self.force_state(audit, "fieldwork")
        finding, closed_finding = self.env["iso.audit.finding"].create(
            [
                {"audit_id": audit.id, "clause_id": self.clause_8_4.id, "evidence": "No incoming inspection."},
                {"audit_id": audit.id, "clause_id": self.clause_8_4.id, "evidence": "Old finding.", "grade": "minor"},
            ]
        )
        self.force_state(closed_finding, "closed")
        closed_before = closed_finding.closed_date
        nonconformity = self.triaged(
            self.contained_nc(
                source="finding", finding_id=finding.id, severity=1, likelihood=1, closure_justification="Fixed."
            )
        )
        other = self.triaged(
            self.contained_nc(finding_id=closed_finding.id, severity=1, likelihood=1, closure_justification="Fixed.")
        )
        (nonconformity | other).with_user(self.iso_user).action_close()
        self.assertEqual(finding.state, "closed")
        self.assertTrue(finding.closed_date)
        self.assertIn(nonconformity.name, self.trail(finding).reason)
        self.assertEqual(closed_finding.closed_date, closed_before)

    def test_reject_needs_a_reason_and_a_manager(self):
        nonconformity = self.make_nc()
        for reason in (None, "", "   "):
            with self.subTest(reason=reason):
                with self.assertRaisesRegex(UserError, "Rejection Reason: say why"):
                    nonconformity.with_user(self.iso_manager).action_reject(reason)
        with self.assertRaisesRegex(UserError, "Rejection Reason: expected text"):
            nonconformity.with_user(self.iso_manager).action_reject(["not", "text"])
        with self.assertRaisesRegex(UserError, "Reject: only an ISO manager"):
            nonconformity.with_user(self.iso_user).action_reject("Mine.")
        self.assertEqual(nonconformity.state, "new")
        # The reason typed on the form is used when none is given.
        nonconformity.with_user(self.iso_user).write({"rejection_reason": "Parts were returned samples."})
        nonconformity.with_user(self.iso_manager).action_reject()
        self.assertEqual(nonconformity.state, "rejected")
        self.assertEqual(nonconformity.closed_by_id, self.iso_manager)
        self.assertEqual(self.trail(nonconformity).reason, "Parts were returned samples.")
        with self.assertRaisesRegex(UserError, "Reject: .* is Rejected"):
            nonconformity.with_user(self.iso_manager).action_reject("Again.")
        with self.assertRaisesRegex(UserError, "Close: .* is Rejected"):
            nonconformity.with_user(self.iso_manager).action_close()

    def test_a_closed_nonconformity_is_neither_reopened_nor_rejected(self):
        nonconformity = self.triaged(self.contained_nc(severity=1, likelihood=1, closure_justification="Sorted."))
        nonconformity.with_user(self.iso_user).action_close()
        for method, args in (("action_reject", ("Changed my mind.",)), ("action_start", ()), ("action_triage", ())):
            with self.subTest(method=method):
                with self.assertRaisesRegex(UserError, "is Closed; this step needs"):
                    getattr(nonconformity.with_user(self.iso_manager), method)(*args)

    def test_only_who_may_change_it_acts_on_it(self):
        nonconformity = self.triaged(self.contained_nc(severity=1, likelihood=1, closure_justification="Sorted."))
        # A colleague reads an internal NC but changes only their own; another company's user sees nothing of it.
        for user in (self.colleague, self.user_b):
            for method in ("action_close", "action_start"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(nonconformity.with_user(user), method)()
        self.assertEqual(nonconformity.state, "triaged")


@tagged("post_install", "-at_install")
class TestNcClosureRpc(CapaCase, HttpCase):
    """The closure rules hold over JSON-RPC, for an ISO manager and for an ISO administrator alike: the state is
    never written, and closing a nonconformity whose required CAPA is open is refused."""

    def call(self, user, record, method, *args):
        self.authenticate(user.login, user.login)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": record._name, "method": method, "args": [record.ids, *args], "kwargs": {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        ).json()
        return response.get("error", {}).get("data", {})

    def test_closure_rules_over_rpc(self):
        for user in (self.iso_manager, self.iso_administrator):
            with self.subTest(user=user.login):
                nonconformity = self.make_nc(
                    user=self.iso_manager,
                    severity=5,
                    likelihood=5,
                    containment_user_id=self.iso_manager.id,
                    closure_justification="Trying to skip the CAPA.",
                    **CONTAINED,
                )
                nonconformity.with_user(self.iso_manager).action_triage()
                capa = self.make_capa(nonconformity)
                self.force_state(capa, "action")
                for method, args in (
                    ("write", ({"state": "closed"},)),
                    ("write", ({"capa_required": False},)),
                    ("write", ({"closed_date": "2026-06-01"},)),
                    ("action_close", ()),
                ):
                    with self.subTest(method=method, args=args):
                        error = self.call(user, nonconformity, method, *args)
                        self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
                nonconformity.invalidate_recordset()
                self.assertEqual(nonconformity.state, "triaged")
                self.assertTrue(nonconformity.capa_required)
                self.assertFalse(nonconformity.closed_date)
                # Writing the CAPA's state over RPC is refused too; closed by its workflow, the NC closes.
                error = self.call(user, capa, "write", {"state": "closed"})
                self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
                self.force_state(capa, "closed")
                self.assertEqual(self.call(user, nonconformity, "action_close"), {})
                nonconformity.invalidate_recordset()
                self.assertEqual(nonconformity.state, "closed")
                self.assertEqual(nonconformity.closed_by_id, user)

    def test_reject_over_rpc_needs_a_text_reason(self):
        nonconformity = self.make_nc()
        for reason in ("", 42, {"text": "no"}):
            with self.subTest(reason=reason):
                error = self.call(self.iso_manager, nonconformity, "action_reject", reason)
                self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
        nonconformity.invalidate_recordset()
        self.assertEqual(nonconformity.state, "new")
        self.assertEqual(self.call(self.iso_manager, nonconformity, "action_reject", "Duplicate report."), {})
        nonconformity.invalidate_recordset()
        self.assertEqual(nonconformity.state, "rejected")
        self.assertEqual(nonconformity.rejection_reason, "Duplicate report.")
