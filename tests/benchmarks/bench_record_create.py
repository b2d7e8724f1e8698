"""Record-creation benchmark: ``iso.record`` against OCA's ``mgmtsystem.nonconformity``
and a raw SQL insert of the same rows.

Started by ``tests/benchmarks/run``, which prepares the two databases; by hand::

    .venv/bin/python tests/benchmarks/bench_record_create.py --iso-db iso_bench --oca-db iso_bench_oca \
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``.

Each step runs in one transaction of its database, in this process:

1. fixtures (not timed): 50 employees, 50 products, 50 supplier partners (and, for OCA, a few
   users, a management system and an origin);
2. warm-up: the same step with a few records, then rolled back, so that registry loading,
   ormcaches and first-query costs are not timed;
3. timed pass: ``create(vals_list)`` with every record in one call, then ``env.flush_all()``;
   rolled back;
4. memory pass: the same again under ``tracemalloc`` (which slows Python down, hence a pass
   of its own), counting the SQL statements by shape; rolled back.

The fixtures are rolled back at the end: the databases keep no benchmark data (PostgreSQL
sequences, such as the record references, are not transactional and do move on).
"""

import argparse
import collections
import contextlib
import gc
import itertools
import re
import sys
import time
import traceback
import tracemalloc

from bench_common import fmt, max_rss_mb, reset_max_rss

import odoo
from odoo.sql_db import Cursor

TARGET_MS_PER_RECORD = 1.0
TARGET_PEAK_MB = 300.0
OCA_REFERENCE_MS_PER_RECORD = 3.2
FIXTURES = 50
WARMUP = 5
TRAINING_RECORD_XMLID = "iso_records.record_type_training_record"


class Result:
    def __init__(self, label, count):
        self.label = label
        self.count = count
        self.ms = None
        self.queries = None
        self.peak_mb = None
        self.rss_mb = None
        self.rss_reset = False
        self.query_shapes = collections.Counter()
        self.error = None

    @property
    def ms_per_record(self):
        return self.ms / self.count if self.ms is not None and self.count else None


_NUMBER = re.compile(r"\b\d+\b")
_SPACES = re.compile(r"\s+")


@contextlib.contextmanager
def count_query_shapes(counter):
    """Counts the statements run through Odoo cursors, by shape (numbers folded)."""
    original = Cursor.execute

    def execute(self, query, params=None, log_exceptions=True):
        code = getattr(query, "code", query)
        shape = _SPACES.sub(" ", _NUMBER.sub("?", str(code))).strip()
        counter[shape[:160]] += 1
        return original(self, query, params, log_exceptions)

    Cursor.execute = execute
    try:
        yield
    finally:
        Cursor.execute = original


@contextlib.contextmanager
def rolled_back(env):
    """Runs the body inside a savepoint that is always rolled back, caches included."""
    env.flush_all()
    savepoint = env.cr.savepoint(flush=False)
    try:
        yield
    finally:
        env.cr.clear()  # drop pending writes and the record cache of the rolled-back rows
        savepoint.close(rollback=True)
        env.invalidate_all()
        gc.collect()


def measure(env, result, step):
    """Warm-up, timed pass and memory pass of ``step(env, count)``; each rolled back."""
    with rolled_back(env):
        step(env, WARMUP)

    with rolled_back(env):
        gc.collect()
        result.rss_reset = reset_max_rss()
        queries_before = env.cr.sql_log_count
        start = time.perf_counter()
        step(env, result.count)
        result.ms = (time.perf_counter() - start) * 1000.0
        result.queries = env.cr.sql_log_count - queries_before
        # Before the memory pass: tracemalloc's own bookkeeping would inflate the RSS.
        result.rss_mb = max_rss_mb()

    with rolled_back(env):
        gc.collect()
        tracemalloc.start()
        try:
            with count_query_shapes(result.query_shapes):
                step(env, result.count)
            result.peak_mb = tracemalloc.get_traced_memory()[1] / (1024.0 * 1024.0)
        finally:
            tracemalloc.stop()


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------
def make_partners(env):
    vals = {"is_company": True}
    if "supplier_rank" in env["res.partner"]._fields:
        vals["supplier_rank"] = 1
    return env["res.partner"].create([dict(vals, name=f"Bench supplier {i}") for i in range(FIXTURES)])


