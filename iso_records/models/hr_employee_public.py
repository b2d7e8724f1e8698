from odoo import models


class HrEmployeePublic(models.Model):
    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "iso.record.link.mixin", "iso.competence.employee.mixin"]
    _iso_record_link_field = "employee_id"
