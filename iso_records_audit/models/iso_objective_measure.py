"""Built-in measures: an objective may take its value from what the ERP already records.

Each measure is a method ``_iso_measure_<key>(periods)`` of iso.objective, where ``periods`` is a list of
(objective id, period start, period end) of objectives of that measure; it returns {(objective id, period
start): value} in one query for the whole list, and leaves out the periods it has no value for. Another addon
adds a measure with ``selection_add`` on ``builtin_measure`` and the method of its key. The queries read the
database directly: a computed value is an aggregate figure, the same whoever triggers the computation.
"""

import logging

import psycopg2

from odoo import api, fields, models
from odoo.addons.iso_records.tools import commit_batch, workflow
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from .iso_management_review import FROZEN_STATES
from .iso_objective_measurement import PERIOD_LENGTH, period_end_of, period_start_of

BUILTIN_MEASURES = [
    ("manual", "Entered by hand"),
    ("customer_complaints", "Customer complaints filed in the period"),
    ("training_compliance", "Training compliance of the department at the period end (%)"),
    ("open_findings", "Audit findings open at the period end"),
    ("findings_raised", "Audit findings raised in the period"),
]
COMPUTE_BATCH_SIZE = 200
COMPLAINT_TYPE = "iso_records.record_type_customer_complaint"

_logger = logging.getLogger(__name__)


