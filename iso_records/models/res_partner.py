from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "iso.record.link.mixin"]
    _iso_record_link_field = "partner_id"
