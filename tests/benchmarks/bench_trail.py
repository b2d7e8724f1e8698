"""Audit-trail benchmarks, in one process and one database (default ``iso_bench``):

1. trail overhead: ``iso.record.create`` of 10,000 records with links in one call, with the trail
   and with the trail switched off in this process only, alternating, median of the runs;
2. concurrency: two processes create records at the same time, with per-record chains and
   with a single global chain (simulated by one advisory lock taken by every append);
3. verification: 1,000,000 hash-chained events (100,000 chains of 10) are written with COPY,
   then ``iso.trail.verification._verify()`` checks them all; wall time and peak memory.

Everything is rolled back. Started by ``tests/benchmarks/run``; by hand::

    .venv/bin/python tests/benchmarks/bench_trail.py --db iso_bench -- --addons-path=... --db_user=root
"""

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta

from bench_common import max_rss_mb

import odoo

ROUNDS = 3
TARGET_OVERHEAD = 0.20
TARGET_VERIFY_S = 30.0
TARGET_VERIFY_MB = 300.0


def fixtures(env, count=50):
    company = env.company
    employees = env["hr.employee"].create([{"name": f"Bench trail employee {i}"} for i in range(count)])
    products = env["product.product"].create([{"name": f"Bench trail product {i}"} for i in range(count)])
    partners = env["res.partner"].create(
        [{"name": f"Bench trail supplier {i}", "is_company": True} for i in range(count)]
    )
    record_type = env.ref("iso_records.record_type_training_record")
    return company, employees, products, partners, record_type


def values(count, employees, products, partners, record_type):
    return [
        {
            "title": f"Bench trail record {index}",
            "record_type_id": record_type.id,
            "employee_id": employees[index % len(employees)].id,
            "product_id": products[index % len(products)].id,
            "partner_id": partners[index % len(partners)].id,
        }
        for index in range(count)
    ]


def timed_create(env, vals_list):
    env.invalidate_all()
    started = time.perf_counter()
    env["iso.record"].create(vals_list)
    env.flush_all()
    return time.perf_counter() - started


def bench_overhead(registry, count):
    mixin_class = registry["iso.record"]
    trail_log = mixin_class._iso_trail_log
    results = {"with trail": [], "without trail": []}
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        __, employees, products, partners, record_type = fixtures(env)
        cr.execute("SAVEPOINT fixtures")
        timed_create(env, values(20, employees, products, partners, record_type))  # warm-up
        cr.execute("ROLLBACK TO SAVEPOINT fixtures")
        for round_ in range(ROUNDS):
            order = ("with trail", "without trail") if round_ % 2 == 0 else ("without trail", "with trail")
            for label in order:
                if label == "without trail":
                    mixin_class._iso_trail_log = lambda self, *args, **kwargs: None
                try:
                    seconds = timed_create(env, values(count, employees, products, partners, record_type))
                finally:
                    mixin_class._iso_trail_log = trail_log
                results[label].append(seconds)
                cr.execute("ROLLBACK TO SAVEPOINT fixtures")
                env.invalidate_all()
        cr.rollback()
    with_trail = statistics.median(results["with trail"])
    without = statistics.median(results["without trail"])
    overhead = with_trail / without - 1
    print(f"\n== Trail overhead: create {count:,} iso.record with links in one call (median of {ROUNDS}) ==")
    print(f"  with trail     {with_trail * 1000:9.0f} ms  {with_trail * 1000 / count:6.3f} ms/record")
    print(f"  without trail  {without * 1000:9.0f} ms  {without * 1000 / count:6.3f} ms/record")
    print(
        f"  overhead       {overhead * 100:8.1f} %   (target <= {TARGET_OVERHEAD * 100:.0f} %: "
        f"{'met' if overhead <= TARGET_OVERHEAD else 'NOT met'})"
    )
    return overhead


