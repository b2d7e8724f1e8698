from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AuditCase


def signatures(audit, operation=None):
    domain = [("res_model", "=", "iso.audit"), ("res_id", "=", audit.id)]
    if operation:
        domain.append(("operation", "=", operation))
    return audit.env["iso.signature"].sudo().search(domain)


@tagged("post_install", "-at_install")
class TestAuditStages(AuditCase):
    """planned -> preparation -> fieldwork -> reporting -> closed, signed by the lead auditor and acknowledged
    by the auditee; cancelled with a reason; nothing of a closed or cancelled audit changes."""

    def test_stages_from_planned_to_closed_signed_by_the_lead_auditor(self):
        today = fields.Date.context_today(self.Audit)
        audit = self.make_audit()
        self.assertEqual(audit.state, "planned")
        self.assertEqual(audit.lead_auditor_user_id, self.lead_auditor)
        lead = audit.with_user(self.lead_auditor)

        lead.action_prepare()
        self.assertEqual(audit.state, "preparation")
        questions = audit.line_ids.mapped("question")
        for question in self.template_questions:
            self.assertIn(question, questions, "preparing loads the checklist of the audit's clauses")
        self.assertFalse(
            audit.line_ids.clause_id
            - audit.line_ids.clause_id.filtered_domain([("id", "child_of", audit.clause_ids.ids)])
        )

        lead.action_start_fieldwork()
        self.assertEqual(audit.state, "fieldwork")
        self.assertEqual(audit.actual_date_start, today)

        with self.refused(UserError, r"Result: \d+ checklist line\(s\) of .* have no result yet"):
            lead.action_start_reporting()
        self.assertEqual(audit.state, "fieldwork")
        lead.line_ids.write({"result": "conform"})
        lead.action_start_reporting()
        self.assertEqual(audit.state, "reporting")
        self.assertEqual(audit.actual_date_end, today)

        with self.refused(UserError, "Report Summary: write the summary"):
            lead._iso_sign("close", "closed")
        self.assertEqual(audit.state, "reporting")
        lead.summary = "<p>Assembly works to current instructions; traceability is complete.</p>"
        for other in (self.second_auditor, self.iso_manager, self.auditee):
            with self.assertRaises(UserError, msg=f"{other.name} does not sign the closing"):
                audit.with_user(other)._iso_sign("close", "closed")
        self.assertEqual(audit.state, "reporting")
        self.assertFalse(signatures(audit))
        self.assertNotIn(",close,", audit.with_user(self.second_auditor).iso_signable_by_me or "")
        self.assertIn(",close,", lead.iso_signable_by_me)

        signature = lead._iso_sign("close", "closed")
        self.assertEqual(audit.state, "closed")
        self.assertEqual(audit.date_done, today)
        self.assertEqual(audit.closed_by_id, self.lead_auditor)
        self.assertEqual(signatures(audit), signature)
        self.assertEqual(
            (signature.operation, signature.meaning, signature.signer_id), ("close", "closed", self.lead_auditor)
        )
        self.assertRegex(signature.content_hash, r"^[0-9a-f]{64}$")
        with self.refused(UserError, "Close audit: .* is Closed; this step needs it to be Reporting"):
            lead._iso_sign("close", "closed")
        self.assertEqual(len(signatures(audit)), 1)

    def test_close_through_the_dialog_needs_the_lead_auditors_password(self):
        audit = self.audit_in("reporting", summary="<p>Nothing to report.</p>")
        with self.refused(UserError, "Password: the password is wrong; nothing was signed"):
            self.sign(audit, self.lead_auditor, "close", password="not the password")
        self.assertEqual(audit.state, "reporting")
        self.sign(audit, self.lead_auditor, "close")
        self.assertEqual(audit.state, "closed")
        self.assertEqual(signatures(audit, "close").signer_id, self.lead_auditor)

    def test_an_unanswered_major_finding_stops_the_closing(self):
        audit = self.audit_in("reporting", summary="<p>One major nonconformity.</p>")
        major = self.raise_finding(audit, grade="major", owner_id=self.auditee_employee.id)
        minor = self.raise_finding(audit, grade="minor", evidence="A label is missing on bin 7.")
        lead = audit.with_user(self.lead_auditor)
        with self.refused(UserError, f"Major finding {major.name} .* is not answered"):
            lead._iso_sign("close", "closed")
        self.assertEqual(audit.state, "reporting")
        self.assertFalse(signatures(audit))
        self.assertEqual(minor.state, "open", "an open minor finding does not stop the closing")

        answer = major.with_user(self.auditee)
        answer.write({"answer_kind": "action", "answer": "WI-12 rev C issued to every station; stations checked."})
        answer.action_answer()
        self.assertEqual(major.state, "answered")
        self.assertEqual(major.answered_by_id, self.auditee)
        lead._iso_sign("close", "closed")
        self.assertEqual(audit.state, "closed")

    def test_a_major_finding_answered_with_a_rationale_lets_the_audit_close(self):
        audit = self.audit_in("reporting", summary="<p>One major nonconformity, answered with a rationale.</p>")
        major = self.raise_finding(audit, grade="major", owner_id=self.auditee_employee.id)
        answer = major.with_user(self.auditee)
        with self.refused(UserError, "Answer: say what .* is answered with"):
            answer.action_answer()
        answer.write({"answer_kind": "rationale", "answer": "The line was stopped for good on the audit day."})
        answer.action_answer()
        self.assertEqual((major.state, major.answer_kind), ("answered", "rationale"))
        audit.with_user(self.lead_auditor)._iso_sign("close", "closed")
        self.assertEqual(audit.state, "closed")

    def test_acknowledgement_by_an_auditee_after_the_closing(self):
        audit = self.audit_in("reporting", summary="<p>Conform.</p>")
        with self.refused(UserError, "Acknowledge report: .* is not an auditee of the closed audit"):
            audit.with_user(self.auditee)._iso_sign("acknowledge", "reviewed")
        audit.with_user(self.lead_auditor)._iso_sign("close", "closed")
        for other in (self.lead_auditor, self.second_auditor, self.iso_manager, self.colleague):
            with self.refused(UserError, "Acknowledge report: .* is not an auditee"):
                audit.with_user(other)._iso_sign("acknowledge", "reviewed")
        self.assertFalse(audit.acknowledged_by_id)
        self.assertIn(",acknowledge,", audit.with_user(self.auditee).iso_signable_by_me)
        with self.refused(UserError, "Meaning: Closed does not fit Acknowledge report"):
            audit.with_user(self.auditee)._iso_sign("acknowledge", "closed")

        signature = audit.with_user(self.auditee)._iso_sign("acknowledge", "reviewed")
        self.assertEqual(audit.acknowledged_by_id, self.auditee)
        self.assertTrue(audit.acknowledged_date)
        self.assertEqual((signature.meaning, signature.signer_id), ("reviewed", self.auditee))
        self.assertRegex(signature.content_hash, r"^[0-9a-f]{64}$")
        with self.refused(UserError, "or it is already acknowledged"):
            audit.with_user(self.production_manager)._iso_sign("acknowledge", "reviewed")
        self.assertEqual(len(signatures(audit, "acknowledge")), 1)

    def test_cancelling_needs_a_reason(self):
        audit = self.audit_in("preparation")
        lead = audit.with_user(self.lead_auditor)
        with self.refused(UserError, "Cancel Reason: say why .* is cancelled"):
            lead.action_cancel()
        lead.cancel_reason = "   "
        with self.refused(UserError, "Cancel Reason: say why"):
            lead.action_cancel()
        self.assertEqual(audit.state, "preparation")
        lead.cancel_reason = "Assembly moved to the new plant; audited there next quarter."
        lead.action_cancel()
        self.assertEqual(audit.state, "cancelled")
        with self.refused(UserError, "Cancel audit: .* is Cancelled"):
            lead.action_cancel()

    def _assert_frozen(self, audit):
        """Nobody changes the audit, its checklist, its team or its findings over the ORM."""
        audit.invalidate_recordset()
        before = audit.read(["title", "scope", "summary", "date_end"])[0]
        line = audit.line_ids[:1]
        member = audit.auditor_ids.filtered(lambda member: member.role == "auditor")
        finding_count = self.Finding.search_count([("audit_id", "=", audit.id)])
        for user in (self.lead_auditor, self.second_auditor, self.iso_manager, self.iso_administrator):
            as_user = audit.with_user(user)
            with self.refused(UserError, "is locked: .* cannot be changed once it is"):
                as_user.write({"title": "Changed afterwards", "scope": "Everything"})
            with self.refused(UserError, "is locked: its ISO Audit Checklist Line cannot be changed"):
                line.with_user(user).write({"result": "major", "evidence_notes": "Changed afterwards"})
            with self.refused(UserError, "is locked: its ISO Audit Checklist Line cannot be changed"):
                self.env["iso.audit.line"].with_user(user).create(
                    {"audit_id": audit.id, "question": "Added afterwards?", "result": "conform"}
                )
            with self.assertRaises(UserError):
                line.with_user(user).unlink()
            if user.has_group("iso_records.group_iso_manager"):
                with self.refused(UserError, "is locked: its ISO Audit Team Member cannot be changed"):
                    member.with_user(user).write({"role": "observer"})
                with self.refused(UserError, "is locked: its ISO Audit Team Member cannot be changed"):
                    self.env["iso.audit.auditor"].with_user(user).create(
                        {"audit_id": audit.id, "role": "observer", "employee_id": self.employee_of[self.approver].id}
                    )
            with self.refused(UserError, "Raise finding: .* this step needs it to be Preparation"):
                self.raise_finding(audit, user=user)
        audit.invalidate_recordset()
        self.assertEqual(audit.read(["title", "scope", "summary", "date_end"])[0], before)
        self.assertEqual((line.result, line.evidence_notes), ("conform", False))
        self.assertEqual(member.role, "auditor")
        self.assertEqual(len(audit.auditor_ids), 2)
        self.assertEqual(self.Finding.search_count([("audit_id", "=", audit.id)]), finding_count)

    def test_a_closed_audit_cannot_be_edited(self):
        audit = self.audit_in("closed")
        self._assert_frozen(audit)

    def test_a_cancelled_audit_cannot_be_edited(self):
        audit = self.audit_in("fieldwork")
        audit.with_user(self.lead_auditor).line_ids.write({"result": "conform"})
        audit.with_user(self.iso_manager).write({"cancel_reason": "Plant closed for the summer."})
        audit.with_user(self.iso_manager).action_cancel()
        self.assertEqual(audit.state, "cancelled")
        self._assert_frozen(audit)

    def test_iso_auditors_change_nothing(self):
        audit = self.audit_in("reporting", summary="<p>Conform.</p>")
        self.assertTrue(audit.with_user(self.iso_auditor).read(["title"]), "auditors read the audit")
        auditor = audit.with_user(self.iso_auditor)
        title = audit.title
        with self.assertRaises(AccessError):
            auditor.write({"title": "Changed by an auditor"})
        with self.assertRaises(AccessError):
            audit.line_ids[:1].with_user(self.iso_auditor).write({"result": "major"})
        with self.assertRaises(AccessError):
            self.raise_finding(audit, user=self.iso_auditor)
        with self.assertRaises(AccessError):
            auditor._iso_sign("close", "closed")
        with self.assertRaises(AccessError):
            auditor.action_cancel()
        with self.assertRaises(AccessError):
            self.Audit.with_user(self.iso_auditor).create(
                {"title": "By an auditor", "date_start": audit.date_start, "date_end": audit.date_end}
            )
        audit.invalidate_recordset()
        self.assertEqual((audit.title, audit.state), (title, "reporting"))
        self.assertEqual(set(audit.line_ids.mapped("result")), {"conform"})
        self.assertFalse(audit.finding_ids)
        self.assertFalse(signatures(audit))


