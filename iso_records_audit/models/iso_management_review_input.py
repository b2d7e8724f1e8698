from odoo import api, fields, models
from odoo.addons.iso_records.tools import in_workflow, one_record
from odoo.exceptions import UserError
from odoo.tools import html2plaintext
from odoo.tools.safe_eval import safe_eval

from .iso_management_review import FROZEN_STATES

# What a user writes on an input line; everything else is written by "Collect inputs" alone.
USER_FIELDS = {"comment"}

# ISO 9001:2015 9.3.2: what a management review considers.
INPUT_LETTERS = [
    ("a", "a) Status of actions from previous management reviews"),
    ("b", "b) Changes in external and internal issues"),
    ("c", "c) Performance and effectiveness of the management system"),
    ("d", "d) Adequacy of resources"),
    ("e", "e) Effectiveness of actions taken to address risks and opportunities"),
    ("f", "f) Opportunities for improvement"),
]


class IsoManagementReviewInput(models.Model):
    """One section of a review's inputs: its figures and the list behind them, collected from live data,
    and the comment of the review (or the statement why there is no data)."""

    _name = "iso.management.review.input"
    _description = "ISO Management Review Input"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "review_id, letter, sequence, id"
    _iso_parent_field = "review_id"

    review_id = fields.Many2one("iso.management.review", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="review_id.company_id", store=True, index=True)
    review_state = fields.Selection(related="review_id.state", string="Review Stage")
    letter = fields.Selection(INPUT_LETTERS, string="Input (9.3.2)", required=True, readonly=True)
    sequence = fields.Integer(default=10, readonly=True)
    section = fields.Char(string="Section Key", required=True, readonly=True, help="The technical key of the section.")
    name = fields.Char(string="Section", required=True, readonly=True)
    figures = fields.Json(string="Figures (data)", readonly=True, help="[[label, value], ...] as collected.")
    figures_text = fields.Text(string="Figures", compute="_compute_figures_text")
    item_model = fields.Char(readonly=True)
    item_domain = fields.Char(readonly=True, help="The domain of the list behind the figures.")
    item_count = fields.Integer(string="Items", readonly=True)
    note = fields.Text(readonly=True, help="What the collection says about the section, e.g. an addon not installed.")
    has_data = fields.Boolean(readonly=True)
    comment = fields.Text(help="The review's comment; where there is no data, the statement why.")
    is_missing = fields.Boolean(compute="_compute_is_missing")

    @api.depends("figures")
    def _compute_figures_text(self):
        for line in self:
            line.figures_text = "\n".join(f"{label}: {value}" for label, value in (line.figures or []))

    @api.depends("has_data", "comment")
    def _compute_is_missing(self):
        for line in self:
            line.is_missing = not line.has_data and not html2plaintext(line.comment or "").strip()

    @api.depends("letter", "name")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"9.3.2 {line.letter}) {line.name}" if line.letter else line.name

    def _iso_check_collection_only(self, names):
        """Only the collection (workflow) and the superuser set what an input says; users write its comment."""
        if self.env.su or in_workflow(self.env):
            return
        refused = sorted(set(names) - USER_FIELDS)
        if refused:
            raise UserError(
                self.env._(
                    "%(fields)s of a review input: set by Collect inputs from live data, never written directly; "
                    "write your remarks in %(comment)s.",
                    fields=", ".join(self._fields[name].string if name in self._fields else name for name in refused),
                    comment=self._fields["comment"].string,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._iso_check_collection_only(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._iso_check_collection_only(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_collected(self):
        if not (self.env.su or in_workflow(self.env)):
            raise UserError(
                self.env._(
                    "%(line)s: the inputs of a review are replaced by Collect inputs, never deleted by hand.",
                    line=self[:1].display_name,
                )
            )

    def _iso_line_frozen_reason(self):
        self.ensure_one()
        review = self.sudo().review_id
        if review.state in FROZEN_STATES:
            return self.env._(
                "the review %(review)s is held; its inputs are in the signed minutes.", review=review.display_name
            )
        return False

    def action_open_items(self):
        """The list behind the figures, under the caller's rights, while the review is not yet held: after that
        the live list no longer matches the frozen figures."""
        one_record(self, self.env._("Open list"))
        if self.review_id.state in FROZEN_STATES:
            raise UserError(
                self.env._(
                    "Open list: %(review)s is held; its inputs are frozen in the minutes and the live list behind "
                    "them would no longer match.",
                    review=self.review_id.display_name,
                )
            )
        if not self.item_model:
            return False
        return {
            "type": "ir.actions.act_window",
            "name": self.display_name,
            "res_model": self.item_model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": safe_eval(self.item_domain or "[]"),
            "context": {"create": False},
        }
