from datetime import timedelta

from odoo import Command, fields
from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.tests import new_test_user

AUDITOR_TRAINING = "iso_records_audit.record_type_internal_auditor_training"


class AuditCase(IsoRecordCase):
    """The people of an internal audit around real users, on top of the core's users per ISO group.

    Departments: Quality (test) (the auditors), Production (test) with its sub-department Assembly (test)
    (audited), Purchasing (test). Users with employees: ``lead_auditor`` and ``second_auditor`` in Quality,
    both qualified (a valid Internal Auditor Training, filed, for the ISO 9001 auditor requirement) and
    independent of Production; ``production_manager`` (the core's, Production's manager, the process owner
    of the audits made here); ``auditee`` in Assembly, reporting to the production manager. The ISO groups'
    users (``iso_user``, ``iso_auditor``, ``iso_manager``, ``iso_administrator``) and a second company come
    from IsoRecordCase. ``make_audit`` plans an audit of Production with this team; its checklist comes from
    the template ``template`` (three questions on 7.5, 8.5.1 and 8.5.2), the shipped templates being archived."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Audit = env["iso.audit"]
        cls.Finding = env["iso.audit.finding"]
        cls.assembly = env["hr.department"].create({"name": "Assembly (test)", "parent_id": cls.production.id})
        cls.purchasing = env["hr.department"].create({"name": "Purchasing (test)"})
        user_groups = "base.group_user,iso_records.group_iso_user"
        cls.lead_auditor = new_test_user(
            env, "audit_lead", groups=user_groups, name="Lead Auditor (test)", password="audit_lead"
        )
        cls.second_auditor = new_test_user(env, "audit_second", groups=user_groups, name="Second Auditor (test)")
        cls.auditee = new_test_user(env, "audit_auditee", groups=user_groups, name="Auditee (test)")
        Employee = env["hr.employee"]
        cls.lead_employee = cls.employee_of[cls.lead_auditor] = Employee.create(
            {"name": cls.lead_auditor.name, "user_id": cls.lead_auditor.id, "department_id": cls.quality.id}
        )
        cls.second_employee = cls.employee_of[cls.second_auditor] = Employee.create(
            {"name": cls.second_auditor.name, "user_id": cls.second_auditor.id, "department_id": cls.quality.id}
        )
        cls.production_manager_employee = cls.employee_of[cls.production_manager]
        cls.auditee_employee = cls.employee_of[cls.auditee] = Employee.create(
            {
                "name": cls.auditee.name,
                "user_id": cls.auditee.id,
                "department_id": cls.assembly.id,
                "parent_id": cls.production_manager_employee.id,
            }
        )
        cls.supplier_partner = env["res.partner"].create({"name": "Castings Supplier (test)", "is_company": True})
        cls.certification_body = env["res.partner"].create({"name": "Certification Body (test)", "is_company": True})

        # Qualification: the auditor requirement of ISO 9001 and a valid training of each auditor.
        cls.auditor_training_type = env.ref(AUDITOR_TRAINING)
        cls.auditor_requirement = env["iso.competence.requirement"].create(
            {
                "name": "Internal auditor ISO 9001 (test)",
                "record_type_id": cls.auditor_training_type.id,
                "auditor_standard_id": cls.standard_9001.id,
                "refresher_interval_months": 36,
            }
        )
        today = fields.Date.context_today(cls.Audit)
        cls.auditor_trainings = env["iso.record"]
        for employee in (cls.lead_employee, cls.second_employee):
            cls.auditor_trainings |= cls.file_auditor_training(employee, today - timedelta(days=365))

        # Clauses and a checklist template of our own (other templates may be shipped: tests look for ours).
        cls.clause_7_5 = env.ref("iso_records.clause_9001_7_5")
        cls.clause_8_5_1 = env.ref("iso_records.clause_9001_8_5_1")
        cls.clause_8_5_2 = env.ref("iso_records.clause_9001_8_5_2")
        cls.clause_14001 = env.ref("iso_records.clause_14001_4_1")
        cls.template = env["iso.audit.checklist.template"].create(
            {
                "name": "Production checklist (test)",
                "standard_id": cls.standard_9001.id,
                "question_ids": [
                    Command.create(
                        {
                            "sequence": 1,
                            "clause_id": cls.clause_7_5.id,
                            "question": "Are the work instructions at the stations the current revision? (test)",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 2,
                            "clause_id": cls.clause_8_5_1.id,
                            "question": "Are the production plans released before work starts? (test)",
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 3,
                            "clause_id": cls.clause_8_5_2.id,
                            "question": "Can a finished unit be traced to its batch of parts? (test)",
                        }
                    ),
                ],
            }
        )
        cls.template_questions = cls.template.question_ids.mapped("question")
        # Only our checklist is loaded, whatever templates the addons ship (reactivate them to test those).
        cls.shipped_templates = env["iso.audit.checklist.template"].search([("id", "!=", cls.template.id)])
        cls.shipped_templates.active = False

    @classmethod
    def file_auditor_training(cls, employee, valid_from, valid_to=None):
        """A filed Internal Auditor Training of ``employee``, valid from ``valid_from``."""
        values = {
            "title": f"Internal auditor course of {employee.name}",
            "record_type_id": cls.auditor_training_type.id,
            "employee_id": employee.id,
            "body": "<p>ISO 19011 internal auditor course, passed.</p>",
            "training_valid_from": valid_from,
        }
        if valid_to:
            values["training_valid_to"] = valid_to
        training = cls.env["iso.record"].create(values)
        training.action_file()
        return training

    @classmethod
    def make_audit(cls, user=None, team=True, lines=False, **values):
        """An internal ISO 9001 audit of Production, planned by ``user`` (the ISO manager by default), with
        the lead and second auditors as its team and, with ``lines``, the template's checklist loaded."""
        env_user = user or cls.iso_manager
        today = fields.Date.context_today(cls.Audit)
        values = {
            "title": "Production: work instructions and traceability (test)",
            "audit_type": "internal",
            "department_id": cls.production.id,
            "process": "Assembly",
            "process_owner_id": cls.production_manager_employee.id,
            "auditee_employee_ids": [Command.set(cls.auditee_employee.ids)],
            "standard_ids": [Command.set(cls.standard_9001.ids)],
            "clause_ids": [Command.set((cls.clause_7_5 | cls.clause_8_5_1 | cls.clause_8_5_2).ids)],
            "scope": "Assembly lines 1 and 2, day shift.",
            "criteria": "ISO 9001:2015 clauses 7.5 and 8.5; work instruction WI-12.",
            "objectives": "Confirm that assembly works to current instructions and keeps traceability.",
            "date_start": today + timedelta(days=7),
            "date_end": today + timedelta(days=8),
            **values,
        }
        if team:
            values.setdefault(
                "auditor_ids",
                [
                    Command.create({"role": "lead", "employee_id": cls.lead_employee.id}),
                    Command.create({"role": "auditor", "employee_id": cls.second_employee.id}),
                ],
            )
        audit = cls.Audit.with_user(env_user).create(values)
        if lines:
            audit.with_user(env_user).action_load_checklist()
        return audit.with_env(cls.env)

    @classmethod
    def audit_in(cls, state, **values):
        """An audit brought to ``state`` (preparation, fieldwork, reporting or closed) the way its team does:
        the lead auditor runs it, answers the checklist lines left without a result conform before reporting
        and, for closed, signs the closing."""
        audit = cls.make_audit(**values)
        lead = audit.with_user(cls.lead_auditor)
        steps = ["preparation", "fieldwork", "reporting", "closed"]
        for step in steps[: steps.index(state) + 1]:
            if step == "preparation":
                lead.action_prepare()
            elif step == "fieldwork":
                lead.action_start_fieldwork()
            elif step == "reporting":
                lead.line_ids.filtered(lambda line: not line.result).write({"result": "conform"})
                lead.action_start_reporting()
            else:
                if not lead.summary:
                    lead.summary = "<p>Assembly works to current instructions.</p>"
                lead._iso_sign("close", "closed")
        return audit

    @classmethod
    def raise_finding(cls, audit, user=None, **values):
        """A finding of ``audit`` raised by ``user`` (the lead auditor by default)."""
        values = {
            "audit_id": audit.id,
            "grade": "minor",
            "clause_id": cls.clause_7_5.id,
            "requirement": "Documented information is available where and when it is needed.",
            "evidence": "Station 4 used revision B of WI-12; revision C is current.",
            **values,
        }
        return cls.Finding.with_user(user or cls.lead_auditor).create(values)
