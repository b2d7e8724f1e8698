from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record

from .hr_department import CURRENT_OBJECTIVES


class IsoAuditEmployeeMixin(models.AbstractModel):
    """The employee's audits: those they audit (team), are audited in (auditee) or own the process of; and
    the objectives they own; on the employee form and on its public form (users without HR rights; same
    ids)."""

    _name = "iso.audit.employee.mixin"
    _description = "Employee's ISO Audits"

    iso_audit_count = fields.Integer(string="Audits", compute="_compute_iso_audit_count")
    iso_objective_count = fields.Integer(string="Objectives", compute="_compute_iso_objective_count")

    def _iso_audit_domain(self):
        return [
            "|",
            "|",
            ("auditor_ids.employee_id", "in", self.ids),
            ("auditee_employee_ids", "in", self.ids),
            ("process_owner_id", "in", self.ids),
        ]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_audit_count(self):
        Audit = self.env["iso.audit"]
        audits_of = {employee_id: set() for employee_id in self.ids}
        if self.ids and Audit.has_access("read"):
            # One search for all the employees; an audit counts once per employee whatever their part in it.
            audits = Audit.search_fetch(self._iso_audit_domain(), ["process_owner_id", "auditee_employee_ids"])
            members = self.env["iso.audit.auditor"].search_fetch(
                [("audit_id", "in", audits.ids), ("employee_id", "in", self.ids)], ["audit_id", "employee_id"]
            )
            pairs = [(member.employee_id.id, member.audit_id.id) for member in members]
            for audit in audits:
                pairs += [
                    (employee_id, audit.id) for employee_id in (audit.process_owner_id | audit.auditee_employee_ids).ids
                ]
            for employee_id, audit_id in pairs:
                if employee_id in audits_of:
                    audits_of[employee_id].add(audit_id)
        for employee in self:
            employee.iso_audit_count = len(audits_of.get(employee.id, ()))

    def action_view_iso_audits(self):
        one_record(self, self.env._("Audits"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_action")
        action["domain"] = self._iso_audit_domain()
        action["context"] = {
            "default_department_id": self.department_id.id,
            "default_auditee_employee_ids": [self.id],
        }
        return action

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_objective_count(self):
        Objective = self.env["iso.objective"]
        counts = {}
        if self.ids and Objective.has_access("read"):
            groups = Objective._read_group(
                [("owner_id", "in", self.ids), *CURRENT_OBJECTIVES], ["owner_id"], ["__count"]
            )
            counts = {owner.id: count for owner, count in groups}
        for employee in self:
            employee.iso_objective_count = counts.get(employee.id, 0)

    def action_view_iso_objectives(self):
        one_record(self, self.env._("Objectives"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_objective_action")
        action["domain"] = [("owner_id", "=", self.id), *CURRENT_OBJECTIVES]
        action["context"] = {"default_owner_id": self.id}
        return action


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "iso.audit.employee.mixin"]


class HrEmployeePublic(models.Model):
    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "iso.audit.employee.mixin"]
