import json

from odoo import api, models
from odoo.osv import expression

from .iso_management_review import FROZEN_STATES

# The clause of the management review in the high-level structure every ISO management standard shares.
MANAGEMENT_REVIEW_CLAUSE = "9.3"


class IsoAuditPack(models.Model):
    """The audit programme's evidence in the audit pack: audits of the period with their findings, the
    management reviews held in it (as they were frozen) and the objectives followed in it, with the
    measurements of the period."""

    _inherit = "iso.audit.pack"

    @api.model
    def _iso_audit_pack_sources(self):
        return [
            *super()._iso_audit_pack_sources(),
            {
                "key": "audits",
                "label": self.env._("Audits"),
                "sequence": 30,
                "model": "iso.audit",
                "method": "_iso_audit_pack_audits_domain",
                "kind": "record",
            },
            {
                "key": "findings",
                "label": self.env._("Audit findings"),
                "sequence": 40,
                "model": "iso.audit.finding",
                "method": "_iso_audit_pack_findings_domain",
                "kind": "record",
            },
            {
                "key": "management_reviews",
                "label": self.env._("Management reviews"),
                "sequence": 50,
                "model": "iso.management.review",
                "method": "_iso_audit_pack_reviews_domain",
                "kind": "record",
                "content": "_iso_audit_pack_review_content",
            },
            {
                "key": "objectives",
                "label": self.env._("Objectives"),
                "sequence": 60,
                "model": "iso.objective",
                "method": "_iso_audit_pack_objectives_domain",
                "kind": "record",
                "content": "_iso_audit_pack_objective_content",
            },
        ]

    def _iso_audit_pack_audits_domain(self):
        """Audits carried out in the period (planned dates overlapping it), on the pack's clauses or, for an
        audit of the whole standard (no clause given), on its standard."""
        return [
            ("state", "!=", "cancelled"),
            ("date_start", "<=", self.date_to),
            ("date_end", ">=", self.date_from),
            "|",
            ("clause_ids", "child_of", self._iso_audit_pack_clause_ids()),
            "&",
            ("clause_ids", "=", False),
            ("standard_ids", "in", self.standard_id.ids),
        ]

    def _iso_audit_pack_findings_domain(self):
        return [
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("clause_id", "child_of", self._iso_audit_pack_clause_ids()),
        ]

    def _iso_audit_pack_reviews_domain(self):
        """Reviews held in the period, when the pack covers the standard's management review clause."""
        numbers = self.env["iso.clause"].sudo().browse(self._iso_audit_pack_clause_ids()).mapped("number")
        if not any(
            number == MANAGEMENT_REVIEW_CLAUSE or number.startswith(f"{MANAGEMENT_REVIEW_CLAUSE}.")
            for number in numbers
        ):
            return expression.FALSE_DOMAIN
        return [
            ("state", "in", FROZEN_STATES),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
            ("standard_ids", "in", self.standard_id.ids),
        ]

    def _iso_audit_pack_objectives_domain(self):
        return [
            ("state", "not in", ("draft", "cancelled")),
            ("date_start", "<=", self.date_to),
            ("date_due", ">=", self.date_from),
            ("clause_ids", "child_of", self._iso_audit_pack_clause_ids()),
        ]

    def _iso_audit_pack_review_content(self, reviews):
        """A held review as it was frozen, with the hash it was frozen and signed with."""
        return {
            review.id: {
                "name": "frozen_content.json",
                "data": (review.sudo().frozen_content or "").encode(),
                "hash": review.sudo().frozen_hash or "",
            }
            for review in reviews
        }

    def _iso_audit_pack_period_measurements(self, objectives):
        return (
            self.env["iso.objective.measurement"]
            .sudo()
            .search(
                [
                    ("objective_id", "in", objectives.ids),
                    ("period_start", "<=", self.date_to),
                    ("period_end", ">=", self.date_from),
                ],
                order="objective_id, period_start",
            )
        )

    def _iso_audit_pack_objective_content(self, objectives):
        """An objective's fields with its measurements of the period."""
        content = self._iso_audit_pack_default_content(objectives)
        measurements = self._iso_audit_pack_period_measurements(objectives)
        for objective in objectives:
            values = json.loads(content[objective.id]["data"])
            values["measurements"] = [
                {
                    "period_start": str(measurement.period_start),
                    "period_end": str(measurement.period_end),
                    "value": measurement.value,
                    "comment": measurement.comment or "",
                    "source": measurement.source,
                    "evidence": measurement.attachment_ids.mapped("name"),
                }
                for measurement in measurements
                if measurement.objective_id == objective
            ]
            content[objective.id]["data"] = json.dumps(
                values, indent=1, sort_keys=True, default=str, ensure_ascii=False
            ).encode()
        return content

    def _iso_audit_pack_attachments(self, records):
        """An objective's files include the evidence of its measurements of the period."""
        by_record = super()._iso_audit_pack_attachments(records)
        if records._name == "iso.objective":
            for measurement in self._iso_audit_pack_period_measurements(records):
                objective_id = measurement.objective_id.id
                by_record[objective_id] = (
                    by_record.get(objective_id, self.env["ir.attachment"].sudo()) | measurement.attachment_ids
                )
        return by_record
