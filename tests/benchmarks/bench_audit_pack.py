"""Audit pack benchmark: the ZIP of 10,000 operational records in scope, each with one small attachment, built
in-process as an ISO manager, next to zipping the same attachment files with plain ``zipfile`` in the same run.

In one transaction, rolled back at the end (``--db``, ``iso_records`` installed; demo data or not):

1. ORM fixtures: a department and an ISO manager (the requester, employee of that department).
2. Set-based seeding: ``--records`` small files written to the filestore at their SHA-1 paths (each with its
   own content), then with ``INSERT ... SELECT generate_series``: their ``ir.attachment`` rows, the operational
   records (maintenance records, filed in the period, on 7.1.3, of the department), one revision each holding
   its attachment, and one trail event each. ``ANALYZE`` after.
3. Timed: first the baseline, the same attachment files into a ZIP of the same compression with ``zipfile``
   alone; then, as the ISO manager (record rules apply), ``_iso_build`` of a pack of ISO 9001 7.1.3, the period
   and the department (search, index PDF, trail extract, manifest, the ZIP moved into the filestore, one export
   event per record). For each, the process's RSS before and its peak during (``reset_max_rss`` first): the
   process holds Odoo's registry, about 150 MB, before either starts.

Targets: the pack in at most 60 s with a peak RSS under 500 MB. Figures are printed, not asserted. The files
written to the filestore (the seeded attachments and the two ZIPs) are removed at the end.

Started by ``tests/benchmarks/run`` (``ISO_BENCH_ONLY=audit_pack``); by hand::

    .venv/bin/python tests/benchmarks/bench_audit_pack.py --db iso_bench \\
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``.
"""

import argparse
import hashlib
import os
import sys
import tempfile
import time
import traceback
import uuid
import zipfile
from datetime import date, timedelta

from bench_common import max_rss_mb, reset_max_rss
from bench_record_list import insert_select, not_null_extras

import odoo
from odoo import Command
from odoo.tools import SQL

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 500.0
PREFIX = "BPACK-"


def fixtures(env):
    department = env["hr.department"].create({"name": "Bench audit pack department"})
    manager = env["res.users"].create(
        {
            "name": "Bench pack manager",
            "login": "bench_pack_manager",
            "groups_id": [Command.set([env.ref("iso_records.group_iso_manager").id])],
        }
    )
    env["hr.employee"].create({"name": "Bench pack manager", "user_id": manager.id, "department_id": department.id})
    env.flush_all()
    return department, manager