def make_iso_fixtures(env):
    company = env.company
    employees = env["hr.employee"].create(
        [{"name": f"Bench employee {i}", "company_id": company.id} for i in range(FIXTURES)]
    )
    products = env["product.product"].create([{"name": f"Bench product {i}"} for i in range(FIXTURES)])
    partners = make_partners(env)
    env.flush_all()
    return employees, products, partners


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------
def iso_vals_list(record_type, employees, products, partners, count):
    employee_ids = itertools.cycle(employees.ids)
    product_ids = itertools.cycle(products.ids)
    partner_ids = itertools.cycle(partners.ids)
    return [
        {
            "title": f"Bench record {n}",
            "record_type_id": record_type.id,
            "employee_id": next(employee_ids),
            "product_id": next(product_ids),
            "partner_id": next(partner_ids),
        }
        for n in range(1, count + 1)
    ]


def iso_orm_step(record_type, employees, products, partners):
    def step(env, count):
        vals_list = iso_vals_list(record_type, employees, products, partners, count)
        records = env["iso.record"].create(vals_list)
        env.flush_all()
        assert len(records) == count

    return step


def raw_sql_plan(env, record_type, employees, products, partners):
    """Columns of the raw insert: the NOT NULL columns of iso_record plus the title, the reference
    and the links, with values from the same vals as the ORM step, the record type, the model's
    defaults, or else the column's type. Returns (columns, SQL types, value functions of n)."""
    Record = env["iso.record"]
    env.cr.execute(
        """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
             FROM pg_attribute a
            WHERE a.attrelid = 'iso_record'::regclass AND a.attnum > 0 AND NOT a.attisdropped
              AND a.attname <> 'id'"""
    )
    table_columns = {name: (sql_type, notnull) for name, sql_type, notnull in env.cr.fetchall()}
    links = ["title", "name", "record_type_id", "employee_id", "product_id", "partner_id"]
    columns = [name for name in links if name in table_columns]
    columns += sorted(name for name, (_type, notnull) in table_columns.items() if notnull and name not in columns)
    defaults = Record.default_get([name for name in columns if name in Record._fields])
    by_comodel = {
        "hr.employee": employees.ids,
        "product.product": products.ids,
        "res.partner": partners.ids,
        "iso.record.type": record_type.ids,
        "res.company": env.company.ids,
    }
    padding = record_type.sequence_id.padding if "sequence_id" in record_type._fields else 4
    prefix = f"{record_type.sequence_prefix}-B" if "sequence_prefix" in record_type._fields else "BENCH-"
    today = odoo.fields.Date.context_today(Record)
    now = odoo.fields.Datetime.now()

    def constant(value):
        return lambda n: value

    by_type = {
        "integer": constant(0),
        "float": constant(0),
        "monetary": constant(0),
        "boolean": constant(False),
        "date": constant(today),
        "datetime": constant(now),
    }

    def value_function(name):
        field = Record._fields.get(name)
        if name == "title":
            function = lambda n: f"Bench record {n}"  # noqa: E731
        elif name == "name":
            function = lambda n: f"{prefix}{n:0{padding}d}"  # noqa: E731
        elif name == "confidentiality" and "default_confidentiality" in record_type._fields:
            function = constant(record_type.default_confidentiality)
        elif field is not None and field.type == "many2one":
            ids = by_comodel.get(field.comodel_name) or env[field.comodel_name].search([], limit=1).ids
            if name in links or name == "company_id":
                function = lambda n: ids[(n - 1) % len(ids)]  # noqa: E731
            else:
                function = constant(defaults.get(name) or ids[0])
        elif defaults.get(name) not in (None, False):
            function = constant(defaults[name])
        elif field is not None and field.type == "selection":
            function = constant(field.get_values(env)[0])
        else:
            function = by_type.get(field.type if field is not None else None, lambda n: f"Bench {name} {n}")
        return function

    return columns, [table_columns[name][0] for name in columns], [value_function(name) for name in columns]


def raw_sql_step(columns, sql_types, value_functions):
    query = "INSERT INTO iso_record ({}) SELECT * FROM unnest({})".format(
        ", ".join(f'"{name}"' for name in columns),
        ", ".join(f"%s::{sql_type}[]" for sql_type in sql_types),
    )

    def step(env, count):
        values = [[function(n) for n in range(1, count + 1)] for function in value_functions]
        env.cr.execute(query, values)
        assert env.cr.rowcount == count

    return step


