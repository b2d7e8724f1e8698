"""Fill a database of the PREVIOUS release (iso_records installed with demo data) with what the
upgrade must keep, commit, and write a JSON snapshot of it, read with plain SQL.

Run it in an Odoo shell of that database, with the previous release's addons path:

    ISO_UPGRADE_SNAPSHOT=/tmp/snapshot.json \\
        python /opt/odoo/18.0/odoo-bin shell -c CONF -d DB --no-http < fill_previous.py

It adds, on top of the demo data:

- a disposal batch that was collected, approved and applied (lines done: records archived and anonymised);
- a legal hold on chosen records (2 records), a legal hold on a filter (a record type), and a
  released legal hold on chosen records;
- a second disposal batch collected by an administrator, waiting for approval, with pending lines
  and a line kept by the (later) hold;
- a review date on one more risk; a trail verification (the anchor the upgraded database is checked against).

The snapshot is read with SQL only, so that it does not depend on the ORM fields of either release.
"""

import json
import os
import sys
from datetime import timedelta

from odoo import fields

SNAPSHOT_ENV = "ISO_UPGRADE_SNAPSHOT"
MODULE = "iso_records"
# A retention end this far in the past is due whatever the grace days of Settings.
DUE_UNTIL = "2000-01-01"

# Demo records (xmlids of the previous release's demo data).
# Round 1: collected, approved and applied (archive and anonymise).
DISPOSED = [
    "iso_record_demo_supplier_wood_corner",
    "iso_record_demo_supplier_lumber_inc",
    "iso_record_demo_training_keith_forklift",
]
# Round 2: made due, then collected by an administrator into a batch that waits for approval.
DUE = [
    "iso_record_demo_training_marc_awareness",
    "iso_record_demo_training_ronnie_auditor",
    "iso_record_demo_inspection_large_desk",
    "iso_record_demo_inspection_office_chair",
    "iso_record_demo_calibration_caliper",
    "iso_record_demo_calibration_torque",
    "iso_record_demo_maintenance_panel_saw",
]
# Held before round 2 is collected: one due record and one effective (signed) document.
HELD_RECORDS = ["iso_record_demo_training_marc_awareness", "iso_record_demo_quality_manual"]
# Held by a filter before round 2 is collected: every calibration certificate.
HELD_TYPES = ["record_type_calibration_certificate"]
# Held after round 2 is collected (its line becomes 'held'), then released.
LATE_HELD_RECORDS = ["iso_record_demo_inspection_large_desk", "iso_record_demo_form_nonconformity"]


def ref(env, name):
    return env.ref(f"{MODULE}.{name}")


def records(env, names):
    return env["iso.record"].browse([ref(env, name).id for name in names])


def make_due(env, recs):
    env.flush_all()
    env.cr.execute("UPDATE iso_record SET retention_until = %s WHERE id = ANY(%s)", [DUE_UNTIL, recs.ids])
    env["iso.record"].invalidate_model(["retention_until"])


def require(condition, message):
    if not condition:
        raise AssertionError(f"fill_previous: {message}")


def dispose_round(env, company, admin):
    """Collected by the sweep (no requester), approved by an administrator, applied."""
    make_due(env, records(env, DISPOSED))
    batch = env["iso.disposal.batch"]._collect(company)
    require(batch, "the first collection found nothing due")
    batch.with_user(admin)._approve(reason="Upgrade test: approved before the upgrade")
    batch.sudo()._apply(commit=False)
    batch.invalidate_recordset()
    require(batch.state == "done", f"the first batch is {batch.state}, not done")
    return batch


def place_holds(env):
    holds = env["iso.legal.hold"]
    on_records = holds.create(
        {
            "name": "Upgrade test: litigation on chosen records",
            "scope": "records",
            "record_ids": [(6, 0, records(env, HELD_RECORDS).ids)],
        }
    )
    on_filter = holds.create(
        {
            "name": "Upgrade test: calibration dispute",
            "scope": "filter",
            "record_type_ids": [(6, 0, [ref(env, name).id for name in HELD_TYPES])],
        }
    )
    return on_records | on_filter


def collect_round(env, company, admin):
    """Collected by hand by an administrator; waits for approval."""
    make_due(env, records(env, DUE))
    batch = env["iso.disposal.batch"]._collect(company, requested_by=admin)
    require(batch, "the second collection found nothing due")
    return batch


def place_and_release_late_hold(env):
    hold = env["iso.legal.hold"].create(
        {
            "name": "Upgrade test: hold placed after collection",
            "scope": "records",
            "record_ids": [(6, 0, records(env, LATE_HELD_RECORDS).ids)],
        }
    )
    hold.action_release("Upgrade test: the claim was withdrawn")
    return hold


