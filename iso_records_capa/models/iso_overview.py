from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_overview_charts import QUALITY_SYSTEM_GROUPS
from odoo.tools import SQL, format_date

EVERYONE_ISO = "iso_records.group_iso_user"
CAPA_DONE_STATES = ("closed", "cancelled")
NC_DONE_STATES = ("closed", "rejected")
CHART_MONTHS = 12


class IsoOverview(models.AbstractModel):
    """The tiles and charts of nonconformities, CAPAs and supplier requests on the overview."""

    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    def _iso_capa_actions_domain(self, late_only=False):
        states = ("late",) if late_only else ("open", "late")
        return [("capa_state", "not in", CAPA_DONE_STATES), ("action_state", "in", states)]

    def _iso_effectiveness_due_domain(self):
        """CAPAs waiting for their effectiveness check, due today or before."""
        today = fields.Date.context_today(self)
        return [("state", "=", "verification"), ("effectiveness_due_date", "<=", today)]

    @api.model
    def _iso_overview_tiles(self):
        uid = self.env.uid
        system = [
            {
                "key": "capa_actions_open",
                "section": "system",
                "sequence": 210,
                "label": self.env._("Open CAPA actions"),
                "model": "iso.capa.action",
                "domain": self._iso_capa_actions_domain(),
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "info",
                "action": "iso_records_capa.iso_capa_action_action",
            },
            {
                "key": "capa_actions_overdue",
                "section": "system",
                "sequence": 220,
                "label": self.env._("Overdue CAPA actions"),
                "model": "iso.capa.action",
                "domain": self._iso_capa_actions_domain(late_only=True),
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_capa.iso_capa_action_action",
            },
            {
                "key": "effectiveness_checks_due",
                "section": "system",
                "sequence": 230,
                "label": self.env._("Effectiveness checks due"),
                "model": "iso.capa",
                "domain": self._iso_effectiveness_due_domain(),
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "warning",
                "action": "iso_records_capa.iso_capa_action_window",
            },
            {
                "key": "nonconformities_open",
                "section": "system",
                "sequence": 240,
                "label": self.env._("Nonconformities open"),
                "model": "iso.nonconformity",
                "domain": [("state", "not in", NC_DONE_STATES)],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "warning",
                "action": "iso_records_capa.iso_nonconformity_action",
            },
            {
                "key": "nonconformities_overdue",
                "section": "system",
                "sequence": 250,
                "label": self.env._("Nonconformities overdue"),
                "model": "iso.nonconformity",
                "domain": [("overdue", "=", True)],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_capa.iso_nonconformity_action",
            },
            {
                "key": "supplier_requests_overdue",
                "section": "system",
                "sequence": 260,
                "label": self.env._("Supplier requests overdue"),
                "model": "iso.supplier.request",
                "domain": [("overdue", "=", True)],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_capa.iso_supplier_request_action",
            },
        ]
        mine = [
            {
                "key": "my_capa_actions_open",
                "section": "mine",
                "sequence": 210,
                "label": self.env._("My open CAPA actions"),
                "model": "iso.capa.action",
                "domain": [*self._iso_capa_actions_domain(), ("user_id", "=", uid)],
                "groups": EVERYONE_ISO,
                "severity": "info",
                "action": "iso_records_capa.iso_capa_action_action",
            },
            {
                "key": "my_capa_actions_overdue",
                "section": "mine",
                "sequence": 220,
                "label": self.env._("My overdue CAPA actions"),
                "model": "iso.capa.action",
                "domain": [*self._iso_capa_actions_domain(late_only=True), ("user_id", "=", uid)],
                "groups": EVERYONE_ISO,
                "severity": "danger",
                "action": "iso_records_capa.iso_capa_action_action",
            },
            {
                "key": "my_effectiveness_checks_due",
                "section": "mine",
                "sequence": 230,
                "label": self.env._("My effectiveness checks due"),
                "model": "iso.capa",
                "domain": [*self._iso_effectiveness_due_domain(), ("verifier_id", "=", uid)],
                "groups": EVERYONE_ISO,
                "severity": "warning",
                "action": "iso_records_capa.iso_capa_action_window",
            },
        ]
        return super()._iso_overview_tiles() + system + mine

    @api.model
    def _iso_overview_charts(self):
        return [
            *super()._iso_overview_charts(),
            {
                "key": "nonconformities_by_source",
                "title": self.env._("Nonconformities per month by source"),
                "sequence": 10,
                "groups": QUALITY_SYSTEM_GROUPS,
                "section": "system",
                "method": "_iso_chart_nonconformities_by_source",
            },
            {
                "key": "capa_cycle_time",
                "title": self.env._("CAPA cycle time"),
                "sequence": 20,
                "groups": QUALITY_SYSTEM_GROUPS,
                "section": "system",
                "method": "_iso_chart_capa_cycle_time",
            },
        ]

    def _iso_chart_months(self):
        """The first days of the last CHART_MONTHS months, this one last."""
        this_month = fields.Date.context_today(self).replace(day=1)
        return [this_month - relativedelta(months=back) for back in range(CHART_MONTHS - 1, -1, -1)]

    def _iso_month_label(self, month):
        return format_date(self.env, month, date_format="MMM yyyy")

    @api.model
    def _iso_chart_nonconformities_by_source(self):
        """Nonconformities the user may read detected in the last 12 months, per month and source."""
        months = self._iso_chart_months()
        nonconformities = self.env["iso.nonconformity"]
        groups = nonconformities._read_group([("date", ">=", months[0])], ["date:month", "source"], ["__count"])
        counts = {(month, source): count for month, source, count in groups}
        sources = nonconformities._fields["source"]._description_selection(self.env)
        return {
            "kind": "stacked_bar",
            "labels": [self._iso_month_label(month) for month in months],
            "series": [
                {"key": source, "label": label, "values": [counts.get((month, source), 0) for month in months]}
                for source, label in sources
            ],
            "unit": self.env._("nonconformities"),
        }

    @api.model
    def _iso_chart_capa_cycle_time(self):
        """Mean days from creation to closure of the CAPAs the user may read, per month of closure over the
        last 12 months, in one query."""
        months = self._iso_chart_months()
        capas = self.env["iso.capa"]
        visible = capas._search([("state", "=", "closed"), ("closed_date", ">=", months[0])])
        closed_date = SQL.identifier(visible.table, "closed_date")
        created = SQL.identifier(visible.table, "create_date")
        rows = self.env.execute_query(
            SQL(
                """SELECT date_trunc('month', %(closed)s)::date, AVG(%(closed)s - %(created)s::date)
                     FROM %(from_clause)s
                    WHERE %(where_clause)s
                 GROUP BY 1""",
                closed=closed_date,
                created=created,
                from_clause=visible.from_clause,
                where_clause=visible.where_clause,
            )
        )
        mean_days = {month: round(float(days), 1) for month, days in rows}
        return {
            "kind": "bar",
            "labels": [self._iso_month_label(month) for month in months],
            "series": [
                {"label": self.env._("Mean days to close"), "values": [mean_days.get(month, 0) for month in months]}
            ],
            "unit": self.env._("days"),
        }
