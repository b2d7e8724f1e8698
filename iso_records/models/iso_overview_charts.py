from odoo import api, models
from odoo.tools import SQL

from .iso_overview import MANAGERS_AUDITORS
from .iso_risk import SCALE

QUALITY_SYSTEM_GROUPS = f"{MANAGERS_AUDITORS},iso_records.group_iso_administrator"


class IsoOverview(models.AbstractModel):
    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_overview_charts(self):
        return [
            *super()._iso_overview_charts(),
            {
                "key": "training_compliance",
                "title": self.env._("Training compliance per department"),
                "sequence": 30,
                "groups": QUALITY_SYSTEM_GROUPS,
                "section": "system",
                "method": "_iso_chart_training_compliance",
            },
            {
                "key": "risk_heat_map",
                "title": self.env._("Residual risk heat map"),
                "sequence": 50,
                "groups": QUALITY_SYSTEM_GROUPS,
                "section": "system",
                "method": "_iso_chart_risk_heat_map",
            },
        ]

    @api.model
    def _iso_chart_training_compliance(self):
        """Competence-matrix rows the user may read, per department and status, in one query; the statuses
        are the matrix's own search domains, so the chart and the matrix's filters always agree."""
        matrix = self.env["iso.competence.matrix"]
        states = matrix._fields["state"]._description_selection(self.env)
        visible = matrix._search([])
        department = SQL.identifier(visible.table, "department_id")
        rows = self.env.execute_query(
            SQL(
                """SELECT department.complete_name, %s
                     FROM %s
                LEFT JOIN hr_department department ON department.id = %s
                    WHERE %s
                 GROUP BY department.id, department.complete_name
                 ORDER BY department.complete_name NULLS LAST""",
                SQL(", ").join(
                    SQL("COUNT(*) FILTER (WHERE %s)", matrix._where_calc(matrix._state_domain(state)).where_clause)
                    for state, __ in states
                ),
                visible.from_clause,
                department,
                visible.where_clause,
            )
        )
        return {
            "kind": "stacked_bar",
            "labels": [name or self.env._("No department") for name, *__ in rows],
            "series": [
                {"key": state, "label": label, "values": [row[index + 1] for row in rows]}
                for index, (state, label) in enumerate(states)
            ],
            "unit": self.env._("requirements"),
        }

    @api.model
    def _iso_chart_risk_heat_map(self):
        """Residual likelihood (rows, most likely first) by residual severity (columns) of the assessed risks
        the user may read, on the 1-5 scales of the risk register's heat map."""
        risks = self.env["iso.risk"]
        groups = risks._read_group(
            [("residual_likelihood", "!=", False), ("residual_severity", "!=", False)],
            ["residual_likelihood", "residual_severity"],
            ["__count"],
        )
        counts = {(likelihood, severity): count for likelihood, severity, count in groups}
        likelihood_steps, severity_steps = risks._heat_map_steps()
        return {
            "kind": "heat_map",
            "labels": [severity_steps[severity] for severity in SCALE],
            "series": [
                {
                    "label": likelihood_steps[likelihood],
                    "values": [counts.get((likelihood, severity), 0) for severity in SCALE],
                }
                for likelihood in reversed(SCALE)
            ],
            "unit": self.env._("risks"),
            "x_title": risks._fields["residual_severity"]._description_string(self.env),
            "y_title": risks._fields["residual_likelihood"]._description_string(self.env),
        }
