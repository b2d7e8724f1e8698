"""ISO records list benchmark: what a user does with the list of 1,000,000 ``iso.record`` rows (first
page, search by title and by reference, pivot by type and state), as the superuser and as an ISO user,
an ISO manager and an ISO auditor, whose record rules apply.

Nothing runs in the benchmark database itself (default ``iso_bench``, built by ``tests/benchmarks/run``):
it is the template of a throwaway copy, ``<db>_record_list``, dropped at the end, also on failure:

1. in the copy, with the ORM: 50 departments and the benchmark users (an ISO user, an ISO manager who
   manages one department, an ISO auditor, and ISO users for other employees); with SQL: 500 employees,
   ``--count`` records (``INSERT ... SELECT generate_series``) spread over the record types, states,
   owners and their departments, employees and the four confidentiality levels (40/40/15/5 %), and named
   readers for a third of the restricted records; committed, then ``VACUUM ANALYZE``;
2. per user, through ``env(user=uid)`` (never sudo, so the record rules apply; the superuser is uid 1):
   each call once cold (ORM caches and ormcaches emptied) and ``--rounds`` times warm.

Started by ``tests/benchmarks/run``; by hand::

    .venv/bin/python tests/benchmarks/bench_record_list.py --db iso_bench \
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``. The copy is made from ``--db``
and measured with the code of the addons path given: build ``--db`` with that same code (``run``
rebuilds ``iso_bench`` when ``iso_records/`` changes), or indexes the code declares will be missing.
"""

import argparse
import os
import statistics
import sys
import time
import traceback

# Throwaway copies are made and dropped as the retention-sweep benchmark does.
from bench_disposal import copy_database, database_exists, drop_database, release, vacuum

import odoo
from odoo import Command
from odoo.tools import SQL

ROUNDS = 5
DEPARTMENTS = 50
EMPLOYEES = 500
EMPLOYEE_USERS = 60  # employees with a user, the three benchmark users included
TITLE_WORD = "torque"  # in the title of 1 record in 1,000
# Part of a reference number, as typed. References are the types' sequences (prefix, number padded to
# 4 digits): it matches each type's 421st record and its 10421st, 20421st, ... (about 15 in 1,000,000).
REFERENCE_FRAGMENT = "0421"
PAGE = 80
COUNT_LIMIT = 10001
EXPLAIN_LINES = 30

TARGET_SEARCH_S = 0.1
TARGET_FIRST_PAGE_S = 0.1
TARGET_PIVOT_RATIO = 1.5

# The list view's columns, as the web client's list asks for them.
LIST_SPEC = {
    "name": {},
    "title": {},
    "record_type_id": {"fields": {"display_name": {}}},
    "state": {},
    "owner_id": {"fields": {"display_name": {}}},
    "department_id": {"fields": {"display_name": {}}},
    "confidentiality": {},
    "next_review_date": {},
    # Added to every list of a controlled model by the contract, so that Delete is offered only where allowed.
    "iso_deletable": {},
}
# The "Current" filter the ISO Records action turns on by default (search_default_current).
CURRENT = [("state", "not in", ("superseded", "obsolete"))]
PIVOT_GROUPBY = ["record_type_id", "state"]

# Title words; none of them contains TITLE_WORD.
SUBJECTS = [
    "Inspection of line",
    "Monthly maintenance",
    "Calibration check",
    "Supplier audit",
    "Incoming goods",
    "Customer complaint",
    "Process review",
    "Safety walk",
    "Cleaning verification",
    "Batch release",
    "Training session",
    "Document review",
    "Internal audit",
    "Risk assessment",
    "Incident follow-up",
    "Waste handling",
    "Energy reading",
    "Temperature log",
    "Pressure test",
    "Visual check",
]
AREAS = [
    "assembly",
    "warehouse",
    "paint shop",
    "laboratory",
    "packaging",
    "boiler room",
    "front office",
    "press 2",
    "welding cell",
    "cold store",
    "loading bay",
    "tool room",
]
# Shares of each record kind in the records (operational records are the bulk).
KIND_WEIGHT = {"document": 1, "record": 3}
DOCUMENT_STATES = [("draft", 8), ("in_review", 3), ("effective", 74), ("superseded", 10), ("obsolete", 5)]
RECORD_STATES = [("draft", 8), ("filed", 92)]
CONFIDENTIALITY = [("public", 40), ("internal", 40), ("confidential", 15), ("restricted", 5)]
ABOUT_EMPLOYEE_PERCENT = 30


