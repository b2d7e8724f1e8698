"""Check an UPGRADED database against the snapshot fill_previous.py wrote before the upgrade.

Run it in an Odoo shell of the upgraded database, with the working tree's addons path:

    ISO_UPGRADE_SNAPSHOT=/tmp/snapshot.json \\
        python /opt/odoo/18.0/odoo-bin shell -c CONF -d DB --no-http < check_upgraded.py

Prints one line per check (PASS or FAIL with what differs) and exits with status 1 if any failed.
Data is read with SQL, so that a missing column is reported as a failure, not a crash.
The expected new schema is described by the constants below: adjust them, not the checks.
"""

import json
import os
import sys

from odoo.tools.safe_eval import safe_eval

SNAPSHOT_ENV = "ISO_UPGRADE_SNAPSHOT"
MODULE = "iso_records"
# What the generic references of migrated rows point to.
OLD_TARGET_MODEL = "iso.record"
# At most this many differences are printed per check.
MAX_SHOWN = 10


class Old:
    """Expected value: the snapshot's value under this key."""

    def __init__(self, key):
        self.key = key

    def expected(self, old_row):
        return old_row[self.key]


class Fixed:
    """Expected value: a constant (for migrated rows whose old reference was set)."""

    def __init__(self, value, unless_null=None):
        self.value = value
        self.unless_null = unless_null

    def expected(self, old_row):
        if self.unless_null and old_row[self.unless_null] is None:
            return None
        return self.value


# Fields the new schema has: (model, field) -> accepted ir_model_fields ttypes.
NEW_FIELDS = {
    ("iso.signature", "res_model"): ("char",),
    ("iso.signature", "res_id"): ("integer", "many2one_reference"),
    ("iso.signature", "operation"): ("char", "selection"),
    ("iso.legal.hold.item", "hold_id"): ("many2one",),
    ("iso.legal.hold.item", "res_model"): ("char",),
    ("iso.legal.hold.item", "res_id"): ("integer", "many2one_reference"),
    ("iso.disposal.line", "res_model"): ("char",),
    ("iso.disposal.line", "res_id"): ("integer", "many2one_reference"),
    ("iso.risk", "next_review_date"): ("date",),
}
# Columns the new schema has: (table, column) -> accepted PostgreSQL data types.
NEW_COLUMNS = {
    ("iso_signature", "res_model"): ("character varying",),
    ("iso_signature", "res_id"): ("integer",),
    ("iso_signature", "operation"): ("character varying",),
    ("iso_legal_hold_item", "hold_id"): ("integer",),
    ("iso_legal_hold_item", "res_model"): ("character varying",),
    ("iso_legal_hold_item", "res_id"): ("integer",),
    ("iso_disposal_line", "res_model"): ("character varying",),
    ("iso_disposal_line", "res_id"): ("integer",),
    ("iso_risk", "next_review_date"): ("date",),
}
# Stored fields of the previous release that the new schema replaces (a leftover column is fine).
REPLACED_FIELDS = [
    ("iso.signature", "record_id"),
    ("iso.legal.hold", "record_ids"),
    ("iso.disposal.line", "record_id"),
    ("iso.risk", "review_date"),
]

# Old rows that must still exist, same id: new column -> where its expected value comes from.
SIGNATURE_COLUMNS = {
    "res_model": Fixed(OLD_TARGET_MODEL),
    "res_id": Old("record_id"),
    "revision_id": Old("revision_id"),
    "signer_id": Old("signer_id"),
    "meaning": Old("meaning"),
    "signed_at": Old("signed_at"),
    "content_hash": Old("content_hash"),
    "company_id": Old("company_id"),
}
DISPOSAL_LINE_COLUMNS = {
    "batch_id": Old("batch_id"),
    "res_model": Fixed(OLD_TARGET_MODEL, unless_null="record_id"),
    "res_id": Old("record_id"),
    "action": Old("action"),
    "state": Old("state"),
    "reference": Old("reference"),
    "content_hash": Old("content_hash"),
}
DISPOSAL_BATCH_COLUMNS = {"name": Old("name"), "state": Old("state")}
RISK_COLUMNS = {"next_review_date": Old("review_date")}
LEGAL_HOLD_COLUMNS = {"name": Old("name"), "state": Old("state"), "scope": Old("scope")}
# Old rows whose new column must be filled (not null, not empty).
FILLED_COLUMNS = {("iso_signature", "signatures"): ["operation"]}

