from odoo import models


class HrEmployeePublic(models.Model):
    """The employee form of users without HR rights (same ids as the employees)."""

    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "employee_id"
