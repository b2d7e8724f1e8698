from odoo import api, models
from odoo.tools import SQL

from ..tools import workflow
from .iso_controlled_mixin_retention import ANONYMISED


class IsoRecord(models.Model):
    """When a record's retention clock starts, and what disposing of it does beyond the contract's
    generic actions: its revisions share files with the next revision and keep their own copy of the
    title and body."""

    _inherit = "iso.record"  # pylint: disable=consider-merging-classes-inherited
    # A record is filed, and a document approved, on its effective date.
    _iso_retention_event_date_fields = {"filed": "effective_date", "effective": "effective_date"}

    def _iso_retention_event_date(self, start_event):
        # Superseded on the day the next revision takes effect; made obsolete on the day it is signed.
        if start_event == "ended":
            return self.superseded_by_id.effective_date if self.state == "superseded" else False
        return super()._iso_retention_event_date(start_event)

    def action_collect_due_records(self):
        """The Records Due list's button: collect what is due, of every kind of ISO record, as the sweep would."""
        return self.env["iso.disposal.batch"].action_collect_now()

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL(
            """concat_ws(' ', r.name || CASE WHEN r.kind = 'document' THEN ' rev. ' || r.revision_number ELSE '' END,
                         r.title)"""
        )

    @api.model
    def _iso_disposal_content_hash_sql(self):
        return SQL("(SELECT rv.content_hash FROM iso_record_revision rv WHERE rv.id = r.revision_id)")

    @api.model
    def _iso_disposal_attachment_ids(self, record_ids):
        """Files of these records and their revisions that no other record or revision uses: a new
        revision shares its predecessor's files, and disposing of the old one must not touch them."""
        self.env.cr.execute(
            """WITH candidate AS (
                   SELECT attachment_id AS id FROM iso_record_attachment_rel WHERE record_id = ANY(%(ids)s)
                    UNION SELECT rel.attachment_id FROM iso_record_revision_attachment_rel rel
                            JOIN iso_record_revision revision ON revision.id = rel.revision_id
                           WHERE revision.record_id = ANY(%(ids)s)
                    UNION SELECT id FROM ir_attachment WHERE res_model = 'iso.record' AND res_id = ANY(%(ids)s))
               SELECT candidate.id FROM candidate
                WHERE NOT EXISTS (SELECT 1 FROM iso_record_attachment_rel rel
                                   WHERE rel.attachment_id = candidate.id AND rel.record_id <> ALL(%(ids)s))
                  AND NOT EXISTS (SELECT 1 FROM iso_record_revision_attachment_rel rel
                                    JOIN iso_record_revision revision ON revision.id = rel.revision_id
                                   WHERE rel.attachment_id = candidate.id AND revision.record_id <> ALL(%(ids)s))""",
            {"ids": record_ids},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _iso_hand_over_shared_attachments(self, record_ids):
        """Files of deleted records that other records still use are re-attached to one of those,
        so that their access keeps following an existing record."""
        self.env.cr.execute(
            """UPDATE ir_attachment attachment
                  SET res_id = (SELECT min(rel.record_id) FROM iso_record_attachment_rel rel
                                 WHERE rel.attachment_id = attachment.id AND rel.record_id <> ALL(%(ids)s))
                WHERE attachment.res_model = 'iso.record' AND attachment.res_id = ANY(%(ids)s)
                  AND EXISTS (SELECT 1 FROM iso_record_attachment_rel rel
                               WHERE rel.attachment_id = attachment.id AND rel.record_id <> ALL(%(ids)s))""",
            {"ids": record_ids},
        )
        self.env["ir.attachment"].invalidate_model(["res_id"])

    @api.model
    def _iso_anonymise_dependents(self, record_ids):
        self.env.cr.execute(
            """UPDATE iso_record_revision revision
                  SET title = replace(revision.title, employee.name, %(mark)s),
                      body_snapshot = replace(revision.body_snapshot, employee.name, %(mark)s)
                 FROM iso_record record JOIN hr_employee employee ON employee.id = record.employee_id
                WHERE revision.record_id = record.id AND record.id = ANY(%(ids)s)""",
            {"mark": ANONYMISED, "ids": record_ids},
        )
        self.env["iso.record.revision"].invalidate_model()

    @api.model
    def _iso_delete_dependents(self, record_ids):
        workflow(self.env["iso.record.revision"].sudo()).search([("record_id", "in", record_ids)]).unlink()
        self._iso_hand_over_shared_attachments(record_ids)
