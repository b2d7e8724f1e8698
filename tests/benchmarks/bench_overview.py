"""Overview benchmark: the dashboard's figures (``iso.overview.get_overview()``) for an ISO manager over 1,000,000
records, 100,000 nonconformities and CAPAs and 100,000 activities, next to a hand-written raw SQL aggregation of
the same figures in the same run, at two data sizes (to show the queries stay constant); then the self-check
(``iso.self.check._iso_run_checks()``) over the same database.

The data set (``overview_seed.py``) is seeded once into each database and kept (``--db`` at ``--scale``, by
default 1, and ``--small-db`` at ``--small-scale``, 0.1); ``tests/benchmarks/run`` builds both databases without
demo data (``iso_records_capa`` installed) and rebuilds them when the code changes. Then, in each database, in one
transaction rolled back at the end:

1. as the benchmark's ISO manager (``bench_overview_manager``: company 1 only, employee of a department with four
   sub-departments that they manage; record rules apply, never sudo), with the context the web client sends
   (``allowed_company_ids`` = company 1): ``get_overview()`` once cold (ORM caches and ormcaches emptied) and
   ``--rounds`` times warm; its queries (``cr.sql_log_count``);
2. the raw SQL of the same figures (``raw_figures``): each tile's count and each chart's values written by hand in
   SQL with the manager's visibility written out (company, active, confidentiality, owner, named readers, author,
   employee, departments and team; an audit's team and auditees), as the superuser; cold then warm. Every figure
   is compared with the ORM's; a difference is printed (it is a bug of the tile or of the mirror);
3. the self-check, ``_iso_run_checks()`` as the superuser (what the monthly scheduled action runs), timed once,
   with its queries; in a savepoint rolled back.

By hand::

    .venv/bin/python tests/benchmarks/bench_overview.py --db iso_bench_overview --small-db iso_bench_overview_small \\
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``. Exit 0 when every step ran, 2 when one
could not (its traceback is printed); the targets are printed as met or NOT met, never asserted.
"""

import argparse
import os
import statistics
import sys
import time
import traceback

import overview_raw
import overview_seed
from bench_common import timed_cold_warm
from bench_record_create import database_exists

import odoo

TARGET_RATIO = 1.5
TARGET_SELF_CHECK_S = 30.0
ROUNDS = 5


class Size:
    """What was measured in one database."""

    def __init__(self, db, scale):
        self.db, self.scale = db, scale
        self.seeded = None  # {step: s} when seeded by this run
        self.rows = {}
        self.orm = self.raw = None  # (cold s, warm s list, queries, figures)
        self.mismatches = []
        self.unmirrored = []
        self.raw_only = []  # figures of the mirror that no tile or chart shown has (an addon's not installed)
        self.self_check = None  # (s, queries, runs)
        self.errors = []


def flatten(overview):
    """{figure key: value} of what get_overview returned: each tile's count (or value) and each chart's values."""
    figures = {}
    for section in overview["sections"]:
        for tile in section["tiles"]:
            figures[f"tile {tile['key']}"] = tile["value"] if tile.get("value") else tile["count"]
    for chart in overview["charts"]:
        figures[f"chart {chart['key']}"] = {
            "labels": list(chart.get("labels", [])),
            "series": {series["label"]: list(series["values"]) for series in chart.get("series", [])},
        }
    return figures


def rounded(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item) for item in value]
    return value


def row_counts(cr):
    counts = {}
    for table in ("iso_record", "iso_nonconformity", "iso_capa", "iso_capa_action", "mail_activity", "iso_audit"):
        cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names above)
        counts[table] = cr.fetchone()[0]
    return counts


def measure(size, args):
    registry = odoo.modules.registry.Registry(size.db)
    with registry.cursor() as cr:
        root = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        size.seeded = overview_seed.seed(root, size.scale)
        if size.seeded is not None:
            size.seeded["total"] = time.perf_counter() - started
        size.rows = row_counts(cr)
        manager = root["res.users"].search([("login", "=", overview_seed.MANAGER_LOGIN)])
        company = root.ref("base.main_company")
        if not args.skip_self_check:
            # First, so that the dashboard shows its score (everything is rolled back at the end)
            self_check(root, size)
        env = root(user=manager.id, context={"lang": "en_US", "tz": "UTC", "allowed_company_ids": company.ids})
        if env.su or not env.user.has_group("iso_records.group_iso_manager"):
            raise AssertionError("the benchmark's manager is not a plain ISO manager")
        try:
            cold, warm, queries, overview = timed_cold_warm(env, env["iso.overview"].get_overview, args.rounds)
            size.orm = (cold, warm, queries, flatten(overview))
        except Exception:
            size.errors.append(("get_overview", traceback.format_exc()))
            cr.rollback()
            return
        try:
            mirror = overview_raw.RawOverview(root, manager, company)
            cold, warm, queries, figures = timed_cold_warm(root, mirror.figures, args.rounds)
            size.raw = (cold, warm, queries, figures)
        except Exception:
            size.errors.append(("raw SQL", traceback.format_exc()))
            cr.rollback()
            return
        orm_figures = size.orm[3]
        for key, value in orm_figures.items():
            if key not in figures:
                size.unmirrored.append(key)
            elif rounded(value) != rounded(figures[key]):
                size.mismatches.append((key, value, figures[key]))
        size.raw_only = [key for key in figures if key not in orm_figures]
        cr.rollback()


