import hashlib
import json

from psycopg2 import errors as pg_errors
from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.tools import format_datetime

EVENT_TYPES = [
    ("create", "Created"),
    ("change", "Changed"),
    ("state", "State changed"),
    ("signature", "Signed"),
    ("review", "Reviewed"),
    ("acknowledge", "Read and understood"),
    ("hold_placed", "Legal hold placed"),
    ("hold_released", "Legal hold released"),
    ("disposal", "Disposed"),
    ("delete", "Deleted"),
    ("export", "Exported"),
]
SEPARATOR = "\x1f"
# Advisory lock space (first key) and number of buckets (a power of two) for chain locks.
CHAIN_LOCK_SPACE = 0x150
CHAIN_LOCK_BUCKETS = 1024
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
# How the trail and its reports show times, in the reader's time zone: unambiguous in every language.
READABLE_TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"
# The same canonical form, in SQL, for verification. Keep both in step.
SQL_CANONICAL = """concat_ws(E'\\x1f', coalesce(previous_hash, ''), chain_key, sequence::text, res_model,
    res_id::text, coalesce(reference, ''), event_type, coalesce(changes, ''), coalesce(reason, ''),
    coalesce(user_id::text, ''), coalesce(employee_name, ''), coalesce(company_id::text, ''),
    to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS.US'))"""
INSERT_COLUMNS = (
    "chain_key",
    "sequence",
    "res_model",
    "res_id",
    "reference",
    "event_type",
    "changes",
    "reason",
    "user_id",
    "employee_name",
    "company_id",
    "event_time",
    "previous_hash",
    "hash",
    "confidentiality",
)


