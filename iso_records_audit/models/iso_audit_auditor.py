from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

AUDITOR_ROLES = [
    ("lead", "Lead auditor"),
    ("auditor", "Auditor"),
    ("expert", "Technical expert"),
    ("observer", "Observer"),
]


class IsoAuditAuditor(models.Model):
    """A member of an audit's team: an employee, or an external person with their body. Who may audit is
    decided here, on the server, for every way a member is added (see iso_audit_auditor_rules.py)."""

    _name = "iso.audit.auditor"
    _description = "ISO Audit Team Member"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "audit_id, role_sequence, id"
    _iso_parent_field = "audit_id"

    audit_id = fields.Many2one("iso.audit", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="audit_id.company_id", store=True, index=True)
    role = fields.Selection(AUDITOR_ROLES, required=True, default="auditor")
    role_sequence = fields.Integer(compute="_compute_role_sequence", store=True)
    employee_id = fields.Many2one(
        "hr.employee",
        check_company=True,
        index="btree_not_null",
        help="An internal auditor; leave empty for an external person.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="External Person", index="btree_not_null", help="An external auditor or expert."
    )
    body_id = fields.Many2one("res.partner", help="The certification body or firm the external person audits for.")
    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(related="employee_id.user_id", string="User")
    qualification_note = fields.Char(
        string="Qualification", compute="_compute_clearance", help="The valid qualification that clears this member."
    )
    conflict_note = fields.Text(
        string="Conflicts", compute="_compute_clearance", help="Why the member would not be independent or qualified."
    )
    override_reason = fields.Text(
        string="Override Justification",
        help="An ISO administrator's justification for keeping a member with a conflict, e.g. a one-person "
        "company; signed by the administrator.",
    )
    override_signed = fields.Boolean(readonly=True, copy=False)
    override_by_id = fields.Many2one("res.users", string="Override Signed by", readonly=True, copy=False)

    @api.depends("role")
    def _compute_role_sequence(self):
        order = {role: index for index, (role, _label) in enumerate(AUDITOR_ROLES)}
        for member in self:
            member.role_sequence = order.get(member.role, 99)

    @api.depends("employee_id.name", "partner_id.name")
    def _compute_name(self):
        for member in self:
            member.name = member.employee_id.name or member.partner_id.name or False

    @api.constrains("employee_id", "partner_id")
    def _check_who(self):
        for member in self:
            if not member.employee_id and not member.partner_id:
                raise ValidationError(
                    self.env._(
                        "Audit team of %(audit)s: give the member's employee, or the external person.",
                        audit=member.audit_id.display_name,
                    )
                )
            if member.employee_id and member.partner_id:
                raise ValidationError(
                    self.env._(
                        "Audit team of %(audit)s: a member is an employee or an external person, not both.",
                        audit=member.audit_id.display_name,
                    )
                )
            if member.partner_id and not member.body_id:
                raise ValidationError(
                    self.env._(
                        "Body: the external auditor %(person)s is recorded with the body they audit for.",
                        person=member.partner_id.display_name,
                    )
                )

    @api.constrains("role", "audit_id")
    def _check_one_lead(self):
        for audit in self.audit_id:
            if len(audit.auditor_ids.filtered(lambda member: member.role == "lead")) > 1:
                raise ValidationError(
                    self.env._("Lead Auditor: %(audit)s has one lead auditor, not several.", audit=audit.display_name)
                )

    # The qualification and independence rules, _compute_clearance included, live in iso_audit_auditor_rules.py.
    def _iso_check_cleared(self, action):
        """Before a stage moves on: every member with a conflict has a signed override."""
        for member in self:
            if member.conflict_note and not member.override_signed:
                raise UserError(
                    self.env._(
                        "%(action)s: %(member)s may not audit %(audit)s (%(conflict)s) and no ISO administrator has "
                        "signed an override.",
                        action=action,
                        member=member.name,
                        audit=member.audit_id.display_name,
                        conflict=member.conflict_note,
                    )
                )
