"""Nonconformity benchmark: with 100,000 nonconformities, creating one with repeat detection against the same
create without it, and the nonconformity list's first page; next to OCA's ``mgmtsystem_nonconformity`` doing
the same create and list over as many rows.

In one transaction per database, rolled back at the end:

1. ISO Records (``--db``, ``iso_records_capa`` installed): 500 products, 200 suppliers, 20 departments with an
   employee each, an ISO manager and an ISO user (both with an employee), made with the ORM; then ``--count``
   nonconformities inserted with SQL over the 5 years before today: a product on 7 in 10, a supplier on 1 in 2,
   one of the 30 first ISO 9001 clauses on 8 in 10, a root-cause category on 4 in 10; 85 % closed, 5 % rejected,
   the rest new, triaged or in progress; severity and likelihood over the 5 x 5 grid with the priority the ORM
   computes; then ``ANALYZE``.
2. As the ISO user (record rules apply), ``--creates`` nonconformities created one by one as the form does (title,
   description, source, product, supplier and clause of the data set, each a savepoint rolled back), alternately
   with repeat detection and with it switched off in this process only (``_iso_mark_repeats`` and
   ``_iso_later_nonconformities`` replaced by no-ops): median time and queries of each. Then the detection's own
   statements for 1 and for 100 nonconformities (``_iso_mark_repeats`` of a batch created without it).
3. The list's first page, ``web_search_read`` with the fields of the list view (80 rows, count up to 10,001), with
   the action's default filter (open) and with none, as the ISO manager and the ISO user: once cold, then
   ``--rounds`` times warm.
4. OCA (``--oca-db``, ``mgmtsystem_nonconformity`` installed): ``--count`` nonconformities copied with SQL from one
   made with the ORM (dates over 5 years, partners cycled), the same single creates (``mgmtsystem.nonconformity``
   has no repeat detection) as the superuser, and the same first pages of its list view.

By hand (the OCA addons of ``requirements.txt`` in the addons path, see README.md)::

    .venv/bin/python tests/benchmarks/bench_nonconformity.py --db iso_bench_capa --oca-db iso_bench_oca \\
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``. Exit 0 when every step ran, 2 when one
could not (its traceback is printed); the targets are printed as met or NOT met, never asserted.
"""

import argparse
import contextlib
import statistics
import sys
import time
import traceback

from bench_common import fmt, timed_cold_warm
from bench_record_create import database_exists, oca_fixtures

import odoo
from odoo import Command

TARGET_CREATE_RATIO = 2.0
TARGET_LIST_S = 0.3
PRODUCTS, SUPPLIERS, DEPARTMENTS, CLAUSES = 500, 200, 20, 30
DETECTION_BATCH = 100
PAGE = 80
COUNT_LIMIT = 10_001


def page_spec(env, model):
    """The fields the list view shows, as the web client asks for them."""
    views = env[model].get_views([(False, "list")])
    fields_ = views["models"][model]["fields"]
    return {
        name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
        for name, field in fields_.items()
        if field["type"] not in ("one2many", "many2many")
    }


def first_pages(env, model, domains, rounds):
    """{label: (cold s, warm s list, queries, rows counted)} of the list's first page for each domain."""
    spec = page_spec(env, model)
    figures = {}
    for label, domain in domains.items():
        cold, warm, queries, result = timed_cold_warm(
            env,
            lambda domain=domain: env[model].web_search_read(domain, spec, limit=PAGE, count_limit=COUNT_LIMIT),
            rounds,
        )
        figures[label] = (cold, warm, queries, result["length"])
    return figures


