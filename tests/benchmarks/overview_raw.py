"""The overview's figures in hand-written SQL, for ``bench_overview.py``: each tile's count and each chart's values,
with the record rules of an ISO manager (not an administrator, not an auditor) written out by hand rather than
taken from the ORM. Read ``iso_records/models/iso_controlled_mixin.py`` (``_iso_access_domain``) and the models'
``ir.rule`` records: what is visible here must be what they let the manager read.

Run as the superuser: nothing here goes through the ORM but the cursor.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL


class RawOverview:
    def __init__(self, env, user, company):
        self.env = env
        self.cr = env.cr
        self.uid = user.id
        self.companies = company.ids
        self.today = date.today()

    # ------------------------------------------------------------------
    # The manager's visibility, written out
    # ------------------------------------------------------------------
    def my_employees(self):
        return SQL("(SELECT id FROM hr_employee WHERE user_id = %s)", self.uid)

    def my_departments(self):
        """The departments of the manager's employees and their sub-departments (``child_of``)."""
        return SQL(
            """(SELECT sub.id FROM hr_department sub JOIN hr_department mine
                   ON sub.parent_path LIKE mine.parent_path || %s
                WHERE mine.id IN (SELECT department_id FROM hr_employee WHERE user_id = %s))""",
            "%",
            self.uid,
        )

    def my_team(self):
        return SQL(
            """(SELECT member.id FROM hr_employee member JOIN hr_employee boss ON boss.id = member.parent_id
                WHERE boss.user_id = %s)""",
            self.uid,
        )

    def readable(self, model, alias="t", extra=(), *, active=True):
        """The company rule, the active test and the confidentiality policy of ``model`` for the manager;
        ``extra``: the model's participant and reader conditions (SQL on ``alias``). Only the table, column and
        relation names are read from the registry."""
        records = self.env[model]
        t = SQL.identifier(alias)
        uid = self.uid
        readers = records._fields["reader_user_ids"]
        branches = [
            SQL("%s.confidentiality IN ('public', 'internal')", t),
            SQL("%s.owner_user_id = %s", t, uid),
            SQL(
                "%s.id IN (SELECT %s FROM %s WHERE %s = %s)",
                t,
                SQL.identifier(readers.column1),
                SQL.identifier(readers.relation),
                SQL.identifier(readers.column2),
                uid,
            ),
            SQL(
                "(%s.confidentiality = 'confidential' AND (%s.%s = %s OR %s.employee_id IN %s))",
                t,
                t,
                SQL.identifier(records._iso_author_field),
                uid,
                t,
                self.my_employees(),
            ),
            *extra,
            SQL(
                "(%s.confidentiality = 'confidential' AND (%s.department_id IN %s OR %s.employee_id IN %s))",
                t,
                t,
                self.my_departments(),
                t,
                self.my_team(),
            ),
        ]
        conditions = [SQL("%s.company_id = ANY(%s)", t, self.companies)]
        if active and "active" in records._fields:
            conditions.append(SQL("%s.active", t))
        conditions.append(SQL("(%s)", SQL(" OR ").join(branches)))
        return SQL(" AND ").join(conditions)

    def audit_extra(self, alias="t"):
        """An audit's team (participants) and, for what is not restricted, its auditees (readers)."""
        t = SQL.identifier(alias)
        uid = self.uid
        return [
            SQL(
                """EXISTS (SELECT 1 FROM iso_audit_auditor auditor JOIN hr_employee e ON e.id = auditor.employee_id
                            WHERE auditor.audit_id = %s.id AND e.user_id = %s)""",
                t,
                uid,
            ),
            SQL(
                """(%s.confidentiality <> 'restricted' AND (
                       %s.process_owner_id IN %s
                    OR %s.department_id IN (SELECT d.id FROM hr_department d JOIN hr_employee boss
                                              ON boss.id = d.manager_id WHERE boss.user_id = %s)
                    OR EXISTS (SELECT 1 FROM iso_audit_auditee_rel auditee JOIN hr_employee e
                                 ON e.id = auditee.employee_id
                                WHERE auditee.audit_id = %s.id AND e.user_id = %s)))""",
                t,
                t,
                self.my_employees(),
                t,
                uid,
                t,
                uid,
            ),
        ]

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    def counts(self, model, filters, alias="t", extra=(), joins=None):
        """{key: count} of one model: one query over the rows of any figure, a COUNT FILTER per figure, with the
        manager's visibility."""
        self.cr.execute(
            SQL(
                "SELECT %s FROM %s %s %s WHERE %s AND (%s)",
                SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", condition) for condition in filters.values()),
                SQL.identifier(self.env[model]._table),
                SQL.identifier(alias),
                joins or SQL(""),
                self.readable(model, alias, extra),
                SQL(" OR ").join(SQL("(%s)", condition) for condition in filters.values()),
            )
        )
        return dict(zip(filters, self.cr.fetchone(), strict=True))

    def line_counts(self, model, parent_field, filters, extra=()):
        """``counts`` of a line model (CAPA actions, effectiveness checks): its company, and its parent's company and
        confidentiality policy (the parent's active test left out, as the ORM's ``any`` does)."""
        records = self.env[model]
        parent = records._fields[parent_field]
        self.cr.execute(
            SQL(
                "SELECT %s FROM %s t JOIN %s p ON p.id = t.%s WHERE t.company_id = ANY(%s) AND %s AND (%s)",
                SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", condition) for condition in filters.values()),
                SQL.identifier(records._table),
                SQL.identifier(self.env[parent.comodel_name]._table),
                SQL.identifier(parent_field),
                self.companies,
                self.readable(parent.comodel_name, "p", extra, active=False),
                SQL(" OR ").join(SQL("(%s)", condition) for condition in filters.values()),
            )
        )
        return dict(zip(filters, self.cr.fetchone(), strict=True))

    def figures(self):
        """{figure key: value}: the keys bench_overview's ``flatten`` gives the ORM's overview."""
        figures = {}
        for method in (
            self.record_figures,
            self.matrix_figures,
            self.activity_figures,
            self.acknowledgement_figures,
            self.risk_figures,
            self.self_check_figures,
            self.capa_figures,
            self.audit_figures,
        ):
            figures.update(method())
        return figures

    # ------------------------------------------------------------------
    # iso_records: the core tiles and charts
    # ------------------------------------------------------------------
    def held(self, model):
        """The ids an active legal hold keeps (the benchmark's holds list their records)."""
        return SQL(
            """(SELECT item.res_id FROM iso_legal_hold_item item JOIN iso_legal_hold hold ON hold.id = item.hold_id
                 WHERE hold.state = 'active' AND item.state = 'active' AND item.res_model = %s)""",
            model,
        )

    def documents_to_read(self):
        """The effective documents the manager's employee is asked to read and has not acknowledged, read first
        (a subquery of the competence matrix view inside the OR of the counts below makes PostgreSQL evaluate the
        view for every row): the matrix view's rows of the manager (the view is SQL; no rule applies, as the ORM
        reads it sudo)."""
        self.cr.execute(
            """SELECT DISTINCT matrix.document_id FROM iso_competence_matrix matrix
                 JOIN iso_record document ON document.id = matrix.document_id
                WHERE matrix.user_id = %s AND matrix.document_required AND matrix.acknowledgement_id IS NULL
                  AND document.kind = 'document' AND document.state = 'effective'""",
            [self.uid],
        )
        return [document for (document,) in self.cr.fetchall()]

    def record_figures(self):
        today = self.today
        return self.counts(
            "iso.record",
            {
                "tile my_to_approve": SQL("t.state = 'in_review'"),
                "tile my_to_read": SQL("t.id = ANY(%s)", self.documents_to_read()),
                "tile reviews_overdue": SQL(
                    "t.state = 'effective' AND t.next_review_date IS NOT NULL AND t.next_review_date <= %s", today
                ),
                "tile retention_due": SQL(
                    "t.retention_until IS NOT NULL AND t.retention_until < %s AND t.disposed_date IS NULL", today
                ),
                "tile on_hold": SQL("t.id IN %s", self.held("iso.record")),
            },
        )

    def matrix_visible(self):
        """The competence matrix's rules for a manager: the company, and their own rows, their team's or their
        departments' (with sub-departments)."""
        return SQL(
            "m.company_id = ANY(%s) AND (m.user_id = %s OR m.manager_user_id = %s OR m.department_id IN %s)",
            self.companies,
            self.uid,
            self.uid,
            self.my_departments(),
        )

    def matrix_states(self):
        """{state: SQL condition on the matrix row m}, against today and the expiring days of Settings."""
        self.cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'iso_records.competence_expiring_days'")
        row = self.cr.fetchone()
        horizon = self.today + timedelta(days=int(row[0]) if row else 30)
        missing = SQL(
            """((m.training_required AND m.training_id IS NULL)
                OR (m.document_required AND m.acknowledgement_id IS NULL))"""
        )
        dated = SQL("NOT %s AND m.training_required AND m.valid_to IS NOT NULL", missing)
        return {
            "valid": SQL(
                "NOT %s AND (NOT m.training_required OR m.valid_to IS NULL OR m.valid_to > %s)", missing, horizon
            ),
            "expiring": SQL("%s AND m.valid_to >= %s AND m.valid_to <= %s", dated, self.today, horizon),
            "expired": SQL("%s AND m.valid_to < %s", dated, self.today),
            "missing": missing,
        }

    def matrix_figures(self):
        states = self.matrix_states()
        mine = SQL("m.user_id = %s", self.uid)
        self.cr.execute(
            SQL(
                """SELECT COUNT(*) FILTER (WHERE %s AND %s), COUNT(*) FILTER (WHERE %s AND %s),
                          COUNT(*) FILTER (WHERE %s), COUNT(*) FILTER (WHERE %s)
                     FROM iso_competence_matrix m WHERE %s""",
                mine,
                states["expired"],
                mine,
                states["expiring"],
                states["expired"],
                states["expiring"],
                self.matrix_visible(),
            )
        )
        my_expired, my_expiring, expired, expiring = self.cr.fetchone()
        figures = {
            "tile my_trainings_expired": my_expired,
            "tile my_trainings_expiring": my_expiring,
            "tile trainings_expired": expired,
            "tile trainings_expiring": expiring,
        }
        # The chart: per department (complete name, no department last), the rows of each state.
        labels = dict(self.env["iso.competence.matrix"]._fields["state"]._description_selection(self.env))
        self.cr.execute(
            SQL(
                """SELECT department.complete_name, %s
                     FROM iso_competence_matrix m LEFT JOIN hr_department department ON department.id = m.department_id
                    WHERE %s
                 GROUP BY department.id, department.complete_name
                 ORDER BY department.complete_name NULLS LAST""",
                SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", states[state]) for state in labels),
                self.matrix_visible(),
            )
        )
        rows = self.cr.fetchall()
        figures["chart training_compliance"] = {
            "labels": [name or "No department" for name, *__ in rows],
            "series": {label: [row[index + 1] for row in rows] for index, label in enumerate(labels.values())},
        }
        return figures

    def activity_figures(self):
        """The manager's own activities on controlled records: always theirs to read (mail.activity's rule)."""
        models = self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        self.cr.execute(
            "SELECT count(*) FROM mail_activity WHERE active AND user_id = %s AND res_model = ANY(%s)",
            [self.uid, models],
        )
        return {"tile my_activities": self.cr.fetchone()[0]}

    def acknowledgement_figures(self):
        """Read and understood requested, with the manager's rules: own, team's, departments' employees."""
        self.cr.execute(
            SQL(
                """SELECT count(*) FROM iso_document_acknowledgement a JOIN hr_employee e ON e.id = a.employee_id
                    WHERE a.company_id = ANY(%s) AND a.state = 'requested'
                      AND (e.user_id = %s OR e.parent_id IN %s OR e.department_id IN %s)""",
                self.companies,
                self.uid,
                self.my_employees(),
                self.my_departments(),
            )
        )
        return {"tile acknowledgements_pending": self.cr.fetchone()[0]}

    def risk_figures(self):
        figures = self.counts("iso.risk", {"tile risks_above_target": SQL("t.above_target")})
        # The chart: residual likelihood (rows, 5 first) by residual severity of the assessed risks visible.
        self.cr.execute(
            SQL(
                """SELECT t.residual_likelihood, t.residual_severity, count(*) FROM iso_risk t
                    WHERE %s AND t.residual_likelihood IS NOT NULL AND t.residual_severity IS NOT NULL
                      AND t.residual_likelihood <> 0 AND t.residual_severity <> 0
                 GROUP BY 1, 2""",
                self.readable("iso.risk"),
            )
        )
        counts = {(likelihood, severity): count for likelihood, severity, count in self.cr.fetchall()}
        likelihood_steps, severity_steps = self.env["iso.risk"]._heat_map_steps()
        scale = range(1, 6)
        figures["chart risk_heat_map"] = {
            "labels": [severity_steps[severity] for severity in scale],
            "series": {
                likelihood_steps[likelihood]: [counts.get((likelihood, severity), 0) for severity in scale]
                for likelihood in reversed(scale)
            },
        }
        return figures

    def self_check_figures(self):
        """The last run's score in the manager's companies (the company rule), and the score of the last run of
        each company and month over the last 12 months, averaged per month."""
        self.cr.execute(
            "SELECT score, run_at FROM iso_self_check WHERE company_id = ANY(%s) ORDER BY run_at DESC, id DESC LIMIT 1",
            [self.companies],
        )
        row = self.cr.fetchone()
        value = f"{row[0]}% on {row[1].date().isoformat()}" if row else "Not run yet"
        start = self.today.replace(day=1) - relativedelta(months=11)
        self.cr.execute(
            """SELECT month, round(avg(score)::numeric, 1)::float FROM (
                   SELECT DISTINCT ON (company_id, to_char(run_at, 'YYYY-MM'))
                          to_char(run_at, 'YYYY-MM') AS month, score
                     FROM iso_self_check WHERE company_id = ANY(%s) AND run_at >= %s
                 ORDER BY company_id, to_char(run_at, 'YYYY-MM'), run_at DESC, id DESC
               ) last_runs GROUP BY month ORDER BY month""",
            [self.companies, start],
        )
        months = self.cr.fetchall()
        return {
            "tile self_check_score": value,
            "chart self_check_score": {
                "labels": [month for month, __ in months],
                "series": {"Score": [score for __, score in months]},
            },
        }

    # ------------------------------------------------------------------
    # iso_records_audit: audits, findings, objectives, management review outputs
    # ------------------------------------------------------------------
    def audit_figures(self):
        today = self.today
        coming = SQL(
            "t.state NOT IN ('closed', 'cancelled') AND t.date_start >= %s AND t.date_start <= %s",
            today,
            today + timedelta(days=30),
        )
        my_team = SQL(
            """EXISTS (SELECT 1 FROM iso_audit_auditor auditor JOIN hr_employee e ON e.id = auditor.employee_id
                        WHERE auditor.audit_id = t.id AND e.user_id = %s)""",
            self.uid,
        )
        figures = self.counts(
            "iso.audit",
            {"tile audits_coming": coming, "tile my_audits_coming": SQL("%s AND %s", coming, my_team)},
            extra=self.audit_extra(),
        )
        team = SQL(
            """EXISTS (SELECT 1 FROM iso_audit_auditor auditor JOIN hr_employee e ON e.id = auditor.employee_id
                        WHERE auditor.audit_id = t.audit_id AND e.user_id = %s)""",
            self.uid,
        )
        figures.update(
            self.counts(
                "iso.audit.finding",
                {
                    "tile findings_open": SQL("t.state = 'open'"),
                    "tile findings_overdue": SQL("t.state = 'open' AND t.due_date < %s", today),
                    "tile my_findings_open": SQL("t.state = 'open' AND t.owner_user_id = %s", self.uid),
                },
                extra=[team],
            )
        )
        outputs = self.line_counts(
            "iso.management.review.output",
            "review_id",
            {
                "tile review_outputs_overdue": SQL(
                    "p.state IN ('held', 'closed') AND t.date_done IS NULL AND t.date_deadline < %s", today
                ),
                "tile my_review_outputs_open": SQL(
                    "p.state IN ('held', 'closed') AND t.date_done IS NULL AND t.user_id = %s", self.uid
                ),
            },
        )
        figures.update(outputs)
        figures.update(self.objective_figures())
        return figures

    def objective_statuses(self):
        """{objective id: status} of the active monthly objectives the manager reads, by the rules of
        iso_objective_status.py written out for monthly periods (the data set's objectives are all monthly; any
        other frequency raises): the measurements of periods started by the reference day (today, or the due
        date once past); no data when the latest started before the second-to-last ended month; the trend of the
        latest against the one before, a change within 1 % of the target (0.01 at least) being stable; on track
        when it meets the target and does not worsen, at risk when it meets it and worsens or misses it and
        improves, off track otherwise."""
        self.cr.execute(
            SQL(
                "SELECT count(*) FROM iso_objective t WHERE %s AND t.state = 'active' AND t.frequency <> 'monthly'",
                self.readable("iso.objective"),
            )
        )
        if self.cr.fetchone()[0]:
            raise NotImplementedError("the raw SQL of the objectives' status covers monthly objectives only")
        self.cr.execute(
            SQL(
                """WITH objective AS (
                       SELECT t.id, t.direction, t.target, coalesce(t.target_max, t.target) AS target_max,
                              LEAST(%(today)s::date, t.date_due) AS day,
                              greatest(abs(t.target) * 0.01, 0.01) AS tolerance
                         FROM iso_objective t WHERE %(visible)s AND t.state = 'active'
                   ), ranked AS (
                       SELECT o.id, m.value, m.period_start,
                              row_number() OVER (PARTITION BY o.id ORDER BY m.period_start DESC, m.id DESC) AS rank
                         FROM objective o JOIN iso_objective_measurement m
                           ON m.objective_id = o.id AND m.period_start <= o.day
                   ), last_two AS (
                       SELECT o.*, latest.value AS latest, latest.period_start AS latest_start, before.value AS before
                         FROM objective o
                    LEFT JOIN ranked latest ON latest.id = o.id AND latest.rank = 1
                    LEFT JOIN ranked before ON before.id = o.id AND before.rank = 2
                   ), scored AS (
                       SELECT id, latest, latest_start, day, tolerance,
                              CASE direction WHEN 'at_least' THEN latest >= target WHEN 'at_most' THEN latest <= target
                                   ELSE latest BETWEEN target AND target_max END AS meets,
                              CASE direction WHEN 'at_least' THEN latest - before WHEN 'at_most' THEN before - latest
                                   ELSE greatest(target - before, before - target_max, 0)
                                        - greatest(target - latest, latest - target_max, 0) END AS better
                         FROM last_two
                   )
                   SELECT id, CASE
                       WHEN latest IS NULL OR latest_start < date_trunc('month', day) - interval '2 months'
                            THEN 'no_data'
                       WHEN meets AND (better IS NULL OR better >= -tolerance) THEN 'on_track'
                       WHEN meets OR better > tolerance THEN 'at_risk'
                       ELSE 'off_track' END
                     FROM scored""",
                today=self.today,
                visible=self.readable("iso.objective"),
            )
        )
        return dict(self.cr.fetchall())

    def objective_figures(self):
        statuses = self.objective_statuses()
        labels = self.env["iso.objective"]._fields["status"]._description_selection(self.env)
        return {
            "tile objectives_off_track": sum(1 for status in statuses.values() if status == "off_track"),
            "chart objectives_status": {
                "labels": [label for __, label in labels],
                "series": {"Objectives": [sum(1 for s in statuses.values() if s == key) for key, __ in labels]},
            },
        }

    # ------------------------------------------------------------------
    # iso_records_capa: CAPA actions, effectiveness checks, nonconformities, supplier requests
    # ------------------------------------------------------------------
    def capa_figures(self):
        today = self.today
        acting = SQL("p.state NOT IN ('closed', 'cancelled') AND t.date_done IS NULL")
        late = SQL("%s AND t.date_deadline < %s", acting, today)
        mine = SQL("t.user_id = %s", self.uid)
        figures = self.line_counts(
            "iso.capa.action",
            "capa_id",
            {
                "tile capa_actions_open": acting,
                "tile capa_actions_overdue": late,
                "tile my_capa_actions_open": SQL("%s AND %s", acting, mine),
                "tile my_capa_actions_overdue": SQL("%s AND %s", late, mine),
            },
        )
        due = SQL("t.state = 'verification' AND t.effectiveness_due_date <= %s", today)
        figures.update(
            self.counts(
                "iso.capa",
                {
                    "tile effectiveness_checks_due": due,
                    "tile my_effectiveness_checks_due": SQL("%s AND t.verifier_id = %s", due, self.uid),
                },
            )
        )
        figures.update(
            self.counts(
                "iso.nonconformity",
                {
                    "tile nonconformities_open": SQL("t.state NOT IN ('closed', 'rejected')"),
                    "tile nonconformities_overdue": SQL(
                        "t.state NOT IN ('closed', 'rejected') AND t.closure_deadline < %s", today
                    ),
                },
            )
        )
        figures.update(
            self.counts(
                "iso.supplier.request",
                {"tile supplier_requests_overdue": SQL("t.state = 'sent' AND t.deadline < %s", today)},
            )
        )
        figures.update(self.capa_charts())
        return figures

    def chart_months(self):
        first = self.today.replace(day=1)
        return [first - relativedelta(months=back) for back in range(11, -1, -1)]

    def capa_charts(self):
        from odoo.tools import format_date  # noqa: PLC0415 (the labels are the ORM's dates, formatted alike)

        months = self.chart_months()
        labels = [format_date(self.env, month, date_format="MMM yyyy") for month in months]
        self.cr.execute(
            SQL(
                """SELECT date_trunc('month', t.date)::date, t.source, count(*) FROM iso_nonconformity t
                    WHERE %s AND t.date >= %s GROUP BY 1, 2""",
                self.readable("iso.nonconformity"),
                months[0],
            )
        )
        by_source = {(month, source): count for month, source, count in self.cr.fetchall()}
        sources = self.env["iso.nonconformity"]._fields["source"]._description_selection(self.env)
        self.cr.execute(
            SQL(
                """SELECT date_trunc('month', t.closed_date)::date, round(avg(t.closed_date - t.create_date::date), 1)
                     FROM iso_capa t WHERE %s AND t.state = 'closed' AND t.closed_date >= %s GROUP BY 1""",
                self.readable("iso.capa"),
                months[0],
            )
        )
        cycle = {month: float(days) for month, days in self.cr.fetchall()}
        return {
            "chart nonconformities_by_source": {
                "labels": labels,
                "series": {label: [by_source.get((month, source), 0) for month in months] for source, label in sources},
            },
            "chart capa_cycle_time": {
                "labels": labels,
                "series": {"Mean days to close": [cycle.get(month, 0) for month in months]},
            },
        }