def bucket(value_sql, shares):
    """A CASE expression giving each value of ``shares`` [(value, percent)] its share of 0..99."""
    whens, upper = [], 0
    for value, share in shares[:-1]:
        upper += share
        whens.append(SQL("WHEN %s < %s THEN %s", value_sql, upper, value))
    return SQL("CASE %s ELSE %s END", SQL(" ").join(whens), shares[-1][0])


def h(salt, modulo):
    """A deterministic pseudo-random 0..modulo-1 for row ``n``, independent for each salt. (Odoo's SQL
    wrapper does not support ``%%``, hence ``mod()`` here and below.)"""
    return SQL("mod(hashint4extended(n, %s) & 2147483647, %s)", salt, modulo)


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
class Data:
    """What the data set is made of; the report reads it."""

    count = 0
    seconds = None
    users = None  # [(label, uid)]
    facts = None
    indexes = None
    server = ""


def not_null_extras(env, table, model, filled):
    """The NOT NULL columns (without a database default) of ``table`` that the inserts below do not fill,
    with the value the ORM would give them (the field's default); raises when there is none."""
    env.cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = %s
              AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    missing = sorted({column for (column,) in env.cr.fetchall()} - set(filled))
    if not missing:
        return {}
    defaults = env[model].default_get(missing)
    unknown = [column for column in missing if defaults.get(column) in (None, False)]
    if unknown:
        raise RuntimeError(f"{table}: NOT NULL column(s) {unknown} have no default: teach the benchmark to fill them")
    return {column: defaults[column] for column in missing}


def table_columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s",
        [table],
    )
    return {column for (column,) in cr.fetchall()}


def insert_select(cr, table, columns, extras, select):
    """``INSERT INTO table (columns + extra columns) SELECT select-list + extra values``; a column the
    table no longer has (the code measured may have dropped it) is left out, with a note."""
    existing = table_columns(cr, table)
    kept = [(name, value) for name, value in zip(columns, select, strict=True) if name in existing]
    absent = [name for name in columns if name not in existing]
    if absent:
        print(f"  note: {table} has no column {', '.join(absent)}: left out of the benchmark's INSERT")
    pairs = [*kept, *((name, SQL("%s", value)) for name, value in extras.items())]
    return SQL(
        "INSERT INTO %s (%s) SELECT %s",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(name) for name, __ in pairs),
        SQL(", ").join(value for __, value in pairs),
    )