# Record rules: old xmlids of these models must be kept, or the model covered as below.
RULE_MODELS = ("iso.record", "iso.record.revision", "iso.signature", "iso.risk")
# Models that need a global company rule and a rule of each of these groups, all noupdate.
RULE_COVERAGE = {
    "iso.record": ["iso_records.group_iso_user"],
    "iso.risk": ["iso_records.group_iso_user"],
}
# Every iso_records rule's domain is evaluated as this user (an ISO user in the demo data) and searched with.
RULE_USER = "base.user_demo"
# Triggers that keep the trail append-only (re-created on every install and upgrade).
TRAIL_TRIGGERS = ("iso_trail_event_append_only", "iso_trail_event_no_truncate")

RULES_SQL = """
    SELECT d.module || '.' || d.name AS xmlid, m.model, r.name, r.domain_force, r.active, d.noupdate,
           r.perm_read, r.perm_write, r.perm_create, r.perm_unlink,
           coalesce((SELECT array_agg(gd.module || '.' || gd.name ORDER BY gd.module, gd.name)
                       FROM rule_group_rel g
                       JOIN ir_model_data gd ON gd.model = 'res.groups' AND gd.res_id = g.group_id
                      WHERE g.rule_group_id = r.id), ARRAY[]::varchar[]) AS groups
      FROM ir_rule r
      JOIN ir_model_data d ON d.model = 'ir.rule' AND d.res_id = r.id AND d.module = %s
      JOIN ir_model m ON m.id = r.model_id
  ORDER BY m.model, d.name
"""


# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------
def jsonable(value):
    """A value as the snapshot stores it (dates and datetimes as strings)."""
    return json.loads(json.dumps(value, default=str))


def rows(cr, query, params=None):
    cr.execute(query, params)
    names = [column.name for column in cr.description]
    return [jsonable(dict(zip(names, row, strict=True))) for row in cr.fetchall()]


def scalar(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


def column_types(cr, table):
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s",
        [table],
    )
    return dict(cr.fetchall())


def missing_columns(cr, table, columns):
    existing = column_types(cr, table)
    if not existing:
        return [f"table {table} does not exist"]
    absent = [column for column in columns if column not in existing]
    return [f"table {table} has no column {', '.join(absent)}"] if absent else []


def shown(items):
    items = list(items)
    more = f" ... and {len(items) - MAX_SHOWN} more" if len(items) > MAX_SHOWN else ""
    return "; ".join(str(item) for item in items[:MAX_SHOWN]) + more


def compare_rows(cr, table, label, old_rows, expected_columns):
    """Each old row must still be in ``table`` with the same id and the expected values."""
    problem = missing_columns(cr, table, ["id", *expected_columns])
    if problem:
        yield f"{problem[0]}: cannot compare the {len(old_rows)} old {label}"
        return
    selected = ", ".join(f'"{column}"' for column in expected_columns)
    cr.execute(f'SELECT id, {selected} FROM "{table}" WHERE id = ANY(%s)', [[row["id"] for row in old_rows]])
    names = [column.name for column in cr.description]
    current = {row[0]: jsonable(dict(zip(names, row, strict=True))) for row in cr.fetchall()}
    gone = [row["id"] for row in old_rows if row["id"] not in current]
    if gone:
        yield f"{len(gone)} of {len(old_rows)} old {label} are gone: ids {shown(gone)}"
    differences = []
    for old_row in old_rows:
        new_row = current.get(old_row["id"])
        for column, source in expected_columns.items():
            expected = source.expected(old_row)
            if new_row is not None and new_row[column] != expected:
                differences.append(f"id {old_row['id']}: {column} = {new_row[column]!r}, expected {expected!r}")
    if differences:
        yield f"{len(differences)} differences in old {label}: {shown(differences)}"


