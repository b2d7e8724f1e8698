import datetime
import hashlib
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression as Domain
from odoo.tools import SQL, split_every

from ..tools import (
    CREATING,
    CREATING_KEY,
    TRAIL_REASON_KEY,
    commit_batch,
    in_workflow,
    linked_ids,
    one_record,
    workflow,
)

# Fields that stay writable on a locked record: discussion, followers and activities.
LOCK_FREE_PREFIXES = ("message_", "activity_", "website_message_")
# Records handled per transaction by the scheduled activity reminders.
ACTIVITY_BATCH_SIZE = 500

CONFIDENTIALITY = [
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("restricted", "Restricted"),
]
# Fields that say who keeps or sees a record rather than what it says: changing them changes no content.
NON_CONTENT_FIELDS = {
    "state",
    "company_id",
    "owner_id",
    "department_id",
    "confidentiality",
    "reader_user_ids",
    "retention_policy_id",
    "active",
}
# Models never offered as the "Other Document" of a record.
TECHNICAL_MODEL_PREFIXES = (
    "ir.",
    "base",
    "bus.",
    "mail.",
    "discuss.",
    "iso.",
    "res.users",
    "res.groups",
    "res.company",
    "res.config",
    "digest.",
    "auth",
    "web",
    "utm.",
    "resource.",
    "report.",
    "sms.",
    "snailmail.",
    "iap.",
    "phone.",
)
USER_GROUP = "iso_records.group_iso_user"
AUDITOR_GROUP = "iso_records.group_iso_auditor"
MANAGER_GROUP = "iso_records.group_iso_manager"
ADMINISTRATOR_GROUP = "iso_records.group_iso_administrator"