def single_creates(env, model, vals_of, creates, switch=None):
    """Creates ``creates`` records one by one, each in a savepoint rolled back; with ``switch`` (a context manager
    factory taking on/off), alternately on and off. {on/off: ([s], [queries])}."""
    figures = {True: ([], []), False: ([], [])}
    for index in range(creates + 2):  # two warm-ups, one each way
        enabled = index % 2 == 0 or switch is None
        env.flush_all()
        env.invalidate_all()
        savepoint = env.cr.savepoint(flush=False)
        try:
            with switch(enabled) if switch else _nothing():
                before = env.cr.sql_log_count
                started = time.perf_counter()
                env[model].create(vals_of(index))
                env.flush_all()
                elapsed = time.perf_counter() - started
                queries = env.cr.sql_log_count - before
        finally:
            env.cr.clear()
            savepoint.close(rollback=True)
            env.invalidate_all()
        if index >= 2:
            figures[enabled][0].append(elapsed)
            figures[enabled][1].append(queries)
    return figures


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class repeat_detection:
    """Repeat detection on (as shipped) or off (its two methods no-ops), on the registry's class, in this
    process only."""

    def __init__(self, env, enabled):
        self.cls = type(env["iso.nonconformity"])
        self.enabled = enabled

    def __enter__(self):
        if not self.enabled:
            names = ("_iso_mark_repeats", "_iso_later_nonconformities")
            self.saved = {name: self.cls.__dict__.get(name) for name in names}
            self.cls._iso_mark_repeats = lambda records: None
            self.cls._iso_later_nonconformities = lambda records: records.browse()
        return self

    def __exit__(self, *exc):
        if not self.enabled:
            for name, value in self.saved.items():
                if value is None:
                    delattr(self.cls, name)
                else:
                    setattr(self.cls, name, value)
        return False


