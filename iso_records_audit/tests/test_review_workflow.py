"""The management review after its inputs are collected: the completeness gate, holding signed by the chair
with the inputs frozen (SHA-256), outputs (9.3.3) tracked as activities of their owners, closing; and the bad
input of each step, refused with a clear error and nothing written. As real users (the chair is the core's
ISO manager); dates under frozen time."""

import hashlib
import json
import re
from datetime import date

from odoo import Command, fields
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .management_common import ManagementCase

OUTPUT_ACTIVITY_TYPE = "iso_records_audit.mail_activity_type_review_output"


@tagged("post_install", "-at_install")
class TestReviewWorkflow(ManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Input = env["iso.management.review.input"]
        cls.Output = env["iso.management.review.output"]
        cls.complaint_type = env.ref("iso_records.record_type_customer_complaint")
        cls.complaints = env["iso.record"]
        for title in ("Late delivery to Acme (test)", "Scratched housing (test)"):
            cls.complaints |= env["iso.record"].create(
                {"title": title, "record_type_id": cls.complaint_type.id, "confidentiality": "internal"}
            )
        # A complaint the chair may not read: counted by the collection, never named in the chair's minutes.
        cls.restricted_complaint = (
            env["iso.record"]
            .with_user(cls.iso_user)
            .create(
                {
                    "title": "Complaint naming a person (test)",
                    "record_type_id": cls.complaint_type.id,
                    "confidentiality": "restricted",
                }
            )
        )
        cls.audit = workflow(env["iso.audit"]).create(
            {
                "title": "Assembly audit (review test)",
                "date_start": date(2026, 3, 2),
                "date_end": date(2026, 3, 3),
                "standard_ids": [Command.set(cls.standard_9001.ids)],
            }
        )
        workflow(cls.audit).write({"state": "fieldwork"})
        clause = env["iso.clause"].search([("standard_id", "=", cls.standard_9001.id)], limit=1)
        cls.findings = workflow(env["iso.audit.finding"]).create(
            [
                {
                    "audit_id": cls.audit.id,
                    "grade": "minor",
                    "clause_id": clause.id,
                    "requirement": "Work instructions are current (test).",
                    "evidence": f"Station {station} used an old revision (test).",
                }
                for station in (3, 4)
            ]
        )

    def collected_review(self, skip=(), **values):
        """A review whose inputs are collected: complaints and open findings with data, d) without data and
        with the statement why, the others with data; the letters in ``skip`` left out."""
        review = self.make_review(**values)
        complaints_domain = [("record_type_id", "=", self.complaint_type.id), ("title", "ilike", "(test)")]
        findings_domain = [("audit_id", "=", self.audit.id), ("state", "!=", "closed")]
        sections = [
            {"letter": "a", "section": "previous_actions", "name": "Actions of previous reviews"},
            {"letter": "b", "section": "context", "name": "Issues and interested parties"},
            {
                "letter": "c",
                "section": "complaints",
                "name": "Customer complaints",
                "figures": [["Complaints", 2]],
                "item_model": "iso.record",
                "item_domain": str(complaints_domain),
                "item_count": 2,
            },
            {
                "letter": "c",
                "section": "findings",
                "name": "Open audit findings",
                "figures": [["Open", 2], ["Minor", 2]],
                "item_model": "iso.audit.finding",
                "item_domain": str(findings_domain),
                "item_count": 2,
            },
            {
                "letter": "d",
                "section": "resources",
                "name": "Adequacy of resources",
                "has_data": False,
                "note": "No competence requirements defined.",
                "comment": "Resources were sufficient: no gaps reported by the departments.",
            },
            {"letter": "e", "section": "risk_actions", "name": "Actions on risks"},
            {"letter": "f", "section": "improvement", "name": "Opportunities for improvement"},
        ]
        workflow(self.Input).create(
            [
                {"review_id": review.id, "has_data": True, "figures": [["Items", 1]], **section}
                for section in sections
                if section["letter"] not in skip
            ]
        )
        workflow(review).write({"state": "collected", "collected_date": fields.Datetime.now()})
        return review

    def hold(self, review, user=None):
        return self.sign(review, user or self.chair, "hold")

    def add_output(self, review, user=None, **values):
        return self.Output.with_user(user or self.chair).create(
            {
                "review_id": review.id,
                "kind": "improvement",
                "description": "Train station leads on work instruction changes",
                "user_id": self.iso_user.id,
                "date_deadline": date(2027, 3, 31),
                **values,
            }
        )

    def output_activities(self, review):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "iso.management.review"),
                ("res_id", "=", review.id),
                ("activity_type_id", "=", self.env.ref(OUTPUT_ACTIVITY_TYPE).id),
            ]
        )

    # ------------------------------------------------------------------
    # Holding: frozen and signed
    # ------------------------------------------------------------------
    def test_holding_freezes_the_inputs_against_later_changes(self):
        review = self.collected_review()
        self.assertIn(",hold,", review.with_user(self.chair).iso_signable_by_me)
        action = review.with_user(self.chair).action_open_hold()
        self.assertEqual(action["res_model"], "iso.signature.wizard")
        self.assertEqual(action["context"]["default_operation"], "hold")
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(self.chair)
            .create(
                {
                    "res_model": review._name,
                    "res_id": review.id,
                    "operation": "hold",
                    "meaning": "reviewed",
                    "password": self.chair.login,
                }
            )
        )
        shown_hash = wizard.content_hash
        self.hold(review)

        self.assertEqual(review.state, "held")
        self.assertEqual(review.held_by_id, self.chair)
        self.assertTrue(review.held_date)
        frozen, frozen_hash = review.frozen_content, review.frozen_hash
        self.assertEqual(hashlib.sha256(frozen.encode()).hexdigest(), frozen_hash)
        content = json.loads(frozen)
        self.assertEqual(
            json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False), frozen, "canonical JSON"
        )
        self.assertEqual(content["review"]["name"], review.name)
        self.assertEqual(content["review"]["chair"], self.chair.name)
        self.assertEqual(content["review"]["period_start"], "2026-01-01")
        self.assertEqual(sorted(content["review"]["attendees"]), sorted(self.attendees.mapped("name")))
        self.assertEqual(content["review"]["standards"], [self.standard_9001.display_name])
        by_section = {entry["section"]: entry for entry in content["inputs"]}
        self.assertEqual([entry["letter"] for entry in content["inputs"]], ["a", "b", "c", "c", "d", "e", "f"])
        self.assertEqual(
            sorted(by_section["complaints"]["items"]),
            sorted(self.complaints.mapped("display_name")),
            "the items the chair may read, not the restricted complaint",
        )
        self.assertNotIn("naming a person", frozen)
        self.assertEqual(sorted(by_section["findings"]["items"]), sorted(self.findings.mapped("display_name")))
        self.assertEqual(by_section["findings"]["figures"], [["Open", 2], ["Minor", 2]])
        self.assertIn("no gaps", by_section["resources"]["comment"])
        signature = review.signature_ids
        self.assertEqual(
            (signature.operation, signature.meaning, signature.signer_id), ("hold", "reviewed", self.chair)
        )
        self.assertEqual(signature.content_hash, frozen_hash, "the chair signs the frozen minutes")
        self.assertEqual(shown_hash, frozen_hash, "the dialog showed the hash the chair signed")

        # The data changes afterwards; the minutes do not.
        self.env["iso.record"].create(
            {"title": "Wrong label (test)", "record_type_id": self.complaint_type.id, "confidentiality": "internal"}
        )
        self.complaints[0].title = "Late delivery to Acme, renamed (test)"
        workflow(self.findings[0]).write({"state": "closed"})
        workflow(review.input_ids.filtered(lambda line: line.section == "complaints")).write(
            {"comment": "Changed after the meeting"}
        )
        review.invalidate_recordset()
        self.assertEqual(review.frozen_content, frozen)
        self.assertEqual(review.frozen_hash, frozen_hash)
        self.assertEqual(hashlib.sha256(review.frozen_content.encode()).hexdigest(), frozen_hash)
        self.assertNotIn("Wrong label", review.frozen_content)
        self.assertNotIn("Changed after the meeting", review.frozen_content)

    def test_the_minutes_name_nothing_more_confidential_than_the_review(self):
        secret = self.env["iso.record"].create(
            {
                "title": "Complaint of a key account (test)",
                "record_type_id": self.complaint_type.id,
                "confidentiality": "confidential",
                "department_id": self.quality.id,
            }
        )
        self.assertTrue(secret.with_user(self.chair).has_access("read"), "the chair reads the confidential complaint")
        review = self.collected_review()
        self.hold(review)
        complaints = {entry["section"]: entry for entry in json.loads(review.frozen_content)["inputs"]}["complaints"]
        self.assertEqual(sorted(complaints["items"]), sorted(self.complaints.mapped("display_name")))
        self.assertNotIn("key account", review.frozen_content, "every reader of the internal review reads the minutes")

        confidential_review = self.collected_review(
            confidentiality="confidential", owner_id=self.employee_of[self.chair].id
        )
        self.hold(confidential_review)
        self.assertIn("key account", confidential_review.frozen_content, "as confidential as the review: named")

    def test_holding_without_attendees_is_refused(self):
        review = self.collected_review(attendee_ids=[Command.clear()])
        with self.refused(UserError, r"Hold review: Attendees of .* is empty"):
            review.with_user(self.chair).action_open_hold()
        with self.refused(UserError, r"Hold review: Attendees of .* is empty"):
            self.hold(review)
        self.assertEqual(review.state, "collected")
        self.assertFalse(review.frozen_hash)
        self.assertFalse(review.signature_ids)

    def test_holding_with_a_missing_input_is_refused(self):
        review = self.collected_review(skip=("f",))
        resources = review.input_ids.filtered(lambda line: line.letter == "d")
        resources.with_user(self.chair).write({"comment": "  "})
        self.assertEqual(review.missing_input_count, 1)
        with self.refused(
            UserError,
            r"inputs with neither data nor a written statement why there is none: "
            r"9\.3\.2 f\) Opportunities for improvement \(not collected\); 9\.3\.2 d\) Adequacy of resources\.",
        ):
            review.with_user(self.chair).action_open_hold()
        workflow(self.Input).create(
            {"review_id": review.id, "letter": "f", "section": "improvement", "name": "Improvement", "has_data": True}
        )
        with self.refused(UserError, r"9\.3\.2 d\) Adequacy of resources\.") as caught:
            self.hold(review)
        self.assertNotIn("not collected", str(caught.exception))
        self.assertEqual(review.state, "collected")
        self.assertFalse(review.signature_ids)
        resources.with_user(self.chair).write({"comment": "No gaps reported by the departments."})
        self.hold(review)
        self.assertEqual(review.state, "held")

    def test_holding_needs_collected_inputs(self):
        review = self.make_review()
        with self.refused(UserError, r"Hold review: .* is Draft; this step needs it to be Inputs collected"):
            review.with_user(self.chair).action_open_hold()

    def test_only_the_chair_holds(self):
        review = self.collected_review()
        self.assertNotIn(",hold,", review.with_user(self.approver).iso_signable_by_me or "")
        chair, other = re.escape(self.chair.name), re.escape(self.approver.name)
        not_chair = rf"only the chair of .* \({chair}\) signs it; {other} is not"
        with self.refused(UserError, not_chair):
            review.with_user(self.approver).action_open_hold()
        with self.refused(UserError, "only the chair of"):
            self.hold(review, self.approver)
        self.assertEqual(review.state, "collected")
        self.assertFalse(review.frozen_content)
        self.assertFalse(review.signature_ids)

    def test_a_held_review_keeps_its_inputs_and_frame(self):
        review = self.collected_review()
        self.hold(review)
        line = review.input_ids[0]
        with self.refused(UserError, "is frozen: the review .* is held"):
            line.with_user(self.chair).write({"comment": "Second thoughts"})
        self.assertFalse(line.comment)
        for values in (
            {"period_end": date(2026, 11, 30)},
            {"attendee_ids": [Command.clear()]},
            {"standard_ids": [Command.set(self.standard_14001.ids)]},
        ):
            with self.subTest(values=values), self.refused(UserError, "is held: its .* are in the signed"):
                review.with_user(self.chair).write(values)
        self.assertEqual(review.period_end, date(2026, 12, 31))
        self.assertEqual(review.attendee_ids, self.attendees)
        self.assertEqual(review.standard_ids, self.standard_9001)

    # ------------------------------------------------------------------
    # Outputs: owners, deadlines, activities
    # ------------------------------------------------------------------
    def test_an_output_without_owner_or_deadline(self):
        review = self.collected_review()
        output = self.add_output(review, description="Second auditor", user_id=False, date_deadline=False)
        self.assertFalse(output.activity_id, "a decision being drafted may lack owner and deadline")
        with self.refused(UserError, r"Hold review: Second auditor of .* has no Owner and Deadline"):
            review.with_user(self.chair).action_open_hold()
        with self.refused(UserError, r"Hold review: Second auditor of .* has no Owner and Deadline"):
            self.hold(review)
        self.assertEqual(review.state, "collected")
        output.with_user(self.chair).write({"user_id": self.production_manager.id})
        with self.refused(UserError, r"Second auditor of .* has no Deadline"):
            self.hold(review)
        output.with_user(self.chair).write({"date_deadline": date(2027, 1, 31)})
        self.hold(review)

        with self.refused(UserError, "New budget of .* has no Deadline"):
            self.add_output(review, description="New budget", kind="resources", date_deadline=False)
        with self.refused(UserError, "New budget of .* has no Owner"):
            self.add_output(review, description="New budget", kind="resources", user_id=False)
        with self.refused(UserError, "Second auditor of .* has no Owner"):
            output.with_user(self.chair).write({"user_id": False})
        self.assertEqual(review.output_ids, output, "nothing written")
        self.assertEqual(output.user_id, self.production_manager)
        self.assertEqual(len(self.output_activities(review)), 1)

    def test_an_owner_who_cannot_act_is_refused(self):
        review = self.collected_review()
        output = self.add_output(review, user_id=self.iso_auditor.id)
        with self.refused(UserError, f"Owner: {re.escape(self.iso_auditor.name)} cannot act on"):
            self.hold(review)
        self.assertEqual(review.state, "collected")
        output.with_user(self.chair).write({"user_id": self.iso_user.id})
        self.hold(review)
        with self.refused(UserError, f"Owner: {re.escape(self.user_b.name)} cannot act on"):
            self.add_output(review, user_id=self.user_b.id)
        with self.refused(UserError, f"Owner: {re.escape(self.iso_auditor.name)} cannot act on"):
            output.with_user(self.chair).write({"user_id": self.iso_auditor.id})
        self.assertEqual(review.output_ids, output)
        self.assertEqual(output.activity_id.user_id, self.iso_user)

    def test_outputs_become_activities_done_both_ways(self):
        review = self.collected_review()
        training = self.add_output(review)
        budget = self.add_output(
            review,
            kind="resources",
            description="Budget a second test bench",
            user_id=self.production_manager.id,
            date_deadline=date(2027, 1, 31),
        )
        self.assertFalse(self.output_activities(review), "no activity before the review is held")
        self.hold(review)
        activities = self.output_activities(review)
        self.assertEqual(len(activities), 2)
        self.assertEqual(training.activity_id.user_id, self.iso_user)
        self.assertEqual(training.activity_id.date_deadline, date(2027, 3, 31))
        self.assertIn("Improvement opportunity: Train station leads", training.activity_id.summary)
        self.assertEqual(budget.activity_id.user_id, self.production_manager)

        # Moved deadline: the activity follows.
        budget.with_user(self.chair).write({"date_deadline": date(2027, 2, 28)})
        self.assertEqual(budget.activity_id.date_deadline, date(2027, 2, 28))

        with freeze_time("2027-03-01 10:00:00"):
            outputs = (training | budget).with_user(self.iso_user)
            self.assertEqual(outputs.mapped("action_state"), ["open", "late"])
            # The owner marks the activity done from their activities: the output is done.
            training.activity_id.with_user(self.iso_user).action_feedback(feedback="Trained all four leads")
            self.assertEqual(training.date_done, date(2027, 3, 1))
            # The other owner marks the output done: so is its activity.
            budget_activity = budget.activity_id
            budget.with_user(self.production_manager).action_mark_done()
            self.assertFalse(budget_activity.exists())
            self.assertEqual(budget.date_done, date(2027, 3, 1))
            outputs.invalidate_recordset(["action_state"])
            self.assertEqual(outputs.mapped("action_state"), ["done", "done"])
        self.assertFalse(self.output_activities(review))

    def test_outputs_late_and_open_against_today(self):
        review = self.collected_review()
        output = self.add_output(review, date_deadline=date(2027, 3, 31))
        self.hold(review)
        Output = self.Output.with_user(self.iso_user)
        with freeze_time("2027-03-31 12:00:00"):
            self.assertEqual(output.with_user(self.iso_user).action_state, "open")
            self.assertEqual(Output.search([("review_id", "=", review.id), ("action_state", "=", "open")]), output)
        with freeze_time("2027-04-01 08:00:00"):
            output.invalidate_recordset(["action_state"])
            self.assertEqual(output.with_user(self.iso_user).action_state, "late")
            self.assertEqual(Output.search([("review_id", "=", review.id), ("action_state", "=", "late")]), output)

    # ------------------------------------------------------------------
    # Closing
    # ------------------------------------------------------------------
    def test_closing(self):
        review = self.collected_review()
        output = self.add_output(review)
        with self.refused(UserError, r"Close review: .* is Inputs collected; this step needs it to be Held"):
            review.with_user(self.chair).action_close()
        self.hold(review)
        # Planned from the settings by default; the chair may have cleared it.
        review.with_user(self.chair).write({"next_review_date": False})
        with self.refused(UserError, r"Close review: Next Review Date of .* is empty"):
            review.with_user(self.chair).action_close()
        review.with_user(self.chair).write({"next_review_date": date(2026, 12, 1)})
        with self.refused(UserError, r"Next Review Date of .* \(2026-12-01\) must come after its meeting"):
            review.with_user(self.chair).action_close()
        self.assertEqual(review.state, "held")
        self.assertFalse(review.closed_date)
        with self.refused(UserError, "ISO auditors"):
            review.with_user(self.iso_auditor).action_close()
        review.with_user(self.chair).write({"next_review_date": date(2027, 12, 15)})
        with freeze_time("2026-12-20 10:00:00"):
            review.with_user(self.chair).action_close()
        self.assertEqual(review.state, "closed")
        self.assertEqual(review.closed_date, date(2026, 12, 20))
        self.assertTrue(output.activity_id, "the decision stays with its owner")

        # Locked: nothing changes but the owners marking their outputs done.
        with self.refused(UserError, "is locked"):
            review.with_user(self.chair).write({"summary": "<p>Rewritten</p>"})
        with self.refused(UserError, "is locked"):
            output.with_user(self.chair).write({"date_deadline": date(2027, 6, 30)})
        with self.refused(UserError, "is locked"):
            self.add_output(review)
        output.with_user(self.iso_user).action_mark_done()
        self.assertTrue(output.date_done)
        self.assertFalse(self.output_activities(review))

    # ------------------------------------------------------------------
    # Bad input of the frame and the workflow fields
    # ------------------------------------------------------------------
    def test_period_end_before_start(self):
        with self.refused(ValidationError, r"Period To of .*: 2025-12-31 is before Period From 2026-01-01"):
            self.make_review(period_end=date(2025, 12, 31))
        self.assertFalse(self.Review.search([("title", "=", "Management review 2026 (test)")]))
        review = self.make_review()
        with self.refused(ValidationError, "Period To of"):
            review.with_user(self.chair).write({"period_start": date(2027, 1, 1)})
        self.assertEqual(review.period_start, date(2026, 1, 1))

    def test_workflow_fields_are_never_written_directly(self):
        review = self.collected_review()
        for values in (
            {"state": "held"},
            {"frozen_hash": "0" * 64},
            {"frozen_content": "{}"},
            {"closed_date": "2026-12-31"},
        ):
            with self.subTest(values=values), self.refused(UserError, "never written directly"):
                review.with_user(self.chair).write(values)
        self.assertEqual(review.state, "collected")
        self.assertFalse(review.frozen_hash)
        output = self.add_output(review)
        with self.refused(UserError, "Done on: set by the activity"):
            output.with_user(self.iso_user).write({"date_done": "2026-12-31"})
        self.assertFalse(output.date_done)


