from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record

# What the Objectives smart buttons count and open: every objective but the cancelled ones.
CURRENT_OBJECTIVES = [("state", "!=", "cancelled")]


class HrDepartment(models.Model):
    """The audits of a department and its sub-departments, their findings still open, and their current
    objectives."""

    _inherit = "hr.department"

    iso_audit_count = fields.Integer(string="Audits", compute="_compute_iso_audit_counts")
    iso_open_finding_count = fields.Integer(string="Open Findings", compute="_compute_iso_audit_counts")
    iso_objective_count = fields.Integer(string="Objectives", compute="_compute_iso_objective_count")

    def _iso_rolled_up_counts(self, model_name, domain):
        """{department id: count} of ``model_name`` records of each department or a sub-department, as the
        user may read them: one grouped count for all the departments, added up along their paths."""
        model = self.env[model_name]
        if not self.ids or not model.has_access("read"):
            return {}
        groups = model._read_group([("department_id", "child_of", self.ids), *domain], ["department_id"], ["__count"])
        counts = dict.fromkeys(self.ids, 0)
        for department, count in groups:
            ancestors = {int(part) for part in (department.sudo().parent_path or "").split("/") if part}
            for department_id in ancestors & counts.keys():
                counts[department_id] += count
        return counts

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_audit_counts(self):
        audits = self._iso_rolled_up_counts("iso.audit", [])
        findings = self._iso_rolled_up_counts("iso.audit.finding", [("state", "!=", "closed")])
        for department in self:
            department.iso_audit_count = audits.get(department.id, 0)
            department.iso_open_finding_count = findings.get(department.id, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_objective_count(self):
        objectives = self._iso_rolled_up_counts("iso.objective", CURRENT_OBJECTIVES)
        for department in self:
            department.iso_objective_count = objectives.get(department.id, 0)

    def action_view_iso_audits(self):
        one_record(self, self.env._("Audits"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_action")
        action["domain"] = [("department_id", "child_of", self.id)]
        action["context"] = {
            "default_department_id": self.id,
            "default_process_owner_id": self.manager_id.id,
            "default_company_id": self.company_id.id or self.env.company.id,
        }
        return action

    def action_view_iso_open_findings(self):
        one_record(self, self.env._("Open findings"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_finding_action")
        action["domain"] = [("department_id", "child_of", self.id), ("state", "!=", "closed")]
        action["context"] = {"create": False}
        return action

    def action_view_iso_objectives(self):
        one_record(self, self.env._("Objectives"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_objective_action")
        action["domain"] = [("department_id", "child_of", self.id), *CURRENT_OBJECTIVES]
        action["context"] = {
            "default_department_id": self.id,
            "default_company_id": self.company_id.id or self.env.company.id,
        }
        return action