def build_iso(env, count):
    """The ISO Records data set of the module docstring: returns (manager, user, products, suppliers, clauses)."""
    products = env["product.product"].create([{"name": f"Bench NC product {n}"} for n in range(PRODUCTS)])
    suppliers = env["res.partner"].create(
        [{"name": f"Bench NC supplier {n}", "is_company": True} for n in range(SUPPLIERS)]
    )
    departments = env["hr.department"].create([{"name": f"Bench NC department {n}"} for n in range(DEPARTMENTS)])
    employees = env["hr.employee"].create(
        [{"name": f"Bench NC owner {n}", "department_id": department.id} for n, department in enumerate(departments)]
    )
    clauses = env["iso.clause"].search(
        [("standard_id", "=", env.ref("iso_records.standard_iso_9001_2015").id)], order="id", limit=CLAUSES
    )
    users = {}
    for login, group in (("manager", "group_iso_manager"), ("user", "group_iso_user")):
        user = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": f"Bench NC {login}",
                    "login": f"bench_nc_{login}",
                    "groups_id": [Command.set([env.ref(f"iso_records.{group}").id])],
                }
            )
        )
        env["hr.employee"].create({"name": user.name, "user_id": user.id, "department_id": departments[0].id})
        users[login] = user
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO iso_nonconformity (
            name, title, description, source, date, company_id, confidentiality, state, active,
            product_id, product_tmpl_id, partner_id, clause_id, cause_category, owner_id, department_id,
            severity, likelihood, priority_score, priority, capa_required, is_repeat, repeat_count,
            closure_deadline, closed_date, create_uid, write_uid, create_date, write_date)
        SELECT 'NC/BENCH/' || lpad(n::text, 7, '0'), 'Bench nonconformity ' || n, 'Found during the benchmark.',
               (ARRAY['finding','complaint','supplier','internal','product','process','incident'])[1 + n %% 7],
               day, %(company)s, 'internal',
               CASE WHEN n %% 20 < 17 THEN 'closed' WHEN n %% 20 = 17 THEN 'rejected'
                    ELSE (ARRAY['new','triaged','in_progress'])[1 + n %% 3] END,
               true,
               CASE WHEN n %% 10 < 7 THEN (%(products)s::int[])[1 + n %% %(nproducts)s] END,
               CASE WHEN n %% 10 < 7 THEN (%(templates)s::int[])[1 + n %% %(nproducts)s] END,
               CASE WHEN n %% 2 = 0 THEN (%(suppliers)s::int[])[1 + n %% %(nsuppliers)s] END,
               CASE WHEN n %% 10 < 8 THEN (%(clauses)s::int[])[1 + n %% %(nclauses)s] END,
               CASE WHEN n %% 10 < 4 THEN (ARRAY['people','machine','method','material','measurement',
                                                 'environment'])[1 + n %% 6] END,
               (%(employees)s::int[])[1 + n %% %(ndepartments)s], (%(departments)s::int[])[1 + n %% %(ndepartments)s],
               1 + n %% 5, 1 + (n / 5) %% 5, (1 + n %% 5) * (1 + (n / 5) %% 5),
               CASE WHEN (1 + n %% 5) * (1 + (n / 5) %% 5) >= 16 THEN 'critical'
                    WHEN (1 + n %% 5) * (1 + (n / 5) %% 5) >= 10 THEN 'high'
                    WHEN (1 + n %% 5) * (1 + (n / 5) %% 5) >= 5 THEN 'medium' ELSE 'low' END,
               (1 + n %% 5) * (1 + (n / 5) %% 5) >= 10, false, 0,
               day + 60, CASE WHEN n %% 20 < 18 THEN day + 30 END, 1, 1, now(), now()
          FROM generate_series(1, %(count)s) n, LATERAL (SELECT current_date - (n %% 1825) AS day) d
        """,
        {
            "company": env.company.id,
            "products": products.ids,
            "templates": products.product_tmpl_id.ids,
            "nproducts": len(products),
            "suppliers": suppliers.ids,
            "nsuppliers": len(suppliers),
            "clauses": clauses.ids,
            "nclauses": len(clauses),
            "employees": employees.ids,
            "departments": departments.ids,
            "ndepartments": len(departments),
            "count": count,
        },
    )
    env.cr.execute("ANALYZE iso_nonconformity")
    return users["manager"], users["user"], products, suppliers, clauses


@contextlib.contextmanager
def superuser_env(db, model, label, out, notes):
    """The superuser's environment in ``db``, or None (and a note) when ``model`` is not there; a step's traceback
    goes to ``out["error"]``; everything is rolled back at the end."""
    if not database_exists(db):
        notes.append(f"{label}: database {db} does not exist.")
        yield None
        return
    with odoo.modules.registry.Registry(db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            if model not in env:
                notes.append(f"{label}: {model} is not installed in {db}.")
                yield None
            else:
                yield env
        except Exception:
            out["error"] = traceback.format_exc()
        finally:
            cr.rollback()


def run_iso(db, args, out, notes):
    with superuser_env(db, "iso.nonconformity", "ISO", out, notes) as env:
        if env is None:
            return
        started = time.perf_counter()
        manager, user, products, suppliers, clauses = build_iso(env, args.count)
        out["setup_s"] = time.perf_counter() - started
        user_env = env(user=user.id)

        def vals_of(index):
            return {
                "title": f"Bench create {index}",
                "description": "Raised during the benchmark.",
                "source": "supplier",
                "product_id": products[index % len(products)].id,
                "partner_id": suppliers[index % len(suppliers)].id,
                "clause_id": clauses[index % len(clauses)].id,
            }

        out["creates"] = single_creates(
            user_env,
            "iso.nonconformity",
            vals_of,
            args.creates * 2,
            switch=lambda enabled: repeat_detection(env, enabled),
        )
        out["repeats_found"] = _repeats_found(user_env, vals_of(0))
        out["detection"] = _detection_queries(user_env, vals_of)
        open_filter = [("state", "not in", ("closed", "rejected"))]
        out["pages"] = {
            login: first_pages(
                env(user=who.id), "iso.nonconformity", {"open (default)": open_filter, "all": []}, args.rounds
            )
            for login, who in (("ISO manager", manager), ("ISO user", user))
        }


def _repeats_found(env, vals):
    savepoint = env.cr.savepoint(flush=False)
    try:
        return env["iso.nonconformity"].create(vals).repeat_count
    finally:
        env.cr.clear()
        savepoint.close(rollback=True)
        env.invalidate_all()


def _detection_queries(env, vals_of):
    """Statements and time of ``_iso_mark_repeats`` for 1 and for DETECTION_BATCH nonconformities created without it."""
    figures = {}
    for size in (1, DETECTION_BATCH):
        savepoint = env.cr.savepoint(flush=False)
        try:
            with repeat_detection(env, False):
                records = env["iso.nonconformity"].create([vals_of(index) for index in range(size)])
                env.flush_all()
            before = env.cr.sql_log_count
            started = time.perf_counter()
            records._iso_mark_repeats()
            marked = env.cr.sql_log_count
            env.flush_all()
            figures[size] = {
                "seconds": time.perf_counter() - started,
                "statements": marked - before,
                "flush": env.cr.sql_log_count - marked,
                "links": sum(records.mapped("repeat_count")),
            }
        finally:
            env.cr.clear()
            savepoint.close(rollback=True)
            env.invalidate_all()
    return figures


def run_oca(db, args, out, notes):
    with superuser_env(db, "mgmtsystem.nonconformity", "OCA", out, notes) as env:
        if env is None:
            return
        partners, users, system, origin = oca_fixtures(env)
        admin = env.ref("base.user_admin")

        def vals_of(index):
            return {
                "name": f"Bench create {index}",
                "description": "Raised during the benchmark.",
                "partner_id": partners[index % len(partners)].id,
                "responsible_user_id": users[index % len(users)].id,
                "manager_user_id": admin.id,
                "user_id": admin.id,
                "system_id": system.id,
                "origin_ids": [Command.set(origin.ids)],
            }

        started = time.perf_counter()
        template = env["mgmtsystem.nonconformity"].create(vals_of(0))
        env.flush_all()
        _copy_rows(env, template, partners, args.count)
        out["setup_s"] = time.perf_counter() - started
        out["creates"] = single_creates(env, "mgmtsystem.nonconformity", vals_of, args.creates)
        out["pages"] = {"superuser": first_pages(env, "mgmtsystem.nonconformity", {"all": []}, args.rounds)}


def _copy_rows(env, template, partners, count):
    """``count`` copies of ``template``'s row: every column as the ORM wrote it, but the id, the reference, the
    date (over 5 years) and the partner (cycled)."""
    env.cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = 'mgmtsystem_nonconformity' AND column_name <> 'id'"""
    )
    columns = [name for (name,) in env.cr.fetchall()]
    replaced = {
        "ref": "'NC/BENCH/' || n",
        "name": "'Bench nonconformity ' || n",
        "create_date": "now() - make_interval(days => n %% 1825)",
        "partner_id": f"(%(partners)s::int[])[1 + n %% {len(partners)}]",
    }
    if "date" in columns:
        replaced["date"] = "current_date - (n %% 1825)"
    select = ", ".join(replaced.get(name, f't."{name}"') for name in columns)
    env.cr.execute(
        f"""INSERT INTO mgmtsystem_nonconformity ({", ".join(f'"{name}"' for name in columns)})
            SELECT {select} FROM mgmtsystem_nonconformity t, generate_series(1, %(count)s) n
             WHERE t.id = %(template)s""",  # noqa: S608 (column names from the catalogue)
        {"count": count, "template": template.id, "partners": partners.ids},
    )
    env.cr.execute("ANALYZE mgmtsystem_nonconformity")


