import hashlib

from odoo import api, fields, models
from odoo.addons.iso_records.tools import workflow

TEST_STATES = [("draft", "Draft"), ("verified", "Verified"), ("closed", "Closed")]


class IsoTestControlled(models.Model):
    """The smallest model that takes the whole controlled-record contract: a name, a note, files, a
    three-state workflow whose two steps are signed. Test only; never installed outside the tests."""

    _name = "iso.test.controlled"
    _description = "ISO Test Controlled Record"
    _inherit = ["iso.controlled.mixin"]
    _order = "id desc"
    _iso_workflow_only = ("state", "verified_by_id")
    _iso_sequence_code = "iso.test.controlled"
    _iso_locked_states = ("closed",)
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_retention_event_date_fields = {"closed": "closed_on"}
    # The note is content: it goes into the trail (as its hash) and into what is signed.
    _iso_trail_extra_fields = ("note",)

    name = fields.Char(required=True, tracking=True)
    note = fields.Html()
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "iso_test_controlled_attachment_rel",
        "record_id",
        "attachment_id",
        string="Attachments",
    )
    state = fields.Selection(TEST_STATES, default="draft", required=True, readonly=True, tracking=True)
    verified_by_id = fields.Many2one("res.users", string="Verified by", readonly=True)
    closed_on = fields.Date(help="When the work was closed; the day it is signed closed when left empty.")
    related_id = fields.Many2one("iso.test.controlled", string="Related Record")
    line_ids = fields.One2many("iso.test.controlled.line", "record_id", string="Lines")
    action_ids = fields.One2many("iso.test.controlled.action", "record_id", string="Actions")
    participant_user_ids = fields.Many2many(
        "res.users", "iso_test_controlled_participant_rel", "record_id", "user_id", string="Participants"
    )

    observer_user_ids = fields.Many2many(
        "res.users", "iso_test_controlled_observer_rel", "record_id", "user_id", string="Observers"
    )
    # The date the last reminder without an activity (_iso_schedule_once with send) was for.
    reminded_on = fields.Date(readonly=True)

    @api.model
    def _iso_reader_domain(self, uid):
        return [[("observer_user_ids", "in", [uid])]]

    @api.model
    def _iso_participant_domain(self, uid):
        return [[("participant_user_ids", "in", [uid])]]

    def _iso_action_lines_active(self):
        self.ensure_one()
        return self.state in ("verified", "closed")

    @api.model
    def _iso_signable_operations(self):
        return {
            "verify": {
                "label": self.env._("Verify"),
                "meanings": ("verified",),
                "method": "_iso_test_verify",
                "group": "iso_records.group_iso_manager",
            },
            "close": {
                "label": self.env._("Close"),
                "meanings": ("closed", "approved"),
                "method": "_iso_test_close",
                "reason_required": True,
            },
            # Signs a content of its own rather than the record's (as a review signs its frozen minutes).
            "seal": {
                "label": self.env._("Seal"),
                "meanings": ("reviewed",),
                "method": "_iso_test_seal",
                "may_sign": "_iso_test_may_seal",
                "content_hash": "_iso_test_sealed_hash",
            },
        }

    def _iso_test_may_seal(self, user):
        return self.state == "closed"

    def _iso_test_sealed_hash(self):
        return hashlib.sha256(f"sealed {self.name}".encode()).hexdigest()

    def _iso_test_seal(self, signer, reason=None):
        self._iso_check_state(self.env._("Seal"), ["closed"])

    def _iso_test_verify(self, signer, reason=None):
        self._iso_check_state(self.env._("Verify"), ["draft"])
        self.action_ids._iso_check_action_ready(self.env._("Verify"))
        workflow(self, reason).write({"state": "verified", "verified_by_id": signer.id})

    def _iso_test_close(self, signer, reason=None):
        self._iso_check_state(self.env._("Close"), ["verified"])
        workflow(self, reason).write({"state": "closed"})

    def action_open_verify(self):
        self.ensure_one()
        return self._iso_open_signature("verify")

    def action_open_close(self):
        self.ensure_one()
        return self._iso_open_signature("close")