def self_check(root, size):
    """The self-check of every company, timed (its runs are kept until the measure is rolled back, so that the
    dashboard shows their score); then each check on its own (its method, and the count of its domain when it
    returns one, as the run does), to show where the time goes. Run as the manual trigger: the
    scheduled one does the same checks but commits after each company (its cron's batches), which this benchmark,
    rolling everything back, must not do; the two differ by an advisory lock and a count per company."""
    if "iso.self.check" not in root:
        size.errors.append(("self-check", "iso.self.check is not installed"))
        return
    savepoint = root.cr.savepoint(flush=False)
    try:
        root.invalidate_all()
        root.registry.clear_cache()
        before = root.cr.sql_log_count
        started = time.perf_counter()
        runs = root["iso.self.check"]._iso_run_checks(trigger="manual")
        root.flush_all()
        seconds, queries = time.perf_counter() - started, root.cr.sql_log_count - before
        lines = self_check_lines(runs)
        savepoint.close(rollback=False)
    except Exception:
        size.errors.append(("self-check", traceback.format_exc()))
        root.cr.clear()
        savepoint.close(rollback=True)
        root.invalidate_all()
        return
    # Each check on its own, in a savepoint rolled back; the runs stay until the end of the measure.
    savepoint = root.cr.savepoint(flush=False)
    try:
        size.self_check = (seconds, queries, lines, each_check(root, runs.company_id))
    except Exception:
        size.errors.append(("self-check, each check", traceback.format_exc()))
    finally:
        root.cr.clear()
        savepoint.close(rollback=True)
        root.invalidate_all()


def each_check(root, companies):
    """{check key: (s, queries)} of each check over ``companies``, run as ``_iso_run_company`` runs it."""
    per_check = {}
    for company in companies:
        env = (
            root["iso.self.check"]
            .with_company(company)
            .with_context(allowed_company_ids=company.ids, active_test=True)
            .env
        )
        for check in env["iso.self.check"]._iso_self_checks():
            root.invalidate_all()
            before = root.cr.sql_log_count
            started = time.perf_counter()
            result = getattr(env["iso.self.check"], check["method"])(company)
            if "passed" not in result:
                env[result["model"]].search_count(result["domain"])
            seconds, queries = per_check.get(check["key"], (0.0, 0))
            per_check[check["key"]] = (
                seconds + time.perf_counter() - started,
                queries + root.cr.sql_log_count - before,
            )
    return per_check


def self_check_lines(runs):
    """[(company, score, [(check key, name, passed, items)])] of the runs, read before they are rolled back."""
    return [
        (
            run.company_id.name,
            run.score,
            [(line.check_key, line.name, line.passed, line.item_count) for line in run.line_ids],
        )
        for run in runs
    ]


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def ms(seconds):
    return "n/a" if seconds is None else f"{seconds * 1000:.1f}"


def report(sizes, load):
    print()
    print("== Overview benchmark: get_overview() as an ISO manager, raw SQL of the same figures, self-check ==")
    print(f"  load average at start {load[0]:.2f}, at end {load[-1]:.2f}")
    for size in sizes:
        rows = ", ".join(f"{table} {count:,}" for table, count in size.rows.items())
        print(f"  {size.db} (scale {size.scale:g}): {rows}")
        if size.seeded:
            steps = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in size.seeded.items())
            print(f"    seeded by this run: {steps}")
        else:
            print("    seeded earlier (same seed fingerprint): not seeded again")
    report_table(sizes)
    verdicts = report_ratios(sizes)
    for size in sizes:
        report_figures(size)
    compared = all(size.orm and size.raw for size in sizes)
    verdicts.append(("every figure equal to the raw SQL's", compared and not any(size.mismatches for size in sizes)))
    print()
    for label, met in verdicts:
        print(f"{'MET' if met else 'NOT MET'}: {label}")
    for size in sizes:
        for label, error in size.errors:
            print(f"\n{size.db}, {label} FAILED:\n{error.rstrip()}")


