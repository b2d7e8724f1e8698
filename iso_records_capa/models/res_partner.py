from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "partner_id"
