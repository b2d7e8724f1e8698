"""The overview's figures in hand-written SQL, for ``bench_overview.py``: each tile's count and each chart's values,
with the record rules of an ISO manager (not an administrator, not an auditor) written out by hand rather than
taken from the ORM. Read ``iso_records/models/iso_controlled_mixin.py`` (``_iso_access_domain``) and the models'
``ir.rule`` records: what is visible here must be what they let the manager read.

Run as the superuser: nothing here goes through the ORM but the cursor.
"""

from datetime import date, timedelta

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
            self.activity_figures,
            self.capa_figures,
            self.audit_figures,
            self.risk_figures,
        ):
            figures.update(method())
        return figures

    def record_figures(self):
        today = self.today
        soon = today + timedelta(days=30)
        counts = self.counts(
            "iso.record",
            {
                "tile records_review_overdue": SQL("t.next_review_date < %s AND t.state = 'effective'", today),
                "tile records_retention_due": SQL("t.retention_until < %s", today),
                "tile trainings_expired": SQL("t.training_valid_to < %s", today),
                "tile trainings_expiring": SQL("t.training_valid_to >= %s AND t.training_valid_to <= %s", today, soon),
                "tile records_on_hold": SQL("t.id IN %s", self.held("iso.record")),
            },
        )
        return counts

    def activity_figures(self):
        """The manager's own activities: always theirs to read, whatever the document (mail.activity's rule)."""
        self.cr.execute(
            "SELECT count(*), count(*) FILTER (WHERE date_deadline < %s) FROM mail_activity WHERE user_id = %s",
            [self.today, self.uid],
        )
        mine, late = self.cr.fetchone()
        return {"tile my_activities": mine, "tile my_activities_late": late}

    def held(self, model):
        return SQL(
            """(SELECT item.res_id FROM iso_legal_hold_item item JOIN iso_legal_hold hold ON hold.id = item.hold_id
                 WHERE hold.state = 'active' AND item.state = 'active' AND item.res_model = %s)""",
            model,
        )

    def capa_figures(self):
        today = self.today
        figures = self.line_counts(
            "iso.capa.action",
            "capa_id",
            {
                "tile capa_actions_late": SQL("t.date_done IS NULL AND t.date_deadline < %s", today),
                "tile capa_actions_open": SQL("t.date_done IS NULL"),
            },
        )
        figures.update(
            self.counts(
                "iso.capa",
                {"tile effectiveness_due": SQL("t.state = 'verification' AND t.effectiveness_due_date <= %s", today)},
            )
        )
        return figures

    def audit_figures(self):
        today = self.today
        figures = self.counts(
            "iso.audit",
            {
                "tile audits_next_30": SQL(
                    "t.state = 'planned' AND t.date_start >= %s AND t.date_start <= %s", today, today + timedelta(30)
                )
            },
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
                    "tile findings_overdue": SQL("t.state = 'open' AND t.due_date < %s", today),
                    "tile findings_open": SQL("t.state = 'open'"),
                },
                extra=[team],
            )
        )
        return figures

    def risk_figures(self):
        return self.counts("iso.risk", {"tile risks_above_target": SQL("t.above_target")})
