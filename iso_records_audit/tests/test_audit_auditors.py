from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged


class AuditorCase(IsoRecordCase):
    """An ISO 9001 internal auditor qualification (3-year refresher), auditors of Quality trained for it, and
    the audit of Production (with its Assembly sub-department) planned for 1 June 2026."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Audit = env["iso.audit"]
        cls.Member = env["iso.audit.auditor"]
        cls.auditor_training = env.ref("iso_records_audit.record_type_internal_auditor_training")
        # The qualifications defined here are the only ones (demo data defines its own).
        env["iso.competence.requirement"].search([("auditor_standard_id", "!=", False)]).active = False
        cls.qualification = env["iso.competence.requirement"].create(
            {
                "name": "Internal auditor ISO 9001 (test)",
                "record_type_id": cls.auditor_training.id,
                "auditor_standard_id": cls.standard_9001.id,
                "refresher_interval_months": 36,
            }
        )
        cls.assembly = env["hr.department"].create({"name": "Assembly (test)", "parent_id": cls.production.id})
        cls.lead = cls.employee_of[cls.iso_auditor]
        cls.auditor = cls.new_employee("Second auditor (test)", cls.quality)
        cls.production_auditor = cls.employee_of[cls.colleague]
        cls.assembly_auditor = cls.new_employee("Assembly auditor (test)", cls.assembly)
        for employee in (cls.lead, cls.auditor, cls.production_auditor, cls.assembly_auditor):
            cls.file_training(employee, "2025-01-15")
        cls.audit = cls.new_audit("Production (test)", cls.production, date_end="2026-06-02")

    @classmethod
    def new_audit(cls, title, department, standard=None, date_start="2026-06-01", **values):
        """An audit planned by the ISO manager."""
        values = {
            "title": title,
            "department_id": department.id,
            "standard_ids": [(6, 0, (standard or cls.standard_9001).ids)],
            "date_start": date_start,
            "date_end": date_start,
            **values,
        }
        return cls.Audit.with_user(cls.iso_manager).create(values)

    @classmethod
    def new_employee(cls, name, department, user=True):
        values = {"name": name, "department_id": department.id}
        if user:
            values["user_id"] = new_test_user(cls.env, name, groups="iso_records.group_iso_user").id
        return cls.env["hr.employee"].create(values)

    @classmethod
    def file_training(cls, employee, valid_from, valid_to=None, **values):
        training = cls.env["iso.record"].create(
            {
                "title": f"Internal auditor course of {employee.name}",
                "record_type_id": cls.auditor_training.id,
                "employee_id": employee.id,
                "body": "<p>Trained</p>",
                "training_valid_from": valid_from,
                **({"training_valid_to": valid_to} if valid_to else {}),
                **values,
            }
        )
        training.action_file()
        return training

    def add(self, employee, role="auditor", user=None, audit=None, **values):
        """Add a member as ``user`` (the ISO manager by default), over the ORM as the form does."""
        values = {"audit_id": (audit or self.audit).id, "employee_id": employee.id, "role": role, **values}
        return self.Member.with_user(user or self.iso_manager).create(values)


@tagged("post_install", "-at_install")
class TestAuditorQualification(AuditorCase):
    def test_valid_qualification_clears_the_member(self):
        member = self.add(self.lead, "lead")
        self.assertFalse(member.conflict_note)
        self.assertEqual(member.qualification_note, "Internal Auditor Training valid to 2028-01-15")
        self.assertEqual(self.audit.lead_auditor_id, member)

    def test_missing_qualification_is_refused(self):
        untrained = self.new_employee("Untrained (test)", self.quality)
        with self.refused(
            ValidationError, r"Untrained \(test\) may not be Auditor: Qualification missing: no valid Internal"
        ):
            self.add(untrained)
        self.assertFalse(self.audit.auditor_ids, "nothing written")

    def test_expired_qualification_is_refused_with_its_date(self):
        expired = self.new_employee("Expired (test)", self.quality)
        self.file_training(expired, "2022-01-10", "2025-12-31")
        with self.refused(ValidationError, r"Qualification expired: .* expired on 2025-12-31, before .*2026-06-01"):
            self.add(expired, "lead")

    def test_qualification_is_judged_on_the_planned_start(self):
        self.add(self.auditor)
        with self.refused(ValidationError, r"Second auditor \(test\).*expired on 2028-01-15"):
            self.audit.with_user(self.iso_manager).write({"date_start": "2028-03-01", "date_end": "2028-03-02"})
        self.assertEqual(str(self.audit.date_start), "2026-06-01", "nothing written")
        late = self.new_employee("Trained later (test)", self.quality)
        self.file_training(late, "2026-07-01")
        with self.refused(ValidationError, "Qualification missing"):
            self.add(late)

    def test_the_latest_effective_training_counts(self):
        employee = self.new_employee("Not effective (test)", self.quality)
        self.file_training(employee, "2025-02-01")
        latest = self.file_training(employee, "2025-03-01")
        self.env["iso.training.evaluation.wizard"].with_user(self.iso_manager).create(
            {"record_id": latest.id, "effectiveness": "not_effective", "note": "Could not plan an audit"}
        ).action_evaluate()
        member = self.add(employee)
        self.assertEqual(member.qualification_note, "Internal Auditor Training valid to 2028-02-01")

    def test_no_qualification_defined_for_the_standard(self):
        audit = self.new_audit("Environment (test)", self.production, self.standard_14001)
        self.env["iso.competence.requirement"].create(
            {
                "name": "Internal auditor ISO 14001 of company B (test)",
                "company_id": self.company_b.id,
                "record_type_id": self.auditor_training.id,
                "auditor_standard_id": self.standard_14001.id,
            }
        )
        with self.refused(ValidationError, "no auditor qualification is defined for ISO 14001"):
            self.add(self.lead, "lead", audit=audit)  # another company's qualification does not count
        self.qualification.active = False
        with self.refused(ValidationError, "no auditor qualification is defined for ISO 9001"):
            self.add(self.lead, "lead")

    def test_experts_observers_and_external_people(self):
        untrained = self.new_employee("Observer (test)", self.quality)
        self.assertFalse(self.add(untrained, "observer").conflict_note, "an observer needs no qualification")
        body = self.env["res.partner"].create({"name": "Certification body (test)", "is_company": True})
        person = self.env["res.partner"].create({"name": "External auditor (test)"})
        with self.refused(ValidationError, "Body: the external auditor"):
            self.Member.with_user(self.iso_manager).create(
                {"audit_id": self.audit.id, "partner_id": person.id, "role": "lead"}
            )
        external = self.Member.with_user(self.iso_manager).create(
            {"audit_id": self.audit.id, "partner_id": person.id, "body_id": body.id, "role": "lead"}
        )
        self.assertFalse(external.conflict_note)
        self.assertIn("Certification body (test)", external.qualification_note)


@tagged("post_install", "-at_install")
class TestAuditorIndependence(AuditorCase):
    def test_own_department_is_refused(self):
        with self.refused(
            ValidationError, r"iso_colleague \(.*\) may not be Auditor: Independence: works in Production \(test\)"
        ):
            self.add(self.production_auditor)

    def test_the_form_shows_the_conflict_before_saving(self):
        form = Form(self.audit.with_user(self.iso_manager))
        with form.auditor_ids.new() as member:
            member.employee_id = self.production_auditor
            member.role = "lead"
            self.assertIn("Independence: works in Production (test)", member.conflict_note)
        with self.refused(ValidationError, "may not be Lead auditor: Independence: works in Production"):
            form.save()
        form = Form(self.audit.with_user(self.iso_manager))
        with form.auditor_ids.new() as member:
            member.employee_id = self.lead
            member.role = "lead"
            self.assertFalse(member.conflict_note)
            self.assertIn("valid to 2028-01-15", member.qualification_note)
        form.save()
        self.assertEqual(self.audit.lead_auditor_id.employee_id, self.lead)

    def test_sub_department_is_refused(self):
        with self.refused(ValidationError, r"Assembly auditor \(test\).*Assembly \(test\), the audited"):
            self.add(self.assembly_auditor)
        # Auditing the sub-department only: a Production auditor works above it, not in it.
        audit = self.new_audit("Assembly (test)", self.assembly)
        self.assertFalse(self.add(self.production_auditor, audit=audit).conflict_note)

    def test_changing_the_audited_department_rechecks_the_team(self):
        self.add(self.lead, "lead")
        with self.refused(ValidationError, r"iso_auditor \(.*\) may not be Lead auditor: Independence: works in"):
            self.audit.with_user(self.iso_manager).department_id = self.quality
        self.assertEqual(self.audit.department_id, self.production)

    def test_process_owned_is_refused(self):
        self.audit.with_user(self.iso_manager).write({"process": "Maintenance", "process_owner_id": self.auditor.id})
        with self.refused(ValidationError, "Independence: owns the audited process Maintenance"):
            self.add(self.auditor)
        member = self.add(self.lead, "lead")
        with self.refused(ValidationError, r"iso_auditor .*owns the audited process"):
            self.audit.with_user(self.iso_manager).process_owner_id = self.lead
        self.assertFalse(member.conflict_note)

    def test_programme_line_process_owner_is_refused(self):
        programme = self.env["iso.audit.programme"].create(
            {"name": "Programme (test)", "standard_ids": [(6, 0, self.standard_9001.ids)], "cycle_start": "2025-01-01"}
        )
        line = self.env["iso.audit.programme.line"].create(
            {"programme_id": programme.id, "process": "Purchasing", "process_owner_id": self.auditor.id}
        )
        self.add(self.auditor)
        with self.refused(ValidationError, "owns the audited process"):
            self.audit.with_user(self.iso_manager).write({"programme_id": programme.id, "programme_line_id": line.id})

    def test_record_authored_is_refused(self):
        author = self.employee_of[self.iso_manager]
        self.file_training(author, "2025-01-15")
        record = self.make_record(self.iso_manager, title="Work instruction (test)")
        self.env["iso.audit.line"].with_user(self.iso_manager).create(
            {"audit_id": self.audit.id, "question": "Is it followed?", "record_ids": [(6, 0, record.ids)]}
        )
        with self.refused(ValidationError, r"Independence: authored the audited records .*Work instruction"):
            self.add(author)

    def test_record_approved_is_refused(self):
        approver = self.employee_of[self.approver]
        self.file_training(approver, "2025-01-15")
        record = self.approved_procedure(title="Approved procedure (test)")
        finding_record = (
            self.env["iso.audit.line"]
            .with_user(self.iso_manager)
            .create({"audit_id": self.audit.id, "question": "Is it followed?"})
        )
        self.assertFalse(self.add(approver).conflict_note, "no record of theirs linked yet")
        finding_record.record_ids = record
        member = self.audit.auditor_ids
        member.invalidate_recordset()
        self.assertIn("Independence: approved the audited records", member.conflict_note)
        self.assertNotIn("authored", member.conflict_note)

    def test_lead_auditor_may_not_be_the_auditees_manager(self):
        auditee = self.new_employee("Auditee (test)", self.production, user=False)
        auditee.parent_id = self.auditor
        self.audit.with_user(self.iso_manager).auditee_employee_ids = auditee
        self.assertFalse(self.add(self.auditor).conflict_note, "an auditor may, the lead auditor may not")
        with self.refused(ValidationError, r"the lead auditor is the manager of the auditee Auditee \(test\)"):
            self.audit.auditor_ids.with_user(self.iso_manager).role = "lead"
        # The audited department's manager, wherever they work.
        self.production.manager_id = self.lead
        with self.refused(ValidationError, r"manager of the auditee Production \(test\)"):
            self.add(self.lead, "lead")


@tagged("post_install", "-at_install")
class TestAuditorOverride(AuditorCase):
    def test_override(self):
        justification = "One-person production site: nobody else can audit it."
        with self.refused(UserError, "Override Justification: only an ISO administrator"):
            self.add(self.production_auditor, "lead", override_reason=justification)
        with self.refused(ValidationError, "an ISO administrator keeps them with an override justification"):
            self.add(self.production_auditor, "lead", user=self.iso_administrator, override_reason="   ")
        member = self.add(self.production_auditor, "lead", user=self.iso_administrator, override_reason=justification)
        self.assertTrue(member.override_pending)
        self.assertTrue(self.audit.override_pending)
        with self.refused(UserError, "no ISO administrator has signed an override"):
            self.audit.with_user(self.iso_manager).action_prepare()
        with self.refused(UserError, "Override Signed by|Override Signed"):
            member.with_user(self.iso_administrator).override_signed = True
        self.assertNotIn("override", self.audit.with_user(self.iso_manager).iso_signable_by_me or "")
        self.assertIn(",override,", self.audit.with_user(self.iso_administrator).iso_signable_by_me)
        with self.refused(UserError, "only ISO Administrator may sign this|only .* may sign this"):
            self.sign(self.audit.with_user(self.iso_manager), self.iso_manager, "override", reason="fine")
        with self.refused(UserError, "Reason: Sign override .* needs a reason"):
            self.sign(self.audit.with_user(self.iso_administrator), self.iso_administrator, "override")
        self.sign(self.audit.with_user(self.iso_administrator), self.iso_administrator, "override", reason="Accepted")
        member.invalidate_recordset()
        self.assertTrue(member.override_signed)
        self.assertEqual(member.override_by_id, self.iso_administrator)
        self.assertIn("works in Production", member.override_conflict)
        self.assertFalse(member.override_pending)
        signature = self.audit.signature_ids.filtered(lambda signature: signature.operation == "override")
        self.assertEqual((signature.meaning, signature.reason), ("reviewed", "Accepted"))
        events = self.env["iso.trail.event"].search([("res_model", "=", "iso.audit"), ("res_id", "=", self.audit.id)])
        overridden = events.filtered(lambda event: justification in (event.reason or ""))
        self.assertTrue(overridden, "the justification is in the trail")
        self.assertIn("Conflicts: Independence: works in Production", overridden[-1].reason)
        self.audit.with_user(self.iso_manager).action_prepare()
        self.assertEqual(self.audit.state, "preparation")

    def test_a_new_conflict_needs_a_new_signature(self):
        member = self.add(self.production_auditor, user=self.iso_administrator, override_reason="Small site.")
        self.add(self.lead, "lead")
        self.sign(self.audit.with_user(self.iso_administrator), self.iso_administrator, "override", reason="OK")
        self.assertTrue(member.override_signed)
        self.audit.with_user(self.iso_manager).write(
            {"process": "Packing", "process_owner_id": self.production_auditor.id}
        )
        member.invalidate_recordset()
        self.assertFalse(member.override_signed, "the signed override did not cover owning the process")
        self.assertTrue(self.audit.override_pending)
        # Another person on the line: the justification given for the previous one goes.
        with self.refused(ValidationError, "Assembly auditor"):
            member.with_user(self.iso_manager).employee_id = self.assembly_auditor


@tagged("post_install", "-at_install")
class TestSuggestAuditors(AuditorCase):
    def suggest(self, user=None):
        action = self.audit.with_user(user or self.iso_manager).action_suggest_auditors()
        return self.env[action["res_model"]].with_user(user or self.iso_manager).browse(action["res_id"])

    def _employees_made_here(self):
        """The employees this test made (a demo database has qualified auditors of its own)."""
        return self.env["hr.employee"].search(["|", ("name", "like", "(test)"), ("id", "=", self.lead.id)])

    def test_suggest_auditors(self):
        busy = self.new_employee("Busy auditor (test)", self.quality)
        self.file_training(busy, "2025-01-15")
        untrained = self.new_employee("Untrained (test)", self.quality)
        self.file_training(untrained, "2020-01-01", "2023-01-01")
        for title in ("Earlier one", "Earlier two"):
            earlier = self.new_audit(title, self.assembly, date_start="2025-11-01")
            self.add(busy, audit=earlier)
        self.add(self.lead, audit=earlier)
        wizard = self.suggest()
        self.assertEqual(wizard.role, "lead")
        mine = wizard.candidate_ids.filtered(lambda candidate: candidate.employee_id in self._employees_made_here())
        names = mine.mapped("employee_name")
        self.assertEqual(names, ["Second auditor (test)", self.lead.name, "Busy auditor (test)"])
        self.assertEqual(mine.mapped("audit_count"), [0, 1, 2])
        self.assertEqual(str(mine[0].valid_to), "2028-01-15")
        self.assertNotIn(self.production_auditor.name, names, "dependent: works in the audited department")
        self.assertNotIn("Assembly auditor (test)", names, "dependent: works under it")
        self.assertNotIn("Untrained (test)", names, "unqualified")
        mine[0].action_add()
        self.assertEqual(self.audit.lead_auditor_id.employee_id, self.auditor)
        wizard = self.suggest()
        self.assertEqual(wizard.role, "auditor")
        mine = wizard.candidate_ids.filtered(lambda candidate: candidate.employee_id in self._employees_made_here())
        self.assertEqual(mine.mapped("employee_name"), [self.lead.name, "Busy auditor (test)"])
        mine[0].action_add()
        self.assertEqual(
            self.audit.auditor_ids.filtered(lambda member: member.role == "auditor").employee_id, self.lead
        )

    def test_suggest_for_an_audit_one_cannot_read_is_refused(self):
        self.audit.write({"confidentiality": "restricted", "owner_id": False})
        with self.assertRaises(AccessError):
            self.env["iso.audit.auditor.suggest.wizard"].with_user(self.iso_manager).create({"audit_id": self.audit.id})

    def test_suggest_is_set_based(self):
        # Measured twice in the same conditions (new candidates just filed), with 1 and with 6 more candidates.
        self.file_training(self.new_employee("More auditors (test)", self.quality), "2025-01-15")
        queries = self.count_suggest_queries()
        for index in range(5):
            self.file_training(self.new_employee(f"More auditors {index} (test)", self.quality), "2025-01-15")
        self.assertEqual(self.count_suggest_queries(), queries, "a few queries, whatever the number of candidates")

    def count_suggest_queries(self):
        self.suggest()  # the caches of the user's rights and the defaults, once
        self.env.invalidate_all()
        # Reading the user's company once per environment is not the wizard's work.
        self.assertTrue(self.iso_manager.with_user(self.iso_manager).company_id)
        start = self.cr.sql_log_count
        wizard = self.suggest()
        candidates = wizard.candidate_ids.mapped("employee_name")
        self.assertTrue(candidates)
        return self.cr.sql_log_count - start
