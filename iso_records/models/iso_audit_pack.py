import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import commit_batch, in_workflow, iso_int_param, one_record, workflow

_logger = logging.getLogger(__name__)

PACK_STATES = [
    ("draft", "Draft"),
    ("queued", "Queued"),
    ("running", "Building"),
    ("done", "Done"),
    ("failed", "Failed"),
]
PACK_GROUPS = "iso_records.group_iso_manager,iso_records.group_iso_auditor,iso_records.group_iso_administrator"
DEFAULT_SYNC_LIMIT = 200
# Advisory lock space (first key) for "one worker builds this pack": held by the worker's connection
# across its per-batch commits, so a worker that died leaves its pack free to be built again.
BUILD_LOCK_SPACE = 0x152
# Fields only the build writes.
BUILD_FIELDS = {
    "name",
    "requested_by_id",
    "state",
    "error",
    "progress_done",
    "progress_total",
    "attachment_id",
    "zip_sha256",
    "record_count",
    "file_count",
    "done_date",
}
SCOPE_FIELDS = {"company_id", "standard_id", "clause_ids", "date_from", "date_to", "department_ids"}


class IsoAuditPack(models.Model):
    """The evidence an auditor asks for, as one ZIP: the documents in force at the end of a period, the
    records of the period with their files, their trail and the last trail verification, an index PDF
    and a SHA-256 manifest. What goes in comes from ``_iso_audit_pack_sources``, which each addon extends;
    the ZIP is written by iso_audit_pack_builder.py, its index by iso_audit_pack_index.py."""

    _name = "iso.audit.pack"
    _description = "ISO Audit Pack"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", readonly=True, default="/", copy=False)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    standard_id = fields.Many2one("iso.standard", required=True, tracking=True)
    clause_ids = fields.Many2many(
        "iso.clause",
        string="Clauses",
        domain="[('standard_id', '=', standard_id)]",
        help="The clauses the pack covers, their sub-clauses included; empty for the whole standard.",
    )
    date_from = fields.Date(string="Period From", required=True, tracking=True)
    date_to = fields.Date(
        string="Period To",
        required=True,
        tracking=True,
        help="Documents are packed as the revision in force on this day; records filed in the period.",
    )
    department_ids = fields.Many2many(
        "hr.department", string="Departments", check_company=True, help="Empty for every department."
    )
    requested_by_id = fields.Many2one(
        "res.users", string="Requested by", readonly=True, index=True, default=lambda self: self.env.user
    )
    state = fields.Selection(PACK_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    error = fields.Text(readonly=True, help="Why the last build failed.")
    progress_done = fields.Integer(string="Records Packed", readonly=True)
    progress_total = fields.Integer(string="Records in Scope", readonly=True)
    progress = fields.Float(compute="_compute_progress", help="Percentage of the records packed.")
    attachment_id = fields.Many2one("ir.attachment", string="ZIP", readonly=True, copy=False)
    zip_sha256 = fields.Char(string="ZIP SHA-256", readonly=True, copy=False)
    record_count = fields.Integer(string="Records", readonly=True, copy=False)
    file_count = fields.Integer(string="Files", readonly=True, copy=False)
    done_date = fields.Datetime(string="Built at (UTC)", readonly=True, copy=False)

    @api.depends("progress_done", "progress_total", "state")
    def _compute_progress(self):
        for pack in self:
            if pack.state == "done":
                pack.progress = 100.0
            elif pack.progress_total:
                pack.progress = min(100.0, 100.0 * pack.progress_done / pack.progress_total)
            else:
                pack.progress = 0.0

    @api.depends("name", "standard_id", "date_to")
    def _compute_display_name(self):
        for pack in self:
            pack.display_name = pack.name if pack.name and pack.name != "/" else self.env._("New audit pack")

    # ------------------------------------------------------------------
    # Input checks
    # ------------------------------------------------------------------
    @api.constrains("date_from", "date_to")
    def _check_period(self):
        today = fields.Date.context_today(self)
        for pack in self:
            if pack.date_from and pack.date_to and pack.date_from > pack.date_to:
                raise ValidationError(
                    self.env._(
                        "Period: From (%(start)s) must be on or before To (%(end)s).",
                        start=pack.date_from,
                        end=pack.date_to,
                    )
                )
            if pack.date_to and pack.date_to > today:
                raise ValidationError(
                    self.env._(
                        "Period To: %(end)s is after today (%(today)s); a pack shows what was in force, so its "
                        "period ends today at the latest.",
                        end=pack.date_to,
                        today=today,
                    )
                )

    @api.constrains("standard_id", "clause_ids")
    def _check_clauses_of_standard(self):
        for pack in self:
            stray = pack.clause_ids.filtered(lambda clause, pack=pack: clause.standard_id != pack.standard_id)
            if stray:
                raise ValidationError(
                    self.env._(
                        "Clauses: %(clauses)s belong to another standard than %(standard)s, the pack's Standard.",
                        clauses=", ".join(stray.mapped("display_name")),
                        standard=pack.standard_id.display_name,
                    )
                )

    @api.constrains("company_id", "department_ids")
    def _check_departments_company(self):
        # As superuser: a department of another company is one its user cannot even read.
        for pack in self.sudo():
            stray = pack.department_ids.filtered(
                lambda department, pack=pack: department.company_id and department.company_id != pack.company_id
            )
            if stray:
                raise ValidationError(
                    self.env._(
                        "Departments: %(departments)s belong to another company than %(company)s, the pack's company.",
                        departments=", ".join(stray.mapped("display_name")),
                        company=pack.company_id.display_name,
                    )
                )

    def _check_may_pack(self):
        if not self.env.su and not self.env.user.has_groups(PACK_GROUPS):
            raise AccessError(
                self.env._("Audit packs: only ISO auditors, managers and administrators build audit packs.")
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self._check_may_pack()
        if not in_workflow(self.env):
            for vals in vals_list:
                for name in BUILD_FIELDS & set(vals):
                    vals.pop(name)
                vals["requested_by_id"] = self.env.uid
        sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            vals["name"] = sequence.next_by_code("iso.audit.pack") or "/"
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow(self.env):
            refused = BUILD_FIELDS & set(vals)
            if refused:
                raise UserError(
                    self.env._(
                        "%(fields)s: set by building the pack, not by hand.",
                        fields=", ".join(self._fields[name].string for name in sorted(refused)),
                    )
                )
            if SCOPE_FIELDS & set(vals):
                started = self.filtered(lambda pack: pack.state not in ("draft", "failed"))
                if started:
                    raise UserError(
                        self.env._(
                            "%(pack)s: its scope is fixed once it is built or queued; create a new pack instead.",
                            pack=started[0].display_name,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_building(self):
        building = self.filtered(lambda pack: pack.state in ("queued", "running"))
        if building:
            raise UserError(
                self.env._("%(pack)s is being built and cannot be deleted now.", pack=building[0].display_name)
            )

    def unlink(self):
        attachments = self.sudo().attachment_id
        result = super().unlink()
        attachments.unlink()
        return result

    # ------------------------------------------------------------------
    # Scope: the sources each addon extends
    # ------------------------------------------------------------------
    @api.model
    def _iso_audit_pack_sources(self):
        """What goes into a pack: a list of dicts

        - ``key`` (unique), ``label``, ``sequence``, ``model``;
        - ``method``: name of a method of this model, called on the pack, returning the domain of the
          records of ``model`` in the pack's period and clauses; the pack adds its company and departments
          and searches as the requesting user;
        - ``kind``: ``document`` (packed as the revision in force) or ``record``;
        - ``content`` (optional): name of a method of this model called with a batch of records and
          returning ``{record id: {"name": file name, "data": bytes, "hash": content hash}}``; by default
          the record's fields as JSON.
        """
        return [
            {
                "key": "documents",
                "label": self.env._("Documents in force"),
                "sequence": 10,
                "model": "iso.record",
                "method": "_iso_audit_pack_documents_domain",
                "kind": "document",
            },
            {
                "key": "records",
                "label": self.env._("Operational records"),
                "sequence": 20,
                "model": "iso.record",
                "method": "_iso_audit_pack_records_domain",
                "kind": "record",
            },
        ]

    def _iso_audit_pack_clause_ids(self):
        """The clauses in scope, sub-clauses included: those chosen, or every clause of the standard."""
        self.ensure_one()
        clauses = self.env["iso.clause"].sudo().with_context(active_test=False)
        if self.clause_ids:
            return clauses.search([("id", "child_of", self.clause_ids.ids)]).ids
        return clauses.search([("standard_id", "=", self.standard_id.id)]).ids

    def _iso_audit_pack_period_end(self):
        """The first instant after the period, for datetime fields (UTC)."""
        return fields.Datetime.to_datetime(self.date_to) + timedelta(days=1)

    def _iso_audit_pack_documents_domain(self):
        """The documents in force at the end of the period: of each document, the last approved revision that
        took effect on or before that day, unless the document was made obsolete by then."""
        in_force = SQL(
            """(SELECT in_force.record_id FROM (
                   SELECT DISTINCT ON (revision.name, revision.company_id) revision.record_id
                     FROM iso_record_revision revision
                     JOIN iso_record record ON record.id = revision.record_id
                    WHERE record.kind = 'document' AND revision.approver_id IS NOT NULL
                      AND revision.company_id = %(company)s AND revision.effective_date <= %(end)s
                 ORDER BY revision.name, revision.company_id, revision.effective_date DESC, revision.number DESC
               ) in_force
               WHERE NOT EXISTS (
                   SELECT 1 FROM iso_trail_event event
                    WHERE event.res_model = 'iso.record' AND event.res_id = in_force.record_id
                      AND event.event_type = 'state' AND event.changes LIKE %(obsolete)s
                      AND event.event_time < %(after_end)s))""",
            company=self.company_id.id,
            end=self.date_to,
            obsolete='%"new": "obsolete"%',
            after_end=self._iso_audit_pack_period_end(),
        )
        records = self.env["iso.record"]
        return [
            ("kind", "=", "document"),
            ("id", "in", in_force),
            *records._iso_clause_domain(self._iso_audit_pack_clause_ids()),
        ]

    def _iso_audit_pack_records_domain(self):
        records = self.env["iso.record"]
        return [
            ("kind", "=", "record"),
            ("state", "=", "filed"),
            ("effective_date", ">=", self.date_from),
            ("effective_date", "<=", self.date_to),
            *records._iso_clause_domain(self._iso_audit_pack_clause_ids()),
        ]

    def _iso_audit_pack_source_domain(self, source):
        """The source's domain with the pack's company and departments."""
        model = self.env[source["model"]]
        domain = [*getattr(self, source["method"])(), ("company_id", "=", self.company_id.id)]
        if self.department_ids and "department_id" in model._fields:
            domain.append(("department_id", "child_of", self.department_ids.ids))
        return domain

    def _iso_audit_pack_scope(self):
        """[(source, records)] in scope, as the current user sees them (call it as the requester)."""
        self.ensure_one()
        scope = []
        for source in sorted(self._iso_audit_pack_sources(), key=lambda source: source.get("sequence", 100)):
            model = self.env[source["model"]]
            if not model.has_access("read"):
                continue
            scope.append((source, model.search(self._iso_audit_pack_source_domain(source), order="id")))
        return scope

    def _iso_audit_pack_count(self):
        self.ensure_one()
        total = 0
        for source in self._iso_audit_pack_sources():
            model = self.env[source["model"]]
            if model.has_access("read"):
                total += model.search_count(self._iso_audit_pack_source_domain(source))
        return total

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------
    def _as_requester(self):
        """The pack as its requester sees it: their access rules decide what goes in."""
        self.ensure_one()
        requester = self.requested_by_id
        return self.with_user(requester).with_context(allowed_company_ids=self.company_id.ids)

    def action_build(self):
        """Build a small pack at once; queue a large one for the background worker."""
        pack = one_record(self, self.env._("Build"))
        pack._check_may_pack()
        if pack.state not in ("draft", "failed"):
            raise UserError(
                self.env._(
                    "%(pack)s is %(state)s: only a draft or failed pack is built.",
                    pack=pack.name,
                    state=dict(PACK_STATES)[pack.state].lower(),
                )
            )
        if pack.requested_by_id != self.env.user and not self.env.su:
            raise UserError(self.env._("%(pack)s: only its requester builds it.", pack=pack.name))
        total = pack._as_requester()._iso_audit_pack_count()
        if total > iso_int_param(self.env, "audit_pack_sync_limit", DEFAULT_SYNC_LIMIT):
            workflow(pack).write({"state": "queued", "error": False, "progress_done": 0, "progress_total": total})
            self.env.ref("iso_records.ir_cron_iso_audit_pack")._trigger()
            pack.message_post(
                body=self.env._(
                    "%(count)s records: the pack is built in the background; you get a message when it is ready.",
                    count=total,
                )
            )
            return True
        try:
            with self.env.cr.savepoint():
                pack._as_requester()._iso_build(commit=False)
        except (UserError, AccessError, ValidationError, OSError) as error:
            pack.invalidate_recordset()
            workflow(pack).write({"state": "failed", "error": str(error)})
        return True

    def action_download(self):
        pack = one_record(self, self.env._("Download"))
        if pack.state != "done" or not pack.attachment_id:
            raise UserError(self.env._("%(pack)s is not built yet: there is nothing to download.", pack=pack.name))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{pack.attachment_id.id}?download=true",
            "target": "self",
        }

    @api.model
    def _cron_build_queued(self):
        """Build the queued packs one by one, each as its requester. A pack is taken with FOR UPDATE SKIP
        LOCKED and kept by an advisory lock of this worker's connection across the per-batch commits: a
        second worker takes another pack, and a pack whose worker died is found building but unlocked,
        and is built again from the start."""
        cr = self.env.cr
        skipped = []
        while True:
            self.env.flush_all()
            cr.execute(
                """SELECT id FROM iso_audit_pack WHERE state IN ('queued', 'running') AND NOT (id = ANY(%s))
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                [skipped],
            )
            row = cr.fetchone()
            if not row:
                return
            pack_id = row[0]
            cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [BUILD_LOCK_SPACE, pack_id])
            if not cr.fetchone()[0]:
                skipped.append(pack_id)
                continue
            try:
                self.browse(pack_id)._build_in_background()
            finally:
                cr.execute("SELECT pg_advisory_unlock(%s, %s)", [BUILD_LOCK_SPACE, pack_id])
            skipped.append(pack_id)

    def _build_in_background(self):
        self.ensure_one()
        cr = self.env.cr
        pack = self.sudo()
        workflow(pack).write({"state": "running", "error": False, "progress_done": 0})
        commit_batch(cr)
        try:
            with self._iso_build_transaction():
                pack._as_requester()._iso_build(commit=True)
        except Exception as error:  # noqa: BLE001 - any failure leaves the pack failed, with why
            _logger.exception("Audit pack %s failed", pack.name)
            self.env.invalidate_all()
            pack = self.sudo()
            workflow(pack).write({"state": "failed", "error": str(error) or type(error).__name__})
            pack._iso_notify_requester(
                self.env._("The audit pack %(pack)s could not be built: %(error)s", pack=pack.name, error=str(error))
            )
        commit_batch(cr)

    @contextmanager
    def _iso_build_transaction(self):
        """Undo a failed background build: a rollback in production (its batches were committed, only the
        last one is undone), a savepoint under test, where nothing is committed and a rollback is refused."""
        if getattr(threading.current_thread(), "testing", False):
            with self.env.cr.savepoint():
                yield
            return
        try:
            yield
        except Exception:
            self.env.cr.rollback()
            raise

    def _iso_notify_requester(self, body):
        """Tell the requester (the message comes from OdooBot: Odoo notifies nobody of their own posts)."""
        self.ensure_one()
        self.with_user(SUPERUSER_ID).message_post(
            body=body,
            author_id=self.env.ref("base.partner_root").id,
            partner_ids=self.requested_by_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _iso_progress(self, done, total, commit):
        workflow(self.sudo()).write({"progress_done": done, "progress_total": total})
        if commit:
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(total - done, 0))
            commit_batch(self.env.cr)

    def _iso_check_pack_access(self):
        """The pack as its requester: refuse when they may no longer build packs."""
        if not self.requested_by_id.has_groups(PACK_GROUPS):
            raise AccessError(
                self.env._(
                    "%(user)s may no longer build audit packs (ISO auditors, managers and administrators do).",
                    user=self.requested_by_id.name,
                )
            )
