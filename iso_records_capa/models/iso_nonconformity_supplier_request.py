from odoo import models
from odoo.addons.iso_records.tools import one_record


class IsoNonconformity(models.Model):
    """Send to supplier: a draft supplier request prefilled from the nonconformity."""

    _inherit = "iso.nonconformity"  # pylint: disable=consider-merging-classes-inherited

    def action_send_to_supplier(self):
        nonconformity = one_record(self, self.env._("Send to supplier"))
        nonconformity._iso_check_may_act(self.env._("Send to supplier"))
        return self.env["iso.supplier.request"]._iso_open_draft_for(
            nonconformity,
            {
                "nonconformity_id": nonconformity.id,
                "request": "\n\n".join(part for part in (nonconformity.description, nonconformity.containment) if part),
            },
        )
