from odoo import api, fields, models
from odoo.exceptions import UserError

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
    _order = "batch_id desc, id"

    batch_id = fields.Many2one("iso.disposal.batch", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    record_id = fields.Many2one("iso.record", readonly=True, index=True, ondelete="set null")
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
    state = fields.Selection(LINE_STATES, required=True, default="pending", readonly=True, index=True)
    disposed_at = fields.Datetime(string="Disposed at (UTC)", readonly=True)
    note = fields.Char(readonly=True)

    def init(self):
        # The sweep takes the next pending lines of a batch, in order, through the second index.
        # A record is disposed once per action: a second sweep collecting it at the same time
        # inserts nothing (ON CONFLICT DO NOTHING against this index).
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS iso_disposal_line_open_unique
                ON iso_disposal_line (record_id, action) WHERE state IN ('pending', 'done');
            CREATE INDEX IF NOT EXISTS iso_disposal_line_pending_index
                ON iso_disposal_line (batch_id, id) WHERE state = 'pending'
        """)

    @api.model_create_multi
    def create(self, vals_list):  # pylint: disable=method-required-super
        # The sweep inserts lines in SQL; nothing else may add one.
        raise UserError(self.env._("Disposal lines are collected by the retention sweep, not created by hand."))

    def write(self, vals):
        if vals:
            raise UserError(self.env._("Disposal lines are kept as the sweep wrote them."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Disposal lines are evidence of what was disposed and cannot be deleted."))
