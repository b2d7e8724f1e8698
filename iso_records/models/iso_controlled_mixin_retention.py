from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression as Domain
from odoo.tools import SQL

from ..tools import iso_param, workflow
from .iso_retention_policy import RETENTION_ACTIONS

ANONYMISED = "[anonymised]"


class IsoControlledMixin(models.AbstractModel):
    """Retention, legal holds and disposal for every controlled model. The sweep
    (iso.disposal.batch) collects and applies them per model with the SQL hooks below."""

    _inherit = "iso.controlled.mixin"  # pylint: disable=consider-merging-classes-inherited

    # Which state starts which retention clock (see iso.retention.policy's start events).
    _iso_retention_event_of_state = {}
    # Which date field holds the day each start event happened, where the model keeps one
    # (e.g. {"filed": "effective_date"}); see _iso_retention_event_date.
    _iso_retention_event_date_fields = {}
    # The date a legal hold filter's "from" and "to" compare with.
    _iso_hold_date_field = "create_date"

    retention_policy_id = fields.Many2one("iso.retention.policy", tracking=True)
    retention_start_date = fields.Date(
        readonly=True, copy=False, help="When the event that starts the retention clock happened."
    )
    retention_until = fields.Date(
        readonly=True, copy=False, index=True, tracking=True, help="Kept at least until this day."
    )
    retention_due = fields.Boolean(
        compute="_compute_retention_due",
        search="_search_retention_due",
        help="Its retention period is over and it was not disposed of yet.",
    )
    retention_collectable = fields.Boolean(
        string="Ready for Disposal",
        compute="_compute_retention_collectable",
        search="_search_retention_collectable",
        help="Its retention and the grace days of Settings are over: the next collection takes it, "
        "unless a legal hold keeps it.",
    )
    retention_action = fields.Selection(
        related="retention_policy_id.action", string="At the End", help="What its policy does when retention ends."
    )
    on_hold = fields.Boolean(
        string="On Legal Hold",
        compute="_compute_on_hold",
        search="_search_on_hold",
        help="An active legal hold keeps this record: it is never disposed nor deleted while the hold lasts.",
    )
    disposal_action = fields.Selection(RETENTION_ACTIONS, readonly=True, copy=False, help="Last disposal applied.")
    disposed_date = fields.Date(readonly=True, copy=False)
    disposal_batch_id = fields.Many2one("iso.disposal.batch", readonly=True, copy=False, index="btree_not_null")

    # ------------------------------------------------------------------
    # Retention clock
    # ------------------------------------------------------------------
    def _compute_retention_due(self):
        due = self.filtered_domain(self._iso_retention_over_domain(fields.Date.context_today(self)))
        for record in self:
            record.retention_due = record in due

    def _search_retention_due(self, operator, value):
        due = self._iso_retention_over_domain(fields.Date.context_today(self))
        return due if self._iso_boolean_search(self.env._("Retention Due"), operator, value) else ["!", *due]

    def _compute_retention_collectable(self):
        ready = self.filtered_domain(self._iso_retention_over_domain(self.env["iso.disposal.batch"]._disposal_cutoff()))
        for record in self:
            record.retention_collectable = record in ready

    def _search_retention_collectable(self, operator, value):
        due = self._iso_retention_over_domain(self.env["iso.disposal.batch"]._disposal_cutoff())
        return due if self._iso_boolean_search(self.env._("Ready for Disposal"), operator, value) else ["!", *due]

    @api.model
    def _iso_retention_over_domain(self, before):
        """Not disposed of yet and kept until a day before ``before``."""
        return Domain.AND(
            [[("retention_until", "!=", False)], [("retention_until", "<", before)], [("disposed_date", "=", False)]]
        )

    def _iso_may_choose_retention(self):
        return self.env.su or self.env.user.has_group("iso_records.group_iso_administrator")

    def _iso_check_retention_choice(self, vals):
        if "retention_policy_id" in vals and not self._iso_may_choose_retention():
            raise UserError(self.env._("Retention Policy: only ISO administrators choose how long records are kept."))

    @api.model
    def _iso_default_retention_policy(self, vals):
        """The policy a new record takes: the one marked as default for the model, else the Settings default."""
        company_id = vals.get("company_id") or self.env.company.id
        policy = (
            self.env["iso.retention.policy"]
            .sudo()
            .search(
                [("model_ids.model", "=", self._name), ("company_id", "in", [company_id, False])],
                order="company_id, id",
                limit=1,
            )
        )
        if not policy:
            policy_id = iso_param(self.env, "default_retention_policy_id", False)
            policy = self.env["iso.retention.policy"].sudo().browse(int(policy_id)).exists() if policy_id else policy
        return policy

    @api.model
    def _iso_set_default_retention(self, vals_list):
        chosen = self._iso_may_choose_retention()
        defaults = {}
        for vals in vals_list:
            if "retention_policy_id" in vals and chosen:
                continue
            key = vals.get("company_id")
            if key not in defaults:
                defaults[key] = self._iso_default_retention_policy(vals).id
            vals["retention_policy_id"] = defaults[key]

    def _iso_retention_events(self, vals):
        """The retention start events a write of ``vals`` is; models add their own (archiving, closing)."""
        event = self._iso_retention_event_of_state.get(vals.get("state"))
        return [event] if event else []

    def _iso_start_retention_on(self, vals):
        for event in self._iso_retention_events(vals):
            self._iso_start_retention(event)

    def _iso_retention_event_date(self, start_event):
        """The day ``start_event`` happened to this record, as the model keeps it (its filing or effective
        date, the day it was closed...), or False when the model keeps no such date: the clock then starts
        on the day the event is seen. Models with a date of their own name it in
        ``_iso_retention_event_date_fields`` or override this."""
        self.ensure_one()
        field = self._iso_retention_event_date_fields.get(start_event)
        return bool(field) and self[field]

    def _iso_start_retention(self, start_event, start_date=None):
        """Start the retention clock of the records whose policy waits for ``start_event``: on ``start_date``
        when the caller knows it (an employee's departure date), else on the day the record itself says the
        event happened, else today."""
        today = fields.Date.context_today(self)
        for policy, records in self.grouped("retention_policy_id").items():
            if not policy or policy.start_event != start_event:
                continue
            waiting = records.filtered(lambda record: not record.retention_start_date)
            by_date = waiting.grouped(
                lambda record: start_date or record._iso_retention_event_date(start_event) or today
            )
            for day, group in by_date.items():
                workflow(group.sudo(), self.env._("Retention clock started: %s", start_event)).write(
                    {"retention_start_date": day, "retention_until": policy._retention_until(day)}
                )

    # ------------------------------------------------------------------
    # Legal holds
    # ------------------------------------------------------------------
    @api.model
    def _iso_active_hold_domain(self):
        holds = self.env["iso.legal.hold"].sudo().search([("state", "=", "active")])
        domains = [domain for domain in (hold._held_domain(self._name) for hold in holds) if domain is not None]
        return Domain.OR(domains) if domains else Domain.FALSE_DOMAIN

    @api.model
    def _iso_held_query(self):
        """The ids of this model's records that an active legal hold keeps, as a query (archived ones too)."""
        records = self.sudo().with_context(active_test=False)
        return records._search(records._iso_active_hold_domain())

    def _compute_on_hold(self):
        held = (
            self.sudo()
            .with_context(active_test=False)
            .search([("id", "in", self.ids), ("id", "in", self._iso_held_query())])
        )
        for record in self:
            record.on_hold = record in held

    def _search_on_hold(self, operator, value):
        held = self._iso_boolean_search(self.env._("On Legal Hold"), operator, value)
        return [("id", "in" if held else "not in", self._iso_held_query())]

    def _iso_keep_from_disposal(self):
        """A new legal hold takes its records out of pending disposal lines. A sweep holding those lines
        makes this wait until its chunk commits; the hold then applies to what is left."""
        if self.ids:
            self.env.flush_all()
            self.env.cr.execute(
                """UPDATE iso_disposal_line SET state = 'held', note = %s
                   WHERE state = 'pending' AND res_model = %s AND res_id = ANY(%s)""",
                [self.env._("Kept: on legal hold"), self._name, self.ids],
            )
            self.env["iso.disposal.line"].invalidate_model(["state", "note"])

    # ------------------------------------------------------------------
    # Disposal: what the sweep reads (SQL over alias "r") and the four actions
    # ------------------------------------------------------------------
    @api.model
    def _iso_disposal_reference_sql(self):
        """The reference a disposal line and the certificate keep, as SQL over the record's row ``r``."""
        name = self._rec_name if self._rec_name in self._fields and self._fields[self._rec_name].store else None
        if name and self._fields[name].type == "char" and not self._fields[name].translate:
            return SQL("coalesce(r.%s, '')", SQL.identifier(name))
        return SQL("%s || ' ' || r.id", self._description)

    @api.model
    def _iso_disposal_content_hash_sql(self):
        """The signed content hash a disposal line keeps: by default that of the record's last signature."""
        return SQL(
            """(SELECT s.content_hash FROM iso_signature s WHERE s.res_model = %s AND s.res_id = r.id
                 ORDER BY s.signed_at DESC, s.id DESC LIMIT 1)""",
            self._name,
        )

    @api.model
    def _iso_disposal_record_type_sql(self):
        field = self._fields.get("record_type_id")
        return SQL("r.record_type_id") if field and field.store else SQL("NULL::integer")

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
                    "confidentiality": line["confidentiality"],
                }
                for line in lines
            ]
        )
        if action == "delete":
            self._iso_delete_for_disposal(record_ids)
            return
        self.env.cr.execute(
            SQL(
                """UPDATE %(table)s SET disposal_action = %(action)s, disposed_date = %(today)s,
                          disposal_batch_id = %(batch)s, active = CASE WHEN %(archive)s THEN false ELSE active END,
                          write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
                    WHERE id = ANY(%(ids)s)""",
                table=SQL.identifier(self._table),
                action=action,
                today=fields.Date.context_today(self),
                batch=batch.id,
                archive=action == "archive",
                uid=self.env.uid,
                ids=record_ids,
            )
        )
        self.invalidate_model()

    @api.model
    def _iso_disposal_attachment_ids(self, record_ids):
        """The files a disposal of these records purges: by default those attached to them."""
        self.env.cr.execute(
            "SELECT id FROM ir_attachment WHERE res_model = %s AND res_id = ANY(%s)", [self._name, record_ids]
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _iso_purge_attachments(self, record_ids):
        """Delete the files; the signatures keep the content hash they signed."""
        attachments = self.env["ir.attachment"].sudo().browse(self._iso_disposal_attachment_ids(record_ids))
        workflow(attachments).unlink()

    @api.model
    def _iso_personal_text_fields(self):
        """Where the linked employee's name may appear: the stored, untranslated texts but the reference."""
        protected = self._iso_workflow_only_fields()
        return [
            name
            for name, field in self._fields.items()
            if field.store
            and field.type in ("char", "text", "html")
            and not field.translate
            and name not in protected
            and field.column_type
        ]

    @api.model
    def _iso_anonymise(self, record_ids):
        """Remove the linked employee's personal data: their name in the texts of the record (and in
        the references of its disposal lines), the link itself and the named readers."""
        cr = self.env.cr
        table = SQL.identifier(self._table)
        assignments = SQL(", ").join(
            SQL(
                "%s = replace(%s, employee.name, %s)",
                SQL.identifier(name),
                SQL("record.%s", SQL.identifier(name)),
                ANONYMISED,
            )
            for name in self._iso_personal_text_fields()
        )
        self._iso_anonymise_dependents(record_ids)
        cr.execute(
            SQL(
                """UPDATE iso_disposal_line line SET reference = replace(line.reference, employee.name, %(mark)s)
                     FROM %(table)s record JOIN hr_employee employee ON employee.id = record.employee_id
                    WHERE line.res_model = %(model)s AND line.res_id = record.id AND record.id = ANY(%(ids)s)""",
                mark=ANONYMISED,
                table=table,
                model=self._name,
                ids=record_ids,
            )
        )
        if assignments:
            cr.execute(
                SQL(
                    """UPDATE %(table)s target SET %(assignments)s
                         FROM %(table)s record JOIN hr_employee employee ON employee.id = record.employee_id
                        WHERE target.id = record.id AND record.id = ANY(%(ids)s)""",
                    table=table,
                    assignments=assignments,
                    ids=record_ids,
                )
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
        cr.execute(SQL("UPDATE %s SET employee_id = NULL WHERE id = ANY(%s)", table, record_ids))
        self.invalidate_model()
        self.env["iso.disposal.line"].invalidate_model()

    @api.model
    def _iso_anonymise_dependents(self, record_ids):
        """Models with more copies of the employee's name (revisions) remove them here, before the link goes."""

    @api.model
    def _iso_delete_dependents(self, record_ids):
        """Models with more evidence of their own (revisions) delete it here, before the records."""

    @api.model
    def _iso_delete_for_disposal(self, record_ids):
        """Delete records with their signatures, files and dependents; the trail keeps the tombstone."""
        attachments = self.env["ir.attachment"].sudo().browse(self._iso_disposal_attachment_ids(record_ids))
        workflow(self.env["iso.signature"].sudo()).search(
            [("res_model", "=", self._name), ("res_id", "in", record_ids)]
        ).unlink()
        self._iso_delete_dependents(record_ids)
        workflow(attachments).unlink()
        workflow(self.sudo().with_context(active_test=False).browse(record_ids)).unlink()
