from odoo import models


class IsoRecord(models.Model):
    _name = "iso.record"
    _inherit = ["iso.record", "iso.nonconformity.source.mixin"]
    _iso_nonconformity_link_field = "record_id"
