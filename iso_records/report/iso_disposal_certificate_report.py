from odoo import models


class IsoDisposalCertificateReport(models.AbstractModel):
    """The disposal certificate. The lines of records the reader may not read are left out, and the
    certificate says how many, so that it never looks complete when it is not."""

    _name = "report.iso_records.report_iso_disposal_certificate"
    _description = "ISO Disposal Certificate"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.disposal.batch"

    def _iso_report_values(self, docs):
        # Searched, not read through the batches: a search applies the reader's rules in any case.
        lines = self.env["iso.disposal.line"].search([("batch_id", "in", docs.ids), ("state", "=", "done")])
        grouped = lines.grouped("batch_id")
        lines_by_batch = {batch.id: grouped.get(batch, lines.browse()) for batch in docs}
        done_counts = {
            batch.id: count
            for batch, count in self.env["iso.disposal.line"]
            .sudo()
            ._read_group([("batch_id", "in", docs.ids), ("state", "=", "done")], ["batch_id"], ["__count"])
        }
        return {
            "lines_by_batch": lines_by_batch,
            "hidden_by_batch": {
                batch.id: done_counts.get(batch.id, 0) - len(lines_by_batch[batch.id]) for batch in docs
            },
        }
