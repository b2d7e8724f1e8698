from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

REVIEW_STATES = [
    ("draft", "Draft"),
    ("collected", "Inputs collected"),
    ("held", "Held"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# States in which the review's inputs are frozen, and with them the measurements of its period.
FROZEN_STATES = ("held", "closed")


class IsoManagementReview(models.Model):
    """A management review (ISO 9001 9.3): its inputs (9.3.2 a to f) collected from live data
    (iso_management_review_inputs.py), checked for completeness, frozen with a SHA-256 and signed by the
    chair when held (iso_management_review_hold.py); its outputs (9.3.3) tracked as activities into the
    next review."""

    _name = "iso.management.review"
    _description = "ISO Management Review"
    _inherit = ["iso.controlled.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["name", "title"]
    _iso_workflow_only = (
        "name",
        "state",
        "collected_date",
        "held_date",
        "held_by_id",
        "frozen_content",
        "frozen_hash",
        "closed_date",
    )
    _iso_locked_states = ("closed", "cancelled")
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_retention_event_date_fields = {"closed": "closed_date"}
    _iso_hold_date_field = "date"
    _iso_trail_extra_fields = ("state", "frozen_hash", "summary")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True, default=lambda self: self.env._("Management review"))
    state = fields.Selection(
        REVIEW_STATES, default="draft", required=True, readonly=True, tracking=True, index=True, copy=False
    )
    date = fields.Date(string="Meeting Date", required=True, tracking=True, index=True)
    period_start = fields.Date(string="Period From", required=True, tracking=True)
    period_end = fields.Date(string="Period To", required=True, tracking=True)
    chair_id = fields.Many2one(
        "res.users",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        help="Top management chairing the review; signs the minutes when it is held.",
    )
    attendee_ids = fields.Many2many(
        "hr.employee",
        "iso_management_review_attendee_rel",
        "review_id",
        "employee_id",
        string="Attendees",
        check_company=True,
    )
    standard_ids = fields.Many2many(
        "iso.standard",
        string="Standards",
        default=lambda self: self.env["iso.standard"].search([], limit=1),
        help="The management system(s) the review covers; clauses and audits outside them are left out.",
    )
    input_ids = fields.One2many("iso.management.review.input", "review_id", string="Inputs")
    output_ids = fields.One2many("iso.management.review.output", "review_id", string="Outputs")
    missing_input_count = fields.Integer(compute="_compute_missing_inputs")
    missing_input_labels = fields.Text(string="Missing Inputs", compute="_compute_missing_inputs")
    summary = fields.Html(
        string="Conclusions",
        help="The review's conclusions on the suitability, adequacy and effectiveness of the management system.",
    )
    next_review_date = fields.Date(tracking=True, help="When the next management review is planned.")
    previous_review_id = fields.Many2one("iso.management.review", compute="_compute_previous_review_id")
    collected_date = fields.Datetime(string="Inputs Collected on", readonly=True, copy=False)
    held_date = fields.Datetime(string="Held on", readonly=True, copy=False)
    held_by_id = fields.Many2one("res.users", string="Signed by", readonly=True, copy=False)
    frozen_content = fields.Text(
        readonly=True, copy=False, help="The inputs as they were when the review was held (JSON)."
    )
    frozen_hash = fields.Char(
        string="Frozen Content SHA-256", readonly=True, copy=False, help="SHA-256 of the frozen content."
    )
    closed_date = fields.Date(string="Closed on", readonly=True, copy=False)
    output_count = fields.Integer(compute="_compute_output_count")

    @api.model
    def _iso_review_freezing(self, company, day):
        """The held (or closed) review of ``company`` whose period reaches ``day`` or later: what it covers
        is frozen."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("state", "in", FROZEN_STATES), ("period_end", ">=", day)],
            order="period_end desc",
            limit=1,
        )

    @api.depends("company_id", "period_start")
    def _compute_previous_review_id(self):
        for review in self:
            review.previous_review_id = self.search(
                [
                    ("company_id", "=", review.company_id.id),
                    ("state", "in", FROZEN_STATES),
                    ("id", "!=", review.id or 0),
                    ("period_end", "<=", review.period_start or fields.Date.today()),
                ],
                order="period_end desc, id desc",
                limit=1,
            )

    @api.depends("output_ids")
    def _compute_output_count(self):
        for review in self:
            review.output_count = len(review.output_ids)

    @api.depends("input_ids.has_data", "input_ids.comment")
    def _compute_missing_inputs(self):
        for review in self:
            missing = review.input_ids.filtered(lambda line: line.is_missing)
            review.missing_input_count = len(missing)
            review.missing_input_labels = "\n".join(missing.mapped("display_name"))

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        for review in self:
            if review.period_start and review.period_end and review.period_end < review.period_start:
                raise ValidationError(
                    self.env._(
                        "Period To of %(review)s: %(end)s is before Period From %(start)s.",
                        review=review.display_name,
                        end=review.period_end,
                        start=review.period_start,
                    )
                )

    @api.model
    def _iso_prepare_create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("iso.management.review") or "/"
        return super()._iso_prepare_create(vals_list)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for review in self:
            review.display_name = f"{review.name} {review.title or ''}".strip() if review.name != "/" else review.title

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")

    def write(self, vals):
        frozen_fields = {"period_start", "period_end", "standard_ids", "company_id", "attendee_ids", "date"}
        if frozen_fields & set(vals):
            held = self.filtered(lambda review: review.state in FROZEN_STATES)
            if held:
                raise UserError(
                    self.env._(
                        "%(review)s is held: its %(fields)s are in the signed minutes and do not change.",
                        review=held[0].display_name,
                        fields=", ".join(self._fields[name].string for name in sorted(frozen_fields & set(vals))),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------------
    # Stages (collecting: iso_management_review_inputs.py; holding: iso_management_review_hold.py)
    # ------------------------------------------------------------------
    def _iso_check_may_run(self, action):
        self._iso_check_may_act(action)
        self.check_access("write")

    def action_cancel(self):
        action = self.env._("Cancel review")
        self._iso_check_state(action, ["draft", "collected"])
        self._iso_check_may_run(action)
        workflow(self).write({"state": "cancelled"})

    def action_reset_to_draft(self):
        action = self.env._("Back to draft")
        self._iso_check_state(action, ["collected", "cancelled"])
        self._iso_check_may_run(action)
        workflow(self).write({"state": "draft"})

    def action_view_outputs(self):
        one_record(self, self.env._("Outputs"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_management_review_output_action")
        action["domain"] = [("review_id", "=", self.id)]
        action["context"] = {"default_review_id": self.id}
        return action