# ----------------------------------------------------------------------
# Checks: each yields its failures
# ----------------------------------------------------------------------
def check_new_fields(cr, snapshot):
    cr.execute(
        "SELECT model, name, ttype, store FROM ir_model_fields WHERE model IN %s",
        [tuple(model for model, _ in NEW_FIELDS)],
    )
    fields = {(model, name): (ttype, store) for model, name, ttype, store in cr.fetchall()}
    for (model, name), ttypes in NEW_FIELDS.items():
        if (model, name) not in fields:
            yield f"field {model}.{name} does not exist"
        elif fields[model, name][0] not in ttypes or not fields[model, name][1]:
            yield f"field {model}.{name} is {fields[model, name]}, expected a stored {' or '.join(ttypes)}"


def check_new_columns(cr, snapshot):
    absent_tables = set()
    for (table, column), types in NEW_COLUMNS.items():
        existing = column_types(cr, table)
        if not existing:
            if table not in absent_tables:
                absent_tables.add(table)
                yield f"table {table} does not exist"
        elif column not in existing:
            yield f"column {table}.{column} does not exist"
        elif existing[column] not in types:
            yield f"column {table}.{column} is {existing[column]}, expected {' or '.join(types)}"


def check_replaced_fields_gone(cr, snapshot):
    for model, name in REPLACED_FIELDS:
        cr.execute("SELECT ttype FROM ir_model_fields WHERE model = %s AND name = %s AND store", [model, name])
        found = cr.fetchone()
        if found:
            yield f"{model}.{name} is still a stored {found[0]} field; the new schema replaces it"


def check_signatures(cr, snapshot):
    yield from compare_rows(cr, "iso_signature", "signatures", snapshot["signatures"], SIGNATURE_COLUMNS)


def check_filled_columns(cr, snapshot):
    for (table, key), columns in FILLED_COLUMNS.items():
        old_ids = [row["id"] for row in snapshot[key]]
        problem = missing_columns(cr, table, columns)
        if problem:
            yield f"{problem[0]}: cannot check that the {len(old_ids)} old {key} have it filled"
            continue
        for column in columns:
            cr.execute(
                f"""SELECT id FROM "{table}" WHERE id = ANY(%s) AND coalesce("{column}"::text, '') = ''
                    ORDER BY id""",
                [old_ids],
            )
            empty = [row[0] for row in cr.fetchall()]
            if empty:
                yield f"{table}.{column} is empty on {len(empty)} of {len(old_ids)} old {key}: ids {shown(empty)}"


def check_legal_holds(cr, snapshot):
    yield from compare_rows(cr, "iso_legal_hold", "legal holds", snapshot["legal_holds"], LEGAL_HOLD_COLUMNS)


def check_legal_hold_items(cr, snapshot):
    holds = [hold for hold in snapshot["legal_holds"] if hold["scope"] == "records"]
    problem = missing_columns(cr, "iso_legal_hold_item", ["hold_id", "res_model", "res_id"])
    if problem:
        yield f"{problem[0]}: cannot compare the records of {len(holds)} old 'records' holds"
        return
    cr.execute(
        "SELECT hold_id, res_model, res_id FROM iso_legal_hold_item WHERE hold_id = ANY(%s) ORDER BY 1, 2, 3",
        [[hold["id"] for hold in holds]],
    )
    items = {}
    for hold_id, res_model, res_id in cr.fetchall():
        items.setdefault(hold_id, []).append([res_model, res_id])
    for hold in holds:
        expected = sorted([OLD_TARGET_MODEL, record_id] for record_id in hold["record_ids"])
        if items.get(hold["id"], []) != expected:
            yield f"hold {hold['id']} ({hold['name']}): items {items.get(hold['id'], [])}, expected {expected}"


def check_filter_hold_types(cr, snapshot):
    cr.execute(
        "SELECT relation_table, column1, column2 FROM ir_model_fields "
        "WHERE model = 'iso.legal.hold' AND name = 'record_type_ids' AND ttype = 'many2many'"
    )
    found = cr.fetchone()
    if not found:
        yield "iso.legal.hold.record_type_ids is no longer a many2many"
        return
    table, column1, column2 = found
    cr.execute(f'SELECT "{column1}", array_agg("{column2}" ORDER BY "{column2}") FROM "{table}" GROUP BY 1')
    current = dict(cr.fetchall())
    for hold in snapshot["legal_holds"]:
        if current.get(hold["id"], []) != hold["record_type_ids"]:
            yield f"hold {hold['id']}: record types {current.get(hold['id'], [])}, expected {hold['record_type_ids']}"