def seed(env, count, department, period_start):
    """The attachments' files, then their rows, the records, their revisions and trail events, set-based.
    Returns the filestore paths written."""
    cr = env.cr
    attachments = env["ir.attachment"]
    token = uuid.uuid4().hex
    files = []
    for index in range(count):
        data = f"Bench maintenance log {index} of run {token}\n".encode() * 8
        checksum = hashlib.sha1(data).hexdigest()
        fname = f"{checksum[:2]}/{checksum}"
        full_path = attachments._full_path(fname)
        os.makedirs(os.path.dirname(full_path), exist_ok=True)
        with open(full_path, "wb") as stream:
            stream.write(data)
        files.append((fname, checksum, len(data), full_path))
    company = env.company.id
    record_type = env.ref("iso_records.record_type_maintenance_record")
    clause = env.ref("iso_records.clause_9001_7_1_3")
    n_series = SQL("generate_series(0, %s) n", count - 1)
    now = SQL("now() AT TIME ZONE 'UTC'")

    columns = ["name", "res_model", "res_id", "type", "store_fname", "checksum", "file_size", "mimetype", "public",
               "company_id", "create_uid", "create_date", "write_uid", "write_date"]  # fmt: skip
    select = [
        SQL("'bench-log-' || n || '.txt'"),
        SQL("'iso.record'"),
        SQL("0"),
        SQL("'binary'"),
        SQL("(%s::text[])[n + 1]", [f[0] for f in files]),
        SQL("(%s::text[])[n + 1]", [f[1] for f in files]),
        SQL("(%s::int[])[n + 1]", [f[2] for f in files]),
        SQL("'text/plain'"),
        SQL("false"),
        SQL("%s", company),
        SQL("1"),
        now,
        SQL("1"),
        now,
    ]
    extras = not_null_extras(env, "ir_attachment", "ir.attachment", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "ir_attachment", columns, extras, select), n_series))

    columns = ["name", "title", "record_type_id", "kind", "company_id", "state", "effective_date",
               "confidentiality", "active", "author_id", "revision_number", "department_id", "body",
               "create_uid", "create_date", "write_uid", "write_date"]  # fmt: skip
    select = [
        SQL("%s || n", PREFIX),
        SQL("'Bench maintenance ' || n"),
        SQL("%s", record_type.id),
        SQL("'record'"),
        SQL("%s", company),
        SQL("'filed'"),
        SQL("%s::date + mod(n, 80)", period_start),
        SQL("'internal'"),
        SQL("true"),
        SQL("1"),
        SQL("1"),
        SQL("%s", department.id),
        SQL("'<p>Serviced, see the log.</p>'"),
        SQL("1"),
        now,
        SQL("1"),
        now,
    ]
    extras = not_null_extras(env, "iso_record", "iso.record", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "iso_record", columns, extras, select), n_series))
    clauses = env["iso.record"]._fields["clause_ids"]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT id, %s FROM iso_record WHERE starts_with(name, %s)",
            SQL.identifier(clauses.relation),
            SQL.identifier(clauses.column1),
            SQL.identifier(clauses.column2),
            clause.id,
            PREFIX,
        )
    )
    # The attachments belong to their record (n-th record, n-th file).
    cr.execute(
        """WITH records AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM iso_record
                             WHERE starts_with(name, %s)),
                files AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ir_attachment
                           WHERE store_fname = ANY(%s))
           UPDATE ir_attachment SET res_id = records.id FROM records JOIN files USING (n)
            WHERE ir_attachment.id = files.id""",
        [PREFIX, [f[0] for f in files]],
    )
    columns = ["record_id", "name", "number", "title", "company_id", "author_id", "effective_date",
               "body_snapshot", "attachment_manifest", "content_hash", "create_uid", "create_date", "write_uid",
               "write_date"]  # fmt: skip
    select = [
        SQL("r.id"),
        SQL("r.name"),
        SQL("1"),
        SQL("r.title"),
        SQL("r.company_id"),
        SQL("1"),
        SQL("r.effective_date"),
        SQL("r.body"),
        SQL("'[]'"),
        SQL("encode(sha256(convert_to(r.body || r.name, 'UTF8')), 'hex')"),
        SQL("1"),
        now,
        SQL("1"),
        now,
    ]
    extras = not_null_extras(env, "iso_record_revision", "iso.record.revision", columns)
    cr.execute(
        SQL(
            "%s FROM iso_record r WHERE starts_with(r.name, %s)",
            insert_select(cr, "iso_record_revision", columns, extras, select),
            PREFIX,
        )
    )
    cr.execute(
        """UPDATE iso_record r SET revision_id = v.id FROM iso_record_revision v
            WHERE v.record_id = r.id AND starts_with(r.name, %s)""",
        [PREFIX],
    )
    cr.execute(
        """INSERT INTO iso_record_revision_attachment_rel (revision_id, attachment_id)
           SELECT v.id, a.id FROM iso_record_revision v JOIN ir_attachment a
             ON a.res_model = 'iso.record' AND a.res_id = v.record_id WHERE starts_with(v.name, %s)""",
        [PREFIX],
    )
    cr.execute(
        """INSERT INTO iso_trail_event (chain_key, sequence, res_model, res_id, reference, event_type, changes,
                                        reason, user_id, employee_name, company_id, event_time, previous_hash, hash,
                                        confidentiality)
           SELECT 'iso.record,' || id, 1, 'iso.record', id, name, 'create', '', '', 1, '', company_id,
                  now() AT TIME ZONE 'UTC', '', encode(sha256(convert_to(name, 'UTF8')), 'hex'), 'internal'
             FROM iso_record WHERE starts_with(name, %s)""",
        [PREFIX],
    )
    for table in ("ir_attachment", "iso_record", "iso_record_revision", "iso_trail_event", clauses.relation):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()
    return [f[3] for f in files]


