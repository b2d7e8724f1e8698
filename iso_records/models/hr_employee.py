from odoo import models


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "iso.record.link.mixin", "iso.competence.employee.mixin"]
    _iso_record_link_field = "employee_id"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") is False or vals.get("departure_date"):
            for employee in self:
                if not employee.active or employee.departure_date:
                    employee._iso_start_retention_of_linked("employee_departed", employee.departure_date)
        return result