class IsoControlledMixin(models.AbstractModel):
    """The controlled-record contract. A model that inherits it, directly or through an intermediate
    mixin, declares its own fields, states, the fields only its workflow sets, its signable operations
    and small hooks; the trail, lock, protected fields, signatures, legal holds, retention and disposal,
    attachments and the confidentiality policy come from here and its concern files
    (``iso_controlled_mixin_*.py``)."""

    _name = "iso.controlled.mixin"
    _description = "ISO Controlled Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    # --- what a model declares -------------------------------------------------------------
    # Fields only the workflow sets; each class in the inheritance chain adds its own.
    _iso_workflow_only = (
        "retention_start_date",
        "retention_until",
        "disposal_action",
        "disposed_date",
        "disposal_batch_id",
    )
    # States in which the content is frozen (see _iso_is_locked).
    _iso_locked_states = ()
    # The user who wrote the content; the confidentiality policy lets them read it.
    _iso_author_field = "create_uid"
    # Fields whose old and new values go into the trail besides those with tracking=True.
    _iso_trail_extra_fields = ("state",)
    # The ir.sequence code that numbers new records: their ``name`` (the reference) is "/" until then.
    _iso_sequence_code = None

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    active = fields.Boolean(default=True)
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
    iso_readable = fields.Boolean(
        string="Readable by Me", compute="_compute_iso_readable", search="_search_iso_readable"
    )
    iso_writable = fields.Boolean(
        string="Editable by Me", compute="_compute_iso_writable", search="_search_iso_writable"
    )
    trail_event_count = fields.Integer(string="Audit Trail", compute="_compute_trail_event_count")

    @api.model
    def _selection_linked_document(self):
        """The business documents a user recognises: concrete models with a discussion thread (orders,
        transfers, invoices, employees, partners...), not technical, mixin or ISO models."""
        thread = self.env.registry["mail.thread"]
        business = [
            name
            for name, model in self.env.registry.items()
            if not model._abstract
            and not model._transient
            and issubclass(model, thread)
            and not name.startswith(TECHNICAL_MODEL_PREFIXES)
        ]
        models_ = self.env["ir.model"].sudo().search([("model", "in", business)], order="name")
        return [(model.model, model.name) for model in models_]

    @api.model
    def _iso_controlled_model_names(self, root="iso.controlled.mixin"):
        """Every concrete model that inherits the contract (or ``root``, such as iso.controlled.line.mixin for
        the lines of controlled records), directly or through an intermediate mixin."""
        names, todo, seen = [], [root], set()
        while todo:
            name = todo.pop()
            for child in self.env.registry[name]._inherit_children:
                if child in seen or child not in self.env.registry:
                    continue
                seen.add(child)
                todo.append(child)
                model = self.env.registry[child]
                if not model._abstract and not model._transient:
                    names.append(child)
        return sorted(names)

    @api.model
    def _iso_workflow_only_fields(self):
        """The fields only the workflow sets, gathered from every class of the model's inheritance chain."""
        names = set()
        for cls in type(self).__mro__:
            names.update(cls.__dict__.get("_iso_workflow_only", ()))
        return {name for name in names if name in self._fields}

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

    @api.model
    def _iso_boolean_search(self, label, operator, value):
        """For the search method of a computed boolean: whether the records wanted are those where it is true."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("%(field)s: only 'is set' and 'is not set' searches are supported.", field=label)
            )
        return (operator == "=") == value

    # ------------------------------------------------------------------
    # Access: the confidentiality policy, written once for every controlled model
    # ------------------------------------------------------------------
    @api.model
    def _iso_access_domain(self, mode, in_sql=False):
        """Which records of this model the current user may read (``mode`` "read") or change ("write").

        Public and internal records: every ISO user. Confidential: also their author and the employee
        they are about; ISO managers for their departments (with sub-departments) and their direct
        reports. Restricted: only the owner, the named readers and ISO administrators. Auditors read all
        but others' restricted records. Writing: users their own records (owner or author), managers
        what they may read, administrators everything; locks and auditors are enforced in Python.

        ``in_sql``: for a search, the named readers and the employees are looked up once as subqueries
        (PostgreSQL hashes them) rather than probed per row; the plain form is for records in memory.
        """
        user = self.env.user
        if user.has_group(ADMINISTRATOR_GROUP):
            return Domain.TRUE_DOMAIN
        uid = user.id
        author = self._iso_author_field
        is_manager = user.has_group(MANAGER_GROUP)
        participants = self._iso_participant_domain(uid)
        if mode == "write" and not is_manager:
            return Domain.OR([["|", ("owner_user_id", "=", uid), (author, "=", uid)], *participants])
        if in_sql:
            readers = self._fields["reader_user_ids"]
            named = (
                "id",
                "in",
                SQL(
                    "(SELECT %s FROM %s WHERE %s = %s)",
                    SQL.identifier(readers.column1),
                    SQL.identifier(readers.relation),
                    SQL.identifier(readers.column2),
                    uid,
                ),
            )
            about_me = ("employee_id", "in", SQL("(SELECT id FROM hr_employee WHERE user_id = %s)", uid))
            my_team = (
                "employee_id",
                "in",
                SQL(
                    """(SELECT member.id FROM hr_employee member
                          JOIN hr_employee manager ON manager.id = member.parent_id WHERE manager.user_id = %s)""",
                    uid,
                ),
            )
        else:
            named = ("reader_user_ids", "in", [uid])
            about_me = ("employee_id.user_id", "=", uid)
            my_team = ("employee_id.parent_id.user_id", "=", uid)
        if mode == "read":
            participants = [*participants, *self._iso_reader_domain(uid)]
        if mode == "read" and user.has_group(AUDITOR_GROUP):
            # Every other branch below reads only non-restricted records: this one contains them.
            return Domain.OR(
                [[("confidentiality", "!=", "restricted")], [("owner_user_id", "=", uid)], [named], *participants]
            )
        branches = [
            [("confidentiality", "in", ["public", "internal"])],
            [("owner_user_id", "=", uid)],
            [named],
            [("confidentiality", "=", "confidential"), "|", (author, "=", uid), about_me],
            *participants,
        ]
        if is_manager:
            branches.append(
                [
                    ("confidentiality", "=", "confidential"),
                    "|",
                    ("department_id", "child_of", user.employee_ids.department_id.ids),
                    my_team,
                ]
            )
        return Domain.OR(branches)

    @api.model
    def _iso_participant_domain(self, uid):
        """Who takes part in a record besides its owner and author (an audit's team, say): a list of domains
        of the records in which user ``uid`` takes part. Participants read and change them like their owner."""
        return []

    @api.model
    def _iso_reader_domain(self, uid):
        """Who reads a record without changing it (an audit's auditees, say): a list of domains of the records
        user ``uid`` reads that way, whatever their confidentiality."""
        return []

    @api.depends_context("uid")
    def _compute_iso_readable(self):
        # In memory: Odoo evaluates the rules on records it has just created with filtered_domain.
        readable = self.filtered_domain(self._iso_access_domain("read"))
        for record in self:
            record.iso_readable = record in readable

    @api.depends_context("uid")
    def _compute_iso_writable(self):
        writable = self.filtered_domain(self._iso_access_domain("write"))
        for record in self:
            record.iso_writable = record in writable

    def _search_iso_readable(self, operator, value):
        wanted = self._iso_boolean_search(self.env._("Readable by Me"), operator, value)
        domain = self._iso_access_domain("read", in_sql=True)
        return domain if wanted else self._iso_complement_domain(domain)

    def _search_iso_writable(self, operator, value):
        wanted = self._iso_boolean_search(self.env._("Editable by Me"), operator, value)
        domain = self._iso_access_domain("write", in_sql=True)
        return domain if wanted else self._iso_complement_domain(domain)

    @api.model
    def _iso_complement_domain(self, domain):
        """The records ``domain`` leaves out. Not ``["!", *domain]``: Odoo pushes the "!" into the leaves,
        and a negated ``employee_id in (subquery)`` or ``date < today`` then leaves out the empty ones."""
        return [("id", "not in", self.sudo().with_context(active_test=False)._search(domain))]

    def _iso_is_auditor_only(self):
        user = self.env.user
        return not self.env.su and user.has_group(AUDITOR_GROUP) and not user.has_group(MANAGER_GROUP)

    def _iso_check_auditor_writes_nothing(self):
        if not in_workflow(self.env) and self._iso_is_auditor_only():
            raise AccessError(self.env._("ISO auditors read evidence; they cannot create, change or delete it."))

    def _iso_check_may_act(self, action):
        """Auditors change nothing and start nothing: no new revision, no signature, no verification."""
        if self._iso_is_auditor_only():
            raise AccessError(
                self.env._("%(action)s: ISO auditors read evidence; they start and change nothing.", action=action)
            )

    # ------------------------------------------------------------------
    # ERP smart buttons
    # ------------------------------------------------------------------
    @api.model
    def _iso_linked_current_domain(self):
        """What an employee's, product's or supplier's smart button counts of this model."""
        return []

    @api.model
    def _iso_list_action(self):
        return {
            "type": "ir.actions.act_window",
            "name": self._description,
            "res_model": self._name,
            "view_mode": "list,form",
        }

    @api.model
    def _iso_linked_list_context(self):
        return {}

    @api.model
    def _iso_clause_domain(self, clause_ids):
        """The records of this model that serve these clauses or their sub-clauses."""
        if "clause_ids" not in self._fields:
            return Domain.FALSE_DOMAIN
        return [("clause_ids", "child_of", clause_ids)]

    # ------------------------------------------------------------------
    # Scheduled reminders
    # ------------------------------------------------------------------
    def _iso_schedule_once(self, activity_xmlid, date_of, given_field, summary, users=None, *, send=None):
        """Give each record one activity for its date (``date_of``: a field name, or a function of the
        record) to ``users(record)`` (by default its responsible user), skipping those whose
        ``given_field`` already holds that date. ``send``: a reminder that is not an activity (an e-mail to
        someone outside the company): called with each batch of records due instead of creating activities;
        ``activity_xmlid`` and ``summary`` are then not used. See schedule_once."""
        return schedule_once(self, activity_xmlid, date_of, given_field, summary, users=users, send=send)

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
        one_record(self, self.env._("Audit trail"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_trail_event_action")
        action["domain"] = [("res_model", "=", self._name), ("res_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _iso_trail_field_names(self):
        # Files are content: who links or removes one changes what is signed.
        names = set(self._iso_attachment_fields())
        for cls in type(self).__mro__:
            names.update(cls.__dict__.get("_iso_trail_extra_fields", ()))
        return [name for name, field in self._fields.items() if getattr(field, "tracking", False) or name in names]

    @api.model
    def _iso_content_fields(self):
        """The fields that make up what is signed; whoever changes one is an author of the content."""
        protected = self._iso_workflow_only_fields()
        return [
            name for name in self._iso_trail_field_names() if name not in NON_CONTENT_FIELDS and name not in protected
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
                    "confidentiality": record.confidentiality,
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

    def _iso_content_editors(self):
        """The users who wrote the content being signed: the author, and whoever created the record or
        changed a content field since its last signature."""
        self.ensure_one()
        content = set(self._iso_content_fields())
        self.env.cr.execute(
            """SELECT user_id, event_type, changes FROM iso_trail_event
                WHERE res_model = %(model)s AND res_id = %(id)s AND event_type IN ('create', 'change', 'state')
                  AND sequence > coalesce((SELECT max(sequence) FROM iso_trail_event
                                            WHERE res_model = %(model)s AND res_id = %(id)s
                                              AND event_type = 'signature'), 0)""",
            {"model": self._name, "id": self.id},
        )
        editor_ids = {
            user_id
            for user_id, event_type, changes in self.env.cr.fetchall()
            if user_id
            and (
                event_type == "create" or any(change.get("field") in content for change in json.loads(changes or "[]"))
            )
        }
        return self[self._iso_author_field] | self.env["res.users"].browse(editor_ids)

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self._iso_trail_log("export", reason=self.env._("Exported: %s", ", ".join(fields_to_export)))
        return result

    # ------------------------------------------------------------------
    # Locking and the fields only the workflow sets
    # ------------------------------------------------------------------
    def _iso_is_locked(self):
        """Whether the content of this record is frozen: by default, in one of ``_iso_locked_states``."""
        self.ensure_one()
        return bool(self._iso_locked_states) and self.state in self._iso_locked_states

    def _iso_refuse_workflow_only(self, names):
        if names:
            raise UserError(
                self.env._(
                    "%(fields)s: set by the workflow of %(model)s (its buttons and scheduled actions), "
                    "never written directly.",
                    fields=", ".join(sorted(self._fields[name].string for name in names)),
                    model=self._description,
                )
            )

    @api.model
    def _iso_check_create_values(self, vals_list):
        """On creation a workflow-only field may only hold its default (a new record starts at the start)."""
        protected = self._iso_workflow_only_fields()
        given = set().union(*(protected & set(vals) for vals in vals_list))
        if not given:
            return
        # The field's own default, never one a caller can put in the context or in ir.default.
        defaults = {}
        for name in given:
            field = self._fields[name]
            defaults[name] = field.convert_to_write(field.default(self), self) if field.default else False
        for vals in vals_list:
            self._iso_refuse_workflow_only(
                [
                    name
                    for name in protected & set(vals)
                    if vals[name] not in (False, None, "", []) and vals[name] != defaults.get(name)
                ]
            )

    def _iso_check_lock(self, vals):
        locked_fields = [name for name in vals if not name.startswith(LOCK_FREE_PREFIXES)]
        if not locked_fields:
            return
        locked = self.filtered(lambda record: record._iso_is_locked())
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is locked: %(fields)s cannot be changed once it is %(state)s.",
                    record=locked[0].display_name,
                    fields=", ".join(self._fields[name].string for name in locked_fields if name in self._fields),
                    state=locked[0]._iso_locked_state_label(),
                )
            )

    def _iso_check_state(self, action, allowed):
        """The guard of every workflow step: each record is in one of the ``allowed`` states, or a clear error
        naming the step, the record, its state and the states the step needs."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is %(state)s; this step needs it to be %(allowed)s.",
                        action=action,
                        record=record.display_name,
                        state=labels.get(record.state, record.state),
                        allowed=self.env._(" or ").join(labels.get(state, state) for state in allowed),
                    )
                )

    def _iso_locked_state_label(self):
        self.ensure_one()
        if "state" in self._fields:
            return dict(self._fields["state"]._description_selection(self.env)).get(self.state, self.state).lower()
        return self.env._("locked")

    @api.model_create_multi
    def create(self, vals_list):
        if not (self.env.su or in_workflow(self.env)):
            self._iso_check_auditor_writes_nothing()
            self._iso_check_create_values(vals_list)
            # A "default_state" sent in the context would otherwise fill a workflow-only field unseen. The
            # context is replaced, not extended: only that removes the keys.
            protected = self._iso_workflow_only_fields()
            forged = [key for key in self.env.context if key.startswith("default_") and key[8:] in protected]
            if forged:
                kept = {key: value for key, value in self.env.context.items() if key not in forged}
                self = self.with_context(kept)  # noqa: PLW0642  # pylint: disable=context-overridden
        self._iso_prepare_create(vals_list)
        self._iso_check_linked_attachments(vals_list)
        self._iso_check_linked_records(vals_list)
        # The audit trail records creation; a chatter message per record would only repeat it.
        creating = self.with_context(mail_create_nolog=True, **{CREATING_KEY: (CREATING, self._name)})
        records = super(IsoControlledMixin, creating).create(vals_list)
        records = records.with_env(self.env)
        field_names = self._iso_trail_field_names()
        initial = {
            record_id: {name: value for name, value in values.items() if value not in (None, False, "", [])}
            for record_id, values in records._iso_trail_snapshot(field_names).items()
        }
        empty = {record.id: dict.fromkeys(field_names) for record in records}
        records._iso_trail_log("create", records._iso_trail_changes(field_names, empty, initial))
        records._iso_log_lines_created_with()
        if any(self._iso_attachment_fields() & set(vals) for vals in vals_list):
            records._iso_attach_uploaded_files()
        return records

    def _iso_log_lines_created_with(self):
        """Lines given with the records on creation are logged after the records' own creation events."""
        line_model = self.env.registry["iso.controlled.line.mixin"]
        for name, field in self._fields.items():
            if field.type == "one2many" and isinstance(self.env[field.comodel_name], line_model):
                lines = self[name]
                if lines:
                    lines._iso_log_on_parents({}, lines._iso_line_state())

    @api.model
    def _iso_prepare_create(self, vals_list):
        """Fill what the model computes for new records (reference, retention policy, ...), in place."""
        if self._iso_sequence_code:
            sequence = self.env["ir.sequence"]
            for vals in vals_list:
                if vals.get("name", "/") == "/":
                    vals["name"] = sequence.next_by_code(self._iso_sequence_code) or "/"
        self._iso_set_default_retention(vals_list)

    def write(self, vals):
        if not (self.env.su or in_workflow(self.env)):
            self._iso_refuse_workflow_only(self._iso_workflow_only_fields() & set(vals))
        if not in_workflow(self.env):
            self._iso_check_auditor_writes_nothing()
            self._iso_check_lock(vals)
            self._iso_check_retention_choice(vals)
            self._iso_check_linked_attachments([vals])
            self._iso_check_linked_records([vals])
        field_names = [name for name in self._iso_trail_field_names() if name in vals]
        if field_names:
            old = self._iso_trail_snapshot(field_names)
        result = super().write(vals)
        if field_names:
            changes = self._iso_trail_changes(field_names, old, self._iso_trail_snapshot(field_names))
            if changes:
                self.browse(list(changes))._iso_trail_log("state" if "state" in vals else "change", changes)
        if self._iso_attachment_fields() & set(vals):
            self._iso_attach_uploaded_files()
        self._iso_start_retention_on(vals)
        return result

    def copy_data(self, default=None):
        """Duplicate gives a new draft: nothing the workflow set on the original is copied."""
        vals_list = super().copy_data(default=default)
        if not in_workflow(self.env):
            protected = self._iso_workflow_only_fields() - set(default or ())
            for vals in vals_list:
                for name in protected:
                    vals.pop(name, None)
        return vals_list

    def unlink(self):
        self._iso_trail_log("delete")
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked_or_held(self):
        if not self.env.su:
            held = self.filtered("on_hold")
            if held:
                raise UserError(
                    self.env._(
                        "%(record)s is under an active legal hold and cannot be deleted until the hold is released.",
                        record=held[0].display_name,
                    )
                )
        self._iso_check_auditor_writes_nothing()
        if in_workflow(self.env):
            return
        locked = self.filtered(lambda record: record._iso_is_locked())
        if locked:
            raise UserError(locked[0]._iso_locked_delete_message())

    def _iso_locked_delete_message(self):
        return self.env._(
            "%(record)s is %(state)s and cannot be deleted: it is kept as evidence until its retention ends.",
            record=self.display_name,
            state=self._iso_locked_state_label(),
        )

    # ------------------------------------------------------------------
    # Attachments: uploaded files attach to their record; signed files stay signed
    # ------------------------------------------------------------------
    @api.model
    def _iso_attachment_fields(self):
        return attachment_fields(self)

    @api.model
    def _iso_check_linked_attachments(self, vals_list):
        check_linked_attachments(self, vals_list)

    @api.model
    def _iso_check_linked_records(self, vals_list):
        check_linked_records(self, vals_list)

    def _iso_attach_uploaded_files(self):
        attach_uploaded_files(self)


def attachment_fields(model):
    """The stored many2many fields of ``model`` to files: a record's (or a line's) attachments."""
    return {
        name
        for name, field in model._fields.items()
        if field.type == "many2many" and field.comodel_name == "ir.attachment" and field.store
    }


def check_linked_attachments(model, vals_list):
    """Linking a file to a record or a line needs the right to read that file: an attachment id of somebody
    else's record is not a way into it."""
    if model.env.su:
        return
    ids = set()
    for vals in vals_list:
        for name in attachment_fields(model) & set(vals):
            ids |= linked_ids(vals[name] or ())
    if ids:
        attachments = model.env["ir.attachment"].browse(ids).exists()
        try:
            attachments.check("read")
        except AccessError:
            raise AccessError(model.env._("Attachments: you may only attach files you can read yourself.")) from None


def attach_uploaded_files(records):
    """Files uploaded in the form arrive unattached (res_id 0); attach them to their record or line so that
    their access follows it."""
    names = attachment_fields(records)
    if not names:
        return
    for record in records:
        unattached = records.env["ir.attachment"].sudo()
        for name in names:
            unattached |= (
                record[name]
                .sudo()
                .filtered(lambda attachment: not attachment.res_id and attachment.res_model in (False, records._name))
            )
        if unattached:
            workflow(unattached).write({"res_model": record._name, "res_id": record.id})


def _trail_value(field, value):
    """A JSON-friendly form of a field value for the trail; long content is kept as its hash."""
    if field.type == "many2one":
        return {"id": value.id, "name": value.display_name} if value else None
    if field.type in ("one2many", "many2many"):
        return sorted(value.ids)
    if field.type == "html":
        return "sha256:" + hashlib.sha256((value or "").encode()).hexdigest() if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def check_linked_records(model, vals_list):
    """Linking a controlled record (a record seen as evidence, the audit of a finding...) needs the right to read
    it: an id of somebody else's confidential record is not a way to its name or content. For controlled records
    and their lines alike."""
    if model.env.su:
        return
    controlled = model.env.registry["iso.controlled.mixin"]
    by_field = {}
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if not value or not field or field.type not in ("many2one", "many2many"):
                continue
            if isinstance(model.env[field.comodel_name], controlled):
                ids = {value} if field.type == "many2one" else linked_ids(value)
                by_field.setdefault(field, set()).update(ids)
    for field, ids in by_field.items():
        try:
            model.env[field.comodel_name].browse(ids).exists().check_access("read")
        except AccessError:
            raise AccessError(
                model.env._(
                    "%(field)s: you may only link records you can read yourself.",
                    field=field._description_string(model.env),
                )
            ) from None


def schedule_once(records, activity_xmlid, date_of, given_field, summary, *, users=None, target=None, send=None):
    """Give each of ``records`` one activity for its date (``date_of``: a field name, or a function of the
    record) to ``users(record)`` (by default its responsible user), skipping those whose ``given_field``
    already holds that date. The activity is on the record itself, or on ``target(record)`` (the record
    of an action line); ``send`` replaces the activities by another reminder (see _iso_schedule_once). The one
    implementation of "one reminder per date": batched, one commit per batch
    (not under test); each batch locks its rows with SKIP LOCKED, so a second cron worker takes other rows,
    and a re-run after a crash gives nothing twice."""
    date_of_record = date_of if callable(date_of) else (lambda record: record[date_of])
    due = records.filtered(lambda record: record[given_field] != date_of_record(record))
    activity_type = records.env.ref(activity_xmlid) if not send else None
    target_of = target or (lambda record: record)
    done = 0
    for batch in _schedule_batches(due, target):
        records.env.flush_all()
        if target:
            # Two records of one target are never in two workers' batches at once: a worker takes the
            # targets no other holds (activities on one record add its followers, a row each).
            targets = batch.grouped(target)
            records.env.cr.execute(
                SQL(
                    "SELECT id FROM unnest(%s) AS id WHERE pg_try_advisory_xact_lock(hashtext(%s), id)",
                    sorted(one.id for one in targets),
                    next(iter(targets))._table,
                )
            )
            held = {row[0] for row in records.env.cr.fetchall()}
            batch_ids = [record.id for one, same in targets.items() if one.id in held for record in same]
        else:
            batch_ids = batch.ids
        records.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) ORDER BY id FOR UPDATE SKIP LOCKED",
                SQL.identifier(records._table),
                batch_ids,
            )
        )
        locked = records.browse([row[0] for row in records.env.cr.fetchall()])
        locked.invalidate_recordset([given_field])
        locked = locked.filtered(lambda record: record[given_field] != date_of_record(record))
        if send:
            send(locked)
        values = [
            {
                "res_model_id": records.env["ir.model"]._get_id(target_of(record)._name),
                "res_id": target_of(record).id,
                "activity_type_id": activity_type.id,
                "automated": True,
                "user_id": user.id,
                "date_deadline": date_of_record(record),
                "summary": summary(record),
            }
            for record in (records.browse() if send else locked)
            for user in (users(record) if users else record._iso_responsible_user())
        ]
        records.env["mail.activity"].sudo().create(values)
        for date, same_date in locked.grouped(date_of_record).items():
            workflow(same_date.sudo()).write({given_field: date})
        done += len(batch)
        records.env["ir.cron"]._notify_progress(done=done, remaining=len(due) - done)
        commit_batch(records.env.cr)
    return done


def _schedule_batches(due, target):
    """The batches of schedule_once: of records, or of whole targets (every due record of a target in
    the same batch)."""
    if not target:
        return split_every(ACTIVITY_BATCH_SIZE, due.ids, due.browse)
    by_target = due.grouped(target)
    return (
        due.browse([record.id for one in chunk for record in by_target[one]])
        for chunk in split_every(ACTIVITY_BATCH_SIZE, list(by_target))
    )