def report_creates(args, iso, oca):
    """The create table and its verdicts."""
    print(f"\nNonconformity benchmark: {args.count:,} nonconformities per database, {args.creates} creates each")
    if "setup_s" in iso:
        print(f"ISO data set built in {iso['setup_s']:.1f} s; OCA's in {fmt(oca.get('setup_s'), '.1f')} s")
    print("\n| create one nonconformity | median ms | min ms | max ms | queries (median) |")
    print("|---|---|---|---|---|")
    rows = []
    if "creates" in iso:
        rows += [
            ("ISO, with repeat detection", iso["creates"][True]),
            ("ISO, repeat detection off", iso["creates"][False]),
        ]
    if "creates" in oca:
        rows.append(("OCA mgmtsystem.nonconformity", oca["creates"][True]))
    medians = {}
    for label, (times, queries) in rows:
        medians[label] = statistics.median(times)
        print(
            f"| {label} | {medians[label] * 1000:.1f} | {min(times) * 1000:.1f} | {max(times) * 1000:.1f} "
            f"| {statistics.median(queries):g} |"
        )
    verdicts = []
    if "creates" in iso:
        on, off = iso["creates"][True], iso["creates"][False]
        ratio = statistics.median(on[0]) / statistics.median(off[0])
        constant = len(set(on[1])) == 1 and len(set(off[1])) == 1
        print(
            f"\nwith / without repeat detection: {ratio:.2f}x (target at most {TARGET_CREATE_RATIO:.0f}x); queries "
            f"with {sorted(set(on[1]))}, without {sorted(set(off[1]))}; earlier nonconformities found for one create: "
            f"{iso.get('repeats_found')}"
        )
        verdicts.append(("create with repeat detection at most 2x without", ratio <= TARGET_CREATE_RATIO))
        detection = iso.get("detection", {})
        for size, figure in sorted(detection.items()):
            print(
                f"_iso_mark_repeats of {size} nonconformit{'y' if size == 1 else 'ies'}: {figure['statements']} "
                f"statement(s), then {figure['flush']} at the flush (a SELECT of the values it wrote, an UPDATE per "
                f"set of recomputed flags that changed: is_repeat, capa_required); {figure['seconds'] * 1000:.1f} ms, "
                f"{figure['links']:,} earlier links written"
            )
        if detection:
            same = len({figure["statements"] for figure in detection.values()}) == 1
            verdicts.append(("detection in constant queries (1 and 100 NCs, and every create)", same and constant))
    if "setup_s" in oca:
        ratio_oca = medians.get("ISO, with repeat detection", 0) / medians["OCA mgmtsystem.nonconformity"]
        print(f"ISO with repeat detection / OCA create: {ratio_oca:.2f}x")
    return verdicts