def check_disposal_lines(cr, snapshot):
    lines = snapshot["disposal_lines"]
    yield from compare_rows(cr, "iso_disposal_line", "disposal lines", lines, DISPOSAL_LINE_COLUMNS)


def check_disposal_batches(cr, snapshot):
    batches = snapshot["disposal_batches"]
    yield from compare_rows(cr, "iso_disposal_batch", "disposal batches", batches, DISPOSAL_BATCH_COLUMNS)


def check_risk_review_dates(cr, snapshot):
    yield from compare_rows(cr, "iso_risk", "risks", snapshot["risks"], RISK_COLUMNS)


def check_revision_count(cr, snapshot):
    count = scalar(cr, "SELECT count(*) FROM iso_record_revision")
    if count != snapshot["revision_count"]:
        yield f"{count} revisions, {snapshot['revision_count']} before the upgrade"


def check_trail_event_count(cr, snapshot):
    count = scalar(cr, "SELECT count(*) FROM iso_trail_event")
    if count < snapshot["trail_event_count"]:
        yield f"{count} trail events, fewer than the {snapshot['trail_event_count']} before the upgrade"


def check_trail_triggers(cr, snapshot):
    cr.execute(
        """SELECT tgname FROM pg_trigger
            WHERE tgrelid = 'iso_trail_event'::regclass AND NOT tgisinternal AND tgenabled <> 'D'"""
    )
    enabled = {row[0] for row in cr.fetchall()}
    for trigger in TRAIL_TRIGGERS:
        if trigger not in enabled:
            yield f"trigger {trigger} on iso_trail_event is missing or disabled"


def check_trail_anchor(cr, snapshot):
    """The events the last verification before the upgrade saw are all there, unchanged."""
    anchor = snapshot["last_verification"]
    cr.execute(
        """SELECT count(*), encode(sha256(convert_to(coalesce(string_agg(hash, '' ORDER BY id), ''), 'UTF8')), 'hex')
             FROM iso_trail_event WHERE id <= %s""",
        [anchor["max_event_id"]],
    )
    count, digest = cr.fetchone()
    if count != anchor["events_checked"] or digest != anchor["events_digest"]:
        yield (
            f"events up to {anchor['max_event_id']}: {count} with digest {digest}, the verification before the "
            f"upgrade saw {anchor['events_checked']} with digest {anchor['events_digest']}"
        )
    cr.execute("SELECT state, hash FROM iso_trail_verification WHERE id = %s", [anchor["id"]])
    if list(cr.fetchone() or []) != [anchor["state"], anchor["hash"]]:
        yield f"the verification {anchor['id']} made before the upgrade is gone or changed"


def check_trail_verification(env, snapshot):
    """A verification run now finds the trail intact, and so did every one since the upgrade began."""
    verification = env["iso.trail.verification"]._verify()
    print(
        f"  verification {verification.id}: {verification.state}, {verification.events_checked} events "
        f"in {verification.chains_checked} chains, chained to verification {verification.previous_id.id}"
    )
    if verification.state != "intact":
        yield f"the trail verification after the upgrade is {verification.state}: {verification.problem}"
    since = env["iso.trail.verification"].search(
        [("id", ">", snapshot["last_verification"]["id"]), ("id", "!=", verification.id), ("state", "!=", "intact")]
    )
    for broken in since:
        yield f"verification {broken.id}, made during the upgrade, found the trail {broken.state}: {broken.problem}"


def print_rules(title, rules):
    print(f"  {title}:")
    for rule in rules:
        flags = "noupdate" if rule["noupdate"] else "UPDATABLE"
        print(f"    {rule['xmlid']} [{rule['model']}] groups={rule['groups'] or 'global'} {flags}")


