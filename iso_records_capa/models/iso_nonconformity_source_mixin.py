from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record


class IsoNonconformitySourceMixin(models.AbstractModel):
    """ERP documents nonconformities are raised from (product, supplier, employee, ISO record, audit
    finding): the "Raise nonconformity" button and the count of the nonconformities about the document
    that the current user may read."""

    _name = "iso.nonconformity.source.mixin"
    _description = "Document Nonconformities Are Raised From"

    # Field of iso.nonconformity pointing at this model; set by each inheriting model.
    _iso_nonconformity_link_field = None

    nonconformity_count = fields.Integer(compute="_compute_nonconformity_count")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_nonconformity_count(self):
        Nonconformity = self.env["iso.nonconformity"]
        counts = {}
        if self.ids and Nonconformity.has_access("read"):
            link = self._iso_nonconformity_link_field
            # As the current user: the record rules leave out what they may not read.
            groups = Nonconformity._read_group([(link, "in", self.ids)], [link], ["__count"])
            counts = {linked.id: count for linked, count in groups}
        for document in self:
            document.nonconformity_count = counts.get(document.id, 0)

    def action_raise_nonconformity(self):
        """The form of a new nonconformity, pre-filled from this document."""
        one_record(self, self.env._("Raise nonconformity"))
        return self.env["iso.nonconformity"]._iso_raise_action(self)

    def action_view_nonconformities(self):
        one_record(self, self.env._("Nonconformities"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_capa.iso_nonconformity_action")
        action["domain"] = [(self._iso_nonconformity_link_field, "=", self.id)]
        action["context"] = {}
        return action
