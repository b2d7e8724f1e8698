"""Status and trend of an objective, against today.

The rules, the same in Python (the form, onchange included) and in SQL (the search, the list filters):

- The measurements considered are those of periods started on or before today (a period to come says nothing
  yet). The reference day is today, or the objective's due date once it is past: an objective measured until its
  end keeps the status it ended with.
- **No data**: no measurement, or none since the start of the second-to-last ended period: the last two ended
  periods went unmeasured, so whatever the latest value says is stale.
- **Trend**: the latest measurement against the one before, by how much better it is for the direction: a higher
  value for *at least*, a lower one for *at most*, a smaller distance to the band for *between* (zero inside).
  A change within the tolerance (1% of the target, 0.01 for a target of zero) is *stable*; a single measurement has no
  trend, which counts as stable.
- **On track**: meets the target and not worsening. **At risk**: meets it but worsening, or misses it but
  improving. **Off track**: misses it and is not improving.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .iso_objective import OBJECTIVE_STATUSES, TRENDS
from .iso_objective_measurement import PERIOD_LENGTH, period_start_of

# A change within this share of the target is no change; TREND_MIN_TOLERANCE for a target of zero.
TREND_TOLERANCE = 0.01
TREND_MIN_TOLERANCE = 0.01
# How many ended periods may go unmeasured before the status is "no data".
STALE_PERIODS = 2


class IsoObjective(models.Model):
    """Status and trend of an objective, against today, from its latest measurements (rules: module docstring)."""

    _inherit = "iso.objective"  # pylint: disable=consider-merging-classes-inherited

    last_value = fields.Float(compute="_compute_status")
    last_period_start = fields.Date(string="Last Period", compute="_compute_status")
    status = fields.Selection(
        OBJECTIVE_STATUSES,
        compute="_compute_status",
        search="_search_status",
        help="Against today, from the latest measurement and the trend: on track (meets the target, not "
        "worsening), at risk (meets it but worsening, or misses it but improving), off track (misses it, not "
        "improving), no data (no measurement in the last two ended periods).",
    )
    trend = fields.Selection(
        TRENDS, compute="_compute_status", help="The latest measurement against the one before, for the direction."
    )

    trend_chart = fields.Json(compute="_compute_trend_chart", help="The measurements against the target.")

    @api.depends("measurement_ids.value", "measurement_ids.period_start", "target", "target_max", "direction", "unit")
    def _compute_trend_chart(self):
        for objective in self:
            measurements = objective.measurement_ids.filtered("period_start").sorted("period_start")
            objective.trend_chart = {
                "points": [[fields.Date.to_string(m.period_start), m.value] for m in measurements],
                "direction": objective.direction,
                "target": objective.target,
                "target_max": objective.target_max if objective.direction == "between" else None,
                "unit": objective.unit or "",
            }

    def _iso_meets_target(self, value):
        self.ensure_one()
        if self.direction == "at_least":
            return value >= self.target
        if self.direction == "at_most":
            return value <= self.target
        return self.target <= value <= self.target_max

    def _iso_score(self, value):
        """How good ``value`` is for the direction: the higher, the better."""
        self.ensure_one()
        if self.direction == "at_least":
            return value
        if self.direction == "at_most":
            return -value
        return -(max(self.target - value, 0.0) + max(value - self.target_max, 0.0))

    def _iso_trend_tolerance(self):
        self.ensure_one()
        return max(abs(self.target), abs(self.target_max or 0.0)) * TREND_TOLERANCE or TREND_MIN_TOLERANCE

    def _iso_reference_day(self, today):
        self.ensure_one()
        return min(today, self.date_due) if self.date_due else today

    def _iso_stale_before(self, today):
        """The first day of the second-to-last ended period: a latest measurement older than that is stale."""
        self.ensure_one()
        frequency = self.frequency or "monthly"
        current = period_start_of(self._iso_reference_day(today), frequency)
        return current - PERIOD_LENGTH[frequency] * STALE_PERIODS

    def _iso_trend_of(self, latest, previous):
        self.ensure_one()
        if previous is None:
            return False
        change = self._iso_score(latest) - self._iso_score(previous)
        tolerance = self._iso_trend_tolerance()
        if change > tolerance:
            return "improving"
        if change < -tolerance:
            return "worsening"
        return "stable"

    def _iso_status_of(self, meets, trend):
        if meets:
            return "at_risk" if trend == "worsening" else "on_track"
        return "at_risk" if trend == "improving" else "off_track"

    @api.depends(
        "measurement_ids.value",
        "measurement_ids.period_start",
        "target",
        "target_max",
        "direction",
        "frequency",
        "date_due",
    )
    @api.depends_context("date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for objective in self:
            measurements = objective.measurement_ids.filtered(
                lambda m: m.period_start and m.period_start <= today
            ).sorted("period_start", reverse=True)
            latest = measurements[:1]
            objective.last_value = latest.value
            objective.last_period_start = latest.period_start
            if not latest or latest.period_start < objective._iso_stale_before(today):
                objective.status = "no_data"
                objective.trend = False
                continue
            previous = measurements[1].value if len(measurements) > 1 else None
            objective.trend = objective._iso_trend_of(latest.value, previous)
            objective.status = objective._iso_status_of(objective._iso_meets_target(latest.value), objective.trend)

    @api.model
    def _iso_status_sql(self, today):
        """SELECT objective_id, status, trend of every objective against ``today``, by the rules above."""
        unit = SQL("CASE o.frequency WHEN 'weekly' THEN 'week' WHEN 'quarterly' THEN 'quarter' ELSE 'month' END")
        length = SQL(
            "CASE o.frequency WHEN 'weekly' THEN interval '1 week' WHEN 'quarterly' THEN interval '3 months' "
            "ELSE interval '1 month' END"
        )

        def score(value):
            return SQL(
                """CASE o.direction WHEN 'at_least' THEN %(value)s
                                    WHEN 'at_most' THEN -%(value)s
                                    ELSE -(GREATEST(o.target - %(value)s, 0) + GREATEST(%(value)s - o.target_max, 0))
                   END""",
                value=value,
            )

        return SQL(
            """
            SELECT o.id AS objective_id,
                   CASE WHEN latest.period_start IS NULL OR latest.period_start < stale.before THEN 'no_data'
                        WHEN judged.meets THEN
                             CASE WHEN judged.trend = 'worsening' THEN 'at_risk' ELSE 'on_track' END
                        ELSE CASE WHEN judged.trend = 'improving' THEN 'at_risk' ELSE 'off_track' END
                   END AS status,
                   CASE WHEN latest.period_start IS NULL OR latest.period_start < stale.before THEN NULL
                        ELSE judged.trend
                   END AS trend
              FROM iso_objective o
              LEFT JOIN LATERAL (
                    SELECT m.value, m.period_start
                      FROM iso_objective_measurement m
                     WHERE m.objective_id = o.id AND m.period_start <= %(today)s
                     ORDER BY m.period_start DESC
                     LIMIT 1
              ) latest ON TRUE
              LEFT JOIN LATERAL (
                    SELECT m.value
                      FROM iso_objective_measurement m
                     WHERE m.objective_id = o.id AND m.period_start < latest.period_start
                     ORDER BY m.period_start DESC
                     LIMIT 1
              ) previous ON TRUE
             CROSS JOIN LATERAL (
                    SELECT (date_trunc(%(unit)s, LEAST(%(today)s, COALESCE(o.date_due, %(today)s))::timestamp)
                            - %(stale_periods)s * %(length)s)::date AS before
              ) stale
             CROSS JOIN LATERAL (
                    SELECT %(score_latest)s - %(score_previous)s AS change,
                           COALESCE(NULLIF(GREATEST(abs(o.target), abs(COALESCE(o.target_max, 0))) * %(share)s, 0),
                                    %(minimum)s) AS tolerance
              ) delta
             CROSS JOIN LATERAL (
                    SELECT CASE o.direction WHEN 'at_least' THEN latest.value >= o.target
                                            WHEN 'at_most' THEN latest.value <= o.target
                                            ELSE latest.value BETWEEN o.target AND o.target_max
                           END AS meets,
                           CASE WHEN previous.value IS NULL THEN NULL
                                WHEN delta.change > delta.tolerance THEN 'improving'
                                WHEN delta.change < -delta.tolerance THEN 'worsening'
                                ELSE 'stable'
                           END AS trend
              ) judged
            """,
            today=today,
            unit=unit,
            length=length,
            stale_periods=STALE_PERIODS,
            score_latest=score(SQL("latest.value")),
            score_previous=score(SQL("previous.value")),
            share=TREND_TOLERANCE,
            minimum=TREND_MIN_TOLERANCE,
        )

    def _search_status(self, operator, value):
        """The objectives of a status, in one SQL query whatever their number (rules: module docstring)."""
        statuses = {key for key, _label in OBJECTIVE_STATUSES}
        if operator in ("=", "!="):
            wanted = {value}
        elif operator in ("in", "not in"):
            wanted = set(value or ())
        else:
            return NotImplemented
        if not wanted <= statuses:
            raise UserError(
                self.env._(
                    "Status: %(value)s is not a status of an objective (%(statuses)s).",
                    value=value,
                    statuses=", ".join(sorted(statuses)),
                )
            )
        if operator in ("!=", "not in"):
            wanted = statuses - wanted
        self.env.flush_all()
        today = fields.Date.context_today(self)
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT objective_id FROM (%s) statuses WHERE status IN %s)",
                    self._iso_status_sql(today),
                    tuple(wanted) or (None,),
                ),
            )
        ]
