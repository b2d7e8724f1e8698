from odoo import models

# The action kinds that keep the problem from happening again (D7); the others correct it (D5-D6).
PREVENTION_KINDS = ("preventive", "retraining", "document_change")


class IsoCapa8dReport(models.AbstractModel):
    """The 8D report of a CAPA, from D1 team to D8 recognition: built from the CAPA, its nonconformities (their
    containment is D3), its 5 whys and fishbone, its actions, its effectiveness checks and its closure
    signature. The nonconformities, lines and signatures are searched with the reader's rights."""

    _name = "report.iso_records_capa.report_iso_capa_8d"
    _description = "ISO CAPA 8D Report"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.capa"

    def _iso_report_values(self, docs):
        env = self.env
        nonconformities = env["iso.nonconformity"].search([("capa_ids", "in", docs.ids)])
        whys = env["iso.capa.why"].search([("capa_id", "in", docs.ids)])
        causes = env["iso.capa.cause"].search([("capa_id", "in", docs.ids)])
        actions = env["iso.capa.action"].search([("capa_id", "in", docs.ids)])
        checks = env["iso.capa.verification"].search([("capa_id", "in", docs.ids)], order="id")
        signatures = env["iso.signature"].search(
            [("res_model", "=", docs._name), ("res_id", "in", docs.ids)], order="signed_at, id"
        )
        categories = dict(causes._fields["category"]._description_selection(env))
        operations = docs._iso_signable_operations()
        whys_of, causes_of = whys.grouped("capa_id"), causes.grouped("capa_id")
        actions_of, checks_of = actions.grouped("capa_id"), checks.grouped("capa_id")
        signatures_of = signatures.grouped("res_id")
        values = {}
        for capa in docs:
            capa_actions = actions_of.get(capa, actions.browse())
            capa_causes = causes_of.get(capa, causes.browse())
            values[capa.id] = {
                "nonconformities": nonconformities.filtered(lambda nc, capa=capa: capa in nc.capa_ids),
                "hidden_count": len(capa.sudo().nonconformity_ids - nonconformities),
                "whys": whys_of.get(capa, whys.browse()),
                "fishbone": [
                    (label, capa_causes.filtered(lambda cause, key=key: cause.category == key))
                    for key, label in categories.items()
                ],
                "corrections": capa_actions.filtered(lambda line: line.kind not in PREVENTION_KINDS),
                "preventions": capa_actions.filtered(lambda line: line.kind in PREVENTION_KINDS),
                "checks": checks_of.get(capa, checks.browse()),
                "signatures": signatures_of.get(capa.id, signatures.browse()),
            }
        return {
            "capa_values": values,
            "operation_label": lambda operation: operations.get(operation, {}).get("label", operation),
        }