def oca_fixtures(env):
    partners = make_partners(env)
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create([{"name": f"Bench NC user {i}", "login": f"bench_nc_user_{i}"} for i in range(5)])
    )
    system = env["mgmtsystem.system"].create({"name": "Bench management system"})
    origin = env["mgmtsystem.nonconformity.origin"].search([], limit=1) or env[
        "mgmtsystem.nonconformity.origin"
    ].create({"name": "Bench origin"})
    env.flush_all()
    return partners, users, system, origin


def oca_step(partners, users, system, origin, admin, *, context=None):
    def step(env, count):
        if context:
            env = env(context=dict(env.context, **context))
        partner_ids = itertools.cycle(partners.ids)
        user_ids = itertools.cycle(users.ids)
        vals_list = [
            {
                "name": f"Bench nonconformity {n}",
                "description": f"Bench nonconformity {n}: found during the benchmark.",
                "partner_id": next(partner_ids),
                "responsible_user_id": next(user_ids),
                "manager_user_id": admin.id,
                "user_id": admin.id,
                "system_id": system.id,
                "origin_ids": [(6, 0, origin.ids)],
            }
            for n in range(1, count + 1)
        ]
        records = env["mgmtsystem.nonconformity"].create(vals_list)
        env.flush_all()
        assert len(records) == count

    return step


# ---------------------------------------------------------------------------
# Runs per database
# ---------------------------------------------------------------------------
def database_exists(name):
    with contextlib.closing(odoo.sql_db.db_connect("postgres").cursor()) as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return bool(cr.fetchone())


def run_iso(db, count, iso, raw, notes):
    if not database_exists(db):
        notes.append(f"iso.record: database {db} does not exist (tests/benchmarks/run creates it).")
        return
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            if "iso.record" not in env:
                notes.append(f"iso.record: the model is not in database {db} yet (iso_records has no iso.record).")
                return
            missing = [
                name
                for name in ("title", "record_type_id", "employee_id", "product_id", "partner_id")
                if name not in env["iso.record"]._fields
            ]
            if missing:
                notes.append(f"iso.record: fields missing from the model: {', '.join(missing)}.")
                return
            record_type = env.ref(TRAINING_RECORD_XMLID, raise_if_not_found=False)
            if not record_type:
                notes.append(f"iso.record: no record {TRAINING_RECORD_XMLID} in {db}.")
                return
            employees, products, partners = make_iso_fixtures(env)
            try:
                measure(env, iso, iso_orm_step(record_type, employees, products, partners))
            except Exception:
                iso.error = traceback.format_exc()
            try:
                columns, sql_types, value_functions = raw_sql_plan(env, record_type, employees, products, partners)
                raw.columns = columns
                measure(env, raw, raw_sql_step(columns, sql_types, value_functions))
            except Exception:
                raw.error = traceback.format_exc()
        finally:
            cr.rollback()


def run_oca(db, count, oca, oca_quiet, notes):
    if not database_exists(db):
        notes.append(f"OCA: database {db} does not exist (tests/benchmarks/run creates it).")
        return
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            if "mgmtsystem.nonconformity" not in env:
                notes.append(f"OCA: mgmtsystem_nonconformity is not installed in {db}.")
                return
            partners, users, system, origin = oca_fixtures(env)
            admin = env.ref("base.user_admin")
            try:
                measure(env, oca, oca_step(partners, users, system, origin, admin))
            except Exception:
                oca.error = traceback.format_exc()
            try:
                quiet = {"tracking_disable": True}
                measure(env, oca_quiet, oca_step(partners, users, system, origin, admin, context=quiet))
            except Exception:
                oca_quiet.error = traceback.format_exc()
        finally:
            cr.rollback()


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def ratio(a, b):
    if a is None or b is None or not b:
        return "n/a"
    return f"{a / b:.2f}x"