def event_hash(values):
    canonical = SEPARATOR.join(
        [
            values["previous_hash"] or "",
            values["chain_key"],
            str(values["sequence"]),
            values["res_model"],
            str(values["res_id"]),
            values["reference"] or "",
            values["event_type"],
            values["changes"] or "",
            values["reason"] or "",
            str(values["user_id"] or ""),
            values["employee_name"] or "",
            str(values["company_id"] or ""),
            values["event_time"].strftime(TIME_FORMAT),
        ]
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class IsoTrailEvent(models.Model):
    """Append-only, hash-chained audit trail: one chain per audited record.

    Rows are written with plain SQL by ``_append`` and never updated or deleted:
    a trigger refuses UPDATE, DELETE and TRUNCATE below the ORM. A future field
    added here must have no default, or its upgrade would UPDATE existing rows.
    """

    _name = "iso.trail.event"
    _description = "ISO Audit Trail Event"
    _inherit = ["iso.evidence.mixin"]
    _order = "id desc"
    _log_access = False
    _iso_evidence_workflow_may = ()

    chain_key = fields.Char(required=True, readonly=True, index=True)
    sequence = fields.Integer(required=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, readonly=True, index=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, readonly=True)
    reference = fields.Char(readonly=True, help="The record's name when the event happened; kept after disposal.")
    event_type = fields.Selection(EVENT_TYPES, string="Event", required=True, readonly=True, index=True)
    changes = fields.Text(
        string="Changes (JSON)", readonly=True, help="Field changes as JSON: field, label, old and new value."
    )
    changes_display = fields.Text(string="Changes", compute="_compute_changes_display")
    reason = fields.Text(readonly=True)
    user_id = fields.Many2one("res.users", readonly=True, ondelete="restrict", index=True)
    employee_name = fields.Char(string="Employee", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True, ondelete="restrict", index=True)
    event_time = fields.Datetime(string="Time (UTC)", required=True, readonly=True, index=True)
    previous_hash = fields.Char(readonly=True)
    hash = fields.Char(required=True, readonly=True)
    # Not part of the hash: which events of a record that no longer exists an auditor may read.
    confidentiality = fields.Char(readonly=True, help="The record's confidentiality when the event was written.")

    _sql_constraints = [
        ("chain_sequence_unique", "unique(chain_key, sequence)", "Each position in a trail chain is used once."),
    ]

    def init(self):
        # Re-run on every install and upgrade, so the protection is always there.
        self.env.cr.execute("""
            CREATE OR REPLACE FUNCTION iso_trail_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'ISO audit trail: % on % is refused, the trail is append-only', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$ LANGUAGE plpgsql;
            DROP TRIGGER IF EXISTS iso_trail_event_append_only ON iso_trail_event;
            CREATE TRIGGER iso_trail_event_append_only BEFORE UPDATE OR DELETE ON iso_trail_event
                FOR EACH ROW EXECUTE FUNCTION iso_trail_refuse_change();
            DROP TRIGGER IF EXISTS iso_trail_event_no_truncate ON iso_trail_event;
            CREATE TRIGGER iso_trail_event_no_truncate BEFORE TRUNCATE ON iso_trail_event
                FOR EACH STATEMENT EXECUTE FUNCTION iso_trail_refuse_change();
            CREATE INDEX IF NOT EXISTS iso_trail_event_res_index ON iso_trail_event (res_model, res_id);
        """)

    @api.depends("reference", "res_model", "res_id", "event_type", "event_time")
    def _compute_display_name(self):
        # Only the event's own columns: the record may be gone, or hidden from whoever reads the trail.
        kinds = dict(self._fields["event_type"]._description_selection(self.env))
        for event in self:
            record = event.reference or f"{self._model_description(event.res_model)} #{event.res_id}"
            event.display_name = " · ".join(
                [record, kinds.get(event.event_type, event.event_type or ""), event._readable_time()]
            )

    def _readable_time(self):
        return format_datetime(self.env, self.event_time, dt_format=READABLE_TIME_FORMAT)

    def _model_description(self, model_name):
        model = self.env.get(model_name) if model_name else None
        return model._description if model is not None else model_name or ""

    def _compute_changes_display(self):
        lines_by_event = self._change_lines()
        for event in self:
            event.changes_display = "\n".join(
                f"{label}: {old} → {new}" if old is not None else f"{label}: {new}"
                for label, old, new in lines_by_event[event.id]
            )

    def _change_lines(self):
        """Each event's changes in words, as {event id: [(field label, old or None, new)]}: field and
        selection labels from the model's definition, names as the trail stored them. ``old`` is None
        where the event has no previous value (creation, signature, disposal...)."""
        formatter = _ChangeFormatter(self.env)
        decoded = {event.id: json.loads(event.changes or "[]") for event in self}
        formatter.prefetch_names(
            (self._trail_field(event.res_model, change.get("field")), change.get(side))
            for event in self
            for change in decoded[event.id]
            for side in ("old", "new")
        )
        result = {}
        for event in self:
            lines = []
            for change in decoded[event.id]:
                field = self._trail_field(event.res_model, change.get("field"))
                label = field._description_string(self.env) if field else change.get("label") or ""
                old = (
                    formatter.text(event, field, change.get("old")) if event.event_type in ("change", "state") else None
                )
                lines.append((label, old, formatter.text(event, field, change.get("new"))))
            result[event.id] = lines
        return result

    def _trail_field(self, model_name, field_name):
        model = self.env.get(model_name) if model_name else None
        return model._fields.get(field_name) if model is not None and field_name else None

    def _iso_evidence_origin(self):
        return self.env._("the audit trail is append-only; ISO Records itself appends it.")

    @api.model
    def _append(self, entries):
        """Append events; ``entries`` are dicts with res_model, res_id, reference, event_type,
        and optional changes (list), reason and company_id. Returns nothing: one INSERT for all."""
        if not entries:
            return
        cr = self.env.cr
        cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
        now = cr.fetchone()[0]
        user = self.env.user
        employee_name = user.sudo().employee_id.name or ""
        keys = sorted({f"{entry['res_model']},{entry['res_id']}" for entry in entries})
        heads = {}
        if any(entry["event_type"] != "create" for entry in entries):
            # Chains are locked by bucket, in a fixed order: writers of other records rarely wait, and
            # a batch of any size takes at most CHAIN_LOCK_BUCKETS locks (PostgreSQL's lock table is finite).
            cr.execute(
                """SELECT pg_advisory_xact_lock(%s, bucket) FROM (
                       SELECT DISTINCT (hashtext(key) & %s) AS bucket FROM unnest(%s::text[]) key ORDER BY 1
                   ) buckets""",
                [CHAIN_LOCK_SPACE, CHAIN_LOCK_BUCKETS - 1, keys],
            )
            cr.execute(
                """SELECT DISTINCT ON (chain_key) chain_key, sequence, hash FROM iso_trail_event
                   WHERE chain_key = ANY(%s) ORDER BY chain_key, sequence DESC""",
                [keys],
            )
            heads = {key: (sequence, hash_) for key, sequence, hash_ in cr.fetchall()}
        rows = []
        for entry in entries:
            key = f"{entry['res_model']},{entry['res_id']}"
            sequence, previous = heads.get(key, (0, ""))
            values = {
                "chain_key": key,
                "sequence": sequence + 1,
                "res_model": entry["res_model"],
                "res_id": entry["res_id"],
                "reference": entry.get("reference") or "",
                "event_type": entry["event_type"],
                "changes": json.dumps(entry["changes"], sort_keys=True, default=str) if entry.get("changes") else "",
                "reason": entry.get("reason") or "",
                "user_id": user.id,
                "employee_name": employee_name,
                "company_id": entry.get("company_id"),
                "confidentiality": entry.get("confidentiality"),
                "event_time": now,
                "previous_hash": previous,
            }
            values["hash"] = event_hash(values)
            heads[key] = (values["sequence"], values["hash"])
            rows.append(tuple(values[column] for column in INSERT_COLUMNS))
        try:
            execute_values(
                cr,
                f"INSERT INTO iso_trail_event ({', '.join(INSERT_COLUMNS)}) VALUES %s",
                rows,
                page_size=2000,
            )
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name != "iso_trail_event_chain_sequence_unique":
                raise
            self._raise_chain_moved()

    @api.model
    def _raise_chain_moved(self):
        """Another transaction extended a chain after this one's snapshot was taken (REPEATABLE READ
        cannot see it even after the chain lock): fail as a serialization failure, which Odoo
        retries with a fresh snapshot, rather than as a constraint error shown to the user."""
        with self.env.registry.cursor() as cr:
            try:
                cr.execute(
                    "DO $$ BEGIN RAISE EXCEPTION 'ISO audit trail: a chain moved on, retry' "
                    "USING ERRCODE = 'serialization_failure'; END $$"
                )
            except pg_errors.SerializationFailure as failure:
                raise failure from None


class _ChangeFormatter:
    """Turns the values the trail stored into what a reader understands: labels for selections and
    booleans, names for relations, times in the reader's time zone; dates and times read YYYY-MM-DD,
    which no reader can take for another day."""

    def __init__(self, env):
        self.env = env
        self._selections = {}
        self._names = {}
        self._ = env._
        # The keys of the structured values the contract writes (signatures, disposals, acknowledgements).
        self.keys = {
            "employee": self._("Employee"),
            "operation": self._("Operation"),
            "meaning": self._("Meaning"),
            "revision": self._("Revision"),
            "action": self._("Action"),
            "origin": self._("Origin"),
            "policy": self._("Policy"),
            "batch": self._("Batch"),
            "content_hash": self._("Content hash"),
        }
        self.key_fields = {
            "meaning": env["iso.signature"]._fields["meaning"],
            "action": env["iso.disposal.line"]._fields["action"],
            "origin": env["iso.disposal.line"]._fields["origin"],
        }

    def selection_label(self, field, value):
        if field not in self._selections:
            self._selections[field] = dict(field._description_selection(self.env))
        return self._selections[field].get(value, value)

    def prefetch_names(self, fields_and_values):
        """Read, once per model, the names of the records that x2many values list, as far as the reader
        may read them; the others show as their ids."""
        wanted = {}
        for field, value in fields_and_values:
            if field and field.type in ("one2many", "many2many") and isinstance(value, list):
                wanted.setdefault(field.comodel_name, set()).update(value)
        for model_name, ids in wanted.items():
            # A search applies the reader's rules, also those of attachments (which follow their record).
            readable = self.env[model_name].with_context(active_test=False).search([("id", "in", list(ids))])
            self._names[model_name] = {record.id: record.display_name for record in readable}

    def text(self, event, field, value):
        kind = field.type if field is not None else None
        if kind == "boolean" and value is not None:
            return self._("Yes") if value else self._("No")
        if value in (None, False, "", []):
            return "—"
        if isinstance(value, dict):
            return self.structured(event, value)
        if kind == "selection":
            value = self.selection_label(field, value)
        elif kind in ("one2many", "many2many") and isinstance(value, list):
            names = self._names.get(field.comodel_name, {})
            value = ", ".join(names.get(record_id, f"#{record_id}") for record_id in value)
        elif kind == "datetime":
            value = format_datetime(self.env, value[:19].replace("T", " "), dt_format=READABLE_TIME_FORMAT)
        return str(value)

    def structured(self, event, value):
        """A record stored as its name, or what a signature, disposal or acknowledgement recorded."""
        name = value.get("name")
        meaning = value.get("meaning")
        if name and meaning and name.endswith(f" ({meaning})"):
            name = name[: -len(f" ({meaning})")]  # the signer: the meaning follows as its label
        parts = [name] if name else []
        for key, label in self.keys.items():
            if value.get(key) in (None, False, ""):
                continue
            parts.append(f"{label}: {self.key_text(event, key, value[key])}")
        if not parts:
            return f"#{value['id']}" if value.get("id") else "—"
        return " · ".join(str(part) for part in parts)

    def key_text(self, event, key, value):
        if key in self.key_fields:
            return self.selection_label(self.key_fields[key], value)
        if key == "operation":
            model = self.env.get(event.res_model)
            operations = model._iso_signable_operations() if hasattr(model, "_iso_signable_operations") else {}
            return operations.get(value, {}).get("label", value)
        return value
