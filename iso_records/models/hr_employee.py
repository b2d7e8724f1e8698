from odoo import models


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "iso.record.link.mixin"]
    _iso_record_link_field = "employee_id"