def report(count, results, notes):
    iso, raw, oca, oca_quiet = results
    print()
    print(f"Record creation, {count:,} records per step, one create() call, flushed (ms = wall clock)")
    header = (
        f"{'step':<50} {'records':>8} {'total ms':>10} {'ms/record':>10} {'queries':>8} "
        f"{'q/record':>9} {'py peak MB':>11} {'peak RSS MB':>12}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        queries_per_record = result.queries / result.count if result.queries is not None else None
        print(
            f"{result.label:<50} {result.count:>8,} {fmt(result.ms, '10,.1f')} "
            f"{fmt(result.ms_per_record, '10.3f')} {fmt(result.queries, '8,d')} "
            f"{fmt(queries_per_record, '9.2f')} {fmt(result.peak_mb, '11.1f')} {fmt(result.rss_mb, '12.1f')}"
        )
    if not all(result.rss_reset for result in results if result.rss_mb is not None):
        print("(peak RSS could not be reset per step here: it is the process's maximum so far)")
    print()
    print(f"ratio iso/raw SQL            (ms/record): {ratio(iso.ms_per_record, raw.ms_per_record)}")
    print(
        f"ratio iso/OCA                (ms/record): {ratio(iso.ms_per_record, oca.ms_per_record)}"
        f"   (the requirement quotes OCA at about {OCA_REFERENCE_MS_PER_RECORD} ms/record)"
    )
    print(f"ratio iso/OCA tracking off   (ms/record): {ratio(iso.ms_per_record, oca_quiet.ms_per_record)}")
    print(f"ratio OCA/raw SQL            (ms/record): {ratio(oca.ms_per_record, raw.ms_per_record)}")
    if getattr(raw, "columns", None):
        print(f"raw SQL columns: {', '.join(raw.columns)}")
    print()
    if iso.ms_per_record is None or iso.peak_mb is None:
        print(f"target <= {TARGET_MS_PER_RECORD} ms/record: NOT MEASURED (the iso.record step did not run)")
        print(f"target peak memory < {TARGET_PEAK_MB:.0f} MB: NOT MEASURED")
    else:
        speed_ok = iso.ms_per_record <= TARGET_MS_PER_RECORD
        peak_ok = iso.peak_mb < TARGET_PEAK_MB
        rss_ok = iso.rss_mb < TARGET_PEAK_MB
        print(
            f"target <= {TARGET_MS_PER_RECORD} ms/record: {'MET' if speed_ok else 'NOT MET'} "
            f"(iso.record {iso.ms_per_record:.3f} ms/record)"
        )
        print(
            f"target peak memory < {TARGET_PEAK_MB:.0f} MB: {'MET' if peak_ok else 'NOT MET'} "
            f"(Python peak of the iso.record step {iso.peak_mb:.1f} MB)"
        )
        print(
            f"  and process peak RSS during the step {iso.rss_mb:.1f} MB: "
            f"{'under' if rss_ok else 'OVER'} {TARGET_PEAK_MB:.0f} MB"
        )
    for result in results:
        if result.query_shapes and result.count:
            repeated = [(shape, n) for shape, n in result.query_shapes.most_common() if n >= result.count]
            if repeated:
                print()
                print(f"{result.label}: statements run at least once per record:")
                for shape, n in repeated:
                    print(f"  {n:>7,}  {shape}")
    for note in notes:
        print(f"NOTE: {note}")
    for result in results:
        if result.error:
            print()
            print(f"{result.label} FAILED:")
            print(result.error.rstrip())


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    odoo_args = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_args = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iso-db", default="iso_bench")
    parser.add_argument("--oca-db", default="iso_bench_oca")
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args(argv)

    odoo.tools.config.parse_config(odoo_args, setup_logging=True)

    iso = Result("iso.record create (ORM, links)", args.count)
    raw = Result("raw SQL INSERT ... SELECT unnest (iso_record)", args.count)
    oca = Result("OCA mgmtsystem.nonconformity create (ORM)", args.count)
    oca_quiet = Result("OCA same, context tracking_disable=True", args.count)
    results = [iso, raw, oca, oca_quiet]
    notes = []
    run_iso(args.iso_db, args.count, iso, raw, notes)
    run_oca(args.oca_db, args.count, oca, oca_quiet, notes)
    report(args.count, results, notes)
    complete = all(result.ms is not None and not result.error for result in results)
    return 0 if complete else 2


if __name__ == "__main__":
    sys.exit(main())
