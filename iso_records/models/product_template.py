from odoo import models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "iso.record.link.mixin"]
    _iso_record_link_field = "product_tmpl_id"

    def _iso_record_defaults(self):
        self.ensure_one()
        return {"default_product_id": self.product_variant_id.id}

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") is False:
            self._iso_start_retention_of_linked("product_archived")
        return result
