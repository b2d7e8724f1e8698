"""Audit-programme benchmark: the clause coverage grid's first page and "Generate audits" for a company with
5 standards, 200 departments and 3 years of audits (2,000 audits, 40,000 checklist lines, 5,000 findings),
next to OCA's ``mgmtsystem_audit`` creating the same number of audits.

In one transaction per database, rolled back at the end:

1. ISO Records (``--db``, ``iso_records_audit`` installed): 200 departments, one risk per department (levels
   spread over low to critical), an ISO manager, and an approved programme over 5 shipped standards with
   one line per department (3 clauses each), made with the ORM; then 2,000 audits of those lines over the
   3 years before today (cycle started 30 months ago; 90 % closed, the rest planned), their clause and
   standard links, 40,000 checklist lines and 5,000 findings, inserted with SQL; then ``ANALYZE``.
2. As the ISO manager (record rules apply): the coverage grid's first page (``get_coverage_grid``, 40 clauses
   by the 12 quarters of the cycle) and the coverage list's first page (``web_search_read``, 80 rows + count),
   once cold (caches emptied) and ``--rounds`` times warm; then ``action_generate_audits`` of the programme
   (200 lines, whose open audits fill their first due dates) and of two programmes without audits yet, one with
   the same 200 lines and one with 20 of them, each ``--rounds`` times in a savepoint rolled back: time, audits
   created, queries; the queries of each audit generated are (q200 - q20) / (n200 - n20) of those two.
3. OCA (``--oca-db``, ``mgmtsystem_audit`` installed): OCA has no programme, generation or coverage; its
   nearest operation is creating audits. ``env['mgmtsystem.audit'].create(vals_list)`` of as many audits as
   the generation of the 200 lines without audits made (name, date, audit manager, two auditors, one auditee,
   the system), ``--rounds`` times in a savepoint rolled back, default context (tracking, followers, sequence).

Started by ``tests/benchmarks/run``; by hand (smaller with ``--audits 500 --departments 50 ...``)::

    .venv/bin/python tests/benchmarks/bench_audit_programme.py --db iso_bench_audit --oca-db iso_bench_oca_audit \
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``.
"""

import argparse
import statistics
import sys
import time
import traceback
from datetime import date

from bench_common import timed_cold_warm
from dateutil.relativedelta import relativedelta

import odoo
from odoo import Command

TARGET_GRID_S = 0.5
TARGET_GENERATION_S = 5.0
STANDARDS = (
    "iso_records.standard_iso_9001_2015",
    "iso_records.standard_iso_14001_2015",
    "iso_records.standard_iso_27001_2022",
    "iso_records.standard_iso_45001_2018",
    "iso_records.standard_iso_13485_2016",
)
CLAUSES_PER_LINE = 3
SMALL_PROGRAMME_LINES = 20
COVERAGE_SPEC = {
    "standard_id": {"fields": {"display_name": {}}},
    "clause_id": {"fields": {"display_name": {}}},
    "planned": {},
    "gap": {},
    "audited": {},
    "audit_count": {},
    "last_audit_date": {},
    "result": {},
    "nonconformity_count": {},
}
# The columns the SQL rows fill, per table; any other NOT NULL column without a default is reported.
INSERTED = {
    "iso_audit": {"company_id", "confidentiality", "title", "audit_type", "state", "date_start", "date_end"},
    "iso_audit_line": {"audit_id", "question"},
    "iso_audit_finding": {
        "company_id",
        "audit_id",
        "clause_id",
        "confidentiality",
        "grade",
        "state",
        "date",
        "evidence",
    },
}


def missing_not_null_columns(cr):
    """NOT NULL columns without a database default that the SQL rows leave out, per table."""
    missing = {}
    for table, columns in INSERTED.items():
        cr.execute(
            """
            SELECT column_name FROM information_schema.columns
             WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL AND column_name <> 'id'
            """,
            [table],
        )
        left = sorted({name for (name,) in cr.fetchall()} - columns)
        if left:
            missing[table] = left
    return missing


