from odoo import fields, models


class IsoCapaWhy(models.Model):
    """One step of a CAPA's 5-whys, in order: each answer is the cause of the one before."""

    _name = "iso.capa.why"
    _description = "ISO CAPA Why"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "capa_id, sequence, id"
    _iso_parent_field = "capa_id"

    capa_id = fields.Many2one("iso.capa", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="capa_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    question = fields.Char(string="Why?", help="Why did the step before happen?")
    answer = fields.Text(string="Because", required=True)
