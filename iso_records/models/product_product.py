from odoo import models


class ProductProduct(models.Model):
    """Product variants show the template's ISO buttons (their form extends the template form): they count
    and file the records about the variant itself."""

    _name = "product.product"
    _inherit = ["product.product", "iso.record.link.mixin"]
    _iso_record_link_field = "product_id"
