"""One disposal sweep in its own process, for test_iso_disposal_faults.py (not a test module).

Each run is a separate Odoo process with its own database connections, as a cron
worker is. The tests start it with subprocess and read the last line of its
standard output, a JSON object: the outcome, or the error that ended the run.

Modes:
  apply    apply one approved batch: ``batch._apply(commit=True)``, as the cron does.
  sweep    the daily sweep restricted to one company: collect, commit, then apply the
           company's approved batches. The real ``_cron_dispose`` loops over every
           company of the database, and the tests share their database with others.

Both report ``rows``: the disposal lines this process handled in chunks it committed (a chunk
commits right after it returns, and a commit under REPEATABLE READ does not fail), also when
the run ends in an error.

The slowdowns below only wrap the addon's methods in this process; the addon is unchanged.
"""

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

EXIT_ERROR = 3


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=["apply", "sweep"])
    parser.add_argument("--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir")
    parser.add_argument("--db-host")
    parser.add_argument("--db-port")
    parser.add_argument("--db-user")
    parser.add_argument("--db-password")
    parser.add_argument("--batch", type=int, help="apply: the approved batch")
    parser.add_argument("--company", type=int, help="sweep: the company to sweep")
    parser.add_argument("--go-file", help="wait until this file exists before sweeping (a start line)")
    parser.add_argument("--ready-file", help="created once the registry is loaded, before waiting for --go-file")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds to sleep before each chunk, outside locks")
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds to sleep inside each chunk")
    parser.add_argument("--stall-chunk", type=int, default=0, help="the chunk (1-based) to stall inside")
    parser.add_argument("--stall", type=float, default=0.0, help="seconds to stall inside --stall-chunk")
    parser.add_argument("--collect-delay", type=float, default=0.0, help="seconds to sleep inside a collection")
    parser.add_argument("--status-file", help="where a stalled chunk reports the records it has locked")
    return parser.parse_args(argv)


def write_json(path, data):
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)


def wait_for_file(path, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear within {timeout}s")
        time.sleep(0.01)


def odoo_options(args):
    options = [f"--addons-path={args.addons_path}", f"--database={args.database}", "--log-level=warn"]
    if args.data_dir:
        options.append(f"--data-dir={args.data_dir}")
    for name in ("host", "port", "user", "password"):
        value = getattr(args, f"db_{name}")
        if value:
            options.append(f"--db_{name}={value}")
    return options


def slow_down(registry, args):
    """Wrap the batch's chunk and collection methods of this process's registry with sleeps."""
    batch_class = registry["iso.disposal.batch"]
    apply_chunk = batch_class._apply_chunk
    collect = batch_class._collect
    chunks = {"count": 0, "rows": 0}

    def _apply_chunk(self, chunk_size):
        if args.pause:
            time.sleep(args.pause)
        processed = apply_chunk(self, chunk_size)
        if not processed:
            return processed
        chunks["count"] += 1
        chunks["rows"] += processed
        if args.chunk_delay:
            time.sleep(args.chunk_delay)
        if args.stall and chunks["count"] == args.stall_chunk:
            # Lines this transaction disposed: ``now()`` is the transaction's start time.
            self.env.cr.execute(
                """SELECT res_id FROM iso_disposal_line
                    WHERE batch_id = %s AND state = 'done' AND disposed_at = now() AT TIME ZONE 'UTC'
                 ORDER BY id""",
                [self.id],
            )
            record_ids = [row[0] for row in self.env.cr.fetchall()]
            write_json(args.status_file, {"chunk": chunks["count"], "record_ids": record_ids, "pid": os.getpid()})
            time.sleep(args.stall)
        return processed

    def _collect(self, company, requested_by=None):
        batch = collect(self, company, requested_by=requested_by)
        if batch and args.collect_delay:
            time.sleep(args.collect_delay)  # still inside the collection's transaction and advisory lock
        return batch

    batch_class._apply_chunk = _apply_chunk
    batch_class._collect = _collect
    return chunks


def apply_batch(env, batch_id):
    batch = env["iso.disposal.batch"].browse(batch_id)
    return {"processed": batch._apply(commit=True)}


def sweep_company(env, company_id):
    """``_cron_dispose`` for one company."""
    batches = env["iso.disposal.batch"]
    company = env["res.company"].browse(company_id)
    collected = batches.with_company(company)._collect(company)
    env.cr.commit()
    applied = {}
    for batch in batches.sudo().search([("state", "=", "approved"), ("company_id", "=", company_id)], order="id"):
        applied[str(batch.id)] = batch._apply(commit=True)
    return {"collected": collected.id or None, "applied": applied}


def main(argv=None):
    args = parse_args(argv)
    import odoo  # after the arguments are checked
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_options(args))
    registry = Registry(args.database)
    chunks = slow_down(registry, args)
    if args.ready_file:
        Path(args.ready_file).touch()
    if args.go_file:
        wait_for_file(args.go_file)
    try:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if args.mode == "apply":
                result = apply_batch(env, args.batch)
            else:
                result = sweep_company(env, args.company)
    except Exception as error:  # reported to the test, which decides
        traceback.print_exc()
        error = {"error": type(error).__name__, "pgcode": getattr(error, "pgcode", None), "message": str(error)}
        sys.stdout.write(json.dumps({**error, "rows": chunks["rows"]}) + "\n")
        return EXIT_ERROR
    sys.stdout.write(json.dumps({**result, "rows": chunks["rows"]}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