def report_pages(iso, oca):
    """The first-page table and its verdict."""
    verdicts = []
    print("\n| list first page (80 rows + count) | cold s | median s | max s | queries | rows counted |")
    print("|---|---|---|---|---|---|")
    slowest = None
    for who, pages in [*iso.get("pages", {}).items(), *(("OCA " + k, v) for k, v in oca.get("pages", {}).items())]:
        for label, (cold, warm, queries, length) in pages.items():
            median = statistics.median(warm)
            print(f"| {who}, {label} | {cold:.3f} | {median:.3f} | {max(warm):.3f} | {queries} | {length:,} |")
            if not who.startswith("OCA"):
                slowest = max(slowest or 0, median)
    if slowest is not None:
        verdicts.append(
            (
                f"list first page at most {TARGET_LIST_S} s (slowest ISO median {slowest:.3f} s)",
                slowest <= TARGET_LIST_S,
            )
        )
    return verdicts


def report(args, iso, oca, notes):
    verdicts = report_creates(args, iso, oca) + report_pages(iso, oca)
    print()
    for label, met in verdicts:
        print(f"{'MET' if met else 'NOT MET'}: {label}")
    for note in notes:
        print(f"note: {note}")
    for name, out in (("ISO", iso), ("OCA", oca)):
        if out.get("error"):
            print(f"\n{name} step failed:\n{out['error']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="iso_bench_capa")
    parser.add_argument("--oca-db", default="iso_bench_oca")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=20, help="single creates each way (ISO), and for OCA")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config(args.odoo_args, setup_logging=True)
    iso, oca, notes = {}, {}, []
    run_iso(args.db, args, iso, notes)
    if args.oca_db:
        run_oca(args.oca_db, args, oca, notes)
    report(args, iso, oca, notes)
    complete = "creates" in iso and "pages" in iso and not iso.get("error") and not oca.get("error")
    return 0 if complete else 2


if __name__ == "__main__":
    sys.exit(main())
