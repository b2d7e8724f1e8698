from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .iso_management_review import FROZEN_STATES

# How recent the last management review held must be.
REVIEW_MONTHS = 12


class IsoSelfCheck(models.Model):
    """The checks of audits, management review and objectives."""

    _inherit = "iso.self.check"

    @api.model
    def _iso_self_checks(self):
        return [
            *super()._iso_self_checks(),
            {
                "key": "programme_audit_overdue",
                "name": self.env._("Programme audits overdue"),
                "clause": "ISO 9001 9.2",
                "sequence": 50,
                "method": "_iso_check_programme_overdue",
            },
            {
                "key": "clause_not_audited",
                "name": self.env._("Clauses not audited in the cycle (not planned, or the cycle ended without them)"),
                "clause": "ISO 9001 9.2.2",
                "sequence": 60,
                "method": "_iso_check_clause_coverage",
            },
            {
                "key": "management_review",
                "name": self.env._("No management review held in 12 months, or the last one without outputs"),
                "clause": "ISO 9001 9.3",
                "sequence": 70,
                "method": "_iso_check_management_review",
            },
            {
                "key": "objective_unmeasured",
                "name": self.env._("Objectives without measurements for their frequency"),
                "clause": "ISO 9001 6.2",
                "sequence": 80,
                "method": "_iso_check_objective_measurements",
            },
            {
                "key": "review_output_overdue",
                "name": self.env._("Management review outputs overdue"),
                "clause": "ISO 9001 10.1",
                "sequence": 90,
                "method": "_iso_check_review_outputs",
            },
        ]

    @api.model
    def _iso_check_programme_overdue(self, company):
        return {
            "model": "iso.audit.programme.line",
            "domain": [("company_id", "=", company.id), ("overdue", "=", True)],
        }

    @api.model
    def _iso_check_clause_coverage(self, company):
        today = fields.Date.context_today(self)
        return {
            "model": "iso.audit.clause.coverage",
            "domain": [
                ("company_id", "=", company.id),
                ("programme_id.state", "=", "active"),
                "|",
                ("gap", "=", True),
                "&",
                ("audited", "=", False),
                ("programme_id.cycle_end", "<", fields.Date.to_string(today)),
            ],
        }

    @api.model
    def _iso_check_management_review(self, company):
        """Absence: the last review held in the 12 months must exist and have outputs."""
        since = fields.Date.context_today(self) - relativedelta(months=REVIEW_MONTHS)
        held = [("company_id", "=", company.id), ("state", "in", list(FROZEN_STATES))]
        last = self.env["iso.management.review"].search(
            [*held, ("date", ">=", since)], order="date desc, id desc", limit=1
        )
        if not last:
            return {"passed": False, "count": 1, "model": "iso.management.review", "domain": held}
        without_outputs = not self.env["iso.management.review.output"].search_count([("review_id", "=", last.id)])
        return {
            "passed": not without_outputs,
            "count": int(without_outputs),
            "model": "iso.management.review",
            "domain": [("id", "=", last.id)] if without_outputs else [],
        }

    @api.model
    def _iso_check_objective_measurements(self, company):
        """Active objectives whose status is "no data": no measurement for the last periods of their frequency."""
        return {
            "model": "iso.objective",
            "domain": [("company_id", "=", company.id), ("state", "=", "active"), ("status", "=", "no_data")],
        }

    @api.model
    def _iso_check_review_outputs(self, company):
        return {
            "model": "iso.management.review.output",
            "domain": [
                ("company_id", "=", company.id),
                ("review_id.state", "in", list(FROZEN_STATES)),
                ("action_state", "=", "late"),
            ],
        }
