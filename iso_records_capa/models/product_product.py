from odoo import models


class ProductProduct(models.Model):
    """The variant form extends the template form: its buttons raise and count the nonconformities about
    the variant itself."""

    _name = "product.product"
    _inherit = ["product.product", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "product_id"
