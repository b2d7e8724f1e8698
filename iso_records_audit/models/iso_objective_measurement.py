from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# How long a period of each frequency lasts.
PERIOD_LENGTH = {
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
}


def period_start_of(day, frequency):
    """The first day of the period of ``frequency`` that holds ``day``: its Monday, the first of its month
    or of its calendar quarter."""
    if frequency == "weekly":
        return day - relativedelta(days=day.weekday())
    if frequency == "quarterly":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def period_end_of(start, frequency):
    return start + PERIOD_LENGTH[frequency] - relativedelta(days=1)


class IsoObjectiveMeasurement(models.Model):
    """The value an objective reached in one period of its frequency, with the evidence; frozen once a held
    management review covers the period."""

    _name = "iso.objective.measurement"
    _description = "ISO Objective Measurement"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "objective_id, period_start desc, id desc"
    _iso_parent_field = "objective_id"

    objective_id = fields.Many2one("iso.objective", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="objective_id.company_id", store=True, index=True)
    frequency = fields.Selection(related="objective_id.frequency")
    unit = fields.Char(related="objective_id.unit")
    period_start = fields.Date(required=True, index=True, help="Any day of the period; stored as its first day.")
    period_end = fields.Date(compute="_compute_period_end", store=True)
    value = fields.Float(required=True)
    comment = fields.Text()
    source = fields.Selection(
        [("manual", "Entered"), ("computed", "Computed")], required=True, default="manual", readonly=True
    )
    entered_by_id = fields.Many2one(
        "res.users", string="Entered by", default=lambda self: self.env.user, readonly=True, index=True
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "iso_objective_measurement_attachment_rel",
        "measurement_id",
        "attachment_id",
        string="Evidence",
    )
    frozen_by_review_id = fields.Many2one(
        "iso.management.review", string="Frozen by", compute="_compute_frozen_by_review_id"
    )

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE (objective_id, period_start)",
            "Period: an objective has one measurement per period; correct the existing one.",
        ),
    ]

    @api.depends("period_start", "objective_id.frequency")
    def _compute_period_end(self):
        for measurement in self:
            frequency = measurement.objective_id.frequency or "monthly"
            measurement.period_end = (
                period_end_of(measurement.period_start, frequency) if measurement.period_start else False
            )

    @api.model_create_multi
    def create(self, vals_list):
        objectives = self.env["iso.objective"].browse(
            {vals["objective_id"] for vals in vals_list if vals.get("objective_id")}
        )
        frequency_of = {objective.id: objective.frequency for objective in objectives.sudo()}
        for vals in vals_list:
            if vals.get("period_start") and vals.get("objective_id"):
                vals["period_start"] = period_start_of(
                    fields.Date.to_date(vals["period_start"]), frequency_of.get(vals["objective_id"], "monthly")
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("period_start"):
            for measurement in self:
                start = period_start_of(
                    fields.Date.to_date(vals["period_start"]), measurement.objective_id.frequency or "monthly"
                )
                super(IsoObjectiveMeasurement, measurement).write({**vals, "period_start": start})
            return True
        return super().write(vals)

    @api.depends("period_start", "period_end", "company_id")
    def _compute_frozen_by_review_id(self):
        reviews = self.env["iso.management.review"].sudo()
        for measurement in self:
            measurement.frozen_by_review_id = (
                reviews._iso_review_freezing(measurement.company_id, measurement.period_end)
                if measurement.period_end
                else reviews
            )

    def _iso_line_frozen_reason(self):
        self.ensure_one()
        review = self.frozen_by_review_id
        if not review:
            return False
        return self.env._(
            "the management review %(review)s, held on %(date)s, covers the period up to %(end)s; a measurement "
            "of a period already reviewed does not change.",
            review=review.display_name,
            date=review.date,
            end=review.period_end,
        )

    @api.depends("objective_id", "period_start")
    def _compute_display_name(self):
        for measurement in self:
            measurement.display_name = self.env._(
                "%(objective)s, period of %(start)s",
                objective=measurement.objective_id.sudo().display_name,
                start=measurement.period_start,
            )

    @api.constrains("value")
    def _check_value(self):
        for measurement in self:
            if measurement.value != measurement.value:  # NaN sent over RPC
                raise ValidationError(self.env._("Value: a number is expected."))