def report_table(sizes):
    print()
    print("| database | step | cold ms | median ms | max ms | queries |")
    print("|---|---|---|---|---|---|")
    for size in sizes:
        for label, figure in (("get_overview() (ORM, manager)", size.orm), ("raw SQL, same figures", size.raw)):
            if figure:
                cold, warm, queries, __ = figure
                print(
                    f"| {size.db} | {label} | {ms(cold)} | {ms(statistics.median(warm))} | {ms(max(warm))}"
                    f" | {queries} |"
                )
        if size.self_check:
            seconds, queries, __, ___ = size.self_check
            print(f"| {size.db} | self-check _iso_run_checks() | {ms(seconds)} | | | {queries} |")


def report_ratios(sizes):
    """The ratio, the queries by size and the self-check's time; returns the verdicts [(label, met)]."""
    verdicts = []
    big = sizes[-1]
    if big.orm and big.raw:
        ratio = statistics.median(big.orm[1]) / statistics.median(big.raw[1])
        cold_ratio = big.orm[0] / big.raw[0]
        print(f"\n  ORM / raw SQL (warm medians) in {big.db}: {ratio:.2f}x; cold: {cold_ratio:.2f}x")
        verdicts.append(
            (f"dashboard at most {TARGET_RATIO}x the raw SQL (warm median {ratio:.2f}x)", ratio <= TARGET_RATIO)
        )
    measured = [size for size in sizes if size.orm]
    if len(measured) > 1:
        counts = [size.orm[2] for size in measured]
        print("  get_overview() queries by size: " + ", ".join(f"{s.db} {s.orm[2]}" for s in measured))
        verdicts.append((f"constant queries ({' = '.join(map(str, counts))})", len(set(counts)) == 1))
        checks = [f"{size.db} {size.self_check[1]}" for size in measured if size.self_check]
        if len(checks) > 1:
            print("  self-check queries by size: " + ", ".join(checks))
    if big.self_check:
        seconds = big.self_check[0]
        verdicts.append(
            (f"self-check at most {TARGET_SELF_CHECK_S:.0f} s ({seconds:.1f} s)", seconds <= TARGET_SELF_CHECK_S)
        )
    return verdicts


def report_figures(size):
    if size.orm:
        print(f"\n  figures in {size.db} (ORM):")
        raw = size.raw[3] if size.raw else {}
        for key, value in size.orm[3].items():
            mark = "" if key not in raw else ("  = raw" if rounded(value) == rounded(raw[key]) else "  MISMATCH")
            print(f"    {key}: {short(value)}{mark}")
    for key, orm_value, raw_value in size.mismatches:
        print(f"  MISMATCH in {size.db}, {key}: ORM {short(orm_value)}, raw SQL {short(raw_value)}")
    if size.raw_only:
        print(f"  raw SQL figures with no tile or chart shown (left out): {', '.join(size.raw_only)}")
    if size.unmirrored:
        print(f"  no raw SQL mirror for: {', '.join(size.unmirrored)} (left out of the comparison)")
    if size.self_check:
        per_check = size.self_check[3]
        print(f"  self-check in {size.db}; each check on its own, its time and queries summed over the companies:")
        for company, score, checks in size.self_check[2]:
            print(f"    {company}: score {score}")
            for key, name, passed, items in checks:
                seconds, queries = per_check.get(key, (None, None))
                print(
                    f"      {'pass' if passed else 'FAIL'} {name}: {items:,} items;"
                    f" {ms(seconds)} ms, {queries} queries (all companies)"
                )


def short(value, width=160):
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def main():
    argv = sys.argv[1:]
    odoo_args = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_args = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="iso_bench_overview")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--small-db", default="iso_bench_overview_small", help="empty: one size only")
    parser.add_argument("--small-scale", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--skip-self-check", action="store_true")
    args = parser.parse_args(argv)
    odoo.tools.config.parse_config(odoo_args, setup_logging=True)
    sizes = [Size(args.small_db, args.small_scale)] if args.small_db else []
    sizes.append(Size(args.db, args.scale))
    load = [os.getloadavg()[0]]
    for size in sizes:
        if not database_exists(size.db):
            size.errors.append(("database", f"{size.db} does not exist: tests/benchmarks/run creates it"))
            continue
        try:
            measure(size, args)
        except Exception:
            size.errors.append(("setup", traceback.format_exc()))
    load.append(os.getloadavg()[0])
    report(sizes, load)
    return 2 if any(size.errors for size in sizes) else 0


if __name__ == "__main__":
    sys.exit(main())
