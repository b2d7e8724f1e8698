from odoo import api, models


class IsoOverview(models.AbstractModel):
    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_overview_links(self):
        return [
            *super()._iso_overview_links(),
            {
                "key": "evidence_map",
                "label": self.env._("Clause Evidence Map"),
                "sequence": 20,
                "action": "iso_records.iso_evidence_map_action",
            },
        ]
