import hashlib
import json

from psycopg2 import errors as pg_errors
from psycopg2.extras import execute_values

from odoo import api, fields, models

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

    def _compute_changes_display(self):
        for event in self:
            lines = []
            for change in json.loads(event.changes or "[]"):
                lines.append(f"{change.get('label')}: {_display(change.get('old'))} → {_display(change.get('new'))}")
            event.changes_display = "\n".join(lines)

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


def _display(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("id")
    if value in (None, False, ""):
        return "—"
    return value
