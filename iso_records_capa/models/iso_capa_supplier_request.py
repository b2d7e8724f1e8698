from odoo import fields, models
from odoo.addons.iso_records.tools import one_record


class IsoCapa(models.Model):
    """Send to supplier: a draft supplier request prefilled from the CAPA and its first supplier
    nonconformity."""

    _inherit = "iso.capa"  # pylint: disable=consider-merging-classes-inherited

    supplier_request_ids = fields.One2many("iso.supplier.request", "capa_id", string="Supplier Requests")

    def action_send_to_supplier(self):
        capa = one_record(self, self.env._("Send to supplier"))
        capa._iso_check_may_act(self.env._("Send to supplier"))
        nonconformity = capa.nonconformity_ids.filtered("partner_id")[:1]
        return self.env["iso.supplier.request"]._iso_open_draft_for(
            capa,
            {
                "capa_id": capa.id,
                "nonconformity_id": nonconformity.id,
                "partner_id": (capa.partner_id or nonconformity.partner_id).id,
                "product_id": (capa.product_id or nonconformity.product_id).id,
                "request": "\n\n".join(part for part in (capa.problem, nonconformity.description) if part)
                or capa.title,
            },
        )