def build_people(env, data):
    """Departments, employees and users; returns (employee ids, their departments, their users, readers)."""
    cr = env.cr
    company = env.company
    departments = env["hr.department"].create(
        [{"name": f"Bench list department {index:02d}", "company_id": company.id} for index in range(DEPARTMENTS)]
    )
    env.flush_all()
    calendar = company.resource_calendar_id.id
    extras = not_null_extras(
        env,
        "hr_employee",
        "hr.employee",
        {"resource_id", "name", "company_id", "resource_calendar_id", "active", "department_id", "employee_type"}
        | {"marital", "distance_home_work_unit", "create_uid", "create_date", "write_uid", "write_date"},
    )
    # Employee i (1-based) works in department (i - 1) % DEPARTMENTS.
    cr.execute(
        SQL(
            """WITH resources AS (
                   INSERT INTO resource_resource (name, resource_type, tz, time_efficiency, active, company_id,
                                                  calendar_id, create_uid, create_date, write_uid, write_date)
                   SELECT 'Bench list employee ' || lpad(i::text, 4, '0'), 'user', 'UTC', 100, true, %(company)s,
                          %(calendar)s, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                     FROM generate_series(1, %(count)s) i
                   RETURNING id, name
               )
               %(insert)s
                 FROM resources
                ORDER BY resources.id
               RETURNING id, department_id""",
            company=company.id,
            calendar=calendar,
            count=EMPLOYEES,
            insert=insert_select(
                cr,
                "hr_employee",
                ["resource_id", "name", "company_id", "resource_calendar_id", "active", "department_id"]
                + ["employee_type", "marital", "distance_home_work_unit"]
                + ["create_uid", "create_date", "write_uid", "write_date"],
                extras,
                [
                    SQL("resources.id"),
                    SQL("resources.name"),
                    SQL("%s", company.id),
                    SQL("%s", calendar),
                    SQL("true"),
                    SQL(
                        "(%s::int[])[1 + mod(substring(resources.name from 21)::int - 1, %s)]",
                        departments.ids,
                        DEPARTMENTS,
                    ),
                    SQL("'employee'"),
                    SQL("'single'"),
                    SQL("'kilometers'"),
                    SQL("1"),
                    SQL("now() AT TIME ZONE 'UTC'"),
                    SQL("1"),
                    SQL("now() AT TIME ZONE 'UTC'"),
                ],
            ),
        )
    )
    rows = sorted(cr.fetchall())
    employee_ids = [row[0] for row in rows]
    employee_departments = [row[1] for row in rows]

    groups = {name: env.ref(f"iso_records.group_iso_{name}").id for name in ("user", "manager", "auditor")}
    # Employee 1 (department 0) is the manager, 2 the ISO user, 3 the auditor.
    named = [("manager", "manager"), ("user", "user"), ("auditor", "auditor")]
    users = (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"Bench list {label}",
                    "login": f"bench_list_{label}",
                    "groups_id": [Command.set([groups[group]])],
                }
                for label, group in named
            ]
            + [
                {
                    "name": f"Bench list user {index:02d}",
                    "login": f"bench_list_user_{index:02d}",
                    "groups_id": [Command.set([groups["user"]])],
                }
                for index in range(4, EMPLOYEE_USERS + 1)
            ]
        )
    )
    env.flush_all()
    cr.execute(
        """UPDATE hr_employee employee SET user_id = linked.user_id, work_contact_id = linked.partner_id
             FROM (SELECT unnest(%s::int[]) AS employee_id, unnest(%s::int[]) AS user_id,
                          unnest(%s::int[]) AS partner_id) linked
            WHERE employee.id = linked.employee_id""",
        [employee_ids[: len(users)], users.ids, users.partner_id.ids],
    )
    env.invalidate_all()
    # The manager manages department 0: its manager, and the manager (parent) of its employees.
    departments[0].manager_id = env["hr.employee"].browse(employee_ids[0])
    env.flush_all()
    cr.execute(
        "UPDATE hr_employee SET parent_id = %s WHERE department_id = %s AND id <> %s",
        [employee_ids[0], departments[0].id, employee_ids[0]],
    )
    env.invalidate_all()
    employee_users = users.ids + [None] * (EMPLOYEES - len(users))
    data.users = [
        ("superuser", odoo.SUPERUSER_ID),
        ("ISO user", users[1].id),
        ("ISO manager (1 dept)", users[0].id),
        ("ISO auditor", users[2].id),
    ]
    return employee_ids, employee_departments, employee_users, users.ids


