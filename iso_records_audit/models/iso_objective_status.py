from odoo import api, fields, models

from .iso_objective import OBJECTIVE_STATUSES, TRENDS


class IsoObjective(models.Model):
    """Status and trend of an objective, against today, from its latest measurements."""

    _inherit = "iso.objective"  # pylint: disable=consider-merging-classes-inherited

    last_value = fields.Float(compute="_compute_status")
    last_period_start = fields.Date(string="Last Period", compute="_compute_status")
    status = fields.Selection(OBJECTIVE_STATUSES, compute="_compute_status", search="_search_status")
    trend = fields.Selection(TRENDS, compute="_compute_status")

    def _iso_meets_target(self, value):
        self.ensure_one()
        if self.direction == "at_least":
            return value >= self.target
        if self.direction == "at_most":
            return value <= self.target
        return self.target <= value <= self.target_max

    @api.depends("measurement_ids.value", "measurement_ids.period_start", "target", "target_max", "direction")
    @api.depends_context("date")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for objective in self:
            measurements = objective.measurement_ids.filtered(lambda m: m.period_start <= today).sorted(
                "period_start", reverse=True
            )
            latest = measurements[:1]
            objective.last_value = latest.value
            objective.last_period_start = latest.period_start
            objective.trend = False
            if not latest:
                objective.status = "no_data"
                continue
            objective.status = "on_track" if objective._iso_meets_target(latest.value) else "off_track"

    def _search_status(self, operator, value):
        if operator not in ("=", "in"):
            return NotImplemented
        wanted = {value} if operator == "=" else set(value)
        objectives = self.search([("state", "=", "active")])
        return [("id", "in", objectives.filtered(lambda objective: objective.status in wanted).ids)]
