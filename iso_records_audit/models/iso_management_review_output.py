from odoo import api, fields, models

OUTPUT_KINDS = [
    ("improvement", "Improvement opportunity"),
    ("system_change", "Change to the management system"),
    ("resources", "Resource need"),
]
OUTPUT_STATES = [
    ("open", "Open"),
    ("late", "Late"),
    ("done", "Done"),
]


class IsoManagementReviewOutput(models.Model):
    """A decision of a management review (ISO 9001 9.3.3) with its owner and deadline; tracked as an
    activity of the owner, and reported by the next review's input a)."""

    _name = "iso.management.review.output"
    _description = "ISO Management Review Output"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "review_id, sequence, id"
    _iso_parent_field = "review_id"

    review_id = fields.Many2one("iso.management.review", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    review_state = fields.Selection(related="review_id.state", string="Review Stage")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(OUTPUT_KINDS, required=True, default="improvement")
    description = fields.Text(string="Decision", required=True)
    user_id = fields.Many2one("res.users", string="Owner", index=True)
    date_deadline = fields.Date(string="Deadline", index=True)
    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True, copy=False)
    date_done = fields.Date(string="Done on", readonly=True, copy=False)
    action_state = fields.Selection(OUTPUT_STATES, string="Status", compute="_compute_action_state")

    @api.depends("date_done", "date_deadline")
    @api.depends_context("date")
    def _compute_action_state(self):
        today = fields.Date.context_today(self)
        for output in self:
            if output.date_done:
                output.action_state = "done"
            elif output.date_deadline and output.date_deadline < today:
                output.action_state = "late"
            else:
                output.action_state = "open"

    @api.depends("review_id", "description")
    def _compute_display_name(self):
        for output in self:
            first_line = (output.description or "").strip().splitlines()[:1]
            output.display_name = first_line[0][:80] if first_line else output.review_id.sudo().display_name
