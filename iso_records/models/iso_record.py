import hashlib
import json

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression as Domain
from odoo.tools import SQL

from .iso_controlled_mixin import WORKFLOW, WORKFLOW_KEY
from .iso_document_acknowledgement import READ_ACTIVITY
from .iso_record_type import RECORD_KINDS
from .iso_retention_policy import RETENTION_ACTIONS
from .iso_signature import SIGNATURE_MEANINGS
from .res_config_settings import iso_int_param, iso_param

RECORD_STATES = [
    ("draft", "Draft"),
    ("in_review", "In Review"),
    ("effective", "Effective"),
    ("superseded", "Superseded"),
    ("obsolete", "Obsolete"),
    ("filed", "Filed"),
]
# Set only by the workflow methods below, never by a plain write.
WORKFLOW_FIELDS = {
    "name",
    "state",
    "revision_number",
    "previous_record_id",
    "superseded_by_id",
    "revision_id",
    "approver_id",
    "approved_date",
    "next_review_date",
    "last_review_date",
    "review_activity_date",
    "retention_start_date",
    "retention_until",
    "active",
    "disposal_action",
    "disposed_date",
    "disposal_batch_id",
    "refresher_activity_date",
    "training_effectiveness",
    "training_effectiveness_note",
    "training_evaluated_by_id",
    "training_evaluation_date",
}
# Which record state starts which retention clock.
RETENTION_EVENT_OF_STATE = {"filed": "filed", "effective": "effective", "superseded": "ended", "obsolete": "ended"}
ANONYMISED = "[anonymised]"
SIGNATURE_OPERATIONS = [("approve", "Approve"), ("file", "File"), ("obsolete", "Make obsolete")]
TRAINING_EFFECTIVENESS = [
    ("effective", "Effective"),
    ("partly", "Partly effective"),
    ("not_effective", "Not effective"),
]


