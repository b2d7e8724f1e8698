from odoo import fields, models

from .iso_nonconformity import CAUSE_CATEGORIES


class IsoCapaCause(models.Model):
    """A bone of a CAPA's fishbone (Ishikawa) diagram: a possible cause in one of the six categories;
    those confirmed make the root cause."""

    _name = "iso.capa.cause"
    _description = "ISO CAPA Fishbone Cause"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "capa_id, category, sequence, id"
    _iso_parent_field = "capa_id"

    capa_id = fields.Many2one("iso.capa", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(CAUSE_CATEGORIES, required=True)
    cause = fields.Char(required=True)
    is_root = fields.Boolean(string="Confirmed", help="Confirmed as a root cause by the analysis.")
