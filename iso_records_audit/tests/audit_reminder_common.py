"""Fixtures of the checklist, reminder and repeat-finding tests: an audited Production department, a
qualified lead auditor from Quality, and audits and findings made the way the application makes them."""

from datetime import date

from odoo import Command, fields
from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.addons.iso_records.tools import workflow
from odoo.tests import new_test_user


class IsoAuditCase(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Audit = env["iso.audit"]
        cls.Finding = env["iso.audit.finding"]
        cls.lead_user = new_test_user(env, "iso_lead_auditor", groups="iso_records.group_iso_user")
        cls.lead = env["hr.employee"].create(
            {"name": "Lead auditor (test)", "user_id": cls.lead_user.id, "department_id": cls.quality.id}
        )
        cls.employee_of[cls.lead_user] = cls.lead
        # The lead auditor holds the ISO 9001 internal auditor qualification (shared decision of issue 13).
        training_type = env.ref("iso_records_audit.record_type_internal_auditor_training")
        env["iso.competence.requirement"].create(
            {
                "name": "Internal auditor ISO 9001 (test)",
                "department_id": cls.quality.id,
                "record_type_id": training_type.id,
                "auditor_standard_id": cls.standard_9001.id,
            }
        )
        training = env["iso.record"].create(
            {
                "title": "Internal auditor course (test)",
                "record_type_id": training_type.id,
                "employee_id": cls.lead.id,
                "body": "<p>Passed</p>",
                "training_valid_from": date(2020, 1, 1),
            }
        )
        training.action_file()

    @classmethod
    def clause(cls, number, standard=None):
        return cls.env["iso.clause"].search(
            [("standard_id", "=", (standard or cls.standard_9001).id), ("number", "=", number)]
        )

    @classmethod
    def new_audit(cls, title="Production audit (test)", start=None, department=None, clauses=("8.5",), **values):
        start = fields.Date.to_date(start) or fields.Date.context_today(cls.Audit)
        return cls.Audit.create(
            {
                "title": title,
                "date_start": start,
                "date_end": start,
                "department_id": (department or cls.production).id,
                "standard_ids": [Command.set(cls.standard_9001.ids)],
                "clause_ids": [Command.set([cls.clause(number).id for number in clauses])],
                "auditor_ids": [Command.create({"role": "lead", "employee_id": cls.lead.id})],
                **values,
            }
        )

    @classmethod
    def under_way(cls, audit):
        """An audit in fieldwork, where findings are raised; the stages themselves are tested elsewhere."""
        workflow(audit).write({"state": "fieldwork"})
        return audit

    @classmethod
    def finding_values(cls, audit, clause="8.5", grade="minor", **values):
        return {
            "audit_id": audit.id,
            "clause_id": cls.clause(clause).id,
            "grade": grade,
            "evidence": "Two work orders without the inspection stamp.",
            **values,
        }

    @classmethod
    def raise_finding(cls, audit, clause="8.5", grade="minor", **values):
        return cls.Finding.create(cls.finding_values(audit, clause, grade, **values))

    def activities(self, records, xmlid):
        activity_type = self.env.ref(xmlid)
        return (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
