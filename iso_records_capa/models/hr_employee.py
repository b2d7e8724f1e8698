from odoo import models


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "employee_id"
