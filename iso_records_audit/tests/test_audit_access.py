"""Who reads and changes audits, their lines and findings: real users for each role (ISO auditor, auditee,
ISO manager, plain ISO user, member of the audit team, a user of another company). Every check runs as
the user; the fixtures (made by the superuser) are what the workflow would have made."""

from datetime import timedelta

from odoo import Command, fields
from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

CONTENT_MODELS = ("iso.audit", "iso.audit.line", "iso.audit.auditor", "iso.audit.finding")
LINE_MODELS = ("iso.audit", "iso.audit.line", "iso.audit.auditor")


class AuditAccessCase(TransactionCase):
    """Quality auditors (a lead and a member, qualified and independent) audit Production, whose process
    owner is the auditee; one internal, one confidential and one restricted audit in fieldwork, each with a
    checklist and a minor finding; a programme; a plain ISO user, an ISO auditor, the managers of
    Production and Sales; an ISO administrator of another company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.user.tz = "UTC"
        cls.today = fields.Date.context_today(env["iso.audit"])
        cls.standard = env.ref("iso_records.standard_iso_9001_2015")
        cls.clause_production = env.ref("iso_records.clause_9001_8_5")
        cls.clause_records = env.ref("iso_records.clause_9001_7_5")
        cls.quality = env["hr.department"].create({"name": "Quality (audit access)"})
        cls.production = env["hr.department"].create({"name": "Production (audit access)"})
        cls.sales = env["hr.department"].create({"name": "Sales (audit access)"})
        cls.employee_of = {}
        cls.lead = cls._user("audit_lead", "iso_records.group_iso_user", cls.quality)
        cls.member = cls._user("audit_member", "iso_records.group_iso_user", cls.quality)
        cls.auditee = cls._user("audit_auditee", "iso_records.group_iso_user", cls.production)
        cls.plain = cls._user("audit_plain", "iso_records.group_iso_user", cls.production)
        cls.iso_auditor = cls._user("audit_iso_auditor", "iso_records.group_iso_auditor", cls.quality)
        cls.manager = cls._user("audit_manager", "iso_records.group_iso_manager", cls.production)
        cls.sales_manager = cls._user("audit_sales_manager", "iso_records.group_iso_manager", cls.sales)
        cls.production.manager_id = cls.employee_of[cls.manager]
        cls.sales.manager_id = cls.employee_of[cls.sales_manager]

        # The auditors are qualified (a filed, valid Internal Auditor Training named by the ISO 9001
        # requirement) and independent (from Quality, not the auditees' managers).
        training_type = env.ref("iso_records_audit.record_type_internal_auditor_training")
        requirement = {
            "name": "Internal auditor ISO 9001 (audit access)",
            "record_type_id": training_type.id,
            "auditor_standard_id": cls.standard.id,
            "refresher_interval_months": 36,
        }
        auditors = cls.employee_of[cls.lead] | cls.employee_of[cls.member]
        if "employee_ids" in env["iso.competence.requirement"]._fields:
            requirement["employee_ids"] = [Command.set(auditors.ids)]
        env["iso.competence.requirement"].create(requirement)
        for employee in auditors:
            training = env["iso.record"].create(
                {
                    "title": f"Internal auditor course, {employee.name}",
                    "record_type_id": training_type.id,
                    "employee_id": employee.id,
                    "body": "<p>ISO 19011 course passed.</p>",
                    "training_valid_from": cls.today - timedelta(days=60),
                    "training_valid_to": cls.today + timedelta(days=365),
                }
            )
            training.action_file()

        cls.programme = env["iso.audit.programme"].create(
            {
                "name": "Programme (audit access)",
                "standard_ids": [Command.link(cls.standard.id)],
                "line_ids": [
                    Command.create(
                        {"department_id": cls.production.id, "clause_ids": [Command.link(cls.clause_production.id)]}
                    )
                ],
            }
        )
        cls.audit = cls._audit("Production audit", "internal")
        cls.confidential = cls._audit("Confidential production audit", "confidential")
        cls.restricted = cls._audit(
            "Restricted production audit", "restricted", reader_user_ids=[Command.link(cls.plain.id)]
        )
        cls.finding = cls._finding(cls.audit)
        cls.confidential_finding = cls._finding(cls.confidential)
        cls.restricted_finding = cls._finding(cls.restricted)

        cls.company_b = env["res.company"].create({"name": "Audit access Company B"})
        cls.administrator_b = new_test_user(
            env,
            "audit_admin_b",
            groups="iso_records.group_iso_administrator",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
            tz="UTC",
        )

    @classmethod
    def _user(cls, login, group, department):
        user = new_test_user(cls.env, login, groups=group, tz="UTC")
        cls.employee_of[user] = cls.env["hr.employee"].create(
            {"name": f"{login} (employee)", "user_id": user.id, "department_id": department.id}
        )
        return user

    @classmethod
    def _audit(cls, title, confidentiality, **values):
        """An audit of Production in fieldwork, owned by nobody: only the policy, the team and the department
        give access to it."""
        audit = cls.env["iso.audit"].create(
            {
                "title": title,
                "confidentiality": confidentiality,
                "owner_id": False,
                "department_id": cls.production.id,
                "process": "Production",
                "process_owner_id": cls.employee_of[cls.auditee].id,
                "auditee_employee_ids": [Command.link(cls.employee_of[cls.auditee].id)],
                "programme_id": cls.programme.id,
                "programme_line_id": cls.programme.line_ids.id,
                "standard_ids": [Command.link(cls.standard.id)],
                "clause_ids": [Command.link(cls.clause_production.id)],
                "date_start": cls.today,
                "date_end": cls.today + timedelta(days=1),
                "auditor_ids": [
                    Command.create({"role": "lead", "employee_id": cls.employee_of[cls.lead].id}),
                    Command.create({"role": "auditor", "employee_id": cls.employee_of[cls.member].id}),
                ],
                "line_ids": [
                    Command.create({"sequence": 1, "clause_id": cls.clause_production.id, "question": "Work orders?"}),
                    Command.create({"sequence": 2, "clause_id": cls.clause_records.id, "question": "Records kept?"}),
                ],
                **values,
            }
        )
        workflow(audit).write({"state": "fieldwork", "actual_date_start": cls.today})
        return audit

    @classmethod
    def _finding(cls, audit):
        return cls.env["iso.audit.finding"].create(
            {
                "audit_id": audit.id,
                "grade": "minor",
                "clause_id": cls.clause_production.id,
                "requirement": "Work orders are approved before release.",
                "evidence": "Work order WO-17 released unsigned.",
                "owner_id": cls.employee_of[cls.auditee].id,
            }
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def reads(self, user, record):
        """Whether ``user`` reads ``record``; searching and reading must agree."""
        found = bool(self.env[record._name].with_user(user).search_count([("id", "=", record.id)]))
        try:
            record.with_user(user).read(["display_name"])
            readable = True
        except AccessError:
            readable = False
        self.assertEqual(
            found, readable, f"{record._name} {record.display_name}: search and read disagree for {user.login}"
        )
        return readable

    def content_of(self, audit):
        """The audit with its lines, team and findings, per model."""
        audit = audit.sudo()
        return {
            "iso.audit": audit,
            "iso.audit.line": audit.line_ids,
            "iso.audit.auditor": audit.auditor_ids,
            "iso.audit.finding": audit.finding_ids,
        }

    def assert_reads_all(self, user, audit, expected=True, models=CONTENT_MODELS):
        for model_name, records in self.content_of(audit).items():
            if model_name not in models:
                continue
            self.assertTrue(records, f"fixture: {audit.title} has no {model_name}")
            for record in records:
                self.assertEqual(
                    self.reads(user, record),
                    expected,
                    f"{user.login} {'should' if expected else 'should not'} read {model_name} of {audit.title} "
                    f"({audit.confidentiality})",
                )

    def line_of(self, audit, user):
        return audit.line_ids[:1].with_user(user)


@tagged("post_install", "-at_install")
class TestAuditAccess(AuditAccessCase):
    # ------------------------------------------------------------------
    # ISO auditor: reads, changes nothing
    # ------------------------------------------------------------------
    def test_iso_auditor_reads_audits_findings_and_programmes(self):
        auditor = self.iso_auditor
        self.assert_reads_all(auditor, self.audit)
        self.assert_reads_all(auditor, self.confidential)
        self.assert_reads_all(auditor, self.restricted, expected=False)
        self.assertTrue(self.reads(auditor, self.programme))
        self.assertTrue(self.reads(auditor, self.programme.line_ids))

    def test_iso_auditor_changes_nothing(self):
        auditor = self.iso_auditor
        audit = self.audit.with_user(auditor)
        with self.assertRaises(AccessError):
            audit.write({"scope": "Changed by the auditor"})
        with self.assertRaises(AccessError):
            self.env["iso.audit"].with_user(auditor).create(
                {"title": "By the auditor", "date_start": self.today, "date_end": self.today}
            )
        with self.assertRaises(AccessError):
            audit.unlink()
        with self.assertRaises(AccessError):
            self.line_of(self.audit, auditor).write({"result": "conform"})
        with self.assertRaises(AccessError):
            self.env["iso.audit.line"].with_user(auditor).create({"audit_id": self.audit.id, "question": "Mine?"})
        with self.assertRaises(AccessError):
            self.line_of(self.audit, auditor).unlink()
        with self.assertRaises(AccessError):
            self.audit.auditor_ids[:1].with_user(auditor).write({"role": "observer"})
        with self.assertRaises(AccessError):
            self.finding.with_user(auditor).write({"answer": "Answered by the auditor"})
        with self.assertRaises(UserError):
            self.env["iso.audit.finding"].with_user(auditor).create(
                {"audit_id": self.audit.id, "clause_id": self.clause_production.id, "evidence": "Seen"}
            )
        with self.assertRaises(AccessError):
            self.programme.with_user(auditor).write({"name": "Renamed by the auditor"})
        with self.assertRaises(AccessError):
            self.env["iso.audit.programme"].with_user(auditor).create(
                {"name": "By the auditor", "standard_ids": [Command.link(self.standard.id)]}
            )
        with self.assertRaises(AccessError):
            audit.action_start_reporting()
        self.assertEqual(self.audit.state, "fieldwork")
        self.assertFalse(self.audit.scope)

    # ------------------------------------------------------------------
    # Auditee: the finding's responsible answers it, nothing more
    # ------------------------------------------------------------------
    def test_auditee_reads_the_audit_and_answers_the_finding(self):
        auditee = self.auditee
        self.assert_reads_all(auditee, self.audit)
        finding = self.finding.with_user(auditee)
        finding.write({"answer_kind": "action", "answer": "Release now needs the supervisor's signature."})
        finding.action_answer()
        self.assertEqual(self.finding.state, "answered")
        self.assertEqual(self.finding.answered_by_id, auditee)

    def test_auditee_cannot_change_the_finding_itself(self):
        finding = self.finding.with_user(self.auditee)
        for values in (
            {"grade": "observation"},
            {"clause_id": self.clause_records.id},
            {"evidence": "Nothing found after all"},
            {"requirement": "None"},
            {"record_ids": [Command.clear()]},
        ):
            with self.subTest(values=list(values)), self.assertRaises(UserError):
                finding.write(values)
        self.finding.invalidate_recordset()
        self.assertEqual(self.finding.grade, "minor")
        self.assertEqual(self.finding.evidence, "Work order WO-17 released unsigned.")

    def test_auditee_cannot_raise_findings_nor_move_stages(self):
        auditee = self.auditee
        with self.assertRaises(UserError):
            self.env["iso.audit.finding"].with_user(auditee).create(
                {"audit_id": self.audit.id, "clause_id": self.clause_production.id, "evidence": "My own finding"}
            )
        with self.assertRaises(UserError):
            self.line_of(self.audit, auditee).action_raise_finding()
        with self.assertRaises(UserError):
            self.audit.with_user(auditee).action_start_reporting()
        with self.assertRaises(UserError):
            self.audit.with_user(auditee).action_cancel()
        with self.assertRaises(AccessError):
            self.audit.with_user(auditee).write({"conclusion": "All fine"})
        with self.assertRaises(AccessError):
            self.line_of(self.audit, auditee).write({"result": "conform"})
        self.assertEqual(self.audit.state, "fieldwork")
        self.assertEqual(self.audit.finding_ids, self.finding)

    # ------------------------------------------------------------------
    # ISO manager
    # ------------------------------------------------------------------
    def test_manager_creates_programmes_and_audits(self):
        manager = self.manager
        programme = (
            self.env["iso.audit.programme"]
            .with_user(manager)
            .create(
                {
                    "name": "Manager's programme",
                    "standard_ids": [Command.link(self.standard.id)],
                    "line_ids": [Command.create({"department_id": self.production.id, "frequency_months": 12})],
                }
            )
        )
        audit = (
            self.env["iso.audit"]
            .with_user(manager)
            .create(
                {
                    "title": "Manager's audit",
                    "programme_id": programme.id,
                    "programme_line_id": programme.line_ids.id,
                    "department_id": self.sales.id,
                    "standard_ids": [Command.link(self.standard.id)],
                    "date_start": self.today + timedelta(days=30),
                    "date_end": self.today + timedelta(days=31),
                    "auditor_ids": [Command.create({"role": "lead", "employee_id": self.employee_of[self.lead].id})],
                }
            )
        )
        self.assertEqual(audit.lead_auditor_user_id, self.lead)
        self.assertTrue(self.reads(self.plain, audit), "an internal audit is read by every ISO user")
        self.assertTrue(self.reads(self.lead, audit))

    def test_manager_reads_confidential_audits_of_their_department_only(self):
        self.assert_reads_all(self.manager, self.confidential)
        self.assert_reads_all(self.sales_manager, self.confidential, expected=False)
        self.assert_reads_all(self.manager, self.restricted, expected=False)
        self.assert_reads_all(self.sales_manager, self.audit)

    # ------------------------------------------------------------------
    # Plain ISO user
    # ------------------------------------------------------------------
    def test_plain_user_reads_internal_audits(self):
        self.assert_reads_all(self.plain, self.audit)
        self.assert_reads_all(self.plain, self.confidential, expected=False)
        self.assertTrue(self.reads(self.plain, self.programme))
        self.assertTrue(self.reads(self.plain, self.programme.line_ids))

    def test_plain_user_creates_no_programme_and_edits_no_audit_they_are_not_on(self):
        plain = self.plain
        with self.assertRaises(AccessError):
            self.env["iso.audit.programme"].with_user(plain).create(
                {"name": "Plain programme", "standard_ids": [Command.link(self.standard.id)]}
            )
        with self.assertRaises(AccessError):
            self.programme.line_ids.with_user(plain).write({"frequency_months": 1})
        with self.assertRaises(AccessError):
            self.env["iso.audit"].with_user(plain).create(
                {"title": "Plain audit", "date_start": self.today, "date_end": self.today}
            )
        with self.assertRaises(AccessError):
            self.audit.with_user(plain).write({"scope": "Changed by a bystander"})
        with self.assertRaises(AccessError):
            self.line_of(self.audit, plain).write({"result": "major"})
        with self.assertRaises(AccessError):
            self.env["iso.audit.line"].with_user(plain).create({"audit_id": self.audit.id, "question": "Extra?"})
        with self.assertRaises(AccessError):
            self.line_of(self.audit, plain).unlink()
        with self.assertRaises(AccessError):
            self.env["iso.audit.auditor"].with_user(plain).create(
                {"audit_id": self.audit.id, "role": "observer", "employee_id": self.employee_of[plain].id}
            )
        with self.assertRaises(UserError):
            self.env["iso.audit.finding"].with_user(plain).create(
                {"audit_id": self.audit.id, "clause_id": self.clause_production.id, "evidence": "Seen by me"}
            )
        with self.assertRaises(UserError):
            self.audit.with_user(plain).action_start_reporting()
        self.assertFalse(self.audit.scope)
        self.assertEqual(len(self.audit.auditor_ids), 2)

    # ------------------------------------------------------------------
    # The audit team
    # ------------------------------------------------------------------
    def test_team_member_fills_the_checklist_and_raises_findings(self):
        member = self.member
        line = self.line_of(self.audit, member)
        line.write({"result": "major", "evidence_notes": "No approval on WO-18 and WO-19."})
        action = line.action_raise_finding()
        finding = self.env["iso.audit.finding"].browse(action["res_id"])
        self.assertEqual(finding.grade, "major")
        self.assertEqual(finding.line_id, line)
        self.assertTrue(self.reads(member, finding))
        self.env["iso.audit.line"].with_user(member).create(
            {"audit_id": self.audit.id, "question": "Added on site?", "result": "conform"}
        )
        self.audit.with_user(member).write({"scope": "Production hall 2"})
        finding.with_user(member).write({"requirement": "Work orders are approved by the supervisor."})
        # A team member reads the confidential and restricted audits they are on.
        self.assert_reads_all(member, self.confidential)
        self.assert_reads_all(member, self.restricted)

    def test_lead_moves_the_stages(self):
        lead = self.lead
        self.audit.line_ids.with_user(lead).write({"result": "conform"})
        self.audit.with_user(lead).action_start_reporting()
        self.assertEqual(self.audit.state, "reporting")

    sign = IsoRecordCase.sign

    def test_lead_closes_and_the_auditee_acknowledges(self):
        """The auditee reads the report, may not change it, and still signs its acknowledgement."""
        lead = self.lead
        self.audit.line_ids.with_user(lead).write({"result": "conform"})
        self.audit.with_user(lead).action_start_reporting()
        self.audit.with_user(lead).write({"summary": "<p>Conform but for one minor finding.</p>"})
        with self.assertRaises(UserError):
            self.sign(self.audit, self.member, "close")
        self.sign(self.audit, lead, "close")
        self.assertEqual(self.audit.state, "closed")
        with self.assertRaises(UserError):
            self.sign(self.audit, self.plain, "acknowledge")
        self.sign(self.audit, self.auditee, "acknowledge")
        self.assertEqual(self.audit.acknowledged_by_id, self.auditee)
        with self.assertRaises(UserError):
            self.audit.with_user(self.auditee).write({"conclusion": "Rewritten by the auditee"})

    def test_team_member_of_another_audit_changes_nothing_here(self):
        other = self.env["iso.audit"].create(
            {"title": "Sales audit", "department_id": self.sales.id, "date_start": self.today, "date_end": self.today}
        )
        outsider = self._user("audit_outsider", "iso_records.group_iso_user", self.quality)
        self.env["iso.audit.auditor"].create(
            {"audit_id": other.id, "role": "observer", "employee_id": self.employee_of[outsider].id}
        )
        with self.assertRaises(AccessError):
            self.line_of(self.audit, outsider).write({"result": "conform"})
        with self.assertRaises(UserError):
            self.env["iso.audit.finding"].with_user(outsider).create(
                {"audit_id": self.audit.id, "clause_id": self.clause_production.id, "evidence": "Not mine"}
            )

    # ------------------------------------------------------------------
    # Lines follow their record
    # ------------------------------------------------------------------
    def test_lines_of_a_confidential_audit_follow_it(self):
        for user in (self.plain, self.sales_manager):
            with self.subTest(user=user.login):
                self.assert_reads_all(user, self.confidential, expected=False, models=LINE_MODELS)
                self.assertFalse(
                    self.env["iso.audit.line"].with_user(user).search([("audit_id", "=", self.confidential.id)])
                )
                self.assertFalse(
                    self.env["iso.audit.auditor"].with_user(user).search([("audit_id", "=", self.confidential.id)])
                )
                with self.assertRaises(AccessError):
                    self.confidential.line_ids.with_user(user).read(["question", "evidence_notes"])
        # The auditee (process owner) reads the confidential audit and its checklist, and changes nothing.
        self.assert_reads_all(self.auditee, self.confidential, models=LINE_MODELS)
        with self.assertRaises(AccessError):
            self.confidential.line_ids[:1].with_user(self.auditee).write({"result": "conform"})
        # The finding is a controlled record of its own: its responsible reads it, others do not...
        responsible = self.employee_of[self.plain]
        workflow(self.confidential_finding.sudo()).write({"owner_id": responsible.id})
        self.assertTrue(self.reads(self.plain, self.confidential_finding))
        # ...but not, through it, the confidential audit and its checklist.
        self.confidential.sudo().summary = "<p>Secret summary</p>"
        finding = self.confidential_finding.with_user(self.plain)
        with self.assertRaises(AccessError):
            finding.audit_id.read(["summary"])
        with self.assertRaises(AccessError):
            finding.audit_id.line_ids.read(["evidence_notes"])
        mine = [("id", "=", finding.id)]
        self.assertFalse(finding.search([*mine, ("audit_id.summary", "ilike", "secret")]), "by the audit's summary")
        self.assertFalse(
            finding.search([*mine, ("audit_id.line_ids.question", "ilike", "work orders")]), "by its checklist"
        )
        self.assertTrue(finding.search([("id", "=", finding.id)]))
        self.assertFalse(self.reads(self.sales_manager, self.confidential_finding))

    def test_lines_of_a_restricted_audit_only_for_its_readers(self):
        # Its named reader and its team read it; nobody else, not the ISO auditor nor the department's manager.
        for user in (self.plain, self.lead, self.member):
            with self.subTest(user=user.login):
                self.assert_reads_all(user, self.restricted)
        for user in (self.iso_auditor, self.manager, self.sales_manager, self.auditee):
            with self.subTest(user=user.login):
                models = LINE_MODELS if user == self.auditee else CONTENT_MODELS
                self.assert_reads_all(user, self.restricted, expected=False, models=models)
                self.assertFalse(
                    self.env["iso.audit.line"].with_user(user).search_count([("audit_id", "=", self.restricted.id)])
                )
        # Its named readers read its findings (they take the audit's readers); its responsible reads its own.
        self.assertTrue(self.reads(self.auditee, self.restricted_finding))
        # The named reader reads, but does not change, its checklist.
        with self.assertRaises(AccessError):
            self.line_of(self.restricted, self.plain).write({"result": "conform"})

    def test_programme_lines_follow_the_programme(self):
        self.programme.confidentiality = "confidential"
        self.programme.department_id = self.sales
        self.assertFalse(self.reads(self.plain, self.programme.line_ids))
        self.assertFalse(self.reads(self.manager, self.programme.line_ids))
        self.assertTrue(self.reads(self.sales_manager, self.programme.line_ids))
        self.assertTrue(self.reads(self.iso_auditor, self.programme.line_ids))

    # ------------------------------------------------------------------
    # Another company
    # ------------------------------------------------------------------
    def test_another_company_sees_nothing(self):
        user_b = self.administrator_b
        records = {
            "iso.audit.programme": self.programme,
            "iso.audit.programme.line": self.programme.line_ids,
            **{name: self.content_of(self.audit)[name] for name in CONTENT_MODELS},
        }
        audit_ids = (self.audit | self.confidential | self.restricted).ids
        for model_name, record in records.items():
            with self.subTest(model=model_name):
                Model = self.env[model_name].with_user(user_b)
                self.assertEqual(Model.search_count([]), 0, f"{model_name}: company B searches company A's")
                self.assertFalse(Model.search([("iso_readable", "=", True)]))
                self.assertFalse(Model.read_group([], ["company_id"], ["company_id"]))
                for one in record:
                    with self.assertRaises(AccessError, msg=f"{model_name}: company B reads company A's by id"):
                        one.with_user(user_b).read(["display_name"])
        # Nor through the related paths: the lines, team and findings by their audit.
        for model_name in ("iso.audit.line", "iso.audit.auditor", "iso.audit.finding"):
            with self.subTest(model=model_name, path="audit_id"):
                Model = self.env[model_name].with_user(user_b)
                self.assertFalse(Model.search([("audit_id", "in", audit_ids)]))
                self.assertFalse(Model.search([("audit_id.title", "ilike", "production audit")]))
        self.assertFalse(
            self.env["iso.audit.programme.line"].with_user(user_b).search([("programme_id", "=", self.programme.id)])
        )
        with self.assertRaises(AccessError):
            self.audit.with_user(user_b).line_ids.mapped("question")
        with self.assertRaises(AccessError):
            self.finding.with_user(user_b).audit_id.read(["title"])
        with self.assertRaises(AccessError):
            self.audit.line_ids[:1].with_user(user_b).write({"result": "conform"})
        self.assertFalse(self.env["iso.audit"].with_user(user_b).name_search("Production"))

    def test_another_company_reads_shared_checklists_not_ours(self):
        Template = self.env["iso.audit.checklist.template"]
        ours, shared = Template.create(
            [
                {
                    "name": f"{name} checklist (audit access)",
                    "standard_id": self.standard.id,
                    "company_id": company.id,
                    "question_ids": [Command.create({"clause_id": self.clause_production.id, "question": "Q?"})],
                }
                for name, company in (("Our", self.env.company), ("Shared", self.env["res.company"]))
            ]
        )
        user_b = self.administrator_b
        self.assertEqual(Template.with_user(user_b).search([("id", "in", (ours | shared).ids)]), shared)
        questions = self.env["iso.audit.checklist.question"].with_user(user_b)
        self.assertEqual(questions.search([("template_id", "in", (ours | shared).ids)]), shared.question_ids)
        with self.assertRaises(AccessError):
            ours.question_ids.with_user(user_b).read(["question"])
        self.assertEqual(Template.with_user(self.lead).search([("id", "in", (ours | shared).ids)]), ours | shared)
