from odoo import api, fields, models
from odoo.osv import expression as Domain
from odoo.tools import SQL

NC_DONE_STATES = ("closed", "rejected")
CAPA_DONE_STATES = ("closed", "cancelled")
# Suppliers named one by one in the supplier performance section, the most nonconformities first.
TOP_SUPPLIERS = 5


class IsoManagementReview(models.Model):
    """The nonconformity and CAPA figures of the review's period (ISO 9001 9.3.2 c 2) and the supplier
    performance from the scorecards (9.3.2 c 7), each a section whose list behind it holds what it counts.

    Nonconformities of the period: detected in it, closed in it, or still open at its end (detected before its
    end, not closed nor rejected today). CAPAs of the period likewise (created, closed in it, or open).
    Every figure is a sub-list of the section's list (the same domain and one more condition)."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_review_input_sections(self):
        sections = super()._iso_review_input_sections()
        keys = [spec[1] for spec in sections]
        capa = ("c", "corrective_actions", self.env._("Corrective actions (CAPA)"), "_iso_input_corrective_actions")
        sections.insert(keys.index("nonconformities") + 1 if "nonconformities" in keys else len(sections), capa)
        keys = [spec[1] for spec in sections]
        suppliers = (
            "c",
            "supplier_performance",
            self.env._("Supplier performance (scorecards)"),
            "_iso_input_supplier_performance",
        )
        at = keys.index("external_providers") + 1 if "external_providers" in keys else len(sections)
        sections.insert(at, suppliers)
        return sections

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _iso_today(self):
        return fields.Date.to_string(fields.Date.context_today(self))

    def _iso_period_nonconformities_domain(self):
        start, end = self._iso_period_dates()
        return Domain.AND(
            [
                self._iso_company_domain(),
                [("date", "<=", end)],
                Domain.OR(
                    [
                        [("date", ">=", start)],
                        [("closed_date", ">=", start)],
                        [("state", "not in", list(NC_DONE_STATES))],
                    ]
                ),
                self._iso_clause_scope("clause_id"),
            ]
        )

    def _iso_median_days(self, model, domain, start_column, end_column):
        """Median of (end - start) in days over the records of ``domain`` the caller may read, in one query."""
        Model = self.env[model]
        query = Model._search(domain)
        rows = self.env.execute_query(
            SQL(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY %s::date - %s::date) FROM %s WHERE id IN %s",
                SQL.identifier(end_column),
                SQL.identifier(start_column),
                SQL.identifier(Model._table),
                query.subselect(),
            )
        )
        median = rows[0][0] if rows else None
        return round(median, 1) if median is not None else 0

    # ------------------------------------------------------------------
    # c) Nonconformities
    # ------------------------------------------------------------------
    def _iso_input_nonconformities(self):
        """Detected, open, overdue, closed in the period, repeats, and the median days from detection to
        closure of those closed in the period; by priority."""
        self.ensure_one()
        Nonconformity = self.env["iso.nonconformity"]
        start, end = self._iso_period_dates()
        today = self._iso_today()
        domain = self._iso_period_nonconformities_domain()
        groups = self._iso_count_by(Nonconformity._name, domain, ["state", "is_repeat"])
        total = sum(groups.values())
        detected = [("date", ">=", start)]
        closed = [("closed_date", ">=", start), ("closed_date", "<=", end), ("state", "=", "closed")]
        open_ = [("state", "not in", list(NC_DONE_STATES))]
        overdue = [*open_, ("closure_deadline", "<", today)]
        counts = {}
        if total:
            for key, extra in (("detected", detected), ("closed", closed), ("overdue", overdue)):
                counts[key] = Nonconformity.search_count([*domain, *extra])
        median = self._iso_median_days(Nonconformity._name, [*domain, *closed], "date", "closed_date") if total else 0
        figures = [
            (self.env._("Detected in the period"), counts.get("detected", 0)),
            (
                self.env._("Open"),
                sum(count for (state, __), count in groups.items() if state not in NC_DONE_STATES),
            ),
            (self.env._("Overdue (closure deadline passed)"), counts.get("overdue", 0)),
            (self.env._("Closed in the period"), counts.get("closed", 0)),
            (self.env._("Rejected"), sum(count for (state, __), count in groups.items() if state == "rejected")),
            (self.env._("Repeats"), sum(count for (__, repeat), count in groups.items() if repeat)),
            (self.env._("Median days to close"), median),
        ]
        return self._iso_input_line(Nonconformity._name, domain, figures, total)

    # ------------------------------------------------------------------
    # c) Corrective actions
    # ------------------------------------------------------------------
    def _iso_input_corrective_actions(self):
        """CAPAs of the period: open, overdue (effectiveness check due and not made), closed in the period,
        median days from creation to closure, and the effectiveness rate of the checks made in the period."""
        self.ensure_one()
        Capa = self.env["iso.capa"]
        start, end = self._iso_period_dates()
        created_start, created_end = self._iso_period_datetimes()
        today = self._iso_today()
        domain = Domain.AND(
            [
                self._iso_company_domain(),
                [("create_date", "<", created_end)],
                Domain.OR(
                    [
                        [("create_date", ">=", created_start)],
                        [("closed_date", ">=", start)],
                        [("state", "not in", list(CAPA_DONE_STATES))],
                    ]
                ),
            ]
        )
        by_state = self._iso_count_by(Capa._name, domain, ["state"])
        total = sum(by_state.values())
        closed = [("closed_date", ">=", start), ("closed_date", "<=", end), ("state", "=", "closed")]
        overdue = [("state", "=", "verification"), ("effectiveness_due_date", "<", today)]
        closed_count = Capa.search_count([*domain, *closed]) if total else 0
        overdue_count = Capa.search_count([*domain, *overdue]) if total else 0
        median = self._iso_median_days(Capa._name, [*domain, *closed], "create_date", "closed_date") if total else 0
        checks = self._iso_count_by(
            "iso.capa.verification",
            [
                *self._iso_company_domain(),
                ("result", "!=", False),
                *self._iso_date_in_period("date"),
                ("capa_id", "any", domain),
            ],
            ["result"],
        )
        checked = sum(checks.values())
        effective = checks.get("effective", 0)
        rate = round(100.0 * effective / checked, 1) if checked else 0
        figures = [
            (self.env._("Open"), sum(count for state, count in by_state.items() if state not in CAPA_DONE_STATES)),
            (self.env._("Overdue (effectiveness check)"), overdue_count),
            (self.env._("Closed in the period"), closed_count),
            (self.env._("Median days to close"), median),
            (self.env._("Effectiveness checks in the period"), checked),
            (self.env._("Effective"), effective),
            (self.env._("Effectiveness rate (%)"), rate),
            (self.env._("Reopened (not effective)"), checks.get("not_effective", 0)),
        ]
        return self._iso_input_line(Capa._name, domain, figures, total)

    # ------------------------------------------------------------------
    # c) External providers: the scorecards
    # ------------------------------------------------------------------
    def _iso_input_supplier_performance(self):
        """The scorecards of the suppliers with nonconformities or requests in the period: totals, rates, and
        the suppliers with the most nonconformities. The list behind: the nonconformities about a supplier."""
        self.ensure_one()
        Nonconformity = self.env["iso.nonconformity"]
        start, end = self._iso_period_dates()
        domain = Domain.AND(
            [
                self._iso_company_domain(),
                [("partner_id", "!=", False), ("state", "!=", "rejected")],
                self._iso_date_in_period("date"),
                self._iso_clause_scope("clause_id"),
            ]
        )
        partner_ids = {
            partner.commercial_partner_id.id for [partner] in Nonconformity._read_group(domain, ["partner_id"])
        }
        Request = self.env["iso.supplier.request"]
        partner_ids |= {
            partner.commercial_partner_id.id
            for [partner] in Request._read_group(
                [
                    *self._iso_company_domain(),
                    ("partner_id", "!=", False),
                    ("state", "in", ["sent", "answered", "accepted"]),
                    *self._iso_date_in_period("deadline"),
                ],
                ["partner_id"],
            )
        }
        suppliers = self.env["res.partner"].browse(sorted(partner_ids))
        scores = (
            suppliers._iso_supplier_scorecard(
                start, end, company=self.company_id, nc_domain=self._iso_clause_scope("clause_id")
            )
            if suppliers
            else {}
        )
        totals = {key: sum(score[key] for score in scores.values()) for key in ("nc_count", "repeat_count")}
        totals.update(
            {key: sum(score[key] for score in scores.values()) for key in ("request_count", "answered_on_time")}
        )

        def rate(part, whole):
            return round(100.0 * part / whole, 1) if whole else 0

        figures = [
            (self.env._("Suppliers with nonconformities or requests"), len(suppliers)),
            (self.env._("Nonconformities about suppliers"), totals["nc_count"]),
            (self.env._("Repeat rate (%)"), rate(totals["repeat_count"], totals["nc_count"])),
            (self.env._("Requests due or answered"), totals["request_count"]),
            (self.env._("Answered on time"), totals["answered_on_time"]),
            (self.env._("On-time rate (%)"), rate(totals["answered_on_time"], totals["request_count"])),
        ]
        ranked = sorted(suppliers, key=lambda partner: (-scores[partner.id]["nc_count"], partner.display_name))
        for partner in ranked[:TOP_SUPPLIERS]:
            score = scores[partner.id]
            figures.append(
                (
                    partner.display_name,
                    self.env._(
                        "%(ncs)s NC, %(repeat)s%% repeats, %(on_time)s/%(requests)s requests on time",
                        ncs=score["nc_count"],
                        repeat=score["repeat_rate"],
                        on_time=score["answered_on_time"],
                        requests=score["request_count"],
                    ),
                )
            )
        item_count = Nonconformity.search_count(domain)
        return self._iso_input_line(
            Nonconformity._name, domain, figures, item_count, has_data=bool(item_count or totals["request_count"])
        )
