from odoo import api, models


class IsoRecordTrailReport(models.AbstractModel):
    """The audit trail extract, rendered with the reader's own rights: the records must be readable by
    them, and the events the template lists are searched with their record rules."""

    _name = "report.iso_records.report_iso_record_trail"
    _description = "ISO Audit Trail Extract"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["iso.record"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "iso.record", "docs": docs, "data": data}
