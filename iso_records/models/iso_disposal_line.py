from odoo import api, fields, models

from .iso_retention_policy import RETENTION_ACTIONS

LINE_STATES = [
    ("pending", "Pending"),
    ("done", "Disposed"),
    ("held", "Kept: legal hold"),
    ("cancelled", "Cancelled"),
]


class IsoDisposalLine(models.Model):
    """One record in a disposal batch. Lines are written by the sweep in SQL, never by hand;
    what they say about the record (reference, dates, hash) is copied when collected, so the
    certificate still reads right after the record is deleted."""

    _name = "iso.disposal.line"
    _description = "ISO Disposal Line"
    _inherit = ["iso.evidence.mixin"]
    _order = "batch_id desc, id"
    _iso_evidence_workflow_may = ()

    batch_id = fields.Many2one("iso.disposal.batch", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", readonly=True, index=True)
    model_label = fields.Char(string="Kind of record", compute="_compute_model_label")
    reference = fields.Char(readonly=True)
    record_type_id = fields.Many2one("iso.record.type", string="Type", readonly=True)
    policy_id = fields.Many2one("iso.retention.policy", readonly=True)
    action = fields.Selection(RETENTION_ACTIONS, required=True, readonly=True)
    origin = fields.Selection(
        [("retention", "End of retention"), ("departed", "Employee departed")],
        required=True,
        default="retention",
        readonly=True,
        help="Why the record is in the batch: its retention period ended, or it holds personal data "
        "of an employee who left longer ago than Settings allow.",
    )
    retention_start_date = fields.Date(string="Clock Started", readonly=True)
    retention_until = fields.Date(string="Kept Until", readonly=True)
    content_hash = fields.Char(readonly=True, help="SHA-256 of the signed content when the record was collected.")
    confidentiality = fields.Char(readonly=True, help="The record's confidentiality when it was collected.")
    state = fields.Selection(LINE_STATES, required=True, default="pending", readonly=True, index=True)
    disposed_at = fields.Datetime(string="Disposed at (UTC)", readonly=True)
    note = fields.Char(readonly=True)

    def init(self):
        # The sweep takes the next pending lines of a batch, in order, through the second index.
        # A record is disposed once per action: a second sweep collecting it at the same time
        # inserts nothing (ON CONFLICT DO NOTHING against this index).
        self.env.cr.execute("""
            DROP INDEX IF EXISTS iso_disposal_line_open_unique;
            CREATE UNIQUE INDEX IF NOT EXISTS iso_disposal_line_open_record_unique
                ON iso_disposal_line (res_model, res_id, action) WHERE state IN ('pending', 'done');
            CREATE INDEX IF NOT EXISTS iso_disposal_line_pending_index
                ON iso_disposal_line (batch_id, id) WHERE state = 'pending'
        """)

    def _iso_evidence_origin(self):
        return self.env._("lines are kept as the sweep wrote them when it collected and disposed of each record.")

    @api.depends("res_model")
    def _compute_model_label(self):
        for line in self:
            model = self.env.get(line.res_model) if line.res_model else None
            line.model_label = model._description if model is not None else line.res_model
