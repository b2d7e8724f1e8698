from odoo import api, models


class IsoAuditPack(models.Model):
    """Nonconformities and CAPAs in the audit pack: the NCs detected in the period on the pack's clauses, and
    the CAPAs on them that were open during the period."""

    _inherit = "iso.audit.pack"

    @api.model
    def _iso_audit_pack_sources(self):
        return [
            *super()._iso_audit_pack_sources(),
            {
                "key": "nonconformities",
                "label": self.env._("Nonconformities"),
                "sequence": 70,
                "model": "iso.nonconformity",
                "method": "_iso_audit_pack_nonconformities_domain",
                "kind": "record",
            },
            {
                "key": "capas",
                "label": self.env._("CAPAs"),
                "sequence": 80,
                "model": "iso.capa",
                "method": "_iso_audit_pack_capas_domain",
                "kind": "record",
            },
        ]

    def _iso_audit_pack_nonconformities_domain(self):
        return [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("clause_id", "child_of", self._iso_audit_pack_clause_ids()),
        ]

    def _iso_audit_pack_capas_domain(self):
        """CAPAs on nonconformities of the pack's clauses, opened by the end of the period and not closed
        before it began."""
        return [
            ("state", "!=", "cancelled"),
            ("nonconformity_ids.clause_id", "child_of", self._iso_audit_pack_clause_ids()),
            ("create_date", "<", self._iso_audit_pack_period_end()),
            "|",
            ("closed_date", "=", False),
            ("closed_date", ">=", self.date_from),
        ]
