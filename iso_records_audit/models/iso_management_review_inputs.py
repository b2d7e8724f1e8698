from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import workflow
from odoo.osv import expression as Domain
from odoo.tools import SQL

GAP_STATES = ("missing", "expired", "expiring")
COMPLAINT = "iso_records.record_type_customer_complaint"
CALIBRATION = "iso_records.record_type_calibration_certificate"
SUPPLIER_EVALUATION = "iso_records.record_type_supplier_evaluation"
PROCESS_RECORDS = ("iso_records.record_type_inspection_report", "iso_records.record_type_incident_report")
# The operational records that sections count, read by one grouped query per collection.
FILED_RECORD_TYPES = (COMPLAINT, CALIBRATION, SUPPLIER_EVALUATION, *PROCESS_RECORDS)


class IsoManagementReview(models.Model):
    """Collecting a review's inputs (ISO 9001 9.3.2 a to f) from live data.

    Each section of ``_iso_review_input_sections()`` names a method that returns the values of one input line:
    its figures, and the list behind them (``item_model`` and ``item_domain``, a domain as text) so that
    ``search_count(item_domain) == item_count`` for the same user. Every figure is a ``search_count`` or a
    ``_read_group`` run with the caller's rights, a few queries per section whatever the data size.

    Scope: the review's company only; an item with clauses counts when one of its clauses belongs to a standard
    in scope, an item without clauses (an output, a matrix row, a record of a type without clauses) counts for
    every standard. Without standards in scope, nothing is filtered by standard."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The registry of sections
    # ------------------------------------------------------------------
    @api.model
    def _iso_review_input_sections(self):
        """Ordered specs ``(letter, section key, name, method name)``; an addon adds or replaces sections by
        extending this list (``super()``) or overriding a section's method."""
        return [
            ("a", "previous_actions", self.env._("Actions from previous reviews"), "_iso_input_previous_actions"),
            (
                "b",
                "context_changes",
                self.env._("Changes in issues and interested parties"),
                "_iso_input_context_changes",
            ),
            (
                "c",
                "customer_feedback",
                self.env._("Customer satisfaction and feedback"),
                "_iso_input_customer_feedback",
            ),
            ("c", "objectives", self.env._("Quality objectives"), "_iso_input_objectives"),
            ("c", "process_performance", self.env._("Process performance"), "_iso_input_process_performance"),
            (
                "c",
                "nonconformities",
                self.env._("Nonconformities and corrective actions"),
                "_iso_input_nonconformities",
            ),
            ("c", "monitoring", self.env._("Monitoring and measurement results"), "_iso_input_monitoring"),
            ("c", "calibration", self.env._("Calibration of measuring equipment"), "_iso_input_calibration"),
            ("c", "audit_results", self.env._("Audit results"), "_iso_input_audit_results"),
            ("c", "audit_coverage", self.env._("Audit programme coverage"), "_iso_input_audit_coverage"),
            ("c", "external_providers", self.env._("External providers' performance"), "_iso_input_external_providers"),
            ("c", "supplier_audits", self.env._("Supplier audits"), "_iso_input_supplier_audits"),
            ("d", "resources", self.env._("Adequacy of resources: competence"), "_iso_input_resources"),
            ("e", "risk_actions", self.env._("Effectiveness of actions on risks"), "_iso_input_risk_actions"),
            ("f", "opportunities", self.env._("Open opportunities"), "_iso_input_opportunities"),
            (
                "f",
                "improvement_findings",
                self.env._("Improvement findings of audits"),
                "_iso_input_improvement_findings",
            ),
        ]

    # ------------------------------------------------------------------
    # The action
    # ------------------------------------------------------------------
    def action_collect_inputs(self):
        """(Re)collect every input section from live data; a comment written on a section is kept."""
        action = self.env._("Collect inputs")
        self._iso_check_state(action, ["draft", "collected"])
        self._iso_check_may_run(action)
        sections = self._iso_review_input_sections()
        with self._iso_without_jit():
            self._iso_collect(sections)
        workflow(self, self.env._("Inputs collected")).write(
            {"state": "collected", "collected_date": fields.Datetime.now()}
        )
        return True

    @contextmanager
    def _iso_without_jit(self):
        """PostgreSQL's JIT compiles the grouped counts over a large table (1,000,000 records) for longer than
        they run (1.5 s to save nothing on a 0.3 s count, more with the record rules' conditions): off for the
        collection, then back to what it was."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit')")
        previous = cr.fetchone()[0]
        cr.execute("SELECT set_config('jit', 'off', true)")
        yield
        # Not after an error: the transaction is rolled back, and the setting (local to it) with it.
        cr.execute(SQL("SELECT set_config('jit', %s, true)", previous))

    def _iso_collect(self, sections):
        for review in self:
            comments = {line.section: line.comment for line in review.input_ids if line.comment}
            # What sections reading the same table share for this collection (see _iso_filed_record_groups).
            shared = review.with_context(iso_review_collection={})
            vals_list = []
            for sequence, (letter, section, name, method) in enumerate(sections, start=1):
                values = getattr(shared, method)()
                vals_list.append(
                    {
                        "review_id": review.id,
                        "letter": letter,
                        "sequence": sequence,
                        "section": section,
                        "name": name,
                        "figures": values.get("figures") or [],
                        "item_model": values.get("item_model") or False,
                        "item_domain": values.get("item_domain") or False,
                        "item_count": values.get("item_count") or 0,
                        "note": values.get("note") or False,
                        "has_data": bool(values.get("has_data")),
                        "comment": comments.get(section, False),
                    }
                )
            reason = self.env._("Inputs collected from live data")
            workflow(review.input_ids, reason).unlink()
            workflow(self.env["iso.management.review.input"], reason).create(vals_list)

    # ------------------------------------------------------------------
    # Helpers: period, scope, the values of a line
    # ------------------------------------------------------------------
    def _iso_period_dates(self):
        self.ensure_one()
        return fields.Date.to_string(self.period_start), fields.Date.to_string(self.period_end)

    def _iso_period_datetimes(self):
        """[start, end) of the period as UTC datetimes, for create and write dates."""
        self.ensure_one()
        start = f"{fields.Date.to_string(self.period_start)} 00:00:00"
        end = f"{fields.Date.to_string(self.period_end + timedelta(days=1))} 00:00:00"
        return start, end

    def _iso_date_in_period(self, field_name):
        start, end = self._iso_period_dates()
        return [(field_name, ">=", start), (field_name, "<=", end)]

    def _iso_datetime_in_period(self, field_name):
        start, end = self._iso_period_datetimes()
        return [(field_name, ">=", start), (field_name, "<", end)]

    def _iso_clause_scope(self, path="clause_ids"):
        """Items with a clause of a standard in scope, or with no clause at all (they count for every standard)."""
        self.ensure_one()
        if not self.standard_ids:
            return []
        return ["|", (path, "=", False), (f"{path}.standard_id", "in", self.standard_ids.ids)]

    def _iso_standard_scope(self, path="standard_ids"):
        self.ensure_one()
        if not self.standard_ids:
            return []
        return ["|", (path, "=", False), (path, "in", self.standard_ids.ids)]

    def _iso_company_domain(self, path="company_id"):
        self.ensure_one()
        return [(path, "=", self.company_id.id)]

    @api.model
    def _iso_input_line(self, model, domain, figures, item_count, *, note=None, has_data=None):
        return {
            "figures": [[label, value] for label, value in figures],
            "item_model": model,
            "item_domain": str(Domain.normalize_domain(domain)),
            "item_count": item_count,
            "note": note,
            "has_data": bool(item_count) if has_data is None else has_data,
        }

    def _iso_count_by(self, model, domain, groupby, aggregates=("__count",)):
        """{group key: count} (or {key: (aggregates)}) of ``model`` under the caller's rights, in one query."""
        groups = self.env[model]._read_group(domain, list(groupby), list(aggregates))
        width = len(groupby)
        if len(aggregates) == 1:
            return {tuple(group[:width]) if width > 1 else group[0]: group[width] for group in groups}
        return {tuple(group[:width]) if width > 1 else group[0]: group[width:] for group in groups}

    def _iso_selection_label(self, model, field_name, value):
        if not value:
            return self.env._("None")
        return dict(self.env[model]._fields[field_name]._description_selection(self.env)).get(value, value)

    def _iso_filed_records_domain(self, xmlids):
        """Operational records of the given types filed in the period, of the company and standards in scope."""
        # ormcached: no query per type, unlike env.ref, which checks that the record exists.
        xmlid_to_res_id = self.env["ir.model.data"]._xmlid_to_res_id
        type_ids = [type_id for xmlid in xmlids if (type_id := xmlid_to_res_id(xmlid, raise_if_not_found=False))]
        return Domain.AND(
            [
                self._iso_company_domain(),
                [("record_type_id", "in", type_ids), ("state", "=", "filed")],
                self._iso_date_in_period("effective_date"),
                self._iso_clause_scope(),
            ]
        )

    def _iso_filed_record_groups(self):
        """{record type id: (records, partners, products)} of the operational records that sections read, filed in
        the period: one grouped query for all those sections, kept for the collection that asked it."""
        self.ensure_one()
        memo = self.env.context.get("iso_review_collection")
        if memo is not None and "filed_records" in memo:
            return memo["filed_records"]
        groups = {
            record_type.id: (count, partners, products)
            for record_type, count, partners, products in self.env["iso.record"]._read_group(
                self._iso_filed_records_domain(FILED_RECORD_TYPES),
                ["record_type_id"],
                ["__count", "partner_id:count_distinct", "product_id:count_distinct"],
            )
        }
        if memo is not None:
            memo["filed_records"] = groups
        return groups

    def _iso_filed_figures(self, xmlid):
        """(records, partners, products) of one type from the shared grouped query."""
        type_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        return self._iso_filed_record_groups().get(type_id, (0, 0, 0))

    def _iso_period_audits_domain(self, audit_types=None):
        """The audits of the company and standards in scope planned to start in the period, not cancelled."""
        domain = [
            *self._iso_company_domain(),
            ("state", "!=", "cancelled"),
            *self._iso_date_in_period("date_start"),
        ]
        if audit_types:
            domain.append(("audit_type", "in", list(audit_types)))
        return Domain.AND([domain, self._iso_standard_scope()])

    def _iso_period_findings_domain(self, audit_types=None):
        domain = [
            *self._iso_company_domain(),
            ("audit_id", "any", self._iso_period_audits_domain(audit_types)),
        ]
        if self.standard_ids:
            domain.append(("standard_id", "in", self.standard_ids.ids))
        return domain

    # ------------------------------------------------------------------
    # a) Status of actions from previous reviews
    # ------------------------------------------------------------------
    def _iso_input_previous_actions(self):
        """Outputs of the company's earlier held or closed reviews that were not done before this period."""
        self.ensure_one()
        Output = self.env["iso.management.review.output"]
        today = fields.Date.to_string(fields.Date.context_today(self))
        domain = [
            *self._iso_company_domain(),
            ("review_id", "!=", self.id),
            ("review_id.state", "in", ["held", "closed"]),
            ("review_id.date", "<", fields.Date.to_string(self.date)),
            "|",
            ("date_done", "=", False),
            ("date_done", ">=", fields.Date.to_string(self.period_start)),
        ]
        total = Output.search_count(domain)
        done = Output.search_count([*domain, ("date_done", "!=", False)])
        late = Output.search_count([*domain, ("date_done", "=", False), ("date_deadline", "<", today)])
        figures = [(self.env._("Done"), done), (self.env._("Late"), late), (self.env._("Open"), total - done - late)]
        note = (
            None if total else self.env._("No earlier held review has an action still open at the start of the period.")
        )
        return self._iso_input_line(Output._name, domain, figures, total, note=note)

    # ------------------------------------------------------------------
    # b) Changes in external and internal issues, needs of interested parties
    # ------------------------------------------------------------------
    def _iso_input_context_changes(self):
        """Risks and opportunities created or changed in the period (re-rated ones included), closed ones too.

        "Changed" is the risk's write date: one indexed-free query instead of a search of the trail. It also
        moves when Settings change the risk matrix and recompute the levels, which is a re-rating."""
        self.ensure_one()
        Risk = self.env["iso.risk"]
        created = self._iso_datetime_in_period("create_date")
        domain = Domain.AND(
            [
                [*self._iso_company_domain(), ("active", "in", [True, False])],
                Domain.OR([created, self._iso_datetime_in_period("write_date")]),
                self._iso_clause_scope(),
            ]
        )
        by_context = self._iso_count_by(Risk._name, domain, ["kind", "context_origin"])
        total = sum(by_context.values())
        new = Risk.search_count(Domain.AND([domain, created])) if total else 0
        with_party = Risk.search_count([*domain, ("interested_party", "!=", False)]) if total else 0

        def of(kind=None, origin=None):
            return sum(
                count
                for (row_kind, row_origin), count in by_context.items()
                if (kind is None or row_kind == kind) and (origin is None or row_origin == origin)
            )

        figures = [
            (self.env._("Risks"), of(kind="risk")),
            (self.env._("Opportunities"), of(kind="opportunity")),
            (self.env._("Created in the period"), new),
            (self.env._("Changed or re-rated in the period"), total - new),
            (self.env._("Internal issues"), of(origin="internal")),
            (self.env._("External issues"), of(origin="external")),
            (self.env._("Context not given"), of(origin=False)),
            (self.env._("Naming an interested party"), with_party),
        ]
        return self._iso_input_line(Risk._name, domain, figures, total)

    # ------------------------------------------------------------------
    # c) Performance and effectiveness
    # ------------------------------------------------------------------
    def _iso_input_customer_feedback(self):
        self.ensure_one()
        count, customers, __ = self._iso_filed_figures(COMPLAINT)
        figures = [
            (self.env._("Customer complaints filed"), count),
            (self.env._("Customers who complained"), customers),
        ]
        return self._iso_input_line("iso.record", self._iso_filed_records_domain([COMPLAINT]), figures, count)

    def _iso_input_objectives(self):
        """Objectives active during the period, by status and trend (against today, from their measurements)."""
        self.ensure_one()
        Objective = self.env["iso.objective"]
        start, end = self._iso_period_dates()
        domain = Domain.AND(
            [
                [
                    *self._iso_company_domain(),
                    ("state", "in", ["active", "closed"]),
                    ("date_start", "<=", end),
                    ("date_due", ">=", start),
                ],
                self._iso_objective_scope(),
            ]
        )
        # The objectives' own status rules in SQL (iso_objective_status.py), over the objectives the caller may
        # read: one query, instead of loading every measurement of every objective.
        query = Objective._search(domain)
        statuses, trends = {}, {}
        for status, trend, count in self.env.execute_query(
            SQL(
                "SELECT s.status, s.trend, count(*) FROM (%s) s WHERE s.objective_id IN %s GROUP BY s.status, s.trend",
                Objective._iso_status_sql(fields.Date.context_today(self)),
                query.subselect(),
            )
        ):
            statuses[status] = statuses.get(status, 0) + count
            trends[trend] = trends.get(trend, 0) + count
        total = sum(statuses.values())
        figures = [
            (label, statuses.get(value, 0))
            for value, label in Objective._fields["status"]._description_selection(self.env)
        ]
        figures += [
            (self.env._("Trend: %(trend)s", trend=label), trends.get(value, 0))
            for value, label in Objective._fields["trend"]._description_selection(self.env)
        ]
        return self._iso_input_line(Objective._name, domain, figures, total)

    def _iso_objective_scope(self):
        """An objective counts when a standard or a clause of it is in scope, or when it names neither."""
        self.ensure_one()
        if not self.standard_ids:
            return []
        ids = self.standard_ids.ids
        return [
            "|",
            "|",
            "&",
            ("standard_ids", "=", False),
            ("clause_ids", "=", False),
            ("standard_ids", "in", ids),
            ("clause_ids.standard_id", "in", ids),
        ]

    def _iso_input_process_performance(self):
        """Inspection and incident reports filed in the period, by type."""
        self.ensure_one()
        groups = self._iso_filed_record_groups()
        types = self.env["iso.record.type"].browse(
            [type_id for xmlid in PROCESS_RECORDS if (type_id := self.env["ir.model.data"]._xmlid_to_res_id(xmlid))]
        )
        figures = [(record_type.name, groups[record_type.id][0]) for record_type in types if record_type.id in groups]
        total = sum(count for __, count in figures)
        return self._iso_input_line("iso.record", self._iso_filed_records_domain(PROCESS_RECORDS), figures, total)

    def _iso_input_nonconformities(self):
        """Filled in by iso_records_capa, which overrides this method."""
        self.ensure_one()
        return {
            "figures": [[self.env._("Nonconformities"), 0], [self.env._("Corrective actions"), 0]],
            "item_model": False,
            "item_domain": False,
            "item_count": 0,
            "note": self.env._(
                "iso_records_capa is not installed: nonconformities and corrective actions are not recorded "
                "here; state where they are kept."
            ),
            "has_data": False,
        }

    def _iso_input_monitoring(self):
        """Measurements of the objectives in scope recorded for periods starting in the review's period."""
        self.ensure_one()
        Measurement = self.env["iso.objective.measurement"]
        domain = [
            *self._iso_company_domain(),
            *self._iso_date_in_period("period_start"),
            ("objective_id", "any", self._iso_objective_scope() or [("id", "!=", False)]),
        ]
        by_source = self._iso_count_by(Measurement._name, domain, ["source"])
        total = sum(by_source.values())
        objectives = Measurement._read_group(domain, [], ["objective_id:count_distinct"])[0][0] if total else 0
        figures = [
            (self.env._("Measurements recorded"), total),
            (self.env._("Objectives measured"), objectives),
            *(
                (self._iso_selection_label(Measurement._name, "source", source), count)
                for source, count in sorted(by_source.items(), key=lambda item: item[0] or "")
            ),
        ]
        return self._iso_input_line(Measurement._name, domain, figures, total)

    def _iso_input_calibration(self):
        self.ensure_one()
        count, __, products = self._iso_filed_figures(CALIBRATION)
        figures = [
            (self.env._("Calibration certificates filed"), count),
            (self.env._("Equipment calibrated"), products),
        ]
        return self._iso_input_line("iso.record", self._iso_filed_records_domain([CALIBRATION]), figures, count)

    def _iso_finding_figures(self, domain):
        """Figures of the findings of ``domain`` by grade, open and repeat, from one grouped query."""
        Finding = self.env["iso.audit.finding"]
        groups = self._iso_count_by(Finding._name, domain, ["grade", "state", "is_repeat"])
        total = sum(groups.values())
        by_grade = {}
        for (grade, __, ___), count in groups.items():
            by_grade[grade] = by_grade.get(grade, 0) + count
        figures = [
            (label, by_grade.get(grade, 0))
            for grade, label in Finding._fields["grade"]._description_selection(self.env)
        ]
        figures += [
            (
                self.env._("Open (not closed)"),
                sum(count for (__, state, ___), count in groups.items() if state != "closed"),
            ),
            (self.env._("Repeat nonconformities"), sum(count for (__, ___, repeat), count in groups.items() if repeat)),
        ]
        return figures, total

    def _iso_input_audit_results(self):
        """Findings of the audits of the period (planned start in it), by grade, open and repeat ones."""
        self.ensure_one()
        domain = self._iso_period_findings_domain()
        figures, total = self._iso_finding_figures(domain)
        audits = self._iso_count_by("iso.audit", self._iso_period_audits_domain(), ["state"])
        figures = [
            (self.env._("Audits in the period"), sum(audits.values())),
            (self.env._("Audits closed"), audits.get("closed", 0)),
            (self.env._("Findings"), total),
            *figures,
        ]
        has_data = bool(total or audits)
        return self._iso_input_line("iso.audit.finding", domain, figures, total, has_data=has_data)

    def _iso_input_audit_coverage(self):
        """Clauses of the company's active programmes (standards in scope): planned, audited in the cycle, gaps."""
        self.ensure_one()
        domain = [*self._iso_company_domain(), ("programme_id.state", "=", "active")]
        if self.standard_ids:
            domain.append(("standard_id", "in", self.standard_ids.ids))
        groups = self._iso_count_by("iso.audit.clause.coverage", domain, ["planned", "audited"])
        total = sum(groups.values())
        figures = [
            (self.env._("Clauses in the programme"), total),
            (self.env._("Planned"), sum(count for (planned, __), count in groups.items() if planned)),
            (self.env._("Audited in the cycle"), sum(count for (__, audited), count in groups.items() if audited)),
            (self.env._("Gaps (not planned)"), sum(count for (planned, __), count in groups.items() if not planned)),
        ]
        note = None if total else self.env._("No active audit programme covers the standards in scope.")
        return self._iso_input_line("iso.audit.clause.coverage", domain, figures, total, note=note)

    def _iso_input_external_providers(self):
        """Supplier evaluations filed in the period."""
        self.ensure_one()
        count, suppliers, __ = self._iso_filed_figures(SUPPLIER_EVALUATION)
        figures = [
            (self.env._("Supplier evaluations filed"), count),
            (self.env._("Suppliers evaluated"), suppliers),
        ]
        return self._iso_input_line("iso.record", self._iso_filed_records_domain([SUPPLIER_EVALUATION]), figures, count)

    def _iso_input_supplier_audits(self):
        """Findings of the supplier (second-party) audits of the period."""
        self.ensure_one()
        domain = self._iso_period_findings_domain(audit_types=["supplier"])
        figures, total = self._iso_finding_figures(domain)
        audits = self.env["iso.audit"].search_count(self._iso_period_audits_domain(audit_types=["supplier"]))
        figures = [(self.env._("Supplier audits in the period"), audits), (self.env._("Findings"), total), *figures]
        return self._iso_input_line("iso.audit.finding", domain, figures, total, has_data=bool(total or audits))

    # ------------------------------------------------------------------
    # d) Adequacy of resources
    # ------------------------------------------------------------------
    def _iso_input_resources(self):
        """Competence gaps of today's matrix (missing, expired, expiring trainings or readings) per department."""
        self.ensure_one()
        Matrix = self.env["iso.competence.matrix"]
        domain = [*self._iso_company_domain(), ("state", "in", list(GAP_STATES))]
        by_department = {}
        by_state = {}
        for state in GAP_STATES:
            groups = self._iso_count_by(
                Matrix._name, [*self._iso_company_domain(), ("state", "=", state)], ["department_id"]
            )
            by_state[state] = sum(groups.values())
            for department, count in groups.items():
                by_department[department] = by_department.get(department, 0) + count
        labels = dict(Matrix._fields["state"]._description_selection(self.env))
        figures = [(labels.get(state, state), by_state[state]) for state in GAP_STATES]
        figures += sorted(
            (
                (department.display_name or self.env._("No department"), count)
                for department, count in by_department.items()
            ),
            key=lambda figure: figure[0],
        )
        return self._iso_input_line(Matrix._name, domain, figures, sum(by_state.values()))

    # ------------------------------------------------------------------
    # e) Effectiveness of actions taken on risks
    # ------------------------------------------------------------------
    def _iso_input_risk_actions(self):
        """The active risks of the register: residual assessed and whether it is below the inherent score,
        treatments chosen, still above target without treatment."""
        self.ensure_one()
        Risk = self.env["iso.risk"]
        domain = Domain.AND([[*self._iso_company_domain(), ("kind", "=", "risk")], self._iso_clause_scope()])
        # Comparing two columns is no domain: group by both scores (at most 25 x 26 groups).
        by_scores = self._iso_count_by(Risk._name, domain, ["score", "residual_score"])
        total = sum(by_scores.values())
        by_treatment = self._iso_count_by(Risk._name, domain, ["treatment", "above_target"]) if total else {}
        assessed = sum(count for (__, residual), count in by_scores.items() if residual)
        below = sum(count for (score, residual), count in by_scores.items() if residual and residual < score)
        figures = [
            (self.env._("Active risks"), total),
            (self.env._("Residual assessed"), assessed),
            (self.env._("Residual below inherent"), below),
            (self.env._("Residual not below inherent"), assessed - below),
            (
                self.env._("Treatment chosen"),
                sum(count for (treatment, __), count in by_treatment.items() if treatment),
            ),
            (
                self.env._("Above target, no treatment"),
                sum(count for (__, above), count in by_treatment.items() if above),
            ),
        ]
        treatments = {}
        for (treatment, __), count in by_treatment.items():
            if treatment:
                treatments[treatment] = treatments.get(treatment, 0) + count
        figures += [
            (self.env._("Treatment: %(treatment)s", treatment=self._iso_selection_label(Risk._name, "treatment", t)), n)
            for t, n in sorted(treatments.items())
        ]
        return self._iso_input_line(Risk._name, domain, figures, total)

    # ------------------------------------------------------------------
    # f) Opportunities for improvement
    # ------------------------------------------------------------------
    def _iso_input_opportunities(self):
        self.ensure_one()
        Risk = self.env["iso.risk"]
        domain = Domain.AND([[*self._iso_company_domain(), ("kind", "=", "opportunity")], self._iso_clause_scope()])
        by_treatment = self._iso_count_by(Risk._name, domain, ["treatment"])
        total = sum(by_treatment.values())
        new = Risk.search_count([*domain, *self._iso_datetime_in_period("create_date")]) if total else 0
        figures = [(self.env._("Open opportunities"), total), (self.env._("Identified in the period"), new)]
        figures += [
            (self._iso_selection_label(Risk._name, "treatment", treatment), count)
            for treatment, count in sorted(by_treatment.items(), key=lambda item: item[0] or "")
        ]
        return self._iso_input_line(Risk._name, domain, figures, total)

    def _iso_input_improvement_findings(self):
        self.ensure_one()
        domain = [*self._iso_period_findings_domain(), ("grade", "=", "improvement")]
        by_state = self._iso_count_by("iso.audit.finding", domain, ["state"])
        total = sum(by_state.values())
        figures = [
            (self.env._("Opportunities for improvement found by audits"), total),
            (self.env._("Closed"), by_state.get("closed", 0)),
            (self.env._("Not closed"), total - by_state.get("closed", 0)),
        ]
        return self._iso_input_line("iso.audit.finding", domain, figures, total)
