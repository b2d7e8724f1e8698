from odoo import api, models

from .iso_audit_pack import PACK_GROUPS


class IsoOverview(models.AbstractModel):
    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_overview_links(self):
        return [
            *super()._iso_overview_links(),
            {
                "key": "audit_pack",
                "label": self.env._("Audit Pack"),
                "sequence": 30,
                "action": "iso_records.iso_audit_pack_new_action",
                "groups": PACK_GROUPS,
            },
        ]
