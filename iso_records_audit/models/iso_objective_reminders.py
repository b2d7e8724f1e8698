from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param
from odoo.tools import SQL

DEFAULT_MEASUREMENT_DUE_DAYS = 5
MEASUREMENT_DUE_ACTIVITY = "iso_records_audit.mail_activity_type_objective_measurement_due"
OFF_TRACK_ACTIVITY = "iso_records_audit.mail_activity_type_objective_off_track"


class IsoObjective(models.Model):
    """Reminders of the objectives: the measurement due for the period that just ended, and an action when an
    objective is off track two periods in a row."""

    _inherit = "iso.objective"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_objective_reminders(self, companies=None):
        """Daily: the owners of the active objectives whose measurement is due, and of those off track two
        periods in a row; each once per period. Of ``companies`` only when given. Returns how many objectives
        of each kind were handled."""
        domain = [("state", "=", "active")]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        objectives = self.sudo().search(domain, order="id")
        return objectives._iso_remind_measurement_due(), objectives._iso_remind_off_track()

    @api.model
    def _iso_measurement_due_days(self):
        return iso_int_param(self.env, "objective_measurement_due_days", DEFAULT_MEASUREMENT_DUE_DAYS)

    def _iso_last_ended_periods(self, today):
        """{objective id: (start, end) of its latest ended period}, for those that have one."""
        last = {}
        for objective in self:
            periods = objective._iso_ended_periods(today)
            if periods:
                last[objective.id] = periods[-1]
        return last

    def _iso_remind_measurement_due(self):
        """The owner of each objective entered by hand whose latest ended period has no measurement is asked
        for it, due the days of Settings after the period end; once per period."""
        today = fields.Date.context_today(self)
        manual = self.filtered(lambda objective: objective.builtin_measure == "manual")
        last = manual._iso_last_ended_periods(today)
        if not last:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT p.objective_id
                     FROM unnest(%s::int[], %s::date[]) AS p(objective_id, period_start)
                     JOIN iso_objective_measurement m
                       ON m.objective_id = p.objective_id AND m.period_start = p.period_start""",
                list(last),
                [start for start, _end in last.values()],
            )
        )
        measured = {row[0] for row in self.env.cr.fetchall()}
        due_days = relativedelta(days=self._iso_measurement_due_days())
        due = manual.filtered(lambda objective: objective.id in last and objective.id not in measured)
        return due._iso_schedule_once(
            MEASUREMENT_DUE_ACTIVITY,
            lambda objective: last[objective.id][1] + due_days,
            "measurement_reminder_date",
            lambda objective: self.env._(
                "Measurement of %(objective)s for the period %(start)s to %(end)s",
                objective=objective.display_name,
                start=last[objective.id][0],
                end=last[objective.id][1],
            ),
        )

    def _iso_remind_off_track(self):
        """The owner of each objective whose two latest measurements of ended periods both miss the target is
        asked for an action, once per period (keyed by the end of the latest of them)."""
        today = fields.Date.context_today(self)
        if not self:
            return 0
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT objective_id, array_agg(value ORDER BY period_start DESC),
                          max(period_start), max(period_end)
                     FROM (SELECT m.objective_id, m.value, m.period_start, m.period_end,
                                  row_number() OVER (PARTITION BY m.objective_id ORDER BY m.period_start DESC) AS rank
                             FROM iso_objective_measurement m
                            WHERE m.objective_id = ANY(%s) AND m.period_end < %s) latest
                    WHERE rank <= 2
                    GROUP BY objective_id
                   HAVING count(*) = 2""",
                self.ids,
                today,
            )
        )
        latest = {objective_id: (values, start, end) for objective_id, values, start, end in self.env.cr.fetchall()}
        off_track = self.filtered(
            lambda objective: (
                objective.id in latest
                and not any(objective._iso_meets_target(value) for value in latest[objective.id][0])
            )
        )
        return off_track._iso_schedule_once(
            OFF_TRACK_ACTIVITY,
            lambda objective: latest[objective.id][2],
            "off_track_reminder_date",
            lambda objective: self.env._(
                "%(objective)s missed its target two periods in a row (up to %(end)s): decide an action",
                objective=objective.display_name,
                end=latest[objective.id][2],
            ),
        )
