from odoo import api, fields, models

from ..tools import one_record


class IsoCompetenceEmployeeMixin(models.AbstractModel):
    """The competence smart button of the employee forms (private and public)."""

    _name = "iso.competence.employee.mixin"
    _description = "Employee with an ISO Competence Status"

    iso_competence_count = fields.Integer(string="Competence Requirements", compute="_compute_iso_competence")
    iso_competence_valid_count = fields.Integer(string="Competence Met", compute="_compute_iso_competence")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_competence(self):
        matrix = self.env["iso.competence.matrix"]
        totals, valid = {}, {}
        if matrix.has_access("read") and self.ids:
            domain = [("employee_id", "in", self.ids)]
            totals = {
                employee.id: count for employee, count in matrix._read_group(domain, ["employee_id"], ["__count"])
            }
            valid = {
                employee.id: count
                for employee, count in matrix._read_group(
                    [*domain, ("state", "in", ["valid", "expiring"])], ["employee_id"], ["__count"]
                )
            }
        for employee in self:
            employee.iso_competence_count = totals.get(employee.id, 0)
            employee.iso_competence_valid_count = valid.get(employee.id, 0)

    def action_view_iso_competence(self):
        one_record(self, self.env._("View iso competence"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_competence_matrix_action_list")
        action["domain"] = [("employee_id", "=", self.id)]
        action["context"] = {}
        action["display_name"] = self.env._("Competence of %s", self.name)
        return action