class IsoRecord(models.Model):
    _name = "iso.record"
    _description = "ISO Record"
    _inherit = ["iso.controlled.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]

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
    signature_ids = fields.One2many("iso.signature", "record_id", string="Signatures")
    next_review_date = fields.Date(readonly=True, copy=False, tracking=True, index="btree_not_null")
    last_review_date = fields.Date(readonly=True, copy=False)
    review_activity_date = fields.Date(
        readonly=True, copy=False, help="Review date for which the review activity was already given."
    )
    review_due = fields.Boolean(compute="_compute_review_due", search="_search_review_due")
    on_hold = fields.Boolean(
        string="On Legal Hold",
        compute="_compute_on_hold",
        search="_search_on_hold",
        help="An active legal hold keeps this record: it is never disposed while the hold lasts.",
    )
    active = fields.Boolean(default=True, readonly=True, help="Archived by a disposal batch; still kept.")
    disposal_action = fields.Selection(RETENTION_ACTIONS, readonly=True, copy=False, help="Last disposal applied.")
    disposed_date = fields.Date(readonly=True, copy=False)
    disposal_batch_id = fields.Many2one("iso.disposal.batch", readonly=True, copy=False, index="btree_not_null")
    content_hash = fields.Char(compute="_compute_content_hash", help="SHA-256 of the body and attachment checksums.")
    content_matches_revision = fields.Boolean(compute="_compute_content_hash")

    # Training evidence (ISO 9001 7.2), on records whose type is marked as training.
    is_training = fields.Boolean(related="record_type_id.is_training")
    training_valid_from = fields.Date(string="Valid From", tracking=True, copy=False)
    training_valid_to = fields.Date(
        string="Valid To",
        compute="_compute_training_valid_to",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="Proposed from the refresher interval of the employee's competence requirements. "
        "Empty: valid until the requirement's refresher interval, if any, has passed.",
    )
    trainer_id = fields.Many2one("hr.employee", check_company=True, tracking=True)
    training_provider_id = fields.Many2one("res.partner", check_company=True, tracking=True, help="External trainer.")
    training_effectiveness = fields.Selection(
        TRAINING_EFFECTIVENESS,
        string="Effectiveness",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set by an ISO manager with Evaluate effectiveness. A training found not effective is no "
        "evidence of competence.",
    )
    training_effectiveness_note = fields.Text(string="Effectiveness Evaluation", readonly=True, copy=False)
    training_evaluated_by_id = fields.Many2one("res.users", string="Evaluated by", readonly=True, copy=False)
    training_evaluation_date = fields.Date(string="Evaluated on", readonly=True, copy=False)
    refresher_activity_date = fields.Date(
        readonly=True, copy=False, help="Expiry date for which the refresher activities were already given."
    )
    # Read and understood (controlled documents required by a competence requirement).
    acknowledgement_pending = fields.Boolean(
        string="Read and Understood Pending", compute="_compute_acknowledgement_pending"
    )
    acknowledgement_count = fields.Integer(string="Acknowledgements", compute="_compute_acknowledgement_count")

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

    def _active_hold_domain(self):
        holds = self.env["iso.legal.hold"].sudo().search([("state", "=", "active")])
        return Domain.OR(hold._held_domain() for hold in holds) if holds else Domain.FALSE_DOMAIN

    def _compute_on_hold(self):
        held = (
            self.sudo()
            .with_context(active_test=False)
            .search(Domain.AND([[("id", "in", self.ids)], self._active_hold_domain()]))
        )
        for record in self:
            record.on_hold = record in held

    def _search_on_hold(self, operator, value):
        held = self._iso_boolean_search(self.env._("On Legal Hold"), operator, value)
        held_ids = self.sudo().with_context(active_test=False)._search(self._active_hold_domain())
        return [("id", "in" if held else "not in", held_ids)]

    def _compute_review_due(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.review_due = bool(
                record.state == "effective" and record.next_review_date and record.next_review_date <= today
            )

    def _search_review_due(self, operator, value):
        due = [("state", "=", "effective"), ("next_review_date", "<=", fields.Date.context_today(self))]
        return due if self._iso_boolean_search(self.env._("Review Due"), operator, value) else ["!", "&", *due]

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

    # ------------------------------------------------------------------
    # Training evidence and read-and-understood
    # ------------------------------------------------------------------
    @api.depends("owner_id", "employee_id", "record_type_id")
    def _compute_department_id(self):
        # A training belongs to the trained employee's department: their manager reads it.
        trainings = self.filtered(lambda record: record.is_training and record.employee_id.department_id)
        for record in trainings:
            record.department_id = record.employee_id.department_id
        return super(IsoRecord, self - trainings)._compute_department_id()

    @api.depends("training_valid_from", "employee_id", "record_type_id")
    def _compute_training_valid_to(self):
        trainings = self.filtered(
            lambda record: record.training_valid_from and record.employee_id and record.record_type_id.is_training
        )
        months = self.env["iso.competence.matrix"]._refresher_months(trainings.employee_id, trainings.record_type_id)
        for record in self:
            interval = months.get((record.employee_id.id, record.record_type_id.id)) if record in trainings else 0
            if interval:
                record.training_valid_to = record.training_valid_from + relativedelta(months=interval)
            else:
                record.training_valid_to = record.training_valid_to

    @api.constrains("training_valid_from", "training_valid_to")
    def _check_training_validity(self):
        for record in self:
            if (
                record.training_valid_from
                and record.training_valid_to
                and record.training_valid_to < record.training_valid_from
            ):
                raise ValidationError(
                    self.env._(
                        "%(to_field)s: %(record)s cannot end on %(valid_to)s, before its %(from_field)s "
                        "(%(valid_from)s).",
                        to_field=self._fields["training_valid_to"].string,
                        from_field=self._fields["training_valid_from"].string,
                        record=record.display_name,
                        valid_to=record.training_valid_to,
                        valid_from=record.training_valid_from,
                    )
                )

    def _check_training_ready(self, action):
        for record in self.filtered("is_training"):
            if not record.employee_id:
                raise UserError(
                    self.env._(
                        "%(field)s: %(action)s %(record)s needs the trained employee; a training record is "
                        "evidence of one person's competence.",
                        field=self._fields["employee_id"].string,
                        action=action,
                        record=record.display_name,
                    )
                )

    @api.depends_context("uid")
    def _compute_acknowledgement_pending(self):
        documents = self.filtered(
            lambda record: record.id and record.kind == "document" and record.state == "effective"
        )
        pending = set()
        if documents:
            groups = (
                self.env["iso.competence.matrix"]
                .sudo()
                ._read_group(
                    [
                        ("document_id", "in", documents.ids),
                        ("user_id", "=", self.env.uid),
                        ("document_required", "=", True),
                        ("acknowledgement_id", "=", False),
                    ],
                    ["document_id"],
                )
            )
            pending = {document.id for (document,) in groups}
        for record in self:
            record.acknowledgement_pending = record.id in pending

    @api.depends_context("uid")
    def _compute_acknowledgement_count(self):
        acknowledgements = self.env["iso.document.acknowledgement"]
        counts = {}
        if acknowledgements.has_access("read") and self.revision_id:
            counts = dict(
                acknowledgements._read_group(
                    [("revision_id", "in", self.revision_id.ids), ("state", "=", "acknowledged")],
                    ["revision_id"],
                    ["__count"],
                )
            )
        for record in self:
            record.acknowledgement_count = counts.get(record.revision_id, 0)

    def action_acknowledge(self):
        """The current user's employee has read and understood the revision in force."""
        self.ensure_one()
        self.env["iso.document.acknowledgement"]._acknowledge(self)
        return True

    def _iso_acknowledge_as(self, user_id):
        """Server-side read and understood for data files (never reachable over RPC)."""
        for record in self:
            record.with_user(user_id).action_acknowledge()

    def action_view_acknowledgements(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_document_acknowledgement_action")
        action["domain"] = [("document_reference", "=", self.name), ("company_id", "=", self.company_id.id)]
        action["context"] = {"search_default_group_by_revision": 1}
        return action

    def action_open_training_evaluation(self):
        self.ensure_one()
        label = self.env._("Evaluate effectiveness")
        self._check_training(label)
        self._check_manager(label)
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": "iso.training.evaluation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_record_id": self.id,
                "default_effectiveness": self.training_effectiveness,
                "default_note": self.training_effectiveness_note,
            },
        }

    def _check_training(self, action):
        for record in self:
            if not record.is_training:
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is not a training record (its type is not training evidence).",
                        action=action,
                        record=record.display_name,
                    )
                )

    def _iso_evaluate_training(self, effectiveness, note):
        """Record how effective the training was (ISO 9001 7.2 c), also on a filed, locked record."""
        label = self.env._("Evaluate effectiveness")
        self._check_training(label)
        self._check_manager(label)
        if effectiveness not in dict(TRAINING_EFFECTIVENESS):
            raise UserError(self.env._("Effectiveness: choose how effective the training was."))
        if effectiveness != "effective" and not (note or "").strip():
            raise UserError(
                self.env._(
                    "Effectiveness Evaluation: say why the training was %(value)s.",
                    value=dict(TRAINING_EFFECTIVENESS)[effectiveness].lower(),
                )
            )
        self._iso_workflow(self.env._("Training effectiveness evaluated")).write(
            {
                "training_effectiveness": effectiveness,
                "training_effectiveness_note": note,
                "training_evaluated_by_id": self.env.uid,
                "training_evaluation_date": fields.Date.context_today(self),
            }
        )
        return True

    def _iso_trail_reference(self):
        # Also the display name; called directly on hot paths to skip the field machinery.
        revision = f" rev. {self.revision_number}" if self.kind == "document" else ""
        return f"{self.name or ''}{revision} {self.title or ''}".strip()

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._iso_in_workflow():
            for vals in vals_list:
                forced = sorted(name for name in WORKFLOW_FIELDS - {"name"} if vals.get(name) and name != "state")
                if vals.get("state", "draft") != "draft":
                    raise UserError(self.env._("State: a record starts as a draft; file or approve it afterwards."))
                if forced:
                    raise UserError(
                        self.env._(
                            "%(fields)s: set by the approval workflow, not on creation.",
                            fields=", ".join(self._fields[name].string for name in forced),
                        )
                    )
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
        for vals in vals_list:
            record_type = defaults.get(vals.get("record_type_id"))
            if not record_type:
                continue
            if not vals.get("name"):
                vals["name"] = next(references[record_type.id])
            if "retention_policy_id" not in vals or not self._iso_may_choose_retention():
                vals["retention_policy_id"] = record_type.retention_policy_id.id
            vals.setdefault("confidentiality", record_type.default_confidentiality)
            # Set here rather than by the compute: one relation insert for the whole batch.
            if "clause_ids" not in vals:
                vals["clause_ids"] = [Command.set(record_type.clause_ids.ids)]
        # The audit trail records creation; a chatter message per record would only repeat it.
        records = super(IsoRecord, self.with_context(mail_create_nolog=True)).create(vals_list)
        records = records.with_env(self.env)
        records._attach_uploaded_files()
        return records

    def write(self, vals):
        if not self._iso_in_workflow():
            forced = sorted(set(vals) & (WORKFLOW_FIELDS if self.env.su else WORKFLOW_FIELDS | {"author_id"}))
            if forced:
                labels = ", ".join(self._fields[name].string for name in forced)
                raise UserError(
                    self.env._(
                        "%(fields)s: set by the workflow buttons (Submit, Approve, File, Make obsolete, "
                        "Reviewed, Evaluate effectiveness), not written directly.",
                        fields=labels,
                    )
                )
            if "retention_policy_id" in vals and not self._iso_may_choose_retention():
                raise UserError(
                    self.env._("Retention Policy: only ISO administrators choose how long records are kept.")
                )
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_uploaded_files()
        if vals.get("state") in RETENTION_EVENT_OF_STATE:
            self._iso_start_retention(RETENTION_EVENT_OF_STATE[vals["state"]])
        return result

    def _iso_responsible_user(self):
        self.ensure_one()
        return self.owner_user_id or self.author_id

    def _iso_may_choose_retention(self):
        return self.env.su or self.env.user.has_group("iso_records.group_iso_administrator")

    def _attach_uploaded_files(self):
        """Files uploaded in the form arrive unattached (res_id 0); attach them so their access follows the record."""
        for record in self:
            unattached = record.attachment_ids.sudo().filtered(
                lambda attachment: not attachment.res_id and attachment.res_model in (False, "iso.record")
            )
            if unattached:
                unattached.write({"res_model": "iso.record", "res_id": record.id})

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self._iso_in_workflow():
            return
        for record in self:
            if record.state != "draft":
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s and cannot be deleted.",
                        record=record.display_name,
                        state=dict(RECORD_STATES)[record.state],
                    )
                )

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
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is %(state)s; this step needs it to be %(allowed)s.",
                        action=action,
                        record=record.display_name,
                        state=dict(RECORD_STATES)[record.state],
                        allowed=" or ".join(dict(RECORD_STATES)[state] for state in allowed),
                    )
                )

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
        if not self.env.user.has_group("iso_records.group_iso_manager"):
            raise UserError(self.env._("%(action)s: only ISO managers may do this.", action=action))

    def action_submit(self):
        self._check_kind("document", self.env._("Submit for review"))
        self._check_state(["draft"], self.env._("Submit for review"))
        self._check_has_content(self.env._("Submit for review"))
        for record in self:
            if record.revision_number > 1 and not (record.change_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Change Reason: revision %(number)s of %(record)s needs a reason for the change.",
                        number=record.revision_number,
                        record=record.name,
                    )
                )
        self._iso_workflow(self.env._("Submitted for review")).write({"state": "in_review"})
        for record in self:
            approver = record.department_id.manager_id.user_id
            if approver and approver != self.env.user:
                # The author may no longer write the record once it is in review.
                record.sudo().activity_schedule(
                    "iso_records.mail_activity_type_iso_approval",
                    user_id=approver.id,
                    summary=self.env._("Approve %s", record.display_name),
                )
        return True

    def action_back_to_draft(self):
        self._check_state(["in_review"], self.env._("Back to draft"))
        self._iso_workflow(self.env._("Sent back to draft")).write({"state": "draft"})
        self.sudo().activity_unlink(["iso_records.mail_activity_type_iso_approval"])
        return True

    def _open_signature_wizard(self, operation):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign"),
            "res_model": "iso.signature.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_record_id": self.id, "default_operation": operation},
        }

    def action_open_approve(self):
        self._check_kind("document", self.env._("Approve"))
        self._check_state(["in_review"], self.env._("Approve"))
        return self._open_signature_wizard("approve")

    def action_open_obsolete(self):
        self._check_kind("document", self.env._("Make obsolete"))
        self._check_state(["effective"], self.env._("Make obsolete"))
        return self._open_signature_wizard("obsolete")

    def action_file(self):
        self._check_kind("record", self.env._("File"))
        self._check_state(["draft"], self.env._("File"))
        self.ensure_one()
        self._check_training_ready(self.env._("Filing"))
        if self.record_type_id.approval_required:
            return self._open_signature_wizard("file")
        self._iso_file()
        return True

    def _iso_sign(self, operation, meaning, reason=None):
        """Apply ``operation`` and sign it as the current user, whose identity the caller has checked."""
        self.ensure_one()
        signer = self.env.user
        label = dict(SIGNATURE_OPERATIONS)[operation]
        if operation in ("approve", "obsolete"):
            self._check_manager(label)
        if operation == "approve":
            revision = self._iso_approve(signer)
        elif operation == "file":
            if signer not in (self.owner_user_id, self.author_id) and not signer.has_group(
                "iso_records.group_iso_manager"
            ):
                raise UserError(self.env._("File: only the owner, the author or an ISO manager may file this record."))
            self._check_kind("record", label)
            self._check_state(["draft"], label)
            revision = self._iso_file(signer)
        else:
            self._iso_make_obsolete(signer, reason)
            revision = self.revision_id
        signature = (
            self.env["iso.signature"]
            .sudo()
            .with_context(**{WORKFLOW_KEY: WORKFLOW})
            .create(
                {
                    "record_id": self.id,
                    "revision_id": revision.id,
                    "company_id": self.company_id.id,
                    "signer_id": signer.id,
                    "signer_name": signer.name,
                    "meaning": meaning,
                    "signed_at": fields.Datetime.now(),
                    "content_hash": revision.content_hash,
                    "reason": reason,
                }
            )
        )
        self._iso_trail_signature(signature)
        return signature

    def _iso_trail_signature(self, signature):
        self._iso_trail_log(
            "signature",
            {
                self.id: [
                    {
                        "field": "signature",
                        "label": self.env._("Signature"),
                        "old": None,
                        "new": {
                            "name": f"{signature.signer_name} ({signature.meaning})",
                            "meaning": signature.meaning,
                            "content_hash": signature.content_hash,
                            "revision": signature.revision_id.number,
                        },
                    }
                ]
            },
            reason=signature.reason or dict(SIGNATURE_MEANINGS)[signature.meaning],
        )

    def _iso_sign_as(self, user_id, operation, meaning, reason=None):
        """Server-side signing for data files and migrations (never reachable over RPC)."""
        for record in self:
            record.with_user(user_id)._iso_sign(operation, meaning, reason)

    def _iso_snapshot_revision(self, approver=None, effective_date=None):
        """Freeze the current content as an immutable revision."""
        self.ensure_one()
        attachments = self.attachment_ids.sudo()
        return (
            self.env["iso.record.revision"]
            .sudo()
            .with_context(**{WORKFLOW_KEY: WORKFLOW})
            .create(
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
        )

    def _iso_file(self, signer=None):
        self.ensure_one()
        self._check_has_content(self.env._("File"))
        self._check_training_ready(self.env._("Filing"))
        effective_date = self.effective_date or fields.Date.context_today(self)
        revision = self._iso_snapshot_revision(approver=signer, effective_date=effective_date)
        values = {"state": "filed", "revision_id": revision.id, "effective_date": effective_date}
        if self.is_training and not self.training_valid_from:
            values["training_valid_from"] = effective_date
        self._iso_workflow(self.env._("Filed as revision %s", self.revision_number)).write(values)
        return revision

    def _iso_approve(self, signer):
        self.ensure_one()
        action = self.env._("Approve")
        self._check_state(["in_review"], action)
        self._check_has_content(action)
        allow_self = iso_param(self.env, "allow_self_approval", False)
        if signer == self.author_id and not allow_self:
            raise UserError(
                self.env._(
                    "Approver: %(user)s is the author of %(record)s and cannot also approve it; "
                    "ask another manager (an administrator can allow self-approval in Settings).",
                    user=signer.name,
                    record=self.display_name,
                )
            )
        effective_date = self.effective_date or fields.Date.context_today(self)
        interval = self.record_type_id.review_interval_months
        revision = self._iso_snapshot_revision(approver=signer, effective_date=effective_date)
        self._iso_workflow(self.env._("Approved as revision %s", self.revision_number)).write(
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
            previous._iso_workflow(self.env._("Superseded by revision %s", self.revision_number)).write(
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
        self._check_state(["effective"], action)
        if not (reason or "").strip():
            raise UserError(self.env._("Reason: making %(record)s obsolete needs a reason.", record=self.display_name))
        self._iso_workflow(reason).write({"state": "obsolete", "next_review_date": False})
        self.activity_unlink(["iso_records.mail_activity_type_iso_review"])
        self.sudo().activity_unlink([READ_ACTIVITY])
        self.message_post(body=self.env._("Made obsolete by %(user)s: %(reason)s", user=signer.name, reason=reason))

    def action_new_revision(self):
        self.ensure_one()
        self._check_kind("document", self.env._("New revision"))
        self._check_state(["effective"], self.env._("New revision"))
        draft = self.search([("previous_record_id", "=", self.id)], limit=1)
        if not draft:
            draft = self._iso_workflow().copy(
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

    def action_reviewed_no_change(self):
        self._check_kind("document", self.env._("Reviewed, no change"))
        self._check_state(["effective"], self.env._("Reviewed, no change"))
        today = fields.Date.context_today(self)
        for record in self:
            if not (self.env.user.has_group("iso_records.group_iso_manager") or record.owner_user_id == self.env.user):
                raise UserError(
                    self.env._(
                        "Reviewed, no change: only the owner or an ISO manager may review %(record)s.",
                        record=record.display_name,
                    )
                )
            interval = record.record_type_id.review_interval_months
            # The owner may review a locked record that the record rules would not let them write.
            record.sudo()._iso_workflow(self.env._("Periodic review: no change")).write(
                {
                    "last_review_date": today,
                    "next_review_date": today + relativedelta(months=interval),
                }
            )
            record._iso_trail_log(
                "review", reason=self.env._("Reviewed, no change; next review %s", record.next_review_date)
            )
            record.sudo().activity_feedback(["iso_records.mail_activity_type_iso_review"])
            record.sudo().message_post(
                author_id=self.env.user.partner_id.id,
                body=self.env._(
                    "Periodic review by %(user)s: no change needed. Next review on %(date)s.",
                    user=self.env.user.name,
                    date=record.next_review_date,
                ),
            )
        return True

    # ------------------------------------------------------------------
    # Scheduled review reminders
    # ------------------------------------------------------------------
    @api.model
    def _cron_schedule_periodic_reviews(self):
        lead_days = iso_int_param(self.env, "review_lead_days", 30)
        horizon = fields.Date.context_today(self) + relativedelta(days=lead_days)
        candidates = self.search(
            [
                ("state", "=", "effective"),
                ("next_review_date", "!=", False),
                ("next_review_date", "<=", horizon),
            ]
        )
        return candidates._iso_schedule_once(
            "iso_records.mail_activity_type_iso_review",
            "next_review_date",
            "review_activity_date",
            lambda record: self.env._("Periodic review of %s", record.display_name),
        )

    # ------------------------------------------------------------------
    # Disposal (called by iso.disposal.batch on locked, due, unheld records)
    # ------------------------------------------------------------------
    @api.model
    def _iso_dispose(self, action, batch, lines):
        """Apply ``action`` to the records of ``lines`` (dicts from the batch) and write their trail."""
        record_ids = [line["record_id"] for line in lines]
        labels = dict(RETENTION_ACTIONS)
        reason = self.env._(
            "Disposal %(batch)s: %(action)s, approved by %(approver)s",
            batch=batch.name,
            action=labels[action].lower(),
            approver=batch.approver_name or self.env._("policy (no approval needed)"),
        )
        if action == "anonymise":
            self._iso_anonymise(record_ids)
            # The trail keeps the anonymised reference, never the name that was removed.
            self.env.cr.execute(
                "SELECT id, reference FROM iso_disposal_line WHERE id = ANY(%s)", [[line["line_id"] for line in lines]]
            )
            references = dict(self.env.cr.fetchall())
            lines = [dict(line, reference=references[line["line_id"]]) for line in lines]
        elif action == "purge_attachments":
            self._iso_purge_attachments(record_ids)
        self.env["iso.trail.event"].sudo()._append(
            [
                {
                    "res_model": self._name,
                    "res_id": line["record_id"],
                    "reference": line["reference"],
                    "event_type": "disposal",
                    "changes": [
                        {
                            "field": "disposal",
                            "label": self.env._("Disposal"),
                            "old": None,
                            "new": {
                                "action": action,
                                "batch": batch.name,
                                "policy": line["policy"],
                                "origin": line["origin"],
                                "content_hash": line["content_hash"],
                            },
                        }
                    ],
                    "reason": reason,
                    "company_id": line["company_id"],
                }
                for line in lines
            ]
        )
        if action == "delete":
            self._iso_delete_for_disposal(record_ids)
            return
        self.env.cr.execute(
            SQL(
                """UPDATE iso_record SET disposal_action = %(action)s, disposed_date = %(today)s,
                          disposal_batch_id = %(batch)s, active = CASE WHEN %(archive)s THEN false ELSE active END,
                          write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                    WHERE id = ANY(%(ids)s)""",
                action=action,
                today=fields.Date.context_today(self),
                batch=batch.id,
                archive=action == "archive",
                uid=self.env.uid,
                ids=record_ids,
            )
        )
        self.invalidate_model()

    def _iso_keep_from_disposal(self):
        """A new legal hold takes its records out of pending disposal lines. A sweep holding those lines
        makes this wait until its chunk commits; the hold then applies to what is left."""
        if self.ids:
            self.env.flush_all()
            self.env.cr.execute(
                """UPDATE iso_disposal_line SET state = 'held', note = %s
                   WHERE state = 'pending' AND record_id = ANY(%s)""",
                [self.env._("Kept: on legal hold"), self.ids],
            )
            self.env["iso.disposal.line"].invalidate_model(["state", "note"])

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

    def _iso_purge_attachments(self, record_ids):
        """Delete the files; the revisions keep their names, checksums and content hash."""
        attachments = self.env["ir.attachment"].sudo().browse(self._iso_disposal_attachment_ids(record_ids))
        attachments.with_context(**{WORKFLOW_KEY: WORKFLOW}).unlink()

    def _iso_anonymise(self, record_ids):
        """Remove the personal data of the linked employee: the link, their name in titles and bodies
        (of the record and of its revisions), and the named readers."""
        cr = self.env.cr
        cr.execute(
            """UPDATE iso_record_revision revision
                  SET title = replace(revision.title, employee.name, %(mark)s),
                      body_snapshot = replace(revision.body_snapshot, employee.name, %(mark)s)
                 FROM iso_record record JOIN hr_employee employee ON employee.id = record.employee_id
                WHERE revision.record_id = record.id AND record.id = ANY(%(ids)s)""",
            {"mark": ANONYMISED, "ids": record_ids},
        )
        cr.execute(
            """UPDATE iso_disposal_line line SET reference = replace(line.reference, employee.name, %(mark)s)
                 FROM iso_record record JOIN hr_employee employee ON employee.id = record.employee_id
                WHERE line.record_id = record.id AND record.id = ANY(%(ids)s)""",
            {"mark": ANONYMISED, "ids": record_ids},
        )
        cr.execute(
            """UPDATE iso_record record
                  SET title = replace(record.title, employee.name, %(mark)s),
                      body = replace(record.body, employee.name, %(mark)s)
                 FROM hr_employee employee
                WHERE employee.id = record.employee_id AND record.id = ANY(%(ids)s)""",
            {"mark": ANONYMISED, "ids": record_ids},
        )
        readers = self._fields["reader_user_ids"]
        cr.execute(
            SQL(
                "DELETE FROM %s WHERE %s = ANY(%s)",
                SQL.identifier(readers.relation),
                SQL.identifier(readers.column1),
                record_ids,
            )
        )
        cr.execute("UPDATE iso_record SET employee_id = NULL WHERE id = ANY(%s)", [record_ids])
        self.invalidate_model()
        self.env["iso.record.revision"].invalidate_model()
        self.env["iso.disposal.line"].invalidate_model()

    def _iso_delete_for_disposal(self, record_ids):
        """Delete records with their revisions, signatures and files; the trail keeps the tombstone."""
        sanctioned = {WORKFLOW_KEY: WORKFLOW}
        attachments = self.env["ir.attachment"].sudo().browse(self._iso_disposal_attachment_ids(record_ids))
        self.env["iso.signature"].sudo().with_context(**sanctioned).search([("record_id", "in", record_ids)]).unlink()
        self.env["iso.record.revision"].sudo().with_context(**sanctioned).search(
            [("record_id", "in", record_ids)]
        ).unlink()
        attachments.with_context(**sanctioned).unlink()
        self._iso_hand_over_shared_attachments(record_ids)
        # Later revisions lose their "Revises" link (ON DELETE SET NULL); the trail keeps the reference.
        self.sudo().with_context(active_test=False, **sanctioned).browse(record_ids).unlink()
