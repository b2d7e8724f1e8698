from odoo import models
from odoo.tools import format_date

from ..models.iso_management_review import FROZEN_STATES


class IsoManagementReviewReport(models.AbstractModel):
    """The minutes of a management review (ISO 9001 9.3): who attended, the period and scope, each input of
    9.3.2 a to f with its figures and comment, the outputs (9.3.3) with owner, deadline and status, the
    conclusions and the signatures with the SHA-256 of the frozen content. A held review prints from its
    frozen content only, so a later change of the data does not change its minutes; a draft prints marked
    as such, from the live inputs. Outputs and signatures are searched with the reader's rights."""

    _name = "report.iso_records_audit.report_iso_management_review"
    _description = "ISO Management Review Minutes"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.management.review"

    def _iso_report_values(self, docs):
        env = self.env
        letter_labels = dict(env["iso.management.review.input"]._fields["letter"]._description_selection(env))
        outputs = env["iso.management.review.output"].search([("review_id", "in", docs.ids)])
        signatures = env["iso.signature"].search(
            [("res_model", "=", docs._name), ("res_id", "in", docs.ids)], order="signed_at, id"
        )
        outputs_of = outputs.grouped("review_id")
        signatures_of = signatures.grouped("res_id")
        operations = docs._iso_signable_operations()
        minutes = {}
        for review in docs:
            content = review._iso_minutes_content()
            inputs = content.get("inputs", [])
            minutes[review.id] = {
                "held": review.state in FROZEN_STATES,
                "hash_matches": review._iso_frozen_hash_matches(),
                "review": content.get("review", {}),
                "letters": [
                    (letter, label, [entry for entry in inputs if entry["letter"] == letter])
                    for letter, label in letter_labels.items()
                ],
                "outputs": outputs_of.get(review, outputs.browse()),
                "signatures": signatures_of.get(review.id, signatures.browse()),
            }
        return {
            "minutes_by_review": minutes,
            "readable_date": lambda value: format_date(env, value) if value else "",
            "operation_label": lambda operation: operations.get(operation, {}).get("label", operation),
        }
