from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.base.models.ir_cron import _intervalTypes
from odoo.tools import SQL

# A verification is late when it is older than the cron's interval plus this margin for the cron's own delay.
VERIFICATION_GRACE = timedelta(hours=1)


class IsoSelfCheck(models.Model):
    """The core checks of the self-check: documents, owners, competence and the audit trail."""

    _inherit = "iso.self.check"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_self_checks(self):
        return [
            *super()._iso_self_checks(),
            {
                "key": "document_review_overdue",
                "name": self.env._("Documents past their review date"),
                "clause": "ISO 9001 7.5.2",
                "sequence": 10,
                "method": "_iso_check_document_review",
            },
            {
                "key": "owner_left",
                "name": self.env._("Owners of records who have left the company"),
                "clause": "ISO 9001 5.3, 7.1.2",
                "sequence": 20,
                "method": "_iso_check_owner_left",
            },
            {
                "key": "training_missing",
                "name": self.env._("Required trainings or readings missing or expired"),
                "clause": "ISO 9001 7.2",
                "sequence": 30,
                "method": "_iso_check_competence",
            },
            {
                "key": "trail_verification",
                "name": self.env._("Audit trail verification late or broken"),
                "clause": "ISO 9001 7.5.3",
                "sequence": 40,
                "method": "_iso_check_trail_verification",
            },
        ]

    @api.model
    def _iso_check_document_review(self, company):
        return {"model": "iso.record", "domain": [("company_id", "=", company.id), ("review_due", "=", True)]}

    @api.model
    def _iso_check_owner_left(self, company):
        """Employees archived or with a departure date who still own a record not disposed of, of any
        controlled model: one query over every model's table."""
        Mixin = self.env["iso.controlled.mixin"]
        tables = [
            self.env[name]._table
            for name in Mixin._iso_controlled_model_names()
            if self.env[name]._auto and "disposed_date" in self.env[name]._fields
        ]
        self.env.flush_all()
        owners = SQL(" UNION ").join(
            SQL(
                "SELECT owner_id FROM %s WHERE company_id = %s AND disposed_date IS NULL AND owner_id IS NOT NULL",
                SQL.identifier(table),
                company.id,
            )
            for table in tables
        )
        self.env.cr.execute(
            SQL(
                """SELECT employee.id FROM hr_employee employee
                    WHERE (NOT employee.active OR employee.departure_date IS NOT NULL)
                      AND employee.id IN (%s)
                 ORDER BY employee.id""",
                owners,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return {
            "passed": not ids,
            "count": len(ids),
            "model": "hr.employee.public",
            "domain": [("id", "in", ids), ("active", "in", [True, False])],
        }

    @api.model
    def _iso_check_competence(self, company):
        """The gaps of the competence matrix: rows missing or expired."""
        return {
            "model": "iso.competence.matrix",
            "domain": [("company_id", "=", company.id), ("state", "in", ["missing", "expired"])],
        }

    @api.model
    def _iso_verification_late_before(self):
        """Verifications older than this are late: the verification cron's interval ago, and a margin."""
        cron = self.env.ref("iso_records.ir_cron_iso_trail_verification", raise_if_not_found=False)
        interval = _intervalTypes[cron.interval_type](cron.interval_number) if cron else timedelta(days=1)
        return fields.Datetime.now() - interval - VERIFICATION_GRACE

    @api.model
    def _iso_check_trail_verification(self, company):
        """The latest verification of the trail (the trail is one for every company) is recent and intact."""
        latest = self.env["iso.trail.verification"].search([], limit=1)
        passed = (
            bool(latest) and latest.state == "intact" and latest.verified_at >= self._iso_verification_late_before()
        )
        return {
            "passed": passed,
            "count": 0 if passed else 1,
            "model": "iso.trail.verification",
            "domain": [("id", "=", latest.id)] if latest else [],
        }
