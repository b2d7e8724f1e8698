from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import UserError

from .iso_audit_auditor_rules import ADMINISTRATOR_GROUP, TEAM_CHECK_DEFERRED, TEAM_CHECK_KEY

# What the team's qualification and independence are judged against: a change re-checks every member
# (the owner sets the department when it is empty).
TEAM_RULE_FIELDS = {
    "company_id",
    "owner_id",
    "department_id",
    "process",
    "process_owner_id",
    "auditee_employee_ids",
    "date_start",
    "standard_ids",
    "programme_id",
    "programme_line_id",
    "auditor_ids",
}
OPEN_STATES = ["planned", "preparation", "fieldwork", "reporting"]


class IsoAudit(models.Model):
    """The audit's side of qualified and independent auditors: its team re-checked whenever what it is judged
    against changes, the override an ISO administrator signs, and the auditors it suggests."""

    _inherit = "iso.audit"

    override_pending = fields.Boolean(
        string="Override to Sign",
        compute="_compute_override_pending",
        help="A member with a conflict is kept with a justification that no ISO administrator has signed yet.",
    )

    @api.depends("auditor_ids.override_pending")
    def _compute_override_pending(self):
        for audit in self:
            audit.override_pending = any(audit.sudo().auditor_ids.mapped("override_pending"))

    # ------------------------------------------------------------------
    # The team is checked once per create or write, after every field is written
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        audits = super(IsoAudit, self.with_context(**{TEAM_CHECK_KEY: TEAM_CHECK_DEFERRED})).create(vals_list)
        audits = audits.with_env(self.env)
        audits.auditor_ids._iso_check_team_rules()
        return audits

    def write(self, vals):
        if not TEAM_RULE_FIELDS & set(vals):
            return super().write(vals)
        result = super(IsoAudit, self.with_context(**{TEAM_CHECK_KEY: TEAM_CHECK_DEFERRED})).write(vals)
        self.auditor_ids._iso_check_team_rules()
        return result

    # ------------------------------------------------------------------
    # Override: an ISO administrator signs the justifications of the members kept with a conflict
    # ------------------------------------------------------------------
    @api.model
    def _iso_signable_operations(self):
        operations = super()._iso_signable_operations()
        operations["override"] = {
            "label": self.env._("Sign override"),
            # Not "approved": the administrator who wrote the justification signs it.
            "meanings": ("reviewed",),
            "method": "_iso_sign_override",
            "may_sign": "_iso_may_sign_override",
            "group": ADMINISTRATOR_GROUP,
            "reason_required": True,
        }
        return operations

    def _iso_overrides_pending(self):
        self.ensure_one()
        return self.sudo().auditor_ids.filtered("override_pending")

    def _iso_may_sign_override(self, user):
        return self.state in OPEN_STATES and user.has_group(ADMINISTRATOR_GROUP) and bool(self._iso_overrides_pending())

    def action_open_override(self):
        one_record(self, self.env._("Sign override"))
        self._iso_check_state(self.env._("Sign override"), OPEN_STATES)
        self._iso_check_pending_overrides()
        return self._iso_open_signature("override")

    def _iso_check_pending_overrides(self):
        pending = self._iso_overrides_pending()
        if not pending:
            raise UserError(
                self.env._(
                    "Sign override: no member of %(audit)s has a conflict kept with a justification waiting for a "
                    "signature.",
                    audit=self.display_name,
                )
            )
        return pending

    def _iso_sign_override(self, signer, reason=None):
        action = self.env._("Sign override")
        self._iso_check_state(action, OPEN_STATES)
        if not signer.has_group(ADMINISTRATOR_GROUP):
            raise UserError(self.env._("%(action)s: only an ISO administrator signs an override.", action=action))
        for member in self._iso_check_pending_overrides():
            # The trail event of the team's change says who was kept, despite what, and why.
            trail_reason = self.env._(
                "Override signed by %(signer)s for %(member)s. Conflicts: %(conflicts)s Justification: "
                "%(justification)s Signature reason: %(reason)s",
                signer=signer.name,
                member=member.name,
                conflicts=member.conflict_note.replace("\n", " "),
                justification=member.override_reason.strip(),
                reason=reason or "",
            )
            workflow(member, trail_reason).write(
                {"override_signed": True, "override_by_id": signer.id, "override_conflict": member.conflict_note}
            )

    # ------------------------------------------------------------------
    # Suggest auditors
    # ------------------------------------------------------------------
    def action_suggest_auditors(self):
        one_record(self, self.env._("Suggest auditors"))
        self._iso_check_state(self.env._("Suggest auditors"), OPEN_STATES)
        self._iso_check_may_act(self.env._("Suggest auditors"))
        wizard = self.env["iso.audit.auditor.suggest.wizard"].create({"audit_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Suggested auditors"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }
