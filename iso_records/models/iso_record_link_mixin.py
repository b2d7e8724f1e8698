from odoo import api, fields, models

from ..tools import one_record


class IsoRecordLinkMixin(models.AbstractModel):
    """ERP documents (employee, product, supplier) that ISO evidence is filed from and about."""

    _name = "iso.record.link.mixin"
    _description = "Document ISO Records Are Filed From"

    # Field of every controlled model pointing at this model; set by each inheriting model.
    _iso_record_link_field = None

    iso_record_count = fields.Integer(string="ISO Records", compute="_compute_iso_record_count")

    def _iso_linked_counts(self):
        """{controlled model name: {document id: count}} of what the current user may read."""
        counts = {}
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            model = self.env[model_name]
            if not model.has_access("read"):
                continue
            groups = model._read_group(
                [(self._iso_record_link_field, "in", self.ids), *model._iso_linked_current_domain()],
                [self._iso_record_link_field],
                ["__count"],
            )
            per_document = {}
            for linked, count in groups:
                per_document[linked.id] = per_document.get(linked.id, 0) + count
            if per_document:
                counts[model_name] = per_document
        return counts

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_record_count(self):
        counts = self._iso_linked_counts()
        for document in self:
            document.iso_record_count = sum(per_document.get(document.id, 0) for per_document in counts.values())

    def _iso_record_defaults(self):
        self.ensure_one()
        return {f"default_{self._iso_record_link_field}": self.id}

    def _iso_linked_action(self, model_name):
        """The list of ``model_name`` records about this document, with it as their default link."""
        self.ensure_one()
        action = self.env[model_name]._iso_list_action()
        action["domain"] = [(self._iso_record_link_field, "=", self.id)]
        action["context"] = {**self._iso_record_defaults(), **self.env[model_name]._iso_linked_list_context()}
        return action

    def action_view_iso_records(self):
        one_record(self, self.env._("ISO Records"))
        counts = {name: per_document[self.id] for name, per_document in self._iso_linked_counts().items()}
        if len(counts) <= 1:
            return self._iso_linked_action(next(iter(counts), "iso.record"))
        lines = self.env["iso.linked.evidence"].create(
            [
                {
                    "source_model": self._name,
                    "source_id": self.id,
                    "res_model": name,
                    "label": self.env[name]._description,
                    "count": count,
                }
                for name, count in counts.items()
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("ISO evidence about %s", self.display_name),
            "res_model": "iso.linked.evidence",
            "view_mode": "list",
            "domain": [("id", "in", lines.ids)],
            "target": "new",
        }

    def action_file_iso_record(self):
        one_record(self, self.env._("File ISO record"))
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
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            model = self.env[model_name].sudo().with_context(active_test=False)
            records = model.search([(self._iso_record_link_field, "in", self.ids)])
            records._iso_start_retention(start_event, start_date)
