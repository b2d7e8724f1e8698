from odoo import api, fields, models

OUTPUT_KINDS = [
    ("improvement", "Improvement opportunity"),
    ("system_change", "Change to the management system"),
    ("resources", "Resource need"),
]


class IsoManagementReviewOutput(models.Model):
    """A decision of a management review (ISO 9001 9.3.3) with its owner and deadline: an action line
    (iso.action.line.mixin), tracked as an activity of its owner on the review once the review is held, and
    reported by the next review's input a)."""

    _name = "iso.management.review.output"
    _description = "ISO Management Review Output"
    _inherit = ["iso.action.line.mixin"]
    _order = "review_id, sequence, id"
    _iso_parent_field = "review_id"
    _iso_action_activity_type = "iso_records_audit.mail_activity_type_review_output"

    review_id = fields.Many2one("iso.management.review", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    review_state = fields.Selection(related="review_id.state", string="Review Stage")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(OUTPUT_KINDS, required=True, default="improvement")
    description = fields.Text(string="Decision", required=True)

    @api.depends("review_id", "description")
    def _compute_display_name(self):
        for output in self:
            first_line = (output.description or "").strip().splitlines()[:1]
            output.display_name = first_line[0][:80] if first_line else output.review_id.sudo().display_name

    def _iso_action_summary(self):
        self.ensure_one()
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return self.env._(
            "%(kind)s: %(decision)s (%(review)s)",
            kind=kinds.get(self.kind, self.kind),
            decision=self.display_name,
            review=self.review_id.sudo().name,
        )

    @api.model_create_multi
    def create(self, vals_list):
        outputs = super().create(vals_list)
        held = outputs.filtered(lambda output: output.sudo().review_id._iso_action_lines_active())
        for review, decided in held.grouped(lambda output: output.sudo().review_id).items():
            review._iso_output_create_followup(decided)
        return outputs
