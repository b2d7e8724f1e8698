from odoo import api, models


class IsoClause(models.Model):
    _inherit = "iso.clause"

    @api.model
    def _iso_evidence_map_columns(self):
        return [
            *super()._iso_evidence_map_columns(),
            {
                "key": "nonconformities_open",
                "label": self.env._("NCs Open"),
                "help": self.env._(
                    "Nonconformities on the clause or a sub-clause not closed or rejected: they flag the "
                    "clause, they do not cover it."
                ),
                "sequence": 60,
                "model": "iso.nonconformity",
                "clause_field": "clause_id",
                "domain": [("state", "in", ["new", "triaged", "in_progress"])],
                "covers": False,
            },
        ]