def current_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def baseline(paths, directory):
    """The same files into a ZIP of the same compression with zipfile alone."""
    handle, target = tempfile.mkstemp(prefix="bench-baseline-", suffix=".zip", dir=directory)
    os.close(handle)
    try:
        reset_max_rss()
        started = time.perf_counter()
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for index, path in enumerate(paths):
                archive.write(path, f"files/{index} {os.path.basename(path)}.txt")
        return time.perf_counter() - started, max_rss_mb(), os.path.getsize(target)
    finally:
        os.unlink(target)


def bench(registry, args):
    written = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            department, manager = fixtures(env)
            period_end = date.today() - timedelta(days=1)
            period_start = period_end - timedelta(days=89)
            started = time.perf_counter()
            written = seed(env, args.records, department, period_start)
            print(f"\n== Audit pack: {args.records:,} operational records with one attachment each ==")
            print(f"  seeding (files, then SQL)           {time.perf_counter() - started:8.2f} s")
            pack = (
                env["iso.audit.pack"]
                .with_user(manager)
                .create(
                    {
                        "standard_id": env.ref("iso_records.standard_iso_9001_2015").id,
                        "clause_ids": [Command.set(env.ref("iso_records.clause_9001_7_1_3").ids)],
                        "date_from": period_start,
                        "date_to": period_end,
                        "department_ids": [Command.set(department.ids)],
                    }
                )
            )
            env.flush_all()
            env.invalidate_all()
            base_before = current_rss_mb()
            base_seconds, base_peak, base_size = baseline(written, env["ir.attachment"]._filestore())
            before = current_rss_mb()
            reset_max_rss()
            queries = cr.sql_log_count
            started = time.perf_counter()
            pack._as_requester()._iso_build(commit=False)
            env.flush_all()
            seconds = time.perf_counter() - started
            peak = max_rss_mb()
            queries = cr.sql_log_count - queries
            pack.invalidate_recordset()
            attachment = pack.sudo().attachment_id
            written.append(attachment._full_path(attachment.store_fname))
            exports = env["iso.trail.event"].search_count([("event_type", "=", "export"), ("reason", "=", pack.name)])
            print(f"    {'':<46}{'wall s':>8}{'RSS before MB':>15}{'peak RSS MB':>13}{'ZIP MB':>9}")
            print(
                f"    {'baseline: zipfile of the same files':<46}{base_seconds:8.2f}{base_before:15.0f}"
                f"{base_peak:13.0f}{base_size / 1e6:9.1f}"
            )
            print(
                f"    {'audit pack (ISO manager, record rules)':<46}{seconds:8.2f}{before:15.0f}{peak:13.0f}"
                f"{attachment.file_size / 1e6:9.1f}"
            )
            print(
                f"    records {pack.record_count:,}, files {pack.file_count:,}, export events {exports:,}, "
                f"queries {queries:,}, ratio pack / baseline {seconds / base_seconds:.1f}x"
            )
            print(
                f"    targets: <= {TARGET_SECONDS:.0f} s {'met' if seconds <= TARGET_SECONDS else 'NOT met'}; "
                f"peak RSS < {TARGET_RSS_MB:.0f} MB {'met' if peak < TARGET_RSS_MB else 'NOT met'}"
            )
            with zipfile.ZipFile(written[-1]) as archive:
                print(f"    the ZIP holds {len(archive.namelist()):,} files, manifest included")
            return 0 if pack.record_count == args.records else 1
        finally:
            cr.rollback()
            for path in written:
                if os.path.exists(path):
                    os.unlink(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="iso_bench")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config([*args.odoo_args, f"--database={args.db}"])
    try:
        registry = odoo.modules.registry.Registry(args.db)
        if "iso.audit.pack" not in registry:
            print(f"iso_records with audit packs is not installed in {args.db}", file=sys.stderr)
            return 2
        result = bench(registry, args)
    except Exception:
        traceback.print_exc()
        return 2
    if result:
        print("  the pack did not hold every record seeded: see above", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
