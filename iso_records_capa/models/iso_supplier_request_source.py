from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record


class IsoSupplierRequestSource(models.AbstractModel):
    """What a record sent to suppliers (a nonconformity, a CAPA) gets: Send to supplier, which creates the
    draft request prefilled by ``_iso_supplier_request_values`` and opens it, and its requests' smart button.
    The record declares ``supplier_request_ids``."""

    _name = "iso.supplier.request.source"
    _description = "ISO Record Sent to Suppliers"

    supplier_request_count = fields.Integer(compute="_compute_supplier_request_count")

    @api.depends("supplier_request_ids")
    def _compute_supplier_request_count(self):
        for record in self:
            record.supplier_request_count = len(record.supplier_request_ids)

    def _iso_supplier_request_values(self):
        """The values of the draft request about this record (link, supplier, product, what we ask)."""
        raise NotImplementedError

    def action_send_to_supplier(self):
        record = one_record(self, self.env._("Send to supplier"))
        record._iso_check_may_act(self.env._("Send to supplier"))
        return self.env["iso.supplier.request"]._iso_open_draft_for(record, record._iso_supplier_request_values())

    def action_view_supplier_requests(self):
        record = one_record(self, self.env._("Supplier requests"))
        return self.env["iso.supplier.request"]._iso_list_of(record.supplier_request_ids, record)