class IsoObjective(models.Model):
    """The built-in measures of an objective and the computation of their measurements."""

    _inherit = "iso.objective"  # pylint: disable=consider-merging-classes-inherited

    builtin_measure = fields.Selection(
        BUILTIN_MEASURES,
        string="Value From",
        required=True,
        default="manual",
        tracking=True,
        help="Entered by hand, or computed for each ended period from the records of the objective's company "
        "(and department, when set): complaint records filed (by their effective date); the share of the "
        "department's required trainings valid at the period end; audit findings not closed at the period end; "
        "audit findings raised in the period.",
    )

    # ------------------------------------------------------------------
    # The periods to compute
    # ------------------------------------------------------------------
    def _iso_ended_periods(self, today):
        """The (start, end) of the periods of this objective that ended before ``today`` and start on or before
        its due date, oldest first."""
        self.ensure_one()
        frequency = self.frequency or "monthly"
        periods = []
        start = period_start_of(self.date_start, frequency)
        while start <= self.date_due:
            end = period_end_of(start, frequency)
            if end >= today:
                break
            periods.append((start, end))
            start += PERIOD_LENGTH[frequency]
        return periods

    def _iso_frozen_until(self):
        """{company id: the last day a held review of the company covers}: no measurement is added there."""
        held = (
            self.env["iso.management.review"]
            .sudo()
            ._read_group(
                [("company_id", "in", self.company_id.ids), ("state", "in", FROZEN_STATES)],
                ["company_id"],
                ["period_end:max"],
            )
        )
        return {company.id: period_end for company, period_end in held}

    def _iso_missing_periods(self, today):
        """(objective id, start, end) of the ended periods of these objectives that have no measurement and no
        held review covers; one query for the measurements there are."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT objective_id, period_start FROM iso_objective_measurement WHERE objective_id = ANY(%s)",
                self.ids,
            )
        )
        measured = set(self.env.cr.fetchall())
        frozen_until = self._iso_frozen_until()
        return [
            (objective.id, start, end)
            for objective in self
            for start, end in objective._iso_ended_periods(today)
            if (objective.id, start) not in measured
            and not (frozen_until.get(objective.company_id.id) and end <= frozen_until[objective.company_id.id])
        ]

    # ------------------------------------------------------------------
    # Computing
    # ------------------------------------------------------------------
    def action_compute_measurements(self):
        """Fill the ended periods that have no measurement from the built-in measure (button)."""
        action = self.env._("Compute measurements")
        self._iso_check_state(action, ["active"])
        self._iso_check_may_act(action)
        manual = self.filtered(lambda objective: objective.builtin_measure == "manual")
        if manual:
            raise UserError(
                self.env._(
                    "%(action)s: %(objective)s is entered by hand (Value From); choose a built-in measure first.",
                    action=action,
                    objective=manual[0].display_name,
                )
            )
        created = self._iso_compute_measurements()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if created else "info",
                "message": self.env._("%(count)s measurement(s) computed.", count=created),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_objective_measurements(self, companies=None):
        """Daily: the measurements of the active objectives with a built-in measure, batched, each batch's
        objectives locked (SKIP LOCKED: a second worker takes other objectives), one commit per batch.
        Returns how many measurements were created."""
        domain = [("state", "=", "active"), ("builtin_measure", "!=", "manual")]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        objectives = self.sudo().search(domain, order="id")
        created = done = 0
        for batch in split_every(COMPUTE_BATCH_SIZE, objectives.ids, objectives.browse):
            self.env.flush_all()
            self.env.cr.execute(
                SQL("SELECT id FROM iso_objective WHERE id = ANY(%s) ORDER BY id FOR UPDATE SKIP LOCKED", batch.ids)
            )
            locked = batch.browse([row[0] for row in self.env.cr.fetchall()])
            created += locked._iso_compute_measurements()
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(objectives) - done)
            commit_batch(self.env.cr)
        return created

    def _iso_compute_measurements(self):
        """Create the missing measurements of these objectives: one query per measure for all of them."""
        today = fields.Date.context_today(self)
        missing = self._iso_missing_periods(today)
        measure_of = {objective.id: objective.builtin_measure for objective in self}
        values = []
        for key in {measure_of[objective_id] for objective_id, _start, _end in missing} - {"manual"}:
            periods = [period for period in missing if measure_of[period[0]] == key]
            computed = getattr(self, f"_iso_measure_{key}")(periods)
            values += [
                {"objective_id": objective_id, "period_start": start, "value": computed[objective_id, start]}
                for objective_id, start, _end in periods
                if (objective_id, start) in computed
            ]
        if not values:
            return 0
        try:
            with self.env.cr.savepoint():
                measurements = workflow(self.env["iso.objective.measurement"]).create(
                    [{**vals, "source": "computed", "entered_by_id": False} for vals in values]
                )
        except psycopg2.errors.UniqueViolation:
            # Another worker (or a click at the same moment) measured some of these periods after this
            # transaction began, out of its sight: theirs stand, and the next run fills what is left.
            _logger.info("Objective measurements computed meanwhile by another transaction: batch skipped.")
            return 0
        measurements.objective_id.invalidate_recordset(["measurement_ids", "measurement_count"])
        return len(values)

    @api.model
    def _iso_periods_sql(self, periods):
        """The periods as a table ``p`` (objective_id, period_start, period_end) joined to their objective ``o``."""
        return SQL(
            """unnest(%s::int[], %s::date[], %s::date[]) AS p(objective_id, period_start, period_end)
               JOIN iso_objective o ON o.id = p.objective_id""",
            [period[0] for period in periods],
            [period[1] for period in periods],
            [period[2] for period in periods],
        )

    @api.model
    def _iso_measure_rows(self, query):
        self.env.flush_all()
        self.env.cr.execute(query)
        return {(objective_id, start): value for objective_id, start, value in self.env.cr.fetchall()}

    # ------------------------------------------------------------------
    # The measures (one query each for any number of objectives and periods)
    # ------------------------------------------------------------------
    @api.model
    def _iso_measure_customer_complaints(self, periods):
        """Customer complaint records (record type Customer complaint) filed, active, of the objective's
        company and, when it has one, department, whose effective date falls in the period."""
        complaint_type = self.env.ref(COMPLAINT_TYPE)
        return self._iso_measure_rows(
            SQL(
                """
                SELECT p.objective_id, p.period_start, count(r.id)
                  FROM %(periods)s
                  LEFT JOIN iso_record r
                    ON r.record_type_id = %(type)s
                   AND r.state = 'filed'
                   AND r.active
                   AND r.company_id = o.company_id
                   AND (o.department_id IS NULL OR r.department_id = o.department_id)
                   AND r.effective_date BETWEEN p.period_start AND p.period_end
                 GROUP BY p.objective_id, p.period_start
                """,
                periods=self._iso_periods_sql(periods),
                type=complaint_type.id,
            )
        )

    @api.model
    def _iso_measure_training_compliance(self, periods):
        """Of the training cells of the competence matrix of the objective's company and department (today's
        employees and requirements: the matrix keeps no history of who was required what), the share in %
        valid on the period end: the training that counted then (the matrix's rule, as of the period end) is
        valid to that day or later, or does not expire. No value without a required training."""
        matrix = self.env["iso.competence.matrix"]
        return self._iso_measure_rows(
            SQL(
                """
                SELECT p.objective_id, p.period_start,
                       round(100.0 * count(*) FILTER (WHERE training.id IS NOT NULL
                                                        AND COALESCE(%(valid_to)s >= p.period_end, TRUE))
                             / count(*), 2)::float
                  FROM %(periods)s
                  JOIN iso_competence_matrix cell
                    ON cell.training_required
                   AND cell.company_id = o.company_id
                   AND (o.department_id IS NULL OR cell.department_id = o.department_id)
                  JOIN hr_employee employee ON employee.id = cell.employee_id
                  JOIN iso_competence_requirement requirement ON requirement.id = cell.requirement_id
                  LEFT JOIN iso_record training ON training.id = (%(training)s)
                 GROUP BY p.objective_id, p.period_start
                """,
                periods=self._iso_periods_sql(periods),
                valid_to=matrix._valid_to_sql(),
                training=matrix._latest_training_sql(as_of=SQL("p.period_end")),
            )
        )

    @api.model
    def _iso_finding_rows(self, periods, condition):
        return self._iso_measure_rows(
            SQL(
                """
                SELECT p.objective_id, p.period_start, count(f.id)
                  FROM %(periods)s
                  LEFT JOIN iso_audit_finding f
                    ON f.active
                   AND f.company_id = o.company_id
                   AND (o.department_id IS NULL OR f.department_id = o.department_id)
                   AND %(condition)s
                 GROUP BY p.objective_id, p.period_start
                """,
                periods=self._iso_periods_sql(periods),
                condition=condition,
            )
        )

    @api.model
    def _iso_measure_open_findings(self, periods):
        """Audit findings of the objective's company (and department) raised on or before the period end and not
        closed by then."""
        return self._iso_finding_rows(
            periods,
            SQL(
                """f.date <= p.period_end
                   AND NOT (f.state = 'closed' AND COALESCE(f.closed_date, f.date) <= p.period_end)"""
            ),
        )

    @api.model
    def _iso_measure_findings_raised(self, periods):
        """Audit findings of the objective's company (and department) raised (their date) in the period."""
        return self._iso_finding_rows(periods, SQL("f.date BETWEEN p.period_start AND p.period_end"))
