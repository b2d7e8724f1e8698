from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_risk import RISK_LEVELS
from odoo.addons.iso_records.tools import iso_int_param
from odoo.exceptions import UserError
from odoo.tools import SQL

from .iso_audit_finding import FINDING_GRADES

# The audits of a line still to happen: they fill its next due dates, one each, in date order.
OPEN_AUDIT_STATES = ("planned", "preparation", "fieldwork", "reporting")
# Worst first: the grade a line's last audit is remembered by.
GRADE_RANK = {grade: rank for rank, (grade, _label) in enumerate(FINDING_GRADES)}
LEVEL_OF_RANK = dict(enumerate(level for level, _label in RISK_LEVELS))
# Settings of the proposed frequency, per risk level (a major finding counts as critical); low risks and
# lines without risk are audited once per cycle.
FREQUENCY_SETTINGS = {"critical": ("audit_frequency_critical", 6), "high": ("audit_frequency_high", 12)}
FREQUENCY_SETTINGS["medium"] = ("audit_frequency_medium", 18)


def add_months(date, months):
    return date + relativedelta(months=months)


class IsoAuditProgrammeLine(models.Model):
    """How often a line is audited (ISO 9001 9.2.2 a: the importance of the processes and the results of
    previous audits): the highest current level of the register's risks of its department or process and
    the worst finding of its last audit propose a frequency; its next due date follows from the last audit.

    Every field here is computed for all the lines at once in three queries, whatever their number."""

    _inherit = "iso.audit.programme.line"

    risk_level = fields.Selection(
        RISK_LEVELS,
        compute="_compute_schedule",
        help="The highest current level (residual when assessed) of the active risks of the department, its "
        "sub-departments included, or of the process, in the programme's company.",
    )
    last_audit_id = fields.Many2one("iso.audit", compute="_compute_schedule")
    last_audit_date = fields.Date(compute="_compute_schedule", help="The start of the line's last closed audit.")
    last_grade = fields.Selection(
        FINDING_GRADES,
        string="Last Audit's Worst Finding",
        compute="_compute_schedule",
        help="The worst grade found by the last closed audit: major, then minor, then the others.",
    )
    proposed_frequency_months = fields.Integer(
        string="Proposed Frequency (months)",
        compute="_compute_schedule",
        help="From Settings: a critical risk or a major finding in the last audit, then high and medium risks; "
        "low or no risk: once per cycle.",
    )
    effective_frequency_months = fields.Integer(
        string="Effective Frequency (months)",
        compute="_compute_schedule",
        help="The frequency set on the line, else the proposed one.",
    )
    next_due_date = fields.Date(
        compute="_compute_schedule",
        help="The last audit plus the frequency; before any audit, the cycle start plus the frequency, at the "
        "latest the cycle end.",
    )
    open_audit_count = fields.Integer(
        string="Audits Planned", compute="_compute_schedule", help="Audits of the line neither closed nor cancelled."
    )
    overdue = fields.Boolean(
        compute="_compute_schedule",
        search="_search_overdue",
        help="The programme is active, the next due date has passed and no audit of the line is planned for it.",
    )

    @api.depends(
        "department_id",
        "process",
        "frequency_months",
        "programme_id.company_id",
        "programme_id.cycle_start",
        "programme_id.cycle_years",
        "programme_id.state",
        "audit_ids.state",
        "audit_ids.date_start",
        "audit_ids.actual_date_start",
    )
    @api.depends_context("uid")
    def _compute_schedule(self):
        risk_ranks = self._iso_risk_ranks()
        last_audits = self._iso_last_audits()
        open_counts = self._iso_open_audit_counts()
        frequencies = self._iso_frequency_settings()
        today = fields.Date.context_today(self)
        for line in self:
            key = line._origin.id or line.id
            rank = risk_ranks.get(key)
            audit_id, audit_date, grade_rank = last_audits.get(line._origin.id, (False, False, None))
            line.risk_level = LEVEL_OF_RANK.get(rank, False)
            line.last_audit_id = audit_id
            line.last_audit_date = audit_date
            line.last_grade = FINDING_GRADES[grade_rank][0] if grade_rank is not None else False
            line.proposed_frequency_months = line._iso_proposed_frequency(frequencies)
            line.effective_frequency_months = line.frequency_months or line.proposed_frequency_months
            line.next_due_date = line._iso_next_due_date()
            line.open_audit_count = open_counts.get(line._origin.id, 0)
            line.overdue = bool(
                line.programme_id.state == "active"
                and line.next_due_date
                and line.next_due_date < today
                and not line.open_audit_count
            )

    def _iso_proposed_frequency(self, frequencies):
        self.ensure_one()
        level = "critical" if self.last_grade == "major" else self.risk_level
        if level in frequencies:
            return frequencies[level]
        return max(self.programme_id.cycle_years, 1) * 12

    def _iso_next_due_date(self):
        """The last audit plus the frequency; before the first one, the cycle start plus the frequency and
        never after the cycle end (a line audited once per cycle is due by its end)."""
        self.ensure_one()
        programme = self.programme_id
        months = self.effective_frequency_months
        if not months:
            return False
        if self.last_audit_date:
            return add_months(self.last_audit_date, months)
        if not programme.cycle_start:
            return False
        due = add_months(programme.cycle_start, months)
        return min(due, programme.cycle_end) if programme.cycle_end else due

    @api.model
    def _iso_frequency_settings(self):
        # 0 in Settings means unset: the default.
        return {
            level: iso_int_param(self.env, key, default) or default
            for level, (key, default) in FREQUENCY_SETTINGS.items()
        }

    # ------------------------------------------------------------------
    # The set-based look-ups (one query each, for every line of ``self``)
    # ------------------------------------------------------------------
    def _iso_risk_ranks(self):
        """{line id: rank in RISK_LEVELS of its highest current risk}. Read as the system (the frequency is the
        programme's, not the reader's), in the programme's company only. New lines are keyed by their NewId."""
        lines = [
            (line._origin.id or line.id, line.department_id.id, (line.process or "").strip(), line.company_id.id)
            for line in self
            if (line.department_id or (line.process or "").strip()) and line.programme_id.company_id
        ]
        if not lines:
            return {}
        self.env["iso.risk"].flush_model(["active", "kind", "company_id", "department_id", "process"])
        self.env["iso.risk"].flush_model(["level", "residual_level"])
        self.env["hr.department"].flush_model(["parent_path"])
        keys = list(range(len(lines)))
        levels = SQL(
            "CASE COALESCE(matched.residual_level, matched.level) %s END",
            SQL(" ").join(SQL("WHEN %s THEN %s", level, rank) for rank, level in LEVEL_OF_RANK.items()),
        )
        # The department's risks (its sub-departments' included) and the process's, as two equi-joins.
        rows = self.env.execute_query(
            SQL(
                """
                WITH line AS (
                    SELECT * FROM unnest(%(keys)s::int[], %(departments)s::int[], %(processes)s::text[],
                                         %(companies)s::int[]) AS line(key, department_id, process, company_id)
                ),
                matched AS (
                    SELECT line.key, risk.level, risk.residual_level
                      FROM line
                      JOIN hr_department department ON department.id = line.department_id
                      JOIN hr_department child ON child.parent_path LIKE department.parent_path || %(wildcard)s
                      JOIN iso_risk risk ON risk.department_id = child.id AND risk.company_id = line.company_id
                     WHERE risk.active AND risk.kind = 'risk'
                 UNION ALL
                    SELECT line.key, risk.level, risk.residual_level
                      FROM line
                      JOIN iso_risk risk ON lower(risk.process) = lower(line.process)
                                        AND risk.company_id = line.company_id
                     WHERE line.process <> '' AND risk.active AND risk.kind = 'risk'
                )
                SELECT matched.key, max(%(levels)s) FROM matched GROUP BY matched.key
                """,
                levels=levels,
                wildcard="%",
                keys=keys,
                departments=[department_id or None for __, department_id, __, __ in lines],
                processes=[process for __, __, process, __ in lines],
                companies=[company_id for __, __, __, company_id in lines],
            )
        )
        return {lines[key][0]: rank for key, rank in rows if rank is not None}

    def _iso_last_audits(self):
        """{line id: (last closed audit id, its date, rank of its worst finding or None)}, in one query."""
        line_ids = [line_id for line_id in self._origin.ids if line_id]
        if not line_ids:
            return {}
        self.env["iso.audit"].flush_model(["programme_line_id", "state", "date_start", "actual_date_start"])
        self.env["iso.audit.finding"].flush_model(["audit_id", "grade"])
        ranks = SQL(" ").join(SQL("WHEN %s THEN %s", grade, rank) for grade, rank in GRADE_RANK.items())
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (audit.programme_line_id)
                       audit.programme_line_id, audit.id, COALESCE(audit.actual_date_start, audit.date_start),
                       (SELECT min(CASE finding.grade %(ranks)s END)
                          FROM iso_audit_finding finding WHERE finding.audit_id = audit.id)
                  FROM iso_audit audit
                 WHERE audit.programme_line_id = ANY(%(lines)s) AND audit.state = 'closed'
              ORDER BY audit.programme_line_id, COALESCE(audit.actual_date_start, audit.date_start) DESC, audit.id DESC
                """,
                ranks=ranks,
                lines=line_ids,
            )
        )
        return {line_id: (audit_id, audit_date, rank) for line_id, audit_id, audit_date, rank in rows}

    def _iso_open_audit_counts(self):
        line_ids = [line_id for line_id in self._origin.ids if line_id]
        if not line_ids:
            return {}
        groups = (
            self.env["iso.audit"]
            .sudo()
            ._read_group(
                [("programme_line_id", "in", line_ids), ("state", "in", OPEN_AUDIT_STATES)],
                ["programme_line_id"],
                ["__count"],
            )
        )
        return {line.id: count for line, count in groups}

    def _search_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Overdue: search with '=' or '!=' true or false."))
        lines = self.search([("programme_id.state", "=", "active")])
        overdue_ids = lines.filtered("overdue").ids
        return [("id", "in" if (operator == "=") == value else "not in", overdue_ids)]

    # ------------------------------------------------------------------
    # The due dates a generation plans
    # ------------------------------------------------------------------
    def _iso_due_dates_to_plan(self, today, horizon):
        """{line: [due dates to plan]}: from the next due date, every frequency, up to ``horizon`` and the
        cycle end, the due dates already passed counting as one (one audit catches up, planned today); the
        first ones are those the line's open audits already fill (one each), so a second run plans nothing
        more."""
        planned = {}
        for line in self:
            due, months = line.next_due_date, line.effective_frequency_months
            end = min(horizon, line.programme_id.cycle_end or horizon)
            dates = []
            while due and months and due <= end:
                if due >= today or not dates:
                    dates.append(due)
                due = add_months(due, months)
            if dates[line.open_audit_count :]:
                planned[line] = dates[line.open_audit_count :]
        return planned