def check_record_rules(cr, snapshot):
    old_rules = [rule for rule in snapshot["record_rules"] if rule["model"] in RULE_MODELS]
    new_rules = [rule for rule in rows(cr, RULES_SQL, [MODULE]) if rule["model"] in RULE_MODELS]
    print_rules("rules before the upgrade", old_rules)
    print_rules("rules after the upgrade", new_rules)
    new_xmlids = {rule["xmlid"] for rule in new_rules}
    replaced = [rule["xmlid"] for rule in old_rules if rule["xmlid"] not in new_xmlids]
    print(f"  kept: {len(old_rules) - len(replaced)}, replaced (gone): {replaced or 'none'}")
    for rule in new_rules:
        if not rule["noupdate"]:
            yield f"rule {rule['xmlid']} is not noupdate"
    for model, groups in RULE_COVERAGE.items():
        of_model = [rule for rule in new_rules if rule["model"] == model and rule["active"] and rule["noupdate"]]
        if not any(not rule["groups"] and "company_id" in (rule["domain_force"] or "") for rule in of_model):
            yield f"{model} has no active noupdate global company rule (no groups, domain on company_id)"
        for group in groups:
            if not any(group in rule["groups"] for rule in of_model):
                yield f"{model} has no active noupdate rule for {group}"


def check_rule_domains(env, snapshot):
    """Every rule of the module still evaluates and searches: a noupdate rule keeps its old domain, which
    may name a field the upgrade removed."""
    rules = env["ir.rule"].with_user(env.ref(RULE_USER))
    for rule in rows(env.cr, RULES_SQL, [MODULE]):
        if not rule["domain_force"]:
            continue
        try:
            with env.cr.savepoint():
                domain = safe_eval(rule["domain_force"], rules._eval_context())
                env[rule["model"]].sudo().with_context(active_test=False).search_count(domain)
        except Exception as error:
            env.invalidate_all()
            yield f"rule {rule['xmlid']} on {rule['model']}: {type(error).__name__}: {str(error).strip()[:300]}"


CHECKS = [
    check_new_fields,
    check_new_columns,
    check_replaced_fields_gone,
    check_signatures,
    check_filled_columns,
    check_legal_holds,
    check_legal_hold_items,
    check_filter_hold_types,
    check_disposal_lines,
    check_disposal_batches,
    check_risk_review_dates,
    check_revision_count,
    check_trail_event_count,
    check_trail_triggers,
    check_trail_anchor,
    check_record_rules,
]
# Checks that need the ORM (they run last: they write a verification).
ENV_CHECKS = [check_rule_domains, check_trail_verification]


def run_check(env, check, snapshot, argument):
    """Run one check in a savepoint; an error in it (a missing table, say) is its failure, not a crash."""
    try:
        with env.cr.savepoint():
            failures = list(check(argument, snapshot))
    except Exception as error:
        env.invalidate_all()
        failures = [f"crashed: {type(error).__name__}: {str(error).strip()}"]
    name = check.__name__.removeprefix("check_")
    for failure in failures:
        print(f"FAIL {name}: {failure}")
    if not failures:
        print(f"PASS {name}")
    return failures


def main(env):
    path = os.environ.get(SNAPSHOT_ENV)
    if not path:
        sys.exit(f"check_upgraded: set {SNAPSHOT_ENV} to the snapshot fill_previous.py wrote")
    with open(path, encoding="utf-8") as handle:
        snapshot = json.load(handle)
    version = scalar(env.cr, "SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE])
    print(f"check_upgraded: {MODULE} {snapshot['module_version']} before the upgrade, {version} now")
    failures = []
    for check in CHECKS:
        failures += run_check(env, check, snapshot, env.cr)
    for check in ENV_CHECKS:
        failures += run_check(env, check, snapshot, env)
    env.cr.rollback()
    checks = len(CHECKS) + len(ENV_CHECKS)
    if failures:
        print(f"check_upgraded: {len(failures)} failures in {checks} checks")
        sys.exit(1)
    print(f"check_upgraded: all {checks} checks passed")


if __name__ == "__main__":
    shell_env = globals().get("env")
    if shell_env is None:
        sys.exit("check_upgraded.py runs in an Odoo shell: odoo-bin shell -c CONF -d DB --no-http < check_upgraded.py")
    main(shell_env)
