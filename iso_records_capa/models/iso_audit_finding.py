from odoo import fields, models
from odoo.addons.iso_records_audit.models.iso_audit_finding import NONCONFORMITY_GRADES
from odoo.exceptions import UserError


class IsoAuditFinding(models.Model):
    """A finding's nonconformities: raised from it, they close it when they close."""

    _name = "iso.audit.finding"
    _inherit = ["iso.audit.finding", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "finding_id"

    nonconformity_ids = fields.One2many("iso.nonconformity", "finding_id", string="Nonconformities")

    def action_raise_nonconformity(self):
        label = self.env._("Raise nonconformity")
        self._iso_check_state(label, ["open", "answered", "verified"])
        grades = dict(self._fields["grade"]._description_selection(self.env))
        for finding in self:
            if finding.grade not in NONCONFORMITY_GRADES:
                raise UserError(
                    self.env._(
                        "Grade: %(finding)s is %(grade)s; a nonconformity is raised from a major or minor "
                        "nonconformity.",
                        finding=finding.display_name,
                        grade=grades.get(finding.grade, finding.grade),
                    )
                )
        return super().action_raise_nonconformity()