@tagged("post_install", "-at_install")
class TestReviewWorkflowRpc(HttpCase):
    """The workflow fields over JSON-RPC, as an ISO manager in a browser session: a user error, nothing
    written."""

    def test_state_and_hash_refused_over_json_rpc(self):
        manager = new_test_user(self.env, "review_rpc_manager", groups="iso_records.group_iso_manager")
        review = (
            self.env["iso.management.review"]
            .with_user(manager)
            .create(
                {
                    "title": "RPC review (test)",
                    "date": date(2026, 12, 15),
                    "period_start": date(2026, 1, 1),
                    "period_end": date(2026, 12, 31),
                }
            )
        )
        self.authenticate(manager.login, manager.login)
        for method, args in (
            ("write", [[review.id], {"state": "held"}]),
            ("write", [[review.id], {"frozen_hash": "0" * 64}]),
            ("action_close", [[review.id]]),
        ):
            with self.subTest(method=method, args=args):
                payload = {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"model": review._name, "method": method, "args": args, "kwargs": {}},
                }
                response = self.url_open(
                    "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
                ).json()
                error = response.get("error", {}).get("data", {})
                self.assertEqual(error.get("name"), "odoo.exceptions.UserError", response)
        review.invalidate_recordset()
        self.assertEqual(review.state, "draft")
        self.assertFalse(review.frozen_hash)