@tagged("post_install", "-at_install")
class TestAuditBadInput(AuditCase):
    """Each wrong input is refused with an error naming the field or the rule, and nothing is written."""

    def assert_unchanged(self, record, values):
        record.invalidate_recordset()
        for name, value in values.items():
            self.assertEqual(record[name], value, f"{name} is unchanged")

    def test_end_before_start(self):
        audit = self.make_audit()
        count = self.Audit.search_count([])
        with self.refused(ValidationError, "Planned End of .* is before the planned start"):
            self.make_audit(date_start="2026-05-10", date_end="2026-05-09")
        self.assertEqual(self.Audit.search_count([]), count)
        planned = {"date_start": audit.date_start, "date_end": audit.date_end}
        with self.refused(ValidationError, "Planned End of .* is before the planned start"):
            audit.with_user(self.iso_manager).write({"date_end": fields.Date.subtract(audit.date_start, days=1)})
        self.assert_unchanged(audit, planned)

        audit.with_user(self.iso_manager).write({"actual_date_start": "2026-05-10", "actual_date_end": "2026-05-11"})
        actual = {"actual_date_start": audit.actual_date_start, "actual_date_end": audit.actual_date_end}
        with self.refused(ValidationError, "Actual End of .* is before the actual start"):
            audit.with_user(self.lead_auditor).write({"actual_date_end": "2026-05-09"})
        self.assert_unchanged(audit, actual)

    def test_external_audit_needs_its_body_and_supplier_audit_its_supplier(self):
        count = self.Audit.search_count([])
        with self.refused(ValidationError, "Certification Body: the external audit .* needs the body"):
            self.make_audit(audit_type="external")
        with self.refused(ValidationError, "Supplier: the supplier audit .* needs the supplier"):
            self.make_audit(audit_type="supplier")
        self.assertEqual(self.Audit.search_count([]), count)

        audit = self.make_audit()
        manager = audit.with_user(self.iso_manager)
        with self.refused(ValidationError, "Certification Body: the external audit"):
            manager.write({"audit_type": "external"})
        with self.refused(ValidationError, "Supplier: the supplier audit"):
            manager.write({"audit_type": "supplier"})
        self.assert_unchanged(audit, {"audit_type": "internal"})
        self.assertEqual(self.make_audit(audit_type="external", body_id=self.certification_body.id).state, "planned")
        self.assertEqual(self.make_audit(audit_type="supplier", partner_id=self.supplier_partner.id).state, "planned")

    def test_clauses_of_a_standard_not_on_the_audit(self):
        audit = self.make_audit()
        clauses = audit.clause_ids
        with self.refused(ValidationError, "Clauses of .*: .*4.1.* belong to no standard of the audit"):
            audit.with_user(self.iso_manager).write({"clause_ids": [Command.link(self.clause_14001.id)]})
        self.assert_unchanged(audit, {"clause_ids": clauses})
        with self.refused(ValidationError, "belong to no standard of the audit"):
            self.make_audit(clause_ids=[Command.set(self.clause_14001.ids)])

    def test_a_finding_needs_its_clause_and_its_evidence(self):
        audit = self.audit_in("fieldwork")
        with self.refused(ValidationError, "Clause: a finding names the clause"):
            self.raise_finding(audit, clause_id=False)
        for evidence in (False, "", "   "):
            with self.refused(ValidationError, "Evidence: a finding states the objective evidence"):
                self.raise_finding(audit, evidence=evidence)
        self.assertFalse(self.Finding.search_count([("audit_id", "=", audit.id)]))
        finding = self.raise_finding(audit)
        with self.refused(ValidationError, "Evidence: a finding states the objective evidence"):
            finding.with_user(self.lead_auditor).write({"evidence": " "})
        self.assert_unchanged(finding, {"evidence": "Station 4 used revision B of WI-12; revision C is current."})

    def test_an_auditee_answers_a_finding_but_does_not_edit_it(self):
        audit = self.audit_in("fieldwork")
        finding = self.raise_finding(audit, owner_id=self.auditee_employee.id)
        self.assertEqual(finding.owner_user_id, self.auditee)
        self.assertNotIn(self.auditee, audit.team_user_ids)
        as_auditee = finding.with_user(self.auditee)
        before = {"grade": "minor", "evidence": finding.evidence, "clause_id": self.clause_7_5}
        for values in ({"grade": "observation"}, {"evidence": "Nothing wrong"}, {"clause_id": self.clause_8_5_1.id}):
            with self.refused(UserError, "only the audit team of .* changes a finding's grade"):
                as_auditee.write(values)
        with self.refused(UserError, "only the audit team of .* changes a finding's grade"):
            as_auditee.write({"answer": "Fixed", "grade": "observation"})
        self.assert_unchanged(finding, {**before, "answer": False})

        as_auditee.write({"answer_kind": "action", "answer": "Old revisions withdrawn from the stations."})
        as_auditee.action_answer()
        self.assert_unchanged(finding, {**before, "state": "answered", "answered_by_id": self.auditee})
        # The team still changes the finding.
        finding.with_user(self.second_auditor).write({"requirement": "WI-12 rev C at every station."})

    def test_wrong_types_over_rpc(self):
        audit = self.audit_in("fieldwork")
        lead = audit.with_user(self.lead_auditor)
        with self.refused(UserError, r"Cancel Reason: expected text, got 42\."):
            lead.write({"cancel_reason": 42})
        with self.refused(UserError, "Cancel Reason: expected text"):
            lead.write({"cancel_reason": ["Not", "text"]})
        self.assert_unchanged(audit, {"cancel_reason": False, "state": "fieldwork"})
        with self.refused(UserError, "Evidence: expected text, got 7"):
            self.raise_finding(audit, evidence=7)
        self.assertFalse(audit.finding_ids)
        lead.line_ids.write({"result": "conform"})
        lead.action_start_reporting()
        lead.summary = "<p>Conform.</p>"
        with self.refused(UserError, "Operation: 42 cannot be signed on ISO Audit"):
            lead._iso_sign(42, "closed")
        with self.refused(UserError, "Meaning: 5 does not fit Close audit"):
            lead._iso_sign("close", 5)
        with self.refused(UserError, r"Reason: expected text, got \[1\]"):
            lead._iso_sign("close", "closed", reason=[1])
        self.assert_unchanged(audit, {"state": "reporting"})
        self.assertFalse(signatures(audit))
