from odoo import models


class ProductTemplate(models.Model):
    _name = "product.template"
    _inherit = ["product.template", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "product_tmpl_id"