def rolled_back(env, call, rounds):
    """``call`` ``rounds`` times, each in a savepoint rolled back: (times, queries of the first, its result)."""
    times, queries, result = [], None, None
    for __ in range(rounds):
        env.flush_all()
        env.invalidate_all()
        savepoint = env.cr.savepoint(flush=False)
        before = env.cr.sql_log_count
        started = time.perf_counter()
        value = call()
        env.flush_all()
        times.append(time.perf_counter() - started)
        if queries is None:
            queries, result = env.cr.sql_log_count - before, value
        savepoint.close(rollback=True)
    env.invalidate_all()
    return times, queries, result


def build(env, args):
    """The ISO Records data set of the module docstring; returns (manager, programme, small programme)."""
    cr = env.cr
    company = env.company
    started = time.perf_counter()
    standards = env["iso.standard"].browse([env.ref(xmlid).id for xmlid in STANDARDS])
    clauses = env["iso.clause"].search([("standard_id", "in", standards.ids)])
    departments = env["hr.department"].create(
        [{"name": f"Bench audit department {index:03d}"} for index in range(args.departments)]
    )
    scores = ((1, 2), (3, 3), (2, 5), (4, 4))  # low, medium, high, critical
    env["iso.risk"].create(
        [
            {
                "title": f"Bench risk {index:03d}",
                "department_id": department.id,
                "likelihood": scores[index % 4][0],
                "severity": scores[index % 4][1],
            }
            for index, department in enumerate(departments)
        ]
    )
    manager = env["res.users"].create(
        {
            "name": "Bench programme manager",
            "login": "bench_programme_manager",
            "groups_id": [Command.set([env.ref("iso_records.group_iso_manager").id])],
        }
    )
    today = date.today()
    cycle_start = today - relativedelta(months=30)
    clause_list = clauses.filtered(lambda clause: clause.level == 2) or clauses
    lines = [
        {
            "department_id": department.id,
            "process": f"Bench process {index % 40:02d}",
            "clause_ids": [
                Command.set([clause_list[(index * CLAUSES_PER_LINE + k) % len(clause_list)].id for k in range(3)])
            ],
        }
        for index, department in enumerate(departments)
    ]

    def programme(name, line_values):
        record = env["iso.audit.programme"].create(
            {
                "name": name,
                "standard_ids": [Command.set(standards.ids)],
                "cycle_start": cycle_start,
                "line_ids": [Command.create(values) for values in line_values],
            }
        )
        record._iso_sign_as(manager.id, "approve", "approved")
        return record

    main = programme("Bench audit programme", lines)
    fresh_small = programme("Bench audit programme, no audit yet (20 lines)", lines[:SMALL_PROGRAMME_LINES])
    fresh_full = programme("Bench audit programme, no audit yet (all lines)", lines)
    env.flush_all()
    orm_s = time.perf_counter() - started

    started = time.perf_counter()
    missing = missing_not_null_columns(cr)
    if missing:
        raise RuntimeError(f"NOT NULL columns the benchmark's SQL rows leave out: {missing}")
    span_days = (today - (today - relativedelta(years=3))).days
    cr.execute(
        """
        WITH line AS (
            SELECT line.id, line.department_id, line.process, row_number() OVER (ORDER BY line.id) - 1 AS n,
                   count(*) OVER () AS total
              FROM iso_audit_programme_line line WHERE line.programme_id = %(programme)s
        )
        INSERT INTO iso_audit (name, title, audit_type, state, company_id, confidentiality, active, programme_id,
                               programme_line_id, department_id, process, date_start, date_end, actual_date_start,
                               date_done, create_uid, create_date, write_uid, write_date)
        SELECT 'BAUD-' || i, 'Bench audit ' || i, 'internal',
               CASE WHEN i %% 10 = 0 THEN 'planned' ELSE 'closed' END,
               %(company)s, 'internal', true, %(programme)s, line.id, line.department_id, line.process,
               CURRENT_DATE - %(span)s + (i * 7919 %% %(span)s), CURRENT_DATE - %(span)s + (i * 7919 %% %(span)s),
               CASE WHEN i %% 10 = 0 THEN NULL ELSE CURRENT_DATE - %(span)s + (i * 7919 %% %(span)s) END,
               CASE WHEN i %% 10 = 0 THEN NULL ELSE CURRENT_DATE - %(span)s + (i * 7919 %% %(span)s) END,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM generate_series(0, %(audits)s - 1) i
          JOIN line ON line.n = i %% line.total
        """,
        {"programme": main.id, "company": company.id, "span": span_days, "audits": args.audits},
    )
    # Planned audits are in the future, as planned ones are.
    cr.execute(
        "UPDATE iso_audit SET date_start = CURRENT_DATE + (id %% 300), date_end = CURRENT_DATE + (id %% 300) "
        "WHERE programme_id = %s AND state = 'planned'",
        [main.id],
    )
    clause_rel = env["iso.audit"]._fields["clause_ids"]
    standard_rel = env["iso.audit"]._fields["standard_ids"]
    line_rel = env["iso.audit.programme.line"]._fields["clause_ids"]
    cr.execute(
        f"""
        INSERT INTO {clause_rel.relation} ({clause_rel.column1}, {clause_rel.column2})
        SELECT audit.id, lc.{line_rel.column2}
          FROM iso_audit audit JOIN {line_rel.relation} lc ON lc.{line_rel.column1} = audit.programme_line_id
         WHERE audit.programme_id = %s
        """,
        [main.id],
    )
    cr.execute(
        f"""
        INSERT INTO {standard_rel.relation} ({standard_rel.column1}, {standard_rel.column2})
        SELECT DISTINCT audit.id, clause.standard_id
          FROM iso_audit audit
          JOIN {clause_rel.relation} ac ON ac.{clause_rel.column1} = audit.id
          JOIN iso_clause clause ON clause.id = ac.{clause_rel.column2}
         WHERE audit.programme_id = %s
        """,
        [main.id],
    )
    lines_per_audit = max(args.checklist_lines // max(args.audits, 1), 1)
    cr.execute(
        f"""
        INSERT INTO iso_audit_line (audit_id, company_id, sequence, clause_id, question, result,
                                    create_uid, create_date, write_uid, write_date)
        SELECT audit.id, audit.company_id, k, clause.clause_id, 'Bench question ' || k,
               CASE WHEN audit.state = 'closed' THEN (ARRAY['conform', 'conform', 'conform', 'minor', 'observation'])
                    [1 + (audit.id + k) %% 5] END,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM iso_audit audit
          JOIN generate_series(1, %(per_audit)s) k ON true
          JOIN LATERAL (
                SELECT ac.{clause_rel.column2} AS clause_id FROM {clause_rel.relation} ac
                 WHERE ac.{clause_rel.column1} = audit.id
              ORDER BY ac.{clause_rel.column2} OFFSET (k %% %(per_line)s) LIMIT 1
          ) clause ON true
         WHERE audit.programme_id = %(programme)s
        """,
        {"per_audit": lines_per_audit, "per_line": CLAUSES_PER_LINE, "programme": main.id},
    )
    checklist_lines = cr.rowcount
    cr.execute(
        """
        WITH checklist AS (
            SELECT line.id, line.audit_id, line.clause_id, audit.date_start,
                   row_number() OVER (ORDER BY hashint4(line.id)) AS n
              FROM iso_audit_line line JOIN iso_audit audit ON audit.id = line.audit_id
             WHERE audit.programme_id = %(programme)s AND audit.state = 'closed'
        )
        INSERT INTO iso_audit_finding (name, audit_id, line_id, company_id, clause_id, confidentiality, grade, state,
                                       date, evidence, department_id, create_uid, create_date, write_uid, write_date)
        SELECT 'BFND-' || checklist.n, checklist.audit_id, checklist.id, %(company)s, checklist.clause_id,
               'internal', (ARRAY['minor', 'minor', 'observation', 'improvement', 'positive', 'minor', 'observation',
                                  'improvement', 'positive', 'major'])[1 + checklist.n %% 10],
               'closed', checklist.date_start, 'Bench evidence', audit.department_id,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM checklist JOIN iso_audit audit ON audit.id = checklist.audit_id
         WHERE checklist.n <= %(findings)s
        """,
        {"programme": main.id, "company": company.id, "findings": args.findings},
    )
    findings = cr.rowcount
    for table in ("iso_audit", "iso_audit_line", "iso_audit_finding", clause_rel.relation, standard_rel.relation):
        cr.execute(f"ANALYZE {table}")
    sql_s = time.perf_counter() - started
    env.invalidate_all()
    cr.execute("SELECT count(*) FROM iso_audit WHERE programme_id = %s", [main.id])
    (audits,) = cr.fetchone()
    print(
        f"\n== Audit programme: {len(standards)} standards ({len(clauses)} clauses), {args.departments} departments, "
        f"{audits:,} audits, {checklist_lines:,} checklist lines, {findings:,} findings =="
    )
    print(f"  departments, risks, programmes (ORM)   {orm_s:7.2f} s")
    print(f"  audits, checklists, findings (SQL)     {sql_s:7.2f} s")
    return manager, main, fresh_small, fresh_full


def bench_iso(registry, args):
    """Returns the figures: {name: (seconds, queries, extra)} and the number of audits generated."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            manager, main, fresh_small, fresh_full = build(env, args)
            uenv = env(user=manager.id)
            programme = uenv["iso.audit.programme"].browse(main.id)
            coverage = uenv["iso.audit.clause.coverage"]
            print(f"\n  {'server time, s (as the ISO manager)':<62}{'cold':>7}{'median':>8}{'max':>7}{'queries':>9}")
            results = {}
            for name, call in (
                ("coverage grid first page (40 clauses x 12 quarters)", lambda: programme.get_coverage_grid(limit=40)),
                (
                    "coverage list first page (80 rows + count)",
                    lambda: coverage.web_search_read(
                        [("programme_id", "=", programme.id)], COVERAGE_SPEC, limit=80, count_limit=10001
                    ),
                ),
            ):
                cold, warm, queries, result = timed_cold_warm(env, call, args.rounds)
                shown = (
                    f"{len(result['clauses'])} of {result['total']} clauses"
                    if "clauses" in result
                    else f"{len(result['records'])} of {result['length']} rows"
                )
                results[name] = (cold, warm, queries)
                print(f"  {name:<62}{cold:7.3f}{statistics.median(warm):8.3f}{max(warm):7.3f}{queries:9d}   {shown}")
            generated = {}
            for label, record, shown_as in (
                ("history", main, "with 3 years of audits"),
                ("small", fresh_small, "no audit yet"),
                ("full", fresh_full, "no audit yet"),
            ):
                target = uenv["iso.audit.programme"].browse(record.id)
                times, queries, result = rolled_back(env, target.action_generate_audits, args.rounds)
                count = len(result["params"]["next"].get("domain", [(0, 0, [])])[0][2])
                generated[label] = (times, queries, count)
                print(
                    f"  {f'generate audits, {len(record.line_ids)} lines, {shown_as}':<62}{'':>7}"
                    f"{statistics.median(times):8.3f}{max(times):7.3f}{queries:9d}   {count} audits, "
                    f"{queries / max(count, 1):.1f} queries/audit"
                )
            times, queries, count = generated["history"]
            (__, small_queries, small_count), (__, full_queries, full_count) = generated["small"], generated["full"]
            marginal = (full_queries - small_queries) / max(full_count - small_count, 1)
            print(
                f"  queries per audit generated, from the two programmes without audits: ({full_queries} - "
                f"{small_queries}) / ({full_count} - {small_count}) = {marginal:.2f}"
            )
            grid_worst = max(
                results["coverage grid first page (40 clauses x 12 quarters)"][0],
                *results["coverage grid first page (40 clauses x 12 quarters)"][1],
            )
            generation = statistics.median(times)
            print(
                f"  grid first page, slowest (cold or warm): {grid_worst:.3f} s; target <= {TARGET_GRID_S} s: "
                f"{'met' if grid_worst <= TARGET_GRID_S else 'NOT met'}"
            )
            generation_full = statistics.median(generated["full"][0])
            print(
                f"  generation, median: {generation:.3f} s (with 3 years of audits), {generation_full:.3f} s "
                f"({full_count} audits, no audit yet); target <= {TARGET_GENERATION_S} s: "
                f"{'met' if max(generation, generation_full) <= TARGET_GENERATION_S else 'NOT met'}"
            )
            return full_count, generation_full, full_queries
        finally:
            cr.rollback()


def bench_oca(registry, count, rounds):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            group = env.ref("mgmtsystem.group_mgmtsystem_manager", raise_if_not_found=False)
            users = env["res.users"].create(
                [
                    {
                        "name": f"Bench OCA auditor {index}",
                        "login": f"bench_oca_auditor_{index}",
                        "groups_id": [Command.set([group.id] if group else [])],
                    }
                    for index in range(5)
                ]
            )
            system = env["mgmtsystem.system"].create({"name": "Bench system"})
            today = date.today()

            def create():
                return env["mgmtsystem.audit"].create(
                    [
                        {
                            "name": f"Bench OCA audit {index}",
                            "date": today + relativedelta(months=index % 12),
                            "user_id": users[index % 5].id,
                            "auditor_user_ids": [Command.set([users[(index + 1) % 5].id, users[(index + 2) % 5].id])],
                            "auditee_user_ids": [Command.set([users[(index + 3) % 5].id])],
                            "system_id": system.id,
                        }
                        for index in range(count)
                    ]
                )

            rolled_back(env, create, 1)  # warm-up
            times, queries, __ = rolled_back(env, create, rounds)
            median = statistics.median(times)
            print(
                f"  {'OCA mgmtsystem.audit create, ' + str(count) + ' audits':<62}{'':>7}{median:8.3f}{max(times):7.3f}"
                f"{queries:9d}   {queries / max(count, 1):.1f} queries/audit (OCA has no generation or coverage)"
            )
            return median, queries
        finally:
            cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="iso_bench_audit")
    parser.add_argument("--oca-db", default="iso_bench_oca_audit")
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--audits", type=int, default=2000)
    parser.add_argument("--checklist-lines", type=int, default=40000)
    parser.add_argument("--findings", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config([*args.odoo_args, f"--database={args.db}"])
    status = 0
    count = None
    try:
        registry = odoo.modules.registry.Registry(args.db)
        if "iso.audit.clause.coverage" not in registry:
            print(f"iso_records_audit is not installed in {args.db}", file=sys.stderr)
            return 2
        count, generation, queries = bench_iso(registry, args)
    except Exception:
        traceback.print_exc()
        status = 2
    if count:
        try:
            registry = odoo.modules.registry.Registry(args.oca_db)
            if "mgmtsystem.audit" not in registry:
                print(f"mgmtsystem_audit is not installed in {args.oca_db}: no OCA anchor", file=sys.stderr)
                return 2
            oca, oca_queries = bench_oca(registry, count, args.rounds)
            print(
                f"  generation / OCA create of as many audits: {generation / oca:.2f}x time, "
                f"{queries / max(oca_queries, 1):.2f}x queries"
            )
        except Exception:
            traceback.print_exc()
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
