from odoo import models


class IsoNonconformity(models.Model):
    """Send to supplier: a draft supplier request prefilled from the nonconformity."""

    _name = "iso.nonconformity"
    _inherit = ["iso.nonconformity", "iso.supplier.request.source"]  # pylint: disable=consider-merging-classes-inherited

    def _iso_supplier_request_values(self):
        self.ensure_one()
        return {
            "nonconformity_id": self.id,
            "request": "\n\n".join(part for part in (self.description, self.containment) if part),
        }
