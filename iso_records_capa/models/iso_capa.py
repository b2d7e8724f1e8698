from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param
from odoo.tools import SQL

from .iso_nonconformity import CAUSE_CATEGORIES

CAPA_KINDS = [("corrective", "Corrective"), ("preventive", "Preventive"), ("improvement", "Improvement")]
CAPA_STATES = [
    ("draft", "New"),
    ("analysis", "Root Cause"),
    ("action", "Actions"),
    ("verification", "Effectiveness Check"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# Days after the last action is done when the effectiveness check falls due; Settings override it.
DEFAULT_EFFECTIVENESS_DAYS = 60


class IsoCapa(models.Model):
    """A corrective, preventive or improvement action (ISO 9001 10.2.1 b-f): the nonconformities it
    answers, the root-cause analysis (an ordered 5-whys, a fishbone and the root-cause statement), the
    actions (action lines tracked as activities), the effectiveness check by an independent verifier, and
    the closure signed by its owner; the risk concerned is re-rated when it closes."""

    _name = "iso.capa"
    _description = "ISO Corrective or Preventive Action"
    _inherit = ["iso.controlled.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]
    _iso_sequence_code = "iso.capa"
    _iso_workflow_only = (
        "name",
        "state",
        "effectiveness_due_date",
        "closed_date",
        "closed_by_id",
        "reopen_count",
    )
    _iso_locked_states = ("closed", "cancelled")
    _iso_retention_event_of_state = {"closed": "closed", "cancelled": "closed"}
    _iso_retention_event_date_fields = {"closed": "closed_date"}
    _iso_hold_date_field = "create_date"
    _iso_trail_extra_fields = ("state", "problem", "root_cause", "root_cause_category")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    kind = fields.Selection(CAPA_KINDS, required=True, default="corrective", tracking=True, index=True)
    nonconformity_ids = fields.Many2many(
        "iso.nonconformity",
        "iso_capa_nonconformity_rel",
        "capa_id",
        "nonconformity_id",
        string="Nonconformities",
        check_company=True,
    )
    risk_id = fields.Many2one(
        "iso.risk", string="Risk Concerned", check_company=True, index="btree_not_null", tracking=True
    )
    # 8D: D1 team, D2 problem, D3 containment (from the NCs), D4 root cause, D5-D6 actions, D7 prevention,
    # D8 recognition.
    team_user_ids = fields.Many2many(
        "res.users", "iso_capa_team_rel", "capa_id", "user_id", string="Team", domain=[("share", "=", False)]
    )
    problem = fields.Text(string="Problem Statement", tracking=True)
    why_ids = fields.One2many("iso.capa.why", "capa_id", string="5 Whys", copy=True)
    cause_ids = fields.One2many("iso.capa.cause", "capa_id", string="Fishbone", copy=True)
    root_cause = fields.Text(tracking=True)
    root_cause_category = fields.Selection(CAUSE_CATEGORIES, tracking=True, index=True)
    action_ids = fields.One2many("iso.capa.action", "capa_id", string="Actions")
    verification_ids = fields.One2many("iso.capa.verification", "capa_id", string="Effectiveness Checks")
    effectiveness_days = fields.Integer(
        string="Check effectiveness after (days)",
        default=lambda self: self._default_effectiveness_days(),
        tracking=True,
        help="The effectiveness check falls due this many days after the last action is done.",
    )
    effectiveness_due_date = fields.Date(readonly=True, copy=False, index=True)
    verifier_id = fields.Many2one(
        "res.users",
        domain=[("share", "=", False)],
        tracking=True,
        help="Checks the effectiveness; neither the CAPA owner nor an action owner.",
    )
    prevention = fields.Text(string="Preventing Recurrence", help="D7: what keeps it from happening elsewhere.")
    recognition = fields.Text(help="D8: the team's work recognised.")
    risk_likelihood_after = fields.Integer(tracking=True)
    risk_severity_after = fields.Integer(tracking=True)
    state = fields.Selection(CAPA_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    reopen_count = fields.Integer(string="Reopened", readonly=True, copy=False)
    closed_date = fields.Date(string="Closed on", readonly=True, copy=False, index=True)
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True, copy=False)
    cancel_reason = fields.Text(tracking=True, copy=False, help="Why the CAPA is cancelled; needed to cancel it.")

    @api.model
    def _default_effectiveness_days(self):
        return iso_int_param(self.env, "capa_effectiveness_days", DEFAULT_EFFECTIVENESS_DAYS)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for capa in self:
            parts = [capa.name if capa.name != "/" else "", capa.title or ""]
            capa.display_name = " ".join(part for part in parts if part)

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")

    def _iso_action_lines_active(self):
        self.ensure_one()
        return self.state in ("action", "verification")
