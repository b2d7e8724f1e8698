from odoo import api, fields, models


class IsoSelfCheck(models.Model):
    """The checks of corrective action: CAPA closure, CAPA actions and supplier requests."""

    _inherit = "iso.self.check"

    @api.model
    def _iso_self_checks(self):
        return [
            *super()._iso_self_checks(),
            {
                "key": "capa_closed_not_effective",
                "name": self.env._("CAPAs closed without an effective verification"),
                "clause": "ISO 9001 10.2",
                "sequence": 100,
                "method": "_iso_check_capa_closed_not_effective",
            },
            {
                "key": "capa_action_overdue",
                "name": self.env._("CAPA actions overdue"),
                "clause": "ISO 9001 10.2",
                "sequence": 110,
                "method": "_iso_check_capa_actions",
            },
            {
                "key": "supplier_request_overdue",
                "name": self.env._("Supplier corrective-action requests overdue"),
                "clause": "ISO 9001 8.4",
                "sequence": 120,
                "method": "_iso_check_supplier_requests",
            },
        ]

    @api.model
    def _iso_check_capa_closed_not_effective(self, company):
        """Closing refuses a CAPA without an effective verification: this proves no such CAPA got through."""
        return {
            "model": "iso.capa",
            "domain": [
                ("company_id", "=", company.id),
                ("state", "=", "closed"),
                ("verification_ids", "not any", [("result", "=", "effective")]),
            ],
        }

    @api.model
    def _iso_check_capa_actions(self, company):
        return {
            "model": "iso.capa.action",
            "domain": [
                ("company_id", "=", company.id),
                ("capa_id.state", "in", ["action", "verification"]),
                ("action_state", "=", "late"),
            ],
        }

    @api.model
    def _iso_check_supplier_requests(self, company):
        """Requests sent to a supplier whose answer is past its deadline."""
        return {
            "model": "iso.supplier.request",
            "domain": [
                ("company_id", "=", company.id),
                ("state", "=", "sent"),
                ("deadline", "<", fields.Date.to_string(fields.Date.context_today(self))),
            ],
        }
