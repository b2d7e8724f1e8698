from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import one_record


class ResUsers(models.Model):
    """My Profile shows the ISO buttons of the user's own employee: their records and filing a new one."""

    _inherit = "res.users"

    iso_record_count = fields.Integer(string="ISO Records", compute="_compute_iso_record_count")
    iso_profile_buttons = fields.Boolean(
        compute="_compute_iso_record_count", help="The ISO buttons show on this profile."
    )

    @property
    def SELF_READABLE_FIELDS(self):
        # My Profile reads the user's own record as superuser when every field asked is self-readable.
        return [*super().SELF_READABLE_FIELDS, "iso_record_count", "iso_profile_buttons"]

    @api.depends_context("uid")
    def _compute_iso_record_count(self):
        is_iso_user = self.env.user.has_group("iso_records.group_iso_user")
        for user in self:
            employee = user._iso_profile_employee()
            user.iso_profile_buttons = bool(is_iso_user and employee)
            user.iso_record_count = employee.iso_record_count if user.iso_profile_buttons else 0

    def _iso_profile_employee(self):
        """The user's employee in the current company, as the public employee every internal user may read."""
        employee = self.sudo().employee_id
        # Counted and opened with the current user's own rights, even when the profile is read as superuser.
        public_employees = self.env(su=False)["hr.employee.public"]
        return public_employees.browse(employee.id) if employee else public_employees

    def _iso_profile_employee_or_raise(self, action):
        one_record(self, action)
        employee = self._iso_profile_employee()
        if not employee:
            raise UserError(
                self.env._(
                    "%(action)s: %(user)s has no employee in %(company)s; ask HR to link one.",
                    action=action,
                    user=self.name,
                    company=self.env.company.name,
                )
            )
        return employee

    def action_view_iso_records(self):
        return self._iso_profile_employee_or_raise(self.env._("ISO Records")).action_view_iso_records()

    def action_file_iso_record(self):
        return self._iso_profile_employee_or_raise(self.env._("File ISO record")).action_file_iso_record()