def ensure_risk_review_dates(env):
    risks = env["iso.risk"].search([], order="id")
    without = risks.filtered(lambda risk: not risk.review_date)
    if without and len(risks - without) < 3:
        without[0].write({"review_date": fields.Date.today() + timedelta(days=90)})
    require(len(risks.filtered("review_date")) >= 2, "fewer than two risks have a review date")


def fill(env):
    company = env.ref("base.main_company")
    admin = env.ref("base.user_admin")
    require(admin.has_group(f"{MODULE}.group_iso_administrator"), "the demo admin is not an ISO administrator")
    dispose_round(env, company, admin)
    place_holds(env)
    batch = collect_round(env, company, admin)
    place_and_release_late_hold(env)
    states = set(batch.line_ids.mapped("state"))
    require({"pending", "held"} <= states, f"the second batch's lines are {sorted(states)}, not pending and held")
    ensure_risk_review_dates(env)
    verification = env["iso.trail.verification"]._verify()
    require(verification.state == "intact", f"the trail of the previous release is broken: {verification.problem}")
    env.flush_all()
    env.cr.commit()


# ----------------------------------------------------------------------
# Snapshot (SQL only)
# ----------------------------------------------------------------------
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


def rows(cr, query, params=None):
    cr.execute(query, params)
    names = [column.name for column in cr.description]
    return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]


def scalar(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


def relation(cr, model, field):
    """Table and columns of a many2many, as the ORM registered them."""
    cr.execute(
        "SELECT relation_table, column1, column2 FROM ir_model_fields WHERE model = %s AND name = %s",
        [model, field],
    )
    found = cr.fetchone()
    require(found and found[0], f"{model}.{field} is not a many2many in ir_model_fields")
    return found


def related_ids(cr, model, field):
    table, column1, column2 = relation(cr, model, field)
    cr.execute(f'SELECT "{column1}", array_agg("{column2}" ORDER BY "{column2}") FROM "{table}" GROUP BY 1')
    return dict(cr.fetchall())


def legal_holds(cr):
    holds = rows(cr, "SELECT id, name, state, scope FROM iso_legal_hold ORDER BY id")
    record_ids = related_ids(cr, "iso.legal.hold", "record_ids")
    type_ids = related_ids(cr, "iso.legal.hold", "record_type_ids")
    for hold in holds:
        hold["record_ids"] = record_ids.get(hold["id"], [])
        hold["record_type_ids"] = type_ids.get(hold["id"], [])
    return holds


def snapshot(cr):
    return {
        "module_version": scalar(cr, "SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE]),
        "signatures": rows(
            cr,
            """SELECT id, record_id, revision_id, signer_id, meaning, signed_at, content_hash, company_id
                 FROM iso_signature ORDER BY id""",
        ),
        "legal_holds": legal_holds(cr),
        "disposal_lines": rows(
            cr,
            """SELECT id, batch_id, record_id, action, state, reference, content_hash
                 FROM iso_disposal_line ORDER BY id""",
        ),
        "disposal_batches": rows(cr, "SELECT id, name, state FROM iso_disposal_batch ORDER BY id"),
        "risks": rows(cr, "SELECT id, review_date FROM iso_risk ORDER BY id"),
        "trail_event_count": scalar(cr, "SELECT count(*) FROM iso_trail_event"),
        "revision_count": scalar(cr, "SELECT count(*) FROM iso_record_revision"),
        "record_rules": rows(cr, RULES_SQL, [MODULE]),
        "last_verification": rows(
            cr,
            """SELECT id, state, events_checked, max_event_id, events_digest, hash
                 FROM iso_trail_verification ORDER BY id DESC LIMIT 1""",
        )[0],
    }


def summary(data):
    lines = data["disposal_lines"]
    return (
        f"{len(data['signatures'])} signatures, {len(data['legal_holds'])} legal holds, "
        f"{len(data['disposal_batches'])} disposal batches, {len(lines)} disposal lines "
        f"({', '.join(sorted({line['state'] for line in lines}))}), "
        f"{sum(1 for risk in data['risks'] if risk['review_date'])}/{len(data['risks'])} risks with a review date, "
        f"{data['trail_event_count']} trail events, {data['revision_count']} revisions, "
        f"{len(data['record_rules'])} record rules"
    )


def main(env):
    path = os.environ.get(SNAPSHOT_ENV)
    require(path, f"set {SNAPSHOT_ENV} to the path of the snapshot to write")
    fill(env)
    data = snapshot(env.cr)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=True, default=str)
    print(f"fill_previous: wrote {path}: {summary(data)}")


if __name__ == "__main__":
    shell_env = globals().get("env")
    if shell_env is None:
        sys.exit("fill_previous.py runs in an Odoo shell: odoo-bin shell -c CONF -d DB --no-http < fill_previous.py")
    main(shell_env)
