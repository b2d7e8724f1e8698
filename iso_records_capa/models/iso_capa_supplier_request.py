from odoo import fields, models


class IsoCapa(models.Model):
    """Send to supplier: a draft supplier request prefilled from the CAPA and its first supplier
    nonconformity."""

    _name = "iso.capa"
    _inherit = ["iso.capa", "iso.supplier.request.source"]  # pylint: disable=consider-merging-classes-inherited

    supplier_request_ids = fields.One2many("iso.supplier.request", "capa_id", string="Supplier Requests")

    def _iso_supplier_request_values(self):
        self.ensure_one()
        nonconformity = self.nonconformity_ids.filtered("partner_id")[:1]
        return {
            "capa_id": self.id,
            "nonconformity_id": nonconformity.id,
            "partner_id": (self.partner_id or nonconformity.partner_id).id,
            "product_id": (self.product_id or nonconformity.product_id).id,
            "request": "\n\n".join(part for part in (self.problem, nonconformity.description) if part) or self.title,
        }
