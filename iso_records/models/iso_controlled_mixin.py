import datetime
import threading

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import split_every

# Proof that a write comes from this addon's own workflow code. It is a Python
# object, so an RPC client cannot put it in a context, unlike a string flag.
WORKFLOW = object()
WORKFLOW_KEY = "iso_records_workflow"

# Fields that stay writable on a locked record: discussion, followers and activities.
LOCK_FREE_PREFIXES = ("message_", "activity_", "website_message_")

# Records handled per transaction by the scheduled activity reminders.
ACTIVITY_BATCH_SIZE = 500


def commit_batch(cr):
    """Commit the batch a scheduled action just finished: a crash keeps the work done and a re-run
    skips it. Not under test, where everything runs in one transaction that is rolled back."""
    if not getattr(threading.current_thread(), "testing", False):
        cr.commit()  # pylint: disable=invalid-commit


# Context key carrying the reason recorded with the next trail events.
TRAIL_REASON_KEY = "iso_trail_reason"

CONFIDENTIALITY = [
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("restricted", "Restricted"),
]


class IsoControlledMixin(models.AbstractModel):
    _name = "iso.controlled.mixin"
    _description = "ISO Controlled Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    owner_id = fields.Many2one(
        "hr.employee",
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user.employee_id,
        help="The employee accountable for the record.",
    )
    owner_user_id = fields.Many2one(
        "res.users", string="Owner User", related="owner_id.user_id", store=True, index=True
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        tracking=True,
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
    )
    employee_id = fields.Many2one("hr.employee", check_company=True, index="btree_not_null")
    product_id = fields.Many2one("product.product", check_company=True, index="btree_not_null")
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product Template",
        related="product_id.product_tmpl_id",
        store=True,
        index="btree_not_null",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        check_company=True,
        index="btree_not_null",
        help="The supplier (vendor) this record is about.",
    )
    res_ref = fields.Reference(
        selection="_selection_linked_document", string="Other Document", help="Any other document it is about."
    )
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="internal", tracking=True)
    reader_user_ids = fields.Many2many(
        "res.users",
        string="Named Readers",
        help="Restricted records are visible only to their owner, these readers and ISO administrators.",
    )

    retention_policy_id = fields.Many2one("iso.retention.policy", tracking=True)
    retention_start_date = fields.Date(
        readonly=True, copy=False, help="When the event that starts the retention clock happened."
    )
    retention_until = fields.Date(
        readonly=True, copy=False, index=True, tracking=True, help="Kept at least until this day."
    )
    retention_due = fields.Boolean(compute="_compute_retention_due", search="_search_retention_due")
    trail_event_count = fields.Integer(string="Audit Trail", compute="_compute_trail_event_count")

    # Fields whose old and new values go into the trail besides those with tracking=True.
    _iso_trail_extra_fields = ("state",)

    @api.model
    def _selection_linked_document(self):
        models_ = self.env["ir.model"].sudo().search([("transient", "=", False), ("model", "not like", "ir.%")])
        return [(model.model, model.name) for model in models_]

    @api.depends("owner_id")
    def _compute_department_id(self):
        for record in self:
            if record.owner_id and not record.department_id:
                record.department_id = record.owner_id.department_id

    def _check_company(self, fnames=None):
        """Same check as Odoo's, run once per distinct (company, linked record) pair
        instead of once per record and field: batches of thousands share few links."""
        if len(self) < 2:
            return super()._check_company(fnames)
        names = self._fields if fnames is None or {"company_id", "company_ids"} & set(fnames) else fnames
        relational = [name for name in names if self._fields[name].relational and self._fields[name].check_company]
        representatives = self.browse()
        for name in relational:
            seen = set()
            for record in self:
                key = (record.company_id.id, tuple(record[name].ids))
                if key not in seen:
                    seen.add(key)
                    representatives |= record
        return super(IsoControlledMixin, representatives)._check_company(fnames)

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    def _compute_retention_due(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.retention_due = bool(record.retention_until and record.retention_until < today)

    def _search_retention_due(self, operator, value):
        due = [("retention_until", "!=", False), ("retention_until", "<", fields.Date.context_today(self))]
        return due if self._iso_boolean_search(self.env._("Retention Due"), operator, value) else ["!", "&", *due]

    @api.model
    def _iso_boolean_search(self, label, operator, value):
        """For the search method of a computed boolean: whether the records wanted are those where it is true."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("%(field)s: only 'is set' and 'is not set' searches are supported.", field=label)
            )
        return (operator == "=") == value

    def _iso_start_retention(self, start_event, start_date=None):
        """Start the retention clock of the records whose policy waits for ``start_event``."""
        start_date = start_date or fields.Date.context_today(self)
        for policy, records in self.grouped("retention_policy_id").items():
            if not policy or policy.start_event != start_event:
                continue
            waiting = records.filtered(lambda record: not record.retention_start_date)
            if waiting:
                waiting.sudo()._iso_workflow(self.env._("Retention clock started: %s", start_event)).write(
                    {
                        "retention_start_date": start_date,
                        "retention_until": policy._retention_until(start_date),
                    }
                )

    # ------------------------------------------------------------------
    # Scheduled reminders
    # ------------------------------------------------------------------
    def _iso_responsible_user(self):
        """Who gets the record's reminders: its owner, else whoever created it."""
        self.ensure_one()
        return self.owner_user_id or self.create_uid

    def _iso_schedule_once(self, activity_xmlid, date_field, given_field, summary):
        """Give each record one activity for the date in ``date_field``, skipping those whose
        ``given_field`` already holds that date; commit per batch (not under test)."""
        due = self.filtered(lambda record: record[given_field] != record[date_field])
        done = 0
        for batch in split_every(ACTIVITY_BATCH_SIZE, due.ids, self.browse):
            for record in batch:
                record.activity_schedule(
                    activity_xmlid,
                    date_deadline=record[date_field],
                    user_id=record._iso_responsible_user().id,
                    summary=summary(record),
                )
                record._iso_workflow().write({given_field: record[date_field]})
            done += len(batch)
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)
            commit_batch(self.env.cr)
        return done

    # ------------------------------------------------------------------
    # Audit trail
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_trail_event_count(self):
        events = self.env["iso.trail.event"]
        if not events.has_access("read"):
            self.trail_event_count = 0
            return
        counts = dict(
            events._read_group([("res_model", "=", self._name), ("res_id", "in", self.ids)], ["res_id"], ["__count"])
        )
        for record in self:
            record.trail_event_count = counts.get(record.id, 0)

    def action_view_trail(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_trail_event_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _iso_trail_field_names(self):
        return [
            name
            for name, field in self._fields.items()
            if getattr(field, "tracking", False) or name in self._iso_trail_extra_fields
        ]

    def _iso_trail_reference(self):
        """How the trail names the record; kept after the record is gone."""
        return self.display_name

    def _iso_trail_snapshot(self, field_names):
        return {
            record.id: {name: _trail_value(self._fields[name], record[name]) for name in field_names} for record in self
        }

    def _iso_trail_log(self, event_type, changes_by_record=None, reason=None):
        """Append one trail event per record, in this transaction."""
        changes_by_record = changes_by_record or {}
        reason = reason or self.env.context.get(TRAIL_REASON_KEY)
        self.env["iso.trail.event"].sudo()._append(
            [
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "reference": record._iso_trail_reference(),
                    "event_type": event_type,
                    "changes": changes_by_record.get(record.id),
                    "reason": reason,
                    "company_id": record.company_id.id,
                }
                for record in self
            ]
        )

    def _iso_trail_changes(self, field_names, old, new):
        changes = {}
        for record in self:
            diff = [
                {"field": name, "label": self._fields[name].string, "old": old[record.id].get(name), "new": value}
                for name, value in new[record.id].items()
                if value != old[record.id].get(name)
            ]
            if diff:
                changes[record.id] = diff
        return changes

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._iso_trail_log("export", reason=self.env._("Exported: %s", ", ".join(fields_to_export)))
        return result

    # ------------------------------------------------------------------
    # Locking
    # ------------------------------------------------------------------
    def _iso_is_locked(self):
        """Whether the content of this record is frozen. Models override it."""
        self.ensure_one()
        return False

    def _iso_in_workflow(self):
        return self.env.context.get(WORKFLOW_KEY) is WORKFLOW

    def _iso_workflow(self, reason=None):
        context = {WORKFLOW_KEY: WORKFLOW}
        if reason:
            context[TRAIL_REASON_KEY] = reason
        return self.with_context(**context)

    def _iso_check_auditor_writes_nothing(self):
        user = self.env.user
        if self.env.su or self._iso_in_workflow():
            return
        if user.has_group("iso_records.group_iso_auditor") and not user.has_group("iso_records.group_iso_manager"):
            raise AccessError(self.env._("ISO auditors read evidence; they cannot create, change or delete it."))

    @api.model_create_multi
    def create(self, vals_list):
        self._iso_check_auditor_writes_nothing()
        records = super().create(vals_list)
        field_names = self._iso_trail_field_names()
        initial = {
            record_id: {name: value for name, value in values.items() if value not in (None, False, "", [])}
            for record_id, values in records._iso_trail_snapshot(field_names).items()
        }
        empty = {record.id: dict.fromkeys(field_names) for record in records}
        records._iso_trail_log("create", records._iso_trail_changes(field_names, empty, initial))
        return records

    def write(self, vals):
        if not self._iso_in_workflow():
            self._iso_check_auditor_writes_nothing()
            locked_fields = [name for name in vals if not name.startswith(LOCK_FREE_PREFIXES)]
            if locked_fields:
                locked = self.filtered(lambda record: record._iso_is_locked())
                if locked:
                    labels = ", ".join(self._fields[name].string for name in locked_fields if name in self._fields)
                    raise UserError(
                        self.env._(
                            "%(record)s is locked: %(fields)s cannot be changed once it is effective or filed. "
                            "Start a new revision instead.",
                            record=locked[0].display_name,
                            fields=labels,
                        )
                    )
        field_names = [name for name in self._iso_trail_field_names() if name in vals]
        if not field_names:
            return super().write(vals)
        old = self._iso_trail_snapshot(field_names)
        result = super().write(vals)
        changes = self._iso_trail_changes(field_names, old, self._iso_trail_snapshot(field_names))
        if changes:
            changed = self.browse(list(changes))
            changed._iso_trail_log("state" if "state" in vals else "change", changes)
        return result

    def unlink(self):
        self._iso_trail_log("delete")
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._iso_check_auditor_writes_nothing()
        if self._iso_in_workflow():
            return
        locked = self.filtered(lambda record: record._iso_is_locked())
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is locked and cannot be deleted; make it obsolete instead.",
                    record=locked[0].display_name,
                )
            )


def _trail_value(field, value):
    """A JSON-friendly form of a field value for the trail."""
    if field.type == "many2one":
        return {"id": value.id, "name": value.display_name} if value else None
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
