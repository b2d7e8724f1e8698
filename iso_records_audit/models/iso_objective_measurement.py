from collections import Counter

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_controlled_mixin import check_linked_records
from odoo.addons.iso_records.tools import in_workflow
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# How long a period of each frequency lasts.
PERIOD_LENGTH = {
    "weekly": relativedelta(weeks=1),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
}
# Context defaults a client could send to fill what the application sets.
FORGEABLE_DEFAULTS = ("default_entered_by_id", "default_source")


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

    @api.model
    def _iso_check_input_types(self, vals):
        """Over RPC a value may come as anything: a clear error naming the field instead of a crash."""
        value = vals.get("value")
        if "value" in vals and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValidationError(self.env._("Value: a number is expected, got %(value)r.", value=value))
        if vals.get("period_start"):
            try:
                fields.Date.to_date(vals["period_start"])
            except (TypeError, ValueError):
                raise ValidationError(
                    self.env._("Period: a date (YYYY-MM-DD) is expected, got %(value)r.", value=vals["period_start"])
                ) from None

    @api.model
    def _iso_refuse_workflow_fields(self, vals):
        """Who entered a measurement and whether it was computed are set by the application alone: a user
        enters as himself, and what he enters is manual."""
        forged = [
            self._fields[name].string
            for name, allowed in (("entered_by_id", self.env.uid), ("source", "manual"))
            if vals.get(name) not in (None, False, allowed)
        ]
        if forged:
            raise UserError(
                self.env._(
                    "%(fields)s: set by the application (the user who enters the value, or the computation of a "
                    "built-in measure), never written directly.",
                    fields=", ".join(forged),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env):
            # Not from the context either: a default_entered_by_id would otherwise fill the field unseen.
            self = self.with_context(  # noqa: PLW0642  # pylint: disable=context-overridden
                {key: value for key, value in self.env.context.items() if key not in FORGEABLE_DEFAULTS}
            )
            for vals in vals_list:
                self._iso_refuse_workflow_fields(vals)
                vals.update(entered_by_id=self.env.uid, source="manual")
        for vals in vals_list:
            self._iso_check_input_types(vals)
        # Before the checks below name the objective: an objective the user may not read is refused unnamed.
        check_linked_records(self, vals_list)
        objectives = self.env["iso.objective"].browse(
            {vals["objective_id"] for vals in vals_list if vals.get("objective_id")}
        )
        frequency_of = {objective.id: objective.frequency for objective in objectives.sudo()}
        for vals in vals_list:
            if vals.get("period_start") and vals.get("objective_id"):
                vals["period_start"] = period_start_of(
                    fields.Date.to_date(vals["period_start"]), frequency_of.get(vals["objective_id"], "monthly")
                )
        self._iso_check_one_per_period(
            [
                (vals["objective_id"], vals["period_start"])
                for vals in vals_list
                if vals.get("objective_id") and vals.get("period_start")
            ]
        )
        return super().create(vals_list)

    def _iso_check_one_per_period(self, periods):
        """Before writing (the unique index would only say "duplicate key"): a clear error naming the period
        when one of ``periods`` (objective id, normalised start) is measured already, or given twice."""
        if not periods:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT objective_id, period_start FROM iso_objective_measurement
                    WHERE (objective_id, period_start) IN %s AND id != ALL(%s)""",
                tuple(periods),
                self.ids,
            )
        )
        taken = self.env.cr.fetchall()
        if not taken:
            taken = [period for period, count in Counter(periods).items() if count > 1]
        if taken:
            objective_id, start = taken[0]
            raise ValidationError(
                self.env._(
                    "Period: %(objective)s already has a measurement for the period of %(start)s; an objective has "
                    "one measurement per period: correct the existing one.",
                    objective=self.env["iso.objective"].browse(objective_id).sudo().display_name,
                    start=start,
                )
            )

    def write(self, vals):
        self._iso_check_input_types(vals)
        check_linked_records(self, [vals])
        if not in_workflow(self.env):
            self._iso_refuse_workflow_fields(vals)
            if {"value", "period_start"} & set(vals):
                # Whoever changes the value entered it, even over a computed one.
                vals = {**vals, "entered_by_id": self.env.uid, "source": "manual"}
        if vals.get("period_start"):
            for measurement in self:
                start = period_start_of(
                    fields.Date.to_date(vals["period_start"]), measurement.objective_id.frequency or "monthly"
                )
                measurement._iso_check_one_per_period(
                    [(vals.get("objective_id") or measurement.objective_id.id, start)]
                )
                super(IsoObjectiveMeasurement, measurement).write({**vals, "period_start": start})
            return True
        return super().write(vals)

    @api.depends("period_start", "period_end", "company_id")
    @api.depends_context("uid")
    def _compute_frozen_by_review_id(self):
        # Only a review the user may read: a many2one's name is read as superuser, and a restricted review's
        # title is not theirs to see. The measurement is frozen all the same (_iso_line_frozen_reason).
        for measurement in self:
            measurement.frozen_by_review_id = (
                measurement._iso_freezing_review().with_env(self.env)._filtered_access("read")
            )

    def _iso_freezing_review(self):
        """The held review whose period covers this measurement's, whoever may read it."""
        self.ensure_one()
        reviews = self.env["iso.management.review"].sudo()
        return reviews._iso_review_freezing(self.company_id, self.period_end) if self.period_end else reviews

    def _iso_line_frozen_reason(self):
        self.ensure_one()
        review = self._iso_freezing_review()
        if not review:
            return False
        if not review.with_env(self.env)._filtered_access("read"):
            return self.env._(
                "a held management review covers the period of %(start)s; a measurement of a period already "
                "reviewed does not change.",
                start=self.period_start,
            )
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

    @api.constrains("period_start", "objective_id")
    def _check_period_within_objective(self):
        for measurement in self:
            objective = measurement.objective_id.sudo()
            if measurement.period_end < objective.date_start or measurement.period_start > objective.date_due:
                raise ValidationError(
                    self.env._(
                        "Period of %(measurement)s: %(start)s to %(end)s is outside the objective's span, "
                        "%(objective_start)s to %(due)s.",
                        measurement=measurement.display_name,
                        start=measurement.period_start,
                        end=measurement.period_end,
                        objective_start=objective.date_start,
                        due=objective.date_due,
                    )
                )
