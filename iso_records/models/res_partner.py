from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "iso.record.link.mixin"]
    _iso_record_link_field = "partner_id"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") is False:
            self._iso_start_retention_of_linked("supplier_ended")
        return result
