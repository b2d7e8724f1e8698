from odoo import models


class IsoNonconformityReport(models.AbstractModel):
    """The nonconformity report: what was found and where it came from, its containment, triage and deadlines,
    the earlier nonconformities it repeats, the CAPAs answering it and its closure or rejection. The repeats and
    CAPAs are searched with the reader's rights: one the reader may not read is left out."""

    _name = "report.iso_records_capa.report_iso_nonconformity"
    _description = "ISO Nonconformity Report"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.nonconformity"

    def _iso_report_values(self, docs):
        repeats = self.env["iso.nonconformity"].search([("id", "in", docs.repeat_ids.ids)], order="date desc, id desc")
        capas = self.env["iso.capa"].search([("id", "in", docs.capa_ids.ids)], order="id")
        return {
            "repeats_of": {doc.id: repeats & doc.repeat_ids for doc in docs},
            "capas_of": {doc.id: capas & doc.capa_ids for doc in docs},
        }
