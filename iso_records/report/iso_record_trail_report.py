from odoo import models
from odoo.exceptions import AccessError


class IsoRecordTrailReport(models.AbstractModel):
    """The audit trail extract. The events are searched with the reader's record rules, and the last
    verification of the whole trail says whether they are covered by it."""

    _name = "report.iso_records.report_iso_record_trail"
    _description = "ISO Audit Trail Extract"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.record"

    def _iso_report_values(self, docs):
        Event = self.env["iso.trail.event"]
        if not Event.has_access("read"):
            raise AccessError(
                self.env._("Audit trail extract: only ISO auditors and administrators read the audit trail.")
            )
        events = Event.search([("res_model", "=", docs._name), ("res_id", "in", docs.ids)], order="res_id, sequence")
        operations = docs._iso_signable_operations()
        verification = self.env["iso.trail.verification"].search([], limit=1)
        uncovered = {record.id: 0 for record in docs}
        for event in events.filtered(lambda event: event.id > verification.max_event_id):
            uncovered[event.res_id] += 1
        return {
            "events_by_record": events.grouped("res_id"),
            "change_lines": events._change_lines(),
            "verification": verification,
            "uncovered_by_record": uncovered,
            "operation_label": lambda operation: operations.get(operation, {}).get("label", operation),
        }
