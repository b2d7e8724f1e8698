from odoo import api, fields, models


class IsoRecordLinkMixin(models.AbstractModel):
    """ERP documents (employee, product, supplier) that ISO records are filed from."""

    _name = "iso.record.link.mixin"
    _description = "Document ISO Records Are Filed From"

    # Field of iso.record pointing at this model; set by each inheriting model.
    _iso_record_link_field = None

    iso_record_count = fields.Integer(string="ISO Records", compute="_compute_iso_record_count")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_record_count(self):
        records = self.env["iso.record"]
        if not records.has_access("read"):
            self.iso_record_count = 0
            return
        counts = dict(
            records._read_group(
                [(self._iso_record_link_field, "in", self.ids), ("state", "!=", "superseded")],
                [self._iso_record_link_field],
                ["__count"],
            )
        )
        for document in self:
            document.iso_record_count = sum(count for linked, count in counts.items() if linked.id == document.id)

    def _iso_record_defaults(self):
        self.ensure_one()
        return {f"default_{self._iso_record_link_field}": self.id}

    def action_view_iso_records(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_record_action")
        action["domain"] = [(self._iso_record_link_field, "=", self.id)]
        action["context"] = {**self._iso_record_defaults(), "search_default_current": 1}
        return action

    def action_file_iso_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("File ISO record"),
            "res_model": "iso.record",
            "view_mode": "form",
            "target": "current",
            "context": self._iso_record_defaults(),
        }

    def _iso_start_retention_of_linked(self, start_event, start_date=None):
        """Start the retention clock of every ISO record linked to these documents that waits for ``start_event``."""
        mixin = self.env.registry["iso.controlled.mixin"]
        for model_name in sorted(mixin._inherit_children):
            model = self.env[model_name].sudo().with_context(active_test=False)
            if model._abstract:
                continue
            records = model.search([(self._iso_record_link_field, "in", self.ids)])
            records._iso_start_retention(start_event, start_date)
