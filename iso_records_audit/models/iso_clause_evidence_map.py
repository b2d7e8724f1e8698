from odoo import api, models


class IsoClause(models.Model):
    _inherit = "iso.clause"

    @api.model
    def _iso_evidence_map_columns(self):
        since = self._iso_evidence_map_since()
        return [
            *super()._iso_evidence_map_columns(),
            {
                "key": "audits",
                "label": self.env._("Audits (cycle)"),
                "help": self.env._(
                    "Audits of the clause or a sub-clause held (fieldwork started, reporting or closed) in the "
                    "current certification cycle: those of an active audit programme, and audits outside any "
                    "programme held in the last 12 months (by their actual start, else their planned start)."
                ),
                "sequence": 30,
                "model": "iso.audit",
                "domain": [
                    ("state", "in", ["fieldwork", "reporting", "closed"]),
                    "|",
                    ("programme_id.state", "=", "active"),
                    "&",
                    ("programme_id", "=", False),
                    "|",
                    ("actual_date_start", ">=", since),
                    "&",
                    ("actual_date_start", "=", False),
                    ("date_start", ">=", since),
                ],
                "covers": True,
            },
            {
                "key": "objectives",
                "label": self.env._("Objectives"),
                "help": self.env._("Active quality objectives linked to the clause or a sub-clause."),
                "sequence": 40,
                "model": "iso.objective",
                "domain": [("state", "=", "active")],
                "covers": True,
            },
            {
                "key": "findings_open",
                "label": self.env._("Findings Open"),
                "help": self.env._(
                    "Audit findings (positive points aside) on the clause or a sub-clause not yet verified "
                    "(open or answered): "
                    "they flag the clause, they do not cover it."
                ),
                "sequence": 50,
                "model": "iso.audit.finding",
                "clause_field": "clause_id",
                "domain": [("state", "in", ["open", "answered"]), ("grade", "!=", "positive")],
                "covers": False,
            },
        ]