def build_records(env, data, people):
    """The records and their named readers, with SQL; ``people`` is what ``build_people`` returned."""
    employees, departments, employee_users, readers = people
    cr = env.cr
    company = env.company
    types = env["iso.record.type"].search([("company_id", "in", [False, company.id])], order="id")
    slots = [record_type for record_type in types for __ in range(KIND_WEIGHT.get(record_type.kind, 1))]
    # Per slot: the type's id, kind, prefix, policy, and what the ORM derives from them.
    type_ids = [record_type.id for record_type in slots]
    kinds = [record_type.kind for record_type in slots]
    prefixes = [record_type.sequence_prefix for record_type in slots]
    policies = [record_type.retention_policy_id.id or None for record_type in slots]
    # Retention starts on filing only for the policies that wait for it (years kept, else NULL).
    filed_years = [
        (
            (policy.duration if policy.duration_unit == "years" else max(1, policy.duration // 12))
            if policy and policy.start_event == "filed"
            else None
        )
        for policy in (record_type.retention_policy_id for record_type in slots)
    ]
    review_months = [record_type.review_interval_months or 12 for record_type in slots]
    trainings = [bool(record_type.is_training) for record_type in slots]
    filled = {"name", "title", "record_type_id", "kind", "state", "company_id", "confidentiality", "active"}
    filled |= {"owner_id", "owner_user_id", "department_id", "employee_id", "author_id", "retention_policy_id"}
    filled |= {"revision_number", "effective_date", "approver_id", "approved_date", "next_review_date"}
    filled |= {"retention_start_date", "retention_until", "training_valid_from", "training_valid_to"}
    filled |= {"create_uid", "create_date", "write_uid", "write_date"}
    extras = not_null_extras(env, "iso_record", "iso.record", filled)

    slot = h(1, len(slots))
    owner = SQL("1 + %s", h(2, EMPLOYEES))
    about = SQL(
        "CASE WHEN trainings[slot] OR %s < %s THEN 1 + %s END", h(3, 100), ABOUT_EMPLOYEE_PERCENT, h(4, EMPLOYEES)
    )
    state = SQL(
        "CASE WHEN kinds[slot] = 'document' THEN %s ELSE %s END",
        bucket(h(5, 100), DOCUMENT_STATES),
        bucket(h(5, 100), RECORD_STATES),
    )
    confidentiality = bucket(h(6, 100), CONFIDENTIALITY)
    title = SQL(
        "CASE WHEN %s = 0 THEN 'Torque check, ' || areas[1 + %s] ELSE subjects[1 + %s] || ', ' || areas[1 + %s] END"
        " || ' ' || mod(n, 997)",
        h(7, 1000),
        h(8, len(AREAS)),
        h(9, len(SUBJECTS)),
        h(8, len(AREAS)),
    )
    started = time.perf_counter()
    cr.execute(
        SQL(
            """WITH params AS (
                   SELECT %(type_ids)s::int[] AS type_ids, %(kinds)s::varchar[] AS kinds,
                          %(prefixes)s::varchar[] AS prefixes, %(policies)s::int[] AS policies,
                          %(filed_years)s::int[] AS filed_years, %(review_months)s::int[] AS review_months,
                          %(trainings)s::bool[] AS trainings, %(employees)s::int[] AS employees,
                          %(departments)s::int[] AS departments, %(users)s::int[] AS users,
                          %(subjects)s::varchar[] AS subjects, %(areas)s::varchar[] AS areas
               ), numbered AS (
                   SELECT n, 1 + %(slot)s AS slot, %(owner)s AS owner,
                          %(confidentiality)s AS confidentiality, %(title)s AS title,
                          -- one record a minute, the last one a day ago
                          (now() AT TIME ZONE 'UTC') - interval '1 day' - (%(count)s - n) * interval '1 minute'
                              AS created
                     FROM generate_series(1, %(count)s) n, params
               ), shaped AS (
                   SELECT numbered.*, %(about)s AS about, %(state)s AS state,
                          row_number() OVER (PARTITION BY type_ids[slot] ORDER BY n) AS number
                     FROM numbered, params
               )
               %(insert)s
                 FROM shaped, params
                ORDER BY n""",
            type_ids=type_ids,
            kinds=kinds,
            prefixes=prefixes,
            policies=policies,
            filed_years=filed_years,
            review_months=review_months,
            trainings=trainings,
            employees=employees,
            departments=departments,
            users=employee_users,
            subjects=SUBJECTS,
            areas=AREAS,
            slot=slot,
            owner=owner,
            state=state,
            confidentiality=confidentiality,
            title=title,
            about=about,
            count=data.count,
            insert=insert_select(
                cr,
                "iso_record",
                ["name", "title", "record_type_id", "kind", "state", "company_id", "confidentiality", "active"]
                + ["owner_id", "owner_user_id", "department_id", "employee_id", "author_id", "retention_policy_id"]
                + ["revision_number", "effective_date", "approver_id", "approved_date", "next_review_date"]
                + ["retention_start_date", "retention_until", "training_valid_from", "training_valid_to"]
                + ["create_uid", "create_date", "write_uid", "write_date"],
                extras,
                [
                    SQL("prefixes[slot] || '-' || lpad(number::text, 4, '0')"),
                    SQL("title"),
                    SQL("type_ids[slot]"),
                    SQL("kinds[slot]"),
                    SQL("state"),
                    SQL("%s", company.id),
                    SQL("confidentiality"),
                    SQL("true"),
                    SQL("employees[owner]"),
                    SQL("users[owner]"),
                    SQL("departments[owner]"),
                    SQL("employees[about]"),
                    SQL("coalesce(users[owner], 2)"),
                    SQL("policies[slot]"),
                    SQL("1"),
                    # documents in force or past: approved and effective a week after creation
                    SQL("CASE WHEN state IN ('effective', 'superseded', 'obsolete') THEN created::date + 7 END"),
                    SQL("CASE WHEN state IN ('effective', 'superseded', 'obsolete') THEN 2 END"),
                    SQL(
                        "CASE WHEN state IN ('effective', 'superseded', 'obsolete') THEN created + interval '7 days'"
                        " END"
                    ),
                    SQL(
                        "CASE WHEN state = 'effective'"
                        " THEN created::date + 7 + review_months[slot] * interval '1 month' END"
                    ),
                    # operational records filed the day after creation, their retention clock started
                    SQL("CASE WHEN state = 'filed' AND filed_years[slot] IS NOT NULL THEN created::date + 1 END"),
                    SQL(
                        "CASE WHEN state = 'filed' AND filed_years[slot] IS NOT NULL"
                        " THEN created::date + 1 + filed_years[slot] * interval '1 year' END"
                    ),
                    SQL("CASE WHEN trainings[slot] THEN created::date END"),
                    SQL("CASE WHEN trainings[slot] THEN created::date + interval '2 years' END"),
                    SQL("2"),
                    SQL("created"),
                    SQL("2"),
                    SQL("created"),
                ],
            ),
        )
    )
    data.seconds["records"] = time.perf_counter() - started

    reader_field = env["iso.record"]._fields["reader_user_ids"]
    started = time.perf_counter()
    # A third of the restricted records name a reader, a sixth a second one, among the benchmark users.
    cr.execute(
        SQL(
            """INSERT INTO %(relation)s (%(record)s, %(user)s)
               SELECT record.id,
                      (%(readers)s::int[])[1 + mod(hashint4extended(record.id, pick) & 2147483647, %(reader_count)s)]
                 FROM iso_record record, generate_series(1, 2) pick
                WHERE record.confidentiality = 'restricted'
                  AND mod(hashint4extended(record.id, 0) & 2147483647, 6) < CASE pick WHEN 1 THEN 2 ELSE 1 END
               ON CONFLICT DO NOTHING""",
            relation=SQL.identifier(reader_field.relation),
            record=SQL.identifier(reader_field.column1),
            user=SQL.identifier(reader_field.column2),
            readers=readers,
            reader_count=len(readers),
        )
    )
    data.seconds["readers"] = time.perf_counter() - started


def prepare(dbname, count):
    """The data set, committed in the throwaway copy ``dbname``, then ``VACUUM ANALYZE``."""
    data = Data()
    data.count = count
    data.seconds = {}
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        started = time.perf_counter()
        people = build_people(env, data)
        data.seconds["people"] = time.perf_counter() - started
        build_records(env, data, people)
        cr.commit()
    relation = registry["iso.record"]._fields["reader_user_ids"].relation
    release(dbname)
    data.seconds["vacuum"] = vacuum(dbname, "iso_record", relation, "hr_employee", "hr_department", "res_users")
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE title ILIKE %s), count(*) FILTER (WHERE name ILIKE %s),
                      string_agg(DISTINCT state, ', ' ORDER BY state)
                 FROM iso_record""",
            [f"%{TITLE_WORD}%", f"%{REFERENCE_FRAGMENT}%"],
        )
        total, titled, referenced, states = cr.fetchone()
        cr.execute("SELECT confidentiality, count(*) FROM iso_record GROUP BY 1 ORDER BY 2 DESC")
        levels = ", ".join(f"{level} {rows / total:.0%}" for level, rows in cr.fetchall())
        cr.execute(SQL("SELECT count(*) FROM %s", SQL.identifier(relation)))
        readers = cr.fetchone()[0]
        cr.execute("SELECT count(DISTINCT record_type_id) FROM iso_record")
        type_count = cr.fetchone()[0]
        data.facts = {
            "total": total,
            "titled": titled,
            "referenced": referenced,
            "states": states,
            "levels": levels,
            "readers": readers,
            "relation": relation,
            "types": type_count,
        }
        cr.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'iso_record' ORDER BY indexname")
        data.indexes = cr.fetchall()
        cr.execute(
            """SELECT current_setting('server_version'), current_setting('shared_buffers'),
                      current_setting('work_mem'), current_setting('jit'), current_setting('random_page_cost')"""
        )
        version, shared_buffers, work_mem, jit, random_page_cost = cr.fetchone()
        data.server = (
            f"PostgreSQL {version}, shared_buffers {shared_buffers}, work_mem {work_mem}, jit {jit}"
            f", random_page_cost {random_page_cost}"
        )
    return data


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------
class Measure:
    def __init__(self, user, step, key):
        self.user, self.step, self.key = user, step, key
        self.cold = self.median = self.max = None
        self.queries = self.cold_queries = None
        self.shown = ""
        self.error = None


def steps(records):
    """(key, label, call, how the result is shown) of every timed step, for one user's ``iso.record``."""

    def page(domain):
        return lambda: records.web_search_read(domain, LIST_SPEC, limit=PAGE, count_limit=COUNT_LIMIT)

    def shown_page(result):
        counted = f"{result['length']:,}" + ("+" if result["length"] >= COUNT_LIMIT else "")
        return f"{len(result['records'])} of {counted}"

    def pivot_view():
        # The pivot view's first load: one read_group per combination of its row and column groupbys.
        return [
            records.read_group([], ["__count"], groupby, lazy=False)
            for groupby in ([], PIVOT_GROUPBY[:1], PIVOT_GROUPBY[1:], PIVOT_GROUPBY)
        ]

    def shown_groups(groups):
        return f"{len(groups)} groups, {sum(group['__count'] for group in groups):,} records"

    record_search = ["|", ("name", "ilike", TITLE_WORD), ("title", "ilike", TITLE_WORD)]
    return [
        ("first_page", "first page (80 + count)", page([]), shown_page),
        ("title", f"title ilike '{TITLE_WORD}'", page([("title", "ilike", TITLE_WORD)]), shown_page),
        (
            "reference",
            f"reference ilike '{REFERENCE_FRAGMENT}'",
            page([("name", "ilike", REFERENCE_FRAGMENT)]),
            shown_page,
        ),
        (
            "pivot",
            "pivot read_group type x state",
            lambda: records.read_group([], ["__count"], PIVOT_GROUPBY, lazy=False),
            shown_groups,
        ),
        ("first_page_current", "* first page, 'Current' filter", page(CURRENT), shown_page),
        ("record_search", f"* 'Record' search '{TITLE_WORD}'", page(record_search), shown_page),
        ("pivot_view", "* pivot view load (4 read_group)", pivot_view, lambda results: shown_groups(results[-1])),
    ]


def timed(env, call, rounds):
    """Runs ``call`` once cold (caches emptied) and ``rounds`` times warm; returns
    (cold s, cold queries, warm s list, warm queries of the last round, result)."""
    env.invalidate_all()
    env.registry.clear_cache()
    before = env.cr.sql_log_count
    started = time.perf_counter()
    result = call()
    cold = time.perf_counter() - started
    cold_queries = env.cr.sql_log_count - before
    warm, queries = [], None
    for __ in range(rounds):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        call()
        warm.append(time.perf_counter() - started)
        queries = env.cr.sql_log_count - before
    return cold, cold_queries, warm, queries, result


def explain(env, domain, limit):
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the query ``web_search_read`` runs for the page (limit) or the
    count (``search_count(domain, limit=COUNT_LIMIT)``), as that environment's user."""
    records = env["iso.record"]
    query = records._search(domain, limit=limit, order=records._order if limit == PAGE else None)
    sql = query.select() if limit == PAGE else SQL("SELECT COUNT(*) FROM (%s) t", query.select(""))
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", sql))
    plan = [line for (line,) in env.cr.fetchall()]
    # The same without JIT compilation, which PostgreSQL turns on for plans above jit_above_cost.
    env.cr.execute("SET jit = off")
    try:
        env.cr.execute(SQL("EXPLAIN (ANALYZE) %s", sql))
        without_jit = [line for (line,) in env.cr.fetchall() if line.startswith("Execution Time")]
    finally:
        env.cr.execute("RESET jit")
    return plan, " ".join(without_jit)


def measure(dbname, data, rounds):
    """Every step for every user; returns (measures, visible counts, explains)."""
    registry = odoo.modules.registry.Registry(dbname)
    measures, visible, explains = [], {}, []
    with registry.cursor() as cr:
        root = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        for label, uid in data.users:
            env = root(user=uid, context={"lang": "en_US", "tz": "UTC"})
            if uid != odoo.SUPERUSER_ID and env.su:
                raise AssertionError("a non-superuser environment is in superuser mode")
            records = env["iso.record"]
            try:
                visible[label] = records.search_count([])
            except Exception:
                visible[label] = None
                cr.rollback()
            for key, step, call, show in steps(records):
                result = Measure(label, step, key)
                try:
                    cold, cold_queries, warm, queries, value = timed(env, call, rounds)
                    result.cold, result.cold_queries, result.queries = cold, cold_queries, queries
                    result.median, result.max = statistics.median(warm), max(warm)
                    result.shown = show(value)
                except Exception:
                    result.error = traceback.format_exc()
                    cr.rollback()
                measures.append(result)
        user_env = root(user=data.users[1][1], context={"lang": "en_US", "tz": "UTC"})
        for what, limit in (("page (80 rows)", PAGE), (f"count (limit {COUNT_LIMIT})", COUNT_LIMIT)):
            try:
                explains.append((what, *explain(user_env, [("title", "ilike", TITLE_WORD)], limit)))
            except Exception:
                explains.append((what, ["EXPLAIN failed:", *traceback.format_exc().splitlines()], ""))
                cr.rollback()
        cr.rollback()
    return measures, visible, explains


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------
def ms(seconds):
    return "n/a" if seconds is None else f"{seconds * 1000:.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def report(run):
    data = run.data
    facts = data.facts
    print()
    print(f"== ISO records list: {facts['total']:,} iso.record rows, {len(data.users)} users; in a copy of {run.db} ==")
    print(f"  {data.server}; load average at start {run.load[0]:.2f}, at end {run.load[-1]:.2f}")
    print(
        "  setup: "
        + ", ".join(
            f"{label} {data.seconds[key]:.1f} s"
            for key, label in (
                ("copy", "copy"),
                ("people", "departments, employees, users"),
                ("records", "records (SQL)"),
                ("readers", "named readers"),
                ("vacuum", "VACUUM ANALYZE"),
            )
            if key in data.seconds
        )
    )
    print(
        f"  data: {DEPARTMENTS} departments, {EMPLOYEES} employees ({EMPLOYEE_USERS} with users),"
        f" {facts['types']} record types; states {facts['states']}; {facts['levels']};"
        f" {facts['readers']:,} named readers ({facts['relation']})"
    )
    print(
        f"  title ilike '{TITLE_WORD}': {facts['titled']:,} rows ({facts['titled'] / facts['total']:.2%});"
        f" reference ilike '{REFERENCE_FRAGMENT}': {facts['referenced']:,} rows"
        f" ({facts['referenced'] / facts['total']:.3%})"
    )
    print("  visible rows: " + ", ".join(f"{label} {fmt_count(count)}" for label, count in run.visible.items()))
    print("  indexes on iso_record: " + ", ".join(name for name, __ in data.indexes))
    special = [definition for __, definition in data.indexes if " USING btree " not in definition]
    for definition in special:
        print(f"    {definition}")
    print(
        f"\n  server time: cold = caches emptied, median and max of {run.rounds} warm runs; queries = statements"
        " of a warm run (cold in parentheses when different); x su = median / superuser's median"
    )
    print(f"  {'user':<21}{'step':<36}{'cold ms':>9}{'median ms':>11}{'max ms':>9}{'queries':>10}{'x su':>7}  result")
    superuser = {m.key: m.median for m in run.measures if m.user == data.users[0][0] and m.median}
    previous = None
    for m in run.measures:
        if previous and m.user != previous:
            print()
        previous = m.user
        if m.error:
            print(f"  {m.user:<21}{m.step:<36}{'FAILED (traceback below)':>46}")
            continue
        queries = f"{m.queries}" if m.queries == m.cold_queries else f"{m.queries} ({m.cold_queries})"
        ratio = f"{m.median / superuser[m.key]:.2f}" if superuser.get(m.key) else "n/a"
        print(
            f"  {m.user:<21}{m.step:<36}{ms(m.cold):>9}{ms(m.median):>11}{ms(m.max):>9}{queries:>10}{ratio:>7}"
            f"  {m.shown}"
        )
    print("  * not a target: the action's default filter, the search view's default field (reference or title),")
    print("    and the 4 read_group calls the pivot view makes on opening (its rows, columns, cells and total)")
    report_targets(run, superuser)
    for what, lines, without_jit in run.explains:
        print()
        print(f"  EXPLAIN (ANALYZE, BUFFERS), title ilike '{TITLE_WORD}' as the ISO user, {what}:")
        for line in lines[:EXPLAIN_LINES]:
            print(f"    {line}")
        if len(lines) > EXPLAIN_LINES:
            print(f"    ... {len(lines) - EXPLAIN_LINES} more lines; last: {lines[-1]}")
        if without_jit:
            print(f"    the same with jit = off: {without_jit}")
    for m in run.measures:
        if m.error:
            print()
            print(f"{m.user}, {m.step} FAILED:")
            print(m.error.rstrip())


def fmt_count(count):
    return "n/a" if count is None else f"{count:,}"


def report_targets(run, superuser):
    print()
    by_key = {}
    for m in run.measures:
        by_key.setdefault(m.key, []).append(m)

    def verdict(ok):
        return "met" if ok else "NOT met"

    searches = [m for key in ("title", "reference") for m in by_key.get(key, ())]
    if searches and all(m.median is not None for m in searches):
        worst = max(searches, key=lambda m: m.median)
        print(
            f"  target search by title or reference <= {TARGET_SEARCH_S:.1f} s for every user (median):"
            f" {verdict(worst.median <= TARGET_SEARCH_S)} (slowest {worst.median:.3f} s: {worst.user}, {worst.step})"
        )
    else:
        print("  target search by title or reference: NOT MEASURED (a step failed)")
    pivots = [m for m in by_key.get("pivot", ()) if m.user != run.data.users[0][0]]
    if superuser.get("pivot") and pivots and all(m.median is not None for m in pivots):
        worst = max(pivots, key=lambda m: m.median)
        ratio = worst.median / superuser["pivot"]
        print(
            f"  target pivot with rules <= {TARGET_PIVOT_RATIO:.1f}x the superuser's ({superuser['pivot']:.3f} s):"
            f" {verdict(ratio <= TARGET_PIVOT_RATIO)} (worst {ratio:.2f}x, {worst.median:.3f} s: {worst.user})"
        )
    else:
        print("  target pivot with rules: NOT MEASURED (a step failed)")
    pages = by_key.get("first_page", ())
    if pages and all(m.median is not None for m in pages):
        worst = max(pages, key=lambda m: m.median)
        print(
            f"  target first page < {TARGET_FIRST_PAGE_S:.1f} s (median): {verdict(worst.median < TARGET_FIRST_PAGE_S)}"
            f" (slowest {worst.median:.3f} s: {worst.user}; slowest cold {max(m.cold for m in pages):.3f} s)"
        )
    else:
        print("  target first page: NOT MEASURED (a step failed)")


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
class Run:
    def __init__(self, db, rounds):
        self.db, self.rounds = db, rounds
        self.data = None
        self.measures, self.visible, self.explains = [], {}, []
        self.errors = []
        self.load = [os.getloadavg()[0]]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    odoo_args = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_args = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="iso_bench", help="benchmark database, the template of the copy")
    parser.add_argument("--count", type=int, default=1_000_000, help="iso.record rows")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="warm runs of each step (median)")
    parser.add_argument("--keep", action="store_true", help="keep the copy <db>_record_list at the end")
    args = parser.parse_args(argv)
    if args.count < 1000 or args.rounds < 1:
        parser.error("--count must be at least 1000 and --rounds at least 1")

    odoo.tools.config.parse_config(odoo_args, setup_logging=True)
    if not database_exists(args.db):
        print(f"database {args.db} does not exist: tests/benchmarks/run creates it", file=sys.stderr)
        return 2
    run = Run(args.db, args.rounds)
    work_db = f"{args.db}_record_list"
    try:
        drop_database(work_db)  # left over by a run that was killed
        copy_s = copy_database(args.db, work_db)
        if "iso.record" not in odoo.modules.registry.Registry(work_db):
            raise RuntimeError(f"iso.record is not installed in {args.db}")
        run.data = prepare(work_db, args.count)
        run.data.seconds["copy"] = copy_s
        run.measures, run.visible, run.explains = measure(work_db, run.data, args.rounds)
    except Exception:
        run.errors.append(("setup", traceback.format_exc()))
    finally:
        if not args.keep:
            try:
                drop_database(work_db)
            except Exception:
                run.errors.append((f"dropping {work_db}", traceback.format_exc()))
        run.load.append(os.getloadavg()[0])
    if run.data and run.measures:
        report(run)
    for label, error in run.errors:
        print(f"\n{label} FAILED:\n{error.rstrip()}", file=sys.stderr)
    if args.keep and run.data:
        print(f"\n  kept {work_db}")
    return 2 if run.errors or any(m.error for m in run.measures) else 0


if __name__ == "__main__":
    sys.exit(main())