def write_events(cr, chains, per_chain, user_id, company_id):
    """COPY ``chains`` x ``per_chain`` valid, chained events; returns the count."""
    from odoo.addons.iso_records.models.iso_trail_event import INSERT_COLUMNS, event_hash

    start = datetime(2024, 1, 1)
    buffer = io.StringIO()
    written = 0

    def flush():
        buffer.seek(0)
        cr.copy_expert(f"COPY iso_trail_event ({', '.join(INSERT_COLUMNS)}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for chain in range(chains):
        previous = ""
        res_id = 10_000_000 + chain
        for sequence in range(1, per_chain + 1):
            row = {
                "chain_key": f"iso.record,{res_id}",
                "sequence": sequence,
                "res_model": "iso.record",
                "res_id": res_id,
                "reference": f"BENCH-{chain:06d} Bench record",
                "event_type": "create" if sequence == 1 else "change",
                "changes": '[{"field": "title", "label": "Title", "new": "v%d", "old": "v%d"}]'
                % (sequence, sequence - 1),
                "reason": "",
                "user_id": user_id,
                "employee_name": "Bench",
                "company_id": company_id,
                "event_time": start + timedelta(seconds=chain * per_chain + sequence),
                "previous_hash": previous,
            }
            row["hash"] = previous = event_hash(row)
            buffer.write(
                "\t".join(
                    "\\N" if row.get(column) is None else str(row[column]).replace("\\", "\\\\")
                    for column in INSERT_COLUMNS
                )
                + "\n"
            )
            written += 1
        if chain % 5000 == 4999:
            flush()
    flush()
    return written


def bench_verify(registry, total):
    per_chain = 10
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        written = write_events(cr, total // per_chain, per_chain, env.user.id, env.company.id)
        cr.execute("ANALYZE iso_trail_event")
        write_s = time.perf_counter() - started
        rss_before = max_rss_mb()
        tracemalloc.start()
        started = time.perf_counter()
        result = env["iso.trail.verification"]._verify()
        verify_s = time.perf_counter() - started
        __, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        cr.execute("SELECT pg_size_pretty(pg_total_relation_size('iso_trail_event'))")
        table_size = cr.fetchone()[0]
        state, checked = result.state, result.events_checked
        cr.rollback()
    python_peak_mb = python_peak / 1024 / 1024
    print(f"\n== Verify {written:,} events in {written // per_chain:,} chains ==")
    print(f"  writing them (COPY, hashes in Python)  {write_s:7.1f} s   table {table_size}")
    print(f"  verification                           {verify_s:7.1f} s   result: {state}, {checked:,} events")
    print(f"  Python peak during verification        {python_peak_mb:7.1f} MB (tracemalloc)")
    print(f"  process max RSS                        {max_rss_mb():7.1f} MB (before verifying: {rss_before:.1f} MB)")
    met = verify_s <= TARGET_VERIFY_S and max_rss_mb() <= TARGET_VERIFY_MB
    print(f"  target <= {TARGET_VERIFY_S:.0f} s and <= {TARGET_VERIFY_MB:.0f} MB: {'met' if met else 'NOT met'}")
    return verify_s


def worker(registry, mode, count, go_file):
    """One concurrent writer: waits for ``go_file``, creates ``count`` records in one transaction,
    rolls back, and prints when its writing started and ended."""
    model_class = registry["iso.trail.event"]
    append = model_class._append
    if mode == "global":
        # What one chain for the whole database needs: every append takes the same lock.
        def append_globally(self, entries):
            self.env.cr.execute("SELECT pg_advisory_xact_lock(4242)")
            return append(self, entries)

        model_class._append = append_globally
    with registry.cursor() as cr:  # warm-up, in a transaction of its own: it may take the lock
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["iso.record"].create(values(5, *fixtures(env, 5)[1:]))
        env.flush_all()
        cr.rollback()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        __, employees, products, partners, record_type = fixtures(env, 5)
        print("ready", flush=True)
        while not os.path.exists(go_file):
            time.sleep(0.005)
        started = time.time()
        for __ in range(0, count, 100):
            env["iso.record"].create(values(100, employees, products, partners, record_type))
            env.flush_all()
        ended = time.time()
        cr.rollback()
    print(f"span {started} {ended}", flush=True)


def bench_concurrency(args, count=2000):
    results = {}
    for mode in ("per-record", "global"):
        with tempfile.TemporaryDirectory() as folder:
            go_file = os.path.join(folder, "go")
            command = [sys.executable, __file__, "--db", args.db, "--worker", mode, str(count), go_file]
            workers = [
                subprocess.Popen([*command, "--", *args.odoo_args], stdout=subprocess.PIPE, text=True)
                for __ in range(2)
            ]
            for process in workers:
                assert process.stdout.readline().strip() == "ready", f"worker of mode {mode} did not start"
            open(go_file, "w").close()
            spans = []
            for process in workers:
                output = process.stdout.read().split()
                process.wait()
                spans.append((float(output[-2]), float(output[-1])))
        results[mode] = (
            max(end for __, end in spans) - min(start for start, __ in spans),
            [end - start for start, end in spans],
        )
    print(f"\n== Two concurrent writers, {count:,} records each in 100-record batches, one transaction each ==")
    for mode, label in (
        ("per-record", "per-record chains (this design)     "),
        ("global", "one global chain (a lock per append)"),
    ):
        wall, each = results[mode]
        print(f"  {label} {wall:6.2f} s wall   (each writer: {each[0]:.2f} s, {each[1]:.2f} s)")
    print(f"  global / per-record                  {results['global'][0] / results['per-record'][0]:6.2f} x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="iso_bench")
    parser.add_argument("--count", type=int, default=10_000, help="records per create (overhead benchmark)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events to verify")
    parser.add_argument("--worker", nargs=3, metavar=("MODE", "COUNT", "GO_FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--skip-verify", action="store_true")
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config([*args.odoo_args, f"--database={args.db}"])
    registry = odoo.modules.registry.Registry(args.db)
    if args.worker:
        return worker(registry, args.worker[0], int(args.worker[1]), args.worker[2])
    bench_overhead(registry, args.count)
    bench_concurrency(args)
    if not args.skip_verify:
        bench_verify(registry, args.events)


if __name__ == "__main__":
    sys.exit(main())
