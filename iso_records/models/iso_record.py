import hashlib
import json
import logging

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import in_workflow, one_record, workflow
from .iso_document_acknowledgement import READ_ACTIVITY
from .iso_record_type import RECORD_KINDS

RECORD_STATES = [
    ("draft", "Draft"),
    ("in_review", "In Review"),
    ("effective", "Effective"),
    ("superseded", "Superseded"),
    ("obsolete", "Obsolete"),
    ("filed", "Filed"),
]
# Which record state starts which retention clock.
RETENTION_EVENT_OF_STATE = {"filed": "filed", "effective": "effective", "superseded": "ended", "obsolete": "ended"}
MANAGER_GROUP = "iso_records.group_iso_manager"

_logger = logging.getLogger(__name__)


class IsoRecord(models.Model):
    """A controlled document (versioned: draft, in review, effective, superseded or obsolete) or an
    operational record (filed once, then locked). Training evidence lives in iso_record_training.py,
    what disposal does to records in iso_record_disposal.py."""

    _name = "iso.record"
    _description = "ISO Record"
    _inherit = ["iso.review.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]
    _iso_author_field = "author_id"
    _iso_trail_extra_fields = ("state", "body", "attachment_ids")
    _iso_retention_event_of_state = RETENTION_EVENT_OF_STATE
    _iso_hold_date_field = "effective_date"
    _iso_workflow_only = (
        "name",
        "state",
        "author_id",
        "revision_number",
        "previous_record_id",
        "superseded_by_id",
        "revision_id",
        "approver_id",
        "approved_date",
        "next_review_date",
        "active",
    )

    name = fields.Char(string="Reference", readonly=True, copy=False, index=True, default="/")
    title = fields.Char(required=True, tracking=True)
    record_type_id = fields.Many2one(
        "iso.record.type", string="Type", required=True, check_company=True, tracking=True, index=True
    )
    kind = fields.Selection(related="record_type_id.kind", store=True)
    clause_ids = fields.Many2many(
        "iso.clause",
        string="Clauses",
        compute="_compute_clause_ids",
        store=True,
        readonly=False,
        help="The requirements this record is evidence for.",
    )
    standard_ids = fields.Many2many(
        "iso.standard", string="Standards", compute="_compute_standard_ids", search="_search_standard_ids"
    )
    body = fields.Html(sanitize_style=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", "iso_record_attachment_rel", "record_id", "attachment_id", string="Attachments"
    )
    state = fields.Selection(
        RECORD_STATES, default="draft", required=True, readonly=True, tracking=True, index=True, copy=False
    )
    author_id = fields.Many2one("res.users", default=lambda self: self.env.user, tracking=True, index=True)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False, tracking=True)
    approved_date = fields.Datetime(readonly=True, copy=False)
    effective_date = fields.Date(
        copy=False, tracking=True, help="When the approved revision takes effect; today when left empty."
    )
    revision_number = fields.Integer(string="Revision", default=1, readonly=True, copy=False)
    change_reason = fields.Text(copy=False, help="Why this revision was made; required from the second revision on.")
    previous_record_id = fields.Many2one(
        "iso.record", string="Revises", readonly=True, copy=False, index="btree_not_null"
    )
    superseded_by_id = fields.Many2one("iso.record", string="Superseded by", readonly=True, copy=False)
    revision_id = fields.Many2one("iso.record.revision", string="Current Revision", readonly=True, copy=False)
    history_revision_ids = fields.One2many(
        "iso.record.revision", compute="_compute_history_revision_ids", string="Revision History"
    )
    next_review_date = fields.Date(readonly=True)
    active = fields.Boolean(default=True, readonly=True, help="Archived by a disposal batch; still kept.")
    content_hash = fields.Char(compute="_compute_content_hash", help="SHA-256 of the body and attachment checksums.")
    content_matches_revision = fields.Boolean(compute="_compute_content_hash")

    def init(self):
        # Searching the list by title or reference is an ilike '%...%': trigram indexes serve it.
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg2.Error:
            _logger.warning("pg_trgm is not available: searching ISO records by title or reference scans the table.")
            return
        cr.execute("""
            CREATE INDEX IF NOT EXISTS iso_record_title_trgm_index ON iso_record USING gin (title gin_trgm_ops);
            CREATE INDEX IF NOT EXISTS iso_record_name_trgm_index ON iso_record USING gin (name gin_trgm_ops);
        """)

    @api.depends("record_type_id")
    def _compute_clause_ids(self):
        for record in self:
            if not record.clause_ids:
                record.clause_ids = record.record_type_id.clause_ids

    @api.depends("clause_ids")
    def _compute_standard_ids(self):
        for record in self:
            record.standard_ids = record.clause_ids.standard_id

    def _search_standard_ids(self, operator, value):
        return [("clause_ids.standard_id", operator, value)]

    def _compute_history_revision_ids(self):
        revisions = self.env["iso.record.revision"].search([("name", "in", self.mapped("name"))])
        for record in self:
            record.history_revision_ids = revisions.filtered(
                lambda revision, record=record: (
                    revision.name == record.name and revision.company_id == record.company_id
                )
            )

    @api.depends("body", "attachment_ids.checksum", "revision_id.content_hash")
    def _compute_content_hash(self):
        for record in self:
            record.content_hash = record._iso_content_hash()
            record.content_matches_revision = bool(record.revision_id) and (
                record.revision_id.content_hash == record.content_hash
            )

    def _iso_content_hash(self):
        self.ensure_one()
        content = {
            "body": self.body or "",
            "attachments": sorted(self.attachment_ids.sudo().mapped(lambda attachment: attachment.checksum or "")),
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()

    def _iso_is_locked(self):
        self.ensure_one()
        return self.state != "draft"

    def _iso_locked_delete_message(self):
        if self.kind == "document" and self.state == "effective":
            return self.env._(
                "%(record)s is in force and cannot be deleted; make it obsolete (with a signature) instead.",
                record=self.display_name,
            )
        if self.state == "in_review":
            return self.env._(
                "%(record)s is in review and cannot be deleted; send it back to draft first.",
                record=self.display_name,
            )
        if self.kind == "record":
            return self.env._(
                "%(record)s is filed evidence and cannot be deleted: it is kept until its retention ends. "
                "If it is wrong, file a corrected record and say in it which one it replaces.",
                record=self.display_name,
            )
        return self.env._(
            "%(record)s is %(state)s and cannot be deleted: it is kept as evidence until its retention ends.",
            record=self.display_name,
            state=dict(RECORD_STATES)[self.state].lower(),
        )

    def _iso_trail_reference(self):
        # Also the display name; called directly on hot paths to skip the field machinery.
        if not self.name or self.name == "/":
            return self.title or ""
        revision = f" rev. {self.revision_number}" if self.kind == "document" else ""
        return f"{self.name}{revision} {self.title or ''}".strip()

    # ------------------------------------------------------------------
    # Periodic review (documents in force)
    # ------------------------------------------------------------------
    @api.model
    def _iso_review_domain(self):
        return [("state", "=", "effective")]

    def _iso_review_interval(self):
        months = self.record_type_id.review_interval_months
        return relativedelta(months=months) if months > 0 else None

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _iso_prepare_create(self, vals_list):
        if not in_workflow(self.env):
            for vals in vals_list:
                vals.pop("name", None)
                if not self.env.su:
                    vals["author_id"] = self.env.user.id
        record_types = self.env["iso.record.type"].browse(
            {vals.get("record_type_id") for vals in vals_list} - {None, False}
        )
        defaults = {record_type.id: record_type for record_type in record_types}
        references = {
            record_type.id: iter(
                record_type._next_references(
                    sum(
                        1 for vals in vals_list if vals.get("record_type_id") == record_type.id and not vals.get("name")
                    )
                )
            )
            for record_type in record_types
        }
        may_choose = self._iso_may_choose_retention()
        for vals in vals_list:
            record_type = defaults.get(vals.get("record_type_id"))
            if not record_type:
                continue
            if not vals.get("name"):
                vals["name"] = next(references[record_type.id])
            if "retention_policy_id" not in vals or not may_choose:
                vals["retention_policy_id"] = record_type.retention_policy_id.id
            vals.setdefault("confidentiality", record_type.default_confidentiality)
            # Set here rather than by the compute: one relation insert for the whole batch.
            if "clause_ids" not in vals:
                vals["clause_ids"] = [Command.set(record_type.clause_ids.ids)]
        return super()._iso_prepare_create([vals for vals in vals_list if not defaults.get(vals.get("record_type_id"))])

    @api.depends("name", "title", "revision_number", "kind")
    def _compute_display_name(self):
        for record in self:
            record.display_name = record._iso_trail_reference()

    @api.constrains("effective_date", "previous_record_id")
    def _check_effective_after_previous(self):
        for record in self:
            previous = record.previous_record_id
            if previous.effective_date and record.effective_date and record.effective_date < previous.effective_date:
                raise ValidationError(
                    self.env._(
                        "Effective Date: revision %(number)s cannot take effect on %(date)s, before revision "
                        "%(previous)s (%(previous_date)s).",
                        number=record.revision_number,
                        date=record.effective_date,
                        previous=previous.revision_number,
                        previous_date=previous.effective_date,
                    )
                )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action):
        self._iso_check_state(action, allowed)

    def _check_kind(self, kind, action):
        for record in self:
            if record.kind != kind:
                raise UserError(
                    self.env._(
                        "%(action)s applies to %(kind)s, and %(record)s is not one.",
                        action=action,
                        kind=dict(RECORD_KINDS)[kind].lower() + "s",
                        record=record.display_name,
                    )
                )

    def _check_has_content(self, action):
        for record in self:
            if (
                not (record.body and record.body.strip() not in ("<p><br></p>", "<p></p>"))
                and not record.attachment_ids
            ):
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s has neither a body nor an attachment; there is nothing to sign.",
                        action=action,
                        record=record.display_name,
                    )
                )

    def _check_manager(self, action):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("%(action)s: only ISO managers may do this.", action=action))

    def action_submit(self):
        label = self.env._("Submit for review")
        self._iso_check_may_act(label)
        self._check_kind("document", label)
        self._check_state(["draft"], label)
        self._check_has_content(label)
        for record in self:
            if record.revision_number > 1 and not (record.change_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Change Reason: revision %(number)s of %(record)s needs a reason for the change.",
                        number=record.revision_number,
                        record=record.name,
                    )
                )
        workflow(self, self.env._("Submitted for review")).write({"state": "in_review"})
        for record in self:
            record._iso_request_signature("approve", self.env._("Approve %s", record.display_name))
        return True

    def action_back_to_draft(self):
        label = self.env._("Back to draft")
        self._iso_check_may_act(label)
        self._check_state(["in_review"], label)
        workflow(self, self.env._("Sent back to draft")).write({"state": "draft"})
        self.sudo().activity_unlink(["iso_records.mail_activity_type_iso_approval"])
        return True

    @api.model
    def _iso_signable_operations(self):
        return {
            "approve": {
                "label": self.env._("Approve"),
                "meanings": ("approved",),
                "method": "_iso_approve",
                "group": MANAGER_GROUP,
            },
            "file": {
                "label": self.env._("File"),
                "meanings": ("authored", "reviewed", "approved"),
                "method": "_iso_file",
                "may_sign": "_iso_may_file",
            },
            "obsolete": {
                "label": self.env._("Make obsolete"),
                "meanings": ("obsoleted",),
                "method": "_iso_make_obsolete",
                "group": MANAGER_GROUP,
                "reason_required": True,
            },
        }

    def action_open_approve(self):
        label = self.env._("Approve")
        one_record(self, label)
        self._check_kind("document", label)
        self._check_state(["in_review"], label)
        return self._iso_open_signature("approve")

    def action_open_obsolete(self):
        label = self.env._("Make obsolete")
        one_record(self, label)
        self._check_kind("document", label)
        self._check_state(["effective"], label)
        return self._iso_open_signature("obsolete")

    def action_file(self):
        label = self.env._("File")
        one_record(self, label)
        self._iso_check_may_act(label)
        self._check_kind("record", label)
        self._check_state(["draft"], label)
        self._check_training_ready(self.env._("Filing"))
        if self.record_type_id.approval_required:
            return self._iso_open_signature("file")
        self._iso_file()
        return True

    def _iso_snapshot_revision(self, approver=None, effective_date=None):
        """Freeze the current content as an immutable revision."""
        self.ensure_one()
        attachments = self.attachment_ids.sudo()
        return workflow(self.env["iso.record.revision"].sudo()).create(
            {
                "record_id": self.id,
                "name": self.name,
                "number": self.revision_number,
                "title": self.title,
                "company_id": self.company_id.id,
                "change_reason": self.change_reason,
                "author_id": self.author_id.id,
                "approver_id": approver.id if approver else False,
                "effective_date": effective_date or self.effective_date or fields.Date.context_today(self),
                "body_snapshot": self.body or "",
                "attachment_ids": [(6, 0, attachments.ids)],
                "attachment_manifest": json.dumps(
                    [{"name": attachment.name, "checksum": attachment.checksum} for attachment in attachments]
                ),
                "content_hash": self._iso_content_hash(),
            }
        )

    def _iso_may_file(self, user):
        return user in (self.owner_user_id, self.author_id) or user.has_group(MANAGER_GROUP)

    def _iso_file(self, signer=None, reason=None):
        self.ensure_one()
        label = self.env._("File")
        if signer and not self._iso_may_file(signer):
            raise UserError(self.env._("File: only the owner, the author or an ISO manager may file this record."))
        self._check_kind("record", label)
        self._check_state(["draft"], label)
        self._check_has_content(label)
        self._check_training_ready(self.env._("Filing"))
        effective_date = self.effective_date or fields.Date.context_today(self)
        revision = self._iso_snapshot_revision(approver=signer, effective_date=effective_date)
        values = {"state": "filed", "revision_id": revision.id, "effective_date": effective_date}
        if self.is_training and not self.training_valid_from:
            values["training_valid_from"] = effective_date
        workflow(self, self.env._("Filed as revision %s", self.revision_number)).write(values)
        return revision

    def _iso_approve(self, signer, reason=None):
        self.ensure_one()
        action = self.env._("Approve")
        self._check_kind("document", action)
        self._check_state(["in_review"], action)
        self._check_has_content(action)
        effective_date = self.effective_date or fields.Date.context_today(self)
        interval = self.record_type_id.review_interval_months
        revision = self._iso_snapshot_revision(approver=signer, effective_date=effective_date)
        workflow(self, self.env._("Approved as revision %s", self.revision_number)).write(
            {
                "state": "effective",
                "effective_date": effective_date,
                "revision_id": revision.id,
                "approver_id": signer.id,
                "approved_date": fields.Datetime.now(),
                "next_review_date": effective_date + relativedelta(months=interval) if interval > 0 else False,
            }
        )
        previous = self.previous_record_id
        if previous and previous.state == "effective":
            workflow(previous, self.env._("Superseded by revision %s", self.revision_number)).write(
                {"state": "superseded", "superseded_by_id": self.id}
            )
            previous.activity_unlink(["iso_records.mail_activity_type_iso_review"])
        self.activity_feedback(["iso_records.mail_activity_type_iso_approval"])
        # Competence: requirements follow the new revision; the employees who must read it are asked to.
        self.env["iso.competence.requirement"]._iso_document_effective(self, previous)
        return revision

    def _iso_make_obsolete(self, signer, reason):
        self.ensure_one()
        action = self.env._("Make obsolete")
        self._check_kind("document", action)
        self._check_state(["effective"], action)
        if not (reason or "").strip():
            raise UserError(self.env._("Reason: making %(record)s obsolete needs a reason.", record=self.display_name))
        workflow(self, reason).write({"state": "obsolete", "next_review_date": False})
        self.activity_unlink(["iso_records.mail_activity_type_iso_review"])
        self.sudo().activity_unlink([READ_ACTIVITY])
        self.message_post(body=self.env._("Made obsolete by %(user)s: %(reason)s", user=signer.name, reason=reason))
        return self.revision_id

    def action_new_revision(self):
        label = self.env._("New revision")
        one_record(self, label)
        self._iso_check_may_act(label)
        self._check_kind("document", label)
        self._check_state(["effective"], label)
        draft = self.search([("previous_record_id", "=", self.id)], limit=1)
        if not draft:
            draft = workflow(self).copy(
                {
                    "name": self.name,
                    "revision_number": self.revision_number + 1,
                    "previous_record_id": self.id,
                    "attachment_ids": [(6, 0, self.attachment_ids.ids)],
                    "author_id": self.env.user.id,
                }
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "iso.record",
            "res_id": draft.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # ERP smart buttons
    # ------------------------------------------------------------------
    @api.model
    def _iso_linked_current_domain(self):
        return [("state", "!=", "superseded")]

    @api.model
    def _iso_list_action(self):
        return self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_record_action")

    @api.model
    def _iso_linked_list_context(self):
        return {"search_default_current": 1}
