import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import commit_batch, iso_int_param, iso_param, one_record, workflow

_logger = logging.getLogger(__name__)

BATCH_STATES = [
    ("to_approve", "To Approve"),
    ("approved", "Approved"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
DEFAULT_CHUNK_SIZE = 5000
ANALYZE_AFTER_LINES = 10000
# Advisory lock space for "one collection per company at a time".
COLLECT_LOCK_SPACE = 0x151
MAX_SERIALIZATION_RETRIES = 5


class IsoDisposalBatch(models.Model):
    """Records whose retention ended, collected by the daily sweep, approved, then disposed."""

    _name = "iso.disposal.batch"
    _description = "ISO Disposal Batch"
    _inherit = ["iso.evidence.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _iso_evidence_workflow_may = ("create", "write")
    _iso_evidence_free_prefixes = ("message_", "activity_")

    name = fields.Char(string="Reference", required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(BATCH_STATES, required=True, default="to_approve", readonly=True, tracking=True)
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, help="Who collected the batch by hand; empty when the daily sweep did."
    )
    approval_required = fields.Boolean(readonly=True)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, tracking=True)
    approver_name = fields.Char(readonly=True, help="The approver's name as it was when signing.")
    approved_date = fields.Datetime(string="Approved at (UTC)", readonly=True)
    approval_hash = fields.Char(
        readonly=True, help="SHA-256 over the lines (reference, action, content hash) as they were approved."
    )
    decision_reason = fields.Text(readonly=True)
    done_date = fields.Datetime(string="Completed at (UTC)", readonly=True)
    line_ids = fields.One2many("iso.disposal.line", "batch_id", string="Lines", readonly=True)
    line_count = fields.Integer(string="Records", compute="_compute_counts")
    pending_count = fields.Integer(string="Pending", compute="_compute_counts")
    done_count = fields.Integer(string="Disposed", compute="_compute_counts")
    held_count = fields.Integer(string="Kept (hold)", compute="_compute_counts")
    cancelled_count = fields.Integer(string="Cancelled", compute="_compute_counts")

    _check_company_auto = True

    def _iso_evidence_origin(self):
        return self.env._(
            "batches are collected by the retention sweep or the Collect button; a batch changes only by "
            "approving, rejecting or applying it."
        )

    def _compute_counts(self):
        counts = {
            (batch.id, state): count
            for batch, state, count in self.env["iso.disposal.line"]._read_group(
                [("batch_id", "in", self.ids)], ["batch_id", "state"], ["__count"]
            )
        }
        for batch in self:
            batch.pending_count = counts.get((batch.id, "pending"), 0)
            batch.done_count = counts.get((batch.id, "done"), 0)
            batch.held_count = counts.get((batch.id, "held"), 0)
            batch.cancelled_count = counts.get((batch.id, "cancelled"), 0)
            batch.line_count = batch.pending_count + batch.done_count + batch.held_count + batch.cancelled_count

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _disposal_cutoff(self):
        """Records kept until a day before this one are due: the retention period plus the grace days passed."""
        return fields.Date.context_today(self) - timedelta(days=iso_int_param(self.env, "retention_grace_days", 30))

    @api.model
    def _active_holds_sql(self, model):
        return model._iso_held_query().subselect()

    @api.model
    def _collect_model(self, model, company, batch):
        """Insert the lines of ``model``'s due, unheld records of ``company``; returns how many."""
        cr = self.env.cr
        held = self._active_holds_sql(model)
        common = SQL(
            """%(batch)s, r.company_id, %(model)s, r.id, %(reference)s, %(record_type)s, r.retention_start_date,
               r.retention_until, %(content_hash)s, r.confidentiality, 'pending',
               %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'""",
            batch=batch.id,
            model=model._name,
            reference=model._iso_disposal_reference_sql(),
            record_type=model._iso_disposal_record_type_sql(),
            content_hash=model._iso_disposal_content_hash_sql(),
            uid=self.env.uid,
        )
        columns = SQL(
            """batch_id, company_id, res_model, res_id, reference, record_type_id, retention_start_date,
               retention_until, content_hash, confidentiality, state, create_uid, create_date, write_uid,
               write_date, policy_id, action, origin"""
        )
        table = SQL.identifier(model._table)
        cr.execute(
            SQL(
                """INSERT INTO iso_disposal_line (%(columns)s)
                   SELECT %(common)s, r.retention_policy_id, p.action, 'retention'
                     FROM %(table)s r
                     JOIN iso_retention_policy p ON p.id = r.retention_policy_id
                    WHERE r.company_id = %(company)s AND r.retention_until < %(cutoff)s AND r.disposed_date IS NULL
                      AND r.id NOT IN %(held)s
                 ORDER BY r.id
              ON CONFLICT (res_model, res_id, action) WHERE state IN ('pending', 'done') DO NOTHING""",
                columns=columns,
                common=common,
                table=table,
                company=company.id,
                cutoff=self._disposal_cutoff(),
                held=held,
            )
        )
        collected = cr.rowcount
        years = iso_int_param(self.env, "anonymise_departed_years", 0)
        if years:
            departed_before = fields.Date.context_today(self) - timedelta(days=round(365.25 * years))
            cr.execute(
                SQL(
                    """INSERT INTO iso_disposal_line (%(columns)s)
                       SELECT %(common)s, NULL, 'anonymise', 'departed'
                         FROM %(table)s r
                         JOIN hr_employee e ON e.id = r.employee_id
                        WHERE r.company_id = %(company)s
                          AND coalesce(e.departure_date, CASE WHEN NOT e.active THEN e.write_date::date END)
                              < %(departed_before)s
                          AND r.id NOT IN %(held)s
                     ORDER BY r.id
                  ON CONFLICT (res_model, res_id, action) WHERE state IN ('pending', 'done') DO NOTHING""",
                    columns=columns,
                    common=common,
                    table=table,
                    company=company.id,
                    departed_before=departed_before,
                    held=held,
                )
            )
            collected += cr.rowcount
        return collected

    # ------------------------------------------------------------------
    # Collection
    # ------------------------------------------------------------------
    @api.model
    def _collect(self, company, requested_by=None):
        """Collect the due, unheld records of ``company`` into a new batch; an empty recordset when none."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [COLLECT_LOCK_SPACE, company.id])
        if not cr.fetchone()[0]:
            _logger.info("Disposal collection for %s is running elsewhere; skipped.", company.name)
            return self.browse()
        batch = (
            workflow(self.sudo())
            .with_context(mail_create_nolog=True, mail_create_nosubscribe=True)
            .create({"company_id": company.id, "requested_by_id": requested_by.id if requested_by else False})
        )
        collected = 0
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            collected += self._collect_model(self.env[model_name], company, batch)
        if not collected:
            cr.execute("DELETE FROM iso_disposal_batch WHERE id = %s", [batch.id])
            batch.invalidate_recordset()
            return self.browse()
        if collected > ANALYZE_AFTER_LINES:
            # Fresh statistics, so that the sweep's queries on these lines use the pending-lines index.
            cr.execute("ANALYZE iso_disposal_line")
        batch.invalidate_recordset()
        self.env["iso.disposal.line"].invalidate_model()
        cr.execute(
            """SELECT bool_or(coalesce(p.approval_required, false)) FROM iso_disposal_line l
               LEFT JOIN iso_retention_policy p ON p.id = l.policy_id WHERE l.batch_id = %s""",
            [batch.id],
        )
        some_policy_requires = bool(cr.fetchone()[0])
        needs_approval = iso_param(self.env, "disposal_approval", "always") == "always" or some_policy_requires
        sequence = self.env["ir.sequence"].sudo().with_company(company)
        workflow(batch).write(
            {
                "name": sequence.next_by_code("iso.disposal.batch") or "/",
                "approval_required": needs_approval,
                "state": "to_approve" if needs_approval else "approved",
            }
        )
        if needs_approval:
            batch._schedule_approval_activities()
        else:
            batch.message_post(body=self.env._("No approval needed: every policy in this batch allows it."))
        return batch.with_env(self.env)

    def _schedule_approval_activities(self):
        administrators = self.env["iso.trail.verification"]._administrators()
        for batch in self:
            for user in administrators.filtered(lambda user, batch=batch: batch.company_id in user.company_ids):
                batch.activity_schedule(
                    "iso_records.mail_activity_type_iso_disposal_approval",
                    user_id=user.id,
                    summary=self.env._(
                        "Approve disposal %(batch)s (%(count)s records)", batch=batch.name, count=batch.line_count
                    ),
                )

    def action_collect_now(self):
        """Collect now what the daily sweep would, in each company selected, and say what was collected."""
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise UserError(self.env._("Collect: only ISO administrators collect records for disposal."))
        batches = self.browse()
        for company in self.env.companies:
            batches |= self.with_company(company)._collect(company, requested_by=self.env.user)
        return batches.with_env(self.env)._collect_notification()

    def _collect_notification(self):
        """The notification telling what a collection made of these batches, which it then opens."""
        if not self:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Nothing to collect"),
                    "message": self.env._("Nothing is due for disposal today."),
                    "type": "info",
                    "sticky": False,
                },
            }
        self.env.cr.execute(
            "SELECT count(*), count(DISTINCT (res_model, res_id)) FROM iso_disposal_line WHERE batch_id = ANY(%s)",
            [self.ids],
        )
        lines, records = self.env.cr.fetchone()
        message = self.env._(
            "Collected %(records)s into %(batches)s (%(lines)s).",
            records=self.env._("1 record") if records == 1 else self.env._("%s records", records),
            batches=self.env._("1 disposal batch") if len(self) == 1 else self.env._("%s disposal batches", len(self)),
            lines=self.env._("1 line") if lines == 1 else self.env._("%s lines", lines),
        )
        if len(self) == 1:
            opened = {"res_id": self.id, "views": [(False, "form")]}
        else:
            opened = {"domain": [("id", "in", self.ids)], "views": [(False, "list"), (False, "form")]}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Collected for disposal"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Disposal Batches"),
                    "res_model": self._name,
                    "target": "current",
                    **opened,
                },
            },
        }

    @api.model
    def _collect_for(self, company_id):
        """Server-side collection for data files, as the daily sweep makes it (never reachable over RPC)."""
        company = self.env["res.company"].browse(company_id)
        return self.with_company(company)._collect(company)

    # ------------------------------------------------------------------
    # Approval
    # ------------------------------------------------------------------
    def action_open_decision(self):
        one_record(self, self.env._("Open decision"))
        self._check_can_decide()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve disposal"),
            "res_model": "iso.disposal.approval.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_batch_id": self.id},
        }

    def _check_can_decide(self):
        self.ensure_one()
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise UserError(self.env._("Approve: only ISO administrators approve disposals."))
        if self.state != "to_approve":
            raise UserError(
                self.env._(
                    "%(batch)s is %(state)s; only batches to approve can be approved or rejected.",
                    batch=self.name,
                    state=dict(BATCH_STATES)[self.state],
                )
            )

    def _approval_hash(self):
        self.env.cr.execute(
            """SELECT encode(sha256(convert_to(coalesce(string_agg(
                   concat_ws('|', id, reference, action, coalesce(content_hash, '')), E'\\n' ORDER BY id), ''),
                   'UTF8')), 'hex')
               FROM iso_disposal_line WHERE batch_id = %s""",
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    def _approve(self, reason=None):
        """Approve as the current user, whose password the caller has checked."""
        self._check_can_decide()
        signer = self.env.user
        allow_self = iso_param(self.env, "disposal_self_approval", False)
        if self.requested_by_id == signer and not allow_self:
            raise UserError(
                self.env._(
                    "Approver: %(user)s collected %(batch)s and cannot also approve it; ask another ISO "
                    "administrator (Settings can allow it).",
                    user=signer.name,
                    batch=self.name,
                )
            )
        workflow(self.sudo()).write(
            {
                "state": "approved",
                "approver_id": signer.id,
                "approver_name": signer.name,
                "approved_date": fields.Datetime.now(),
                "approval_hash": self._approval_hash(),
                "decision_reason": reason,
            }
        )
        self.sudo().activity_feedback(["iso_records.mail_activity_type_iso_disposal_approval"])
        self.message_post(
            body=self.env._(
                "Approved with an electronic signature by %(user)s. Lines hash: %(hash)s",
                user=signer.name,
                hash=self.approval_hash,
            )
        )
        self.env.ref("iso_records.ir_cron_iso_disposal").sudo()._trigger()

    def _approve_as(self, user_id, reason=None):
        """Server-side approval for data files (never reachable over RPC): signed by ``user_id``, whose
        password is not asked, as _iso_sign_as signs records."""
        for batch in self:
            batch.with_user(user_id)._approve(reason)

    def _reject(self, reason):
        self._check_can_decide()
        if not (reason or "").strip():
            raise UserError(self.env._("Reason: rejecting a disposal needs a reason."))
        self.env.cr.execute(
            "UPDATE iso_disposal_line SET state = 'cancelled', note = %s WHERE batch_id = %s AND state = 'pending'",
            [self.env._("Rejected"), self.id],
        )
        self.env["iso.disposal.line"].invalidate_model(["state", "note"])
        workflow(self.sudo()).write({"state": "cancelled", "decision_reason": reason})
        self.sudo().activity_unlink(["iso_records.mail_activity_type_iso_disposal_approval"])
        self.message_post(
            body=self.env._(
                "Rejected by %(user)s: %(reason)s. The records come due again at the next sweep; place a legal "
                "hold or change their policy to keep them.",
                user=self.env.user.name,
                reason=reason,
            )
        )

    # ------------------------------------------------------------------
    # Applying
    # ------------------------------------------------------------------
    def action_dispose_now(self):
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise UserError(self.env._("Dispose: only ISO administrators apply disposals."))
        for batch in self:
            if batch.state != "approved":
                raise UserError(self.env._("%s must be approved before anything is disposed.", batch.name))
            batch.sudo()._apply(commit=False)
        return True

    def _apply(self, commit=True):
        """Dispose the pending lines chunk by chunk; with ``commit``, one transaction per chunk.

        Safe to run again after a crash and beside another worker: a chunk takes its lines
        with FOR UPDATE SKIP LOCKED and marks them done in the same transaction as the disposal.
        """
        self.ensure_one()
        cr = self.env.cr
        chunk_size = iso_int_param(self.env, "disposal_chunk_size", DEFAULT_CHUNK_SIZE) or DEFAULT_CHUNK_SIZE
        done = retries = 0
        # Progress is an estimate from one count: another worker's lines, or a hold's, only make it lower.
        pending = self._pending_count()
        while True:
            try:
                processed = self._apply_chunk(chunk_size)
            except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable, pg_errors.DeadlockDetected):
                if not commit or retries >= MAX_SERIALIZATION_RETRIES:
                    raise
                retries += 1
                cr.rollback()
                self.env.invalidate_all()
                continue
            if not processed:
                break
            retries = 0
            done += processed
            if commit:
                commit_batch(cr)
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(pending - done, 0))
        self._finish()
        if commit:
            commit_batch(cr)
        return done

    def _pending_count(self):
        self.env.cr.execute(
            "SELECT count(*) FROM iso_disposal_line WHERE batch_id = %s AND state = 'pending'", [self.id]
        )
        return self.env.cr.fetchone()[0]

    def _finish(self):
        # Wait for a worker that is closing the batch rather than give up on it: that worker may have seen
        # this one's last lines still pending and left the batch open. If it closed the batch meanwhile,
        # the lock fails as a serialization failure; otherwise the count below sees every committed line.
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("SET LOCAL lock_timeout = '30s'")
                self.env.cr.execute("SELECT id FROM iso_disposal_batch WHERE id = %s FOR NO KEY UPDATE", [self.id])
        except (pg_errors.SerializationFailure, pg_errors.LockNotAvailable):
            return  # another worker closed the batch, or is still holding it: the next run closes it
        self.invalidate_recordset()
        if self.state == "approved" and not self._pending_count():
            workflow(self).write({"state": "done", "done_date": fields.Datetime.now()})
            self.message_post(
                body=self.env._(
                    "Disposal complete: %(done)s disposed, %(held)s kept under legal hold, %(cancelled)s cancelled.",
                    done=self.done_count,
                    held=self.held_count,
                    cancelled=self.cancelled_count,
                )
            )

    def _apply_chunk(self, chunk_size):
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """SELECT l.id, l.res_model, l.res_id, l.action, l.origin, l.reference, l.content_hash, l.company_id,
                      p.name->>'en_US', l.confidentiality
                 FROM iso_disposal_line l
            LEFT JOIN iso_retention_policy p ON p.id = l.policy_id
                WHERE l.batch_id = %s AND l.state = 'pending'
             ORDER BY l.id LIMIT %s
                  FOR UPDATE OF l SKIP LOCKED""",
            [self.id, chunk_size],
        )
        rows = cr.fetchall()
        if not rows:
            return 0
        cutoff = self._disposal_cutoff()
        outcome = {"held": [], "gone": [], "not_due": []}
        to_dispose = {}
        controlled = set(self.env["iso.controlled.mixin"]._iso_controlled_model_names())
        by_model = {}
        for row in rows:
            by_model.setdefault(row[1], []).append(row)
        for model_name, model_rows in by_model.items():
            if model_name not in controlled:
                outcome["gone"].extend(row[0] for row in model_rows)
                continue
            model = self.env[model_name]
            table = SQL.identifier(model._table)
            # Lock the records too: an edit or a second disposal of the same record waits for this chunk.
            cr.execute(
                SQL(
                    "SELECT id, retention_until FROM %s WHERE id = ANY(%s) ORDER BY id FOR UPDATE",
                    table,
                    [row[2] for row in model_rows],
                )
            )
            until_of = dict(cr.fetchall())
            # Holds are read after the locks, in this transaction: a hold committed before now wins.
            cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id = ANY(%s) AND id IN %s",
                    table,
                    list(until_of),
                    self._active_holds_sql(model),
                )
            )
            held = {row[0] for row in cr.fetchall()}
            for (
                line_id,
                __,
                record_id,
                action,
                origin,
                reference,
                content_hash,
                company_id,
                policy,
                secrecy,
            ) in model_rows:
                until = until_of.get(record_id)
                if record_id not in until_of:
                    outcome["gone"].append(line_id)
                elif record_id in held:
                    outcome["held"].append(line_id)
                elif origin == "retention" and not (until and until < cutoff):
                    outcome["not_due"].append(line_id)
                else:
                    to_dispose.setdefault((model_name, action), []).append(
                        {
                            "line_id": line_id,
                            "record_id": record_id,
                            "reference": reference,
                            "content_hash": content_hash,
                            "company_id": company_id,
                            "policy": policy,
                            "origin": origin,
                            "confidentiality": secrecy,
                        }
                    )
        notes = {
            "held": ("held", self.env._("Kept: on legal hold")),
            "gone": ("cancelled", self.env._("The record no longer exists")),
            "not_due": ("cancelled", self.env._("No longer due: its retention was extended")),
        }
        for key, line_ids in outcome.items():
            if line_ids:
                state, note = notes[key]
                cr.execute(
                    "UPDATE iso_disposal_line SET state = %s, note = %s WHERE id = ANY(%s)", [state, note, line_ids]
                )
        for (model_name, action), lines in to_dispose.items():
            self.env[model_name].sudo().with_context(active_test=False)._iso_dispose(action, self, lines)
            cr.execute(
                """UPDATE iso_disposal_line SET state = 'done', disposed_at = now() AT TIME ZONE 'UTC'
                   WHERE id = ANY(%s)""",
                [[line["line_id"] for line in lines]],
            )
        self.env.invalidate_all()
        return len(rows)

    # ------------------------------------------------------------------
    # Scheduled sweep
    # ------------------------------------------------------------------
    @api.model
    def _cron_dispose(self):
        """Daily: collect due records per company, remind administrators of what comes due, apply approved batches."""
        for company in self.env["res.company"].sudo().search([("active", "=", True)]):
            try:
                with self.env.cr.savepoint():
                    self.with_company(company)._collect(company)
            except (pg_errors.SerializationFailure, pg_errors.UniqueViolation):
                # Another worker collected the same records meanwhile; the next run collects what is left.
                _logger.info("Disposal collection for %s met a concurrent sweep; skipped.", company.name)
                self.env.invalidate_all()
            commit_batch(self.env.cr)
        self.env["iso.retention.policy"]._send_retention_reminders()
        for batch in self.sudo().search([("state", "=", "approved")], order="id"):
            batch._apply(commit=True)

    def action_print_certificate(self):
        one_record(self, self.env._("Print certificate"))
        if self.state != "done":
            raise UserError(self.env._("Certificate: %s is not complete yet.", self.name))
        return self.env.ref("iso_records.action_report_iso_disposal_certificate").report_action(self)

    def _certificate_lines(self):
        return self.line_ids.filtered(lambda line: line.state == "done")
