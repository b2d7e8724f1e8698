from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import ValidationError
from odoo.tools import SQL

OBJECTIVE_STATES = [
    ("draft", "Draft"),
    ("active", "Active"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
DIRECTIONS = [
    ("at_least", "At least"),
    ("at_most", "At most"),
    ("between", "Between"),
]
FREQUENCIES = [
    ("weekly", "Weekly"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
]
OBJECTIVE_STATUSES = [
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("off_track", "Off track"),
    ("no_data", "No data"),
]
TRENDS = [
    ("improving", "Improving"),
    ("stable", "Stable"),
    ("worsening", "Worsening"),
]


class IsoObjective(models.Model):
    """A quality (or environmental, safety...) objective (ISO 9001 6.2): measurable, monitored against its
    target at the frequency it is measured, with its status and trend computed from the measurements
    (iso_objective_status.py), values taken from the ERP where a built-in measure fits
    (iso_objective_measure.py), and reminders to its owner (iso_objective_reminders.py)."""

    _name = "iso.objective"
    _description = "ISO Objective"
    _inherit = ["iso.controlled.mixin"]
    _order = "date_due, id desc"
    _rec_names_search = ["name", "title"]
    _iso_workflow_only = ("name", "state", "measurement_reminder_date", "off_track_reminder_date")
    _iso_locked_states = ("closed", "cancelled")
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_hold_date_field = "date_start"
    _iso_trail_extra_fields = ("state", "target", "target_max", "direction", "baseline")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    description = fields.Html()
    state = fields.Selection(
        OBJECTIVE_STATES, default="draft", required=True, readonly=True, tracking=True, index=True, copy=False
    )
    policy_id = fields.Many2one(
        "iso.record",
        check_company=True,
        domain="[('kind', '=', 'document')]",
        tracking=True,
        help="The policy (or other controlled document) the objective serves.",
    )
    process = fields.Char(tracking=True, help="The process it serves, e.g. Purchasing.")
    standard_ids = fields.Many2many("iso.standard", string="Standards")
    clause_ids = fields.Many2many(
        "iso.clause", string="Clauses", default=lambda self: self._default_clause_ids(), help="ISO 9001 6.2 and others."
    )
    measure = fields.Char(required=True, tracking=True, help="What is measured, e.g. on-time delivery rate.")
    unit = fields.Char(tracking=True, help="e.g. %, days, complaints.")
    direction = fields.Selection(DIRECTIONS, required=True, default="at_least", tracking=True)
    target = fields.Float(
        required=True, tracking=True, help="The value to reach; with Between, the lowest value accepted."
    )
    target_max = fields.Float(
        string="Target (highest)", tracking=True, help="With Between: the highest value accepted."
    )
    baseline = fields.Float(tracking=True, help="Where it stood when the objective was set.")
    frequency = fields.Selection(FREQUENCIES, required=True, default="monthly", tracking=True)
    date_start = fields.Date(string="Start", required=True, default=fields.Date.context_today, tracking=True)
    date_due = fields.Date(string="Due", required=True, tracking=True, index=True)
    measurement_ids = fields.One2many("iso.objective.measurement", "objective_id", string="Measurements")
    measurement_count = fields.Integer(compute="_compute_measurement_count")
    measurement_reminder_date = fields.Date(
        readonly=True, copy=False, help="The due date of the measurement its owner was last asked for."
    )
    off_track_reminder_date = fields.Date(
        readonly=True, copy=False, help="The period end its owner was last asked for an action for being off track."
    )

    @api.model
    def _default_clause_ids(self):
        clause = self.env.ref("iso_records.clause_9001_6_2", raise_if_not_found=False)
        return clause.ids if clause else []

    @api.depends("measurement_ids")
    def _compute_measurement_count(self):
        counts = dict(
            self.env["iso.objective.measurement"]._read_group(
                [("objective_id", "in", self.ids)], ["objective_id"], ["__count"]
            )
        )
        for objective in self:
            objective.measurement_count = counts.get(objective, 0)

    @api.constrains("date_start", "date_due")
    def _check_dates(self):
        for objective in self:
            if objective.date_start and objective.date_due and objective.date_due < objective.date_start:
                raise ValidationError(
                    self.env._(
                        "Due of %(objective)s: %(due)s is before its start %(start)s.",
                        objective=objective.display_name,
                        due=objective.date_due,
                        start=objective.date_start,
                    )
                )

    @api.constrains("direction", "target", "target_max")
    def _check_target(self):
        for objective in self:
            if objective.direction == "between" and objective.target_max < objective.target:
                raise ValidationError(
                    self.env._(
                        "Target (highest) of %(objective)s: %(high)s is below the lowest value accepted %(low)s.",
                        objective=objective.display_name,
                        high=objective.target_max,
                        low=objective.target,
                    )
                )

    @api.model
    def _iso_prepare_create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("iso.objective") or "/"
        return super()._iso_prepare_create(vals_list)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for objective in self:
            objective.display_name = (
                f"{objective.name} {objective.title or ''}".strip() if objective.name != "/" else objective.title
            )

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------
    def action_activate(self):
        action = self.env._("Start measuring")
        self._iso_check_state(action, ["draft"])
        self._iso_check_may_act(action)
        workflow(self).write({"state": "active"})

    def action_close(self):
        action = self.env._("Close objective")
        self._iso_check_state(action, ["active"])
        self._iso_check_may_act(action)
        workflow(self).write({"state": "closed"})

    def action_cancel(self):
        action = self.env._("Cancel objective")
        self._iso_check_state(action, ["draft", "active"])
        self._iso_check_may_act(action)
        workflow(self).write({"state": "cancelled"})

    def action_reset_to_draft(self):
        action = self.env._("Back to draft")
        self._iso_check_state(action, ["cancelled"])
        self._iso_check_may_act(action)
        workflow(self).write({"state": "draft"})

    def action_view_measurements(self):
        one_record(self, self.env._("Measurements"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_objective_measurement_action")
        action["domain"] = [("objective_id", "=", self.id)]
        action["context"] = {"default_objective_id": self.id}
        return action
