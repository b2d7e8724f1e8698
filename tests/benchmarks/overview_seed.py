"""The data set of the overview benchmark (``bench_overview.py``), seeded once into its database and kept.

At scale 1 (``--scale`` multiplies every volume, the people stay the same):

- two companies: the main one, and a subsidiary with 5 % of every volume (which the benchmark's manager, who
  works in the main company only, never counts);
- 50 departments (the first the parent of the next four), 2,000 employees, 500 ISO users with an employee
  each, and the benchmark's ISO manager, employee of the first department and manager of the first four (so
  that the confidential rows of 5 departments and of their team are theirs to read); 5 departments, 200
  employees and 20 users in the subsidiary;
- 1,000,000 ``iso.record`` rows: documents and operational records in the states, confidentiality levels,
  owners, review dates, retention dates and training validity of ``bench_record_list.build_records`` (one
  record a minute over two years, so that review dates, retention ends and training expiries fall both before
  and after today); an active legal hold on one due record in 200;
- 100,000 nonconformities and 100,000 CAPAs (one per nonconformity), over three years, in every state, with two
  actions per CAPA (done, late or open) and an effectiveness check for the CAPAs being verified (due, some past
  due) or closed (effective);
- 100,000 activities on ISO records for the 500 users (and the manager), a third of them late;
- the audits and findings, objectives with monthly measurements and risks of
  ``bench_management_review`` (20,000 findings, 10,000 measurements, 20,000 risks), plus 40 audits planned in
  the next 60 days; 5 competence requirements; one trail verification.

Everything is inserted with SQL (``INSERT ... SELECT generate_series``) with the values the ORM would give, but
the people, the programme, the planned audits, the requirements and the verification (ORM). The fingerprint
of what was seeded (this file and the scale) is kept in ``ir.config_parameter`` ``benchmark.overview_seed``:
a database seeded with it is not seeded again.
"""

import hashlib
import time
import types
from datetime import date, timedelta
from pathlib import Path

import bench_record_list
from bench_management_review import insert_audits, insert_objectives, insert_risks
from bench_record_list import bucket, h, insert_select, not_null_extras

from odoo import Command
from odoo.tools import SQL

SEED_PARAMETER = "benchmark.overview_seed"
VOLUMES = {
    "records": 1_000_000,
    "nonconformities": 100_000,
    "capas": 100_000,
    "activities": 100_000,
    "findings": 20_000,
    "measurements": 10_000,
    "risks": 20_000,
}
SUBSIDIARY_SHARE = 0.05
DEPARTMENTS, EMPLOYEES, USERS = 50, 2_000, 500
SUBSIDIARY_DEPARTMENTS, SUBSIDIARY_EMPLOYEES, SUBSIDIARY_USERS = 5, 200, 20
MANAGED_DEPARTMENTS = 5  # the manager's department and its four sub-departments
MANAGER_LOGIN = "bench_overview_manager"
CONFIDENTIALITY = [("public", 40), ("internal", 40), ("confidential", 15), ("restricted", 5)]
NC_STATES = [("new", 4), ("triaged", 3), ("in_progress", 8), ("closed", 80), ("rejected", 5)]
CAPA_STATES = [("draft", 4), ("analysis", 5), ("action", 12), ("verification", 9), ("closed", 65), ("cancelled", 5)]
NC_SOURCES = ["finding", "complaint", "supplier", "internal", "product", "process", "incident"]
HELD_EVERY = 200
SPAN_DAYS = 3 * 365
NOW = SQL("now() AT TIME ZONE 'UTC'")


def seed_stamp(scale):
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return f"{digest}:scale={scale:g}"


def stored_stamp(env):
    return env["ir.config_parameter"].sudo().get_param(SEED_PARAMETER)


def volumes(scale):
    return {name: max(100, int(count * scale)) for name, count in VOLUMES.items()}


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------
def create_users(env, company, count, prefix, group):
    return (
        env["res.users"]
        .with_context(no_reset_password=True, mail_create_nosubscribe=True, tracking_disable=True)
        .create(
            [
                {
                    "name": f"{prefix} {index:04d}",
                    "login": f"{prefix.lower().replace(' ', '_')}_{index:04d}",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set([group])],
                }
                for index in range(count)
            ]
        )
    )


def insert_employees(env, company, departments, count, users, *, name):
    """``count`` employees of ``company`` with SQL (a resource each), employee i in department i mod n, the first
    ``len(users)`` linked to those users; returns (employee ids, their department ids, their user ids or None)."""
    cr = env.cr
    calendar = company.resource_calendar_id.id
    columns = ["resource_id", "name", "company_id", "resource_calendar_id", "active", "department_id"]
    columns += ["employee_type", "marital", "distance_home_work_unit", "user_id", "work_contact_id"]
    columns += ["create_uid", "create_date", "write_uid", "write_date"]
    extras = not_null_extras(env, "hr_employee", "hr.employee", columns)
    user_ids = users.ids + [None] * (count - len(users))
    partner_ids = users.partner_id.ids + [None] * (count - len(users))
    cr.execute(
        SQL(
            """WITH resources AS (
                   INSERT INTO resource_resource (name, resource_type, tz, time_efficiency, active, company_id,
                                                  calendar_id, create_uid, create_date, write_uid, write_date)
                   SELECT %(name)s || ' ' || lpad(i::text, 4, '0'), 'user', 'UTC', 100, true, %(company)s,
                          %(calendar)s, 1, %(now)s, 1, %(now)s
                     FROM generate_series(1, %(count)s) i
                   RETURNING id, name
               ), numbered AS (
                   SELECT resources.*, row_number() OVER (ORDER BY resources.id) AS i FROM resources
               )
               %(insert)s FROM numbered ORDER BY numbered.id
               RETURNING id, department_id, user_id""",
            name=name,
            company=company.id,
            calendar=calendar,
            count=count,
            now=NOW,
            insert=insert_select(
                cr,
                "hr_employee",
                columns,
                extras,
                [
                    SQL("numbered.id"),
                    SQL("numbered.name"),
                    SQL("%s", company.id),
                    SQL("%s", calendar),
                    SQL("true"),
                    SQL("(%s::int[])[1 + mod(numbered.i - 1, %s)]", departments.ids, len(departments)),
                    SQL("'employee'"),
                    SQL("'single'"),
                    SQL("'kilometers'"),
                    SQL("(%s::int[])[numbered.i]", user_ids),
                    SQL("(%s::int[])[numbered.i]", partner_ids),
                    SQL("1"),
                    NOW,
                    SQL("1"),
                    NOW,
                ],
            ),
        )
    )
    rows = sorted(cr.fetchall())
    env.invalidate_all()
    return [row[0] for row in rows], [row[1] for row in rows], [row[2] for row in rows]


def build_people(env, seeded):
    main = env.ref("base.main_company")
    subsidiary = env["res.company"].create({"name": "Bench overview subsidiary"})
    seeded.companies = main | subsidiary
    user_group = env.ref("iso_records.group_iso_user").id
    departments = env["hr.department"].create(
        [{"name": f"Bench overview department {index:02d}", "company_id": main.id} for index in range(DEPARTMENTS)]
    )
    departments[1:MANAGED_DEPARTMENTS].write({"parent_id": departments[0].id})
    sub_departments = env["hr.department"].create(
        [
            {"name": f"Bench overview subsidiary department {index}", "company_id": subsidiary.id}
            for index in range(SUBSIDIARY_DEPARTMENTS)
        ]
    )
    manager = create_users(env, main, 1, "Bench overview manager", env.ref("iso_records.group_iso_manager").id)
    manager.login = MANAGER_LOGIN
    users = create_users(env, main, USERS, "Bench overview user", user_group)
    sub_users = create_users(env, subsidiary, SUBSIDIARY_USERS, "Bench overview subsidiary user", user_group)
    env.flush_all()
    manager_employee = env["hr.employee"].create(
        {"name": manager.name, "user_id": manager.id, "department_id": departments[0].id, "company_id": main.id}
    )
    departments[:MANAGED_DEPARTMENTS].write({"manager_id": manager_employee.id})
    env.flush_all()
    seeded.people = {
        main.id: insert_employees(env, main, departments, EMPLOYEES, users, name="Bench overview employee"),
        subsidiary.id: insert_employees(
            env, subsidiary, sub_departments, SUBSIDIARY_EMPLOYEES, sub_users, name="Bench overview subsidiary employee"
        ),
    }
    env.cr.execute(
        "UPDATE hr_employee SET parent_id = %s WHERE department_id = %s AND id <> %s",
        [manager_employee.id, departments[0].id, manager_employee.id],
    )
    env.invalidate_all()
    seeded.manager, seeded.users, seeded.departments = manager, users, departments


# ---------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------
def insert_records(env, seeded, count):
    """The records of ``bench_record_list.build_records`` in both companies; owners drawn from all employees."""
    saved = bench_record_list.EMPLOYEES
    try:
        for company in seeded.companies:
            employees, departments, users = seeded.people[company.id]
            share = SUBSIDIARY_SHARE if company != env.ref("base.main_company") else 1 - SUBSIDIARY_SHARE
            data = types.SimpleNamespace(count=int(count * share), seconds={})
            bench_record_list.EMPLOYEES = len(employees)  # owners and employees drawn from all of them
            readers = [uid for uid in users if uid][:60]
            company_env = env(context={**env.context, "allowed_company_ids": company.ids})
            bench_record_list.build_records(company_env, data, (employees, departments, users, readers))
    finally:
        bench_record_list.EMPLOYEES = saved


def age_records(env):
    """Ages part of the records as if the site had filed them for years (build_records spreads them over two,
    shorter than any retention period and most review intervals): one filed record in 20 kept until a day of
    the last 400 (due), one effective document in 10 due for review on a day of the last 200, one training in 3
    valid for a year only (expired or expiring). References are made unique (build_records pads the numbers to
    4 digits, so its 10,000th record of a type repeats the 1,000th's reference): the type's prefix and the id."""
    cr = env.cr
    cr.execute("UPDATE iso_record SET name = split_part(name, '-', 1) || '-' || lpad(id::text, 7, '0')")
    cr.execute(
        """UPDATE iso_record SET retention_until = CURRENT_DATE - 1 - mod(id, 400),
                                 retention_start_date = CURRENT_DATE - 1 - mod(id, 400) - interval '5 years'
            WHERE retention_until IS NOT NULL AND mod(id, 20) = 0"""
    )
    cr.execute(
        """UPDATE iso_record SET next_review_date = CURRENT_DATE - 1 - mod(id, 200)
            WHERE next_review_date IS NOT NULL AND mod(id, 10) = 0"""
    )
    cr.execute(
        """UPDATE iso_record SET training_valid_to = training_valid_from + interval '1 year'
            WHERE training_valid_to IS NOT NULL AND mod(id, 3) = 0"""
    )


def age_trainings(env, seeded):
    """The latest training of most employees is recent and valid; of 1 employee in 10 every training has expired
    (1 to 300 days ago), of the next 1 in 10 every one expires within 25 days, and the manager has three expired
    ones of their own: the competence matrix then shows expired and expiring rows."""
    cr = env.cr
    cr.execute(
        """UPDATE iso_record SET training_valid_to = CASE mod(hashint4extended(employee_id, 161) & 2147483647, 10)
                                     WHEN 0 THEN CURRENT_DATE - 1 - mod(id, 300) ELSE CURRENT_DATE + mod(id, 25) END
            WHERE training_valid_to IS NOT NULL AND mod(hashint4extended(employee_id, 161) & 2147483647, 10) < 2"""
    )
    manager_employee = seeded.manager.employee_ids[:1].id
    cr.execute(
        """UPDATE iso_record SET employee_id = %s, training_valid_to = CURRENT_DATE - 10
            WHERE id IN (SELECT id FROM iso_record WHERE training_valid_to IS NOT NULL AND state = 'filed'
                          AND company_id = %s ORDER BY id DESC LIMIT 3)""",
        [manager_employee, seeded.manager.company_id.id],
    )


def insert_hold(env, seeded):
    """One active legal hold of chosen records: one record in HELD_EVERY of those whose retention is over."""
    cr = env.cr
    company = env.ref("base.main_company").id
    cr.execute(
        SQL(
            """INSERT INTO iso_legal_hold (name, company_id, scope, state, placed_by_id, placed_date,
                                           create_uid, create_date, write_uid, write_date)
               VALUES ('Bench overview: litigation hold', %(company)s, 'records', 'active', 1, %(now)s,
                       1, %(now)s, 1, %(now)s) RETURNING id""",
            company=company,
            now=NOW,
        )
    )
    hold = cr.fetchone()[0]
    cr.execute(
        SQL(
            """INSERT INTO iso_legal_hold_item (hold_id, company_id, res_model, res_id, reference, state,
                                                create_uid, create_date, write_uid, write_date)
               SELECT %(hold)s, company_id, 'iso.record', id, name || ' ' || title, 'active', 1, %(now)s, 1, %(now)s
                 FROM (SELECT id, company_id, name, title, row_number() OVER (ORDER BY id) AS k
                         FROM iso_record WHERE company_id = %(company)s AND retention_until < CURRENT_DATE) due
                WHERE mod(k, %(every)s) = 0""",
            hold=hold,
            company=company,
            every=HELD_EVERY,
            now=NOW,
        )
    )
    seeded.held = cr.rowcount


# ---------------------------------------------------------------------------
# Nonconformities and CAPAs
# ---------------------------------------------------------------------------
def people_arrays(seeded):
    """Per row n: its company (5 % the subsidiary), and arrays of employees, departments and users to draw from."""
    main, subsidiary = seeded.companies
    return {
        "main": main.id,
        "subsidiary": subsidiary.id,
        "employees": seeded.people[main.id][0],
        "departments": seeded.people[main.id][1],
        "users": seeded.people[main.id][2],
        "sub_employees": seeded.people[subsidiary.id][0],
        "sub_departments": seeded.people[subsidiary.id][1],
        "sub_users": seeded.people[subsidiary.id][2],
    }


def drawn(kind, salt):
    """The element of array ``kind`` (or ``sub_kind`` for a subsidiary row) for row n."""
    return SQL(
        "CASE WHEN in_subsidiary THEN (%s)[1 + mod(hashint4extended(n, %s) & 2147483647, cardinality(%s))]"
        " ELSE (%s)[1 + mod(hashint4extended(n, %s) & 2147483647, cardinality(%s))] END",
        SQL.identifier(f"sub_{kind}"),
        salt,
        SQL.identifier(f"sub_{kind}"),
        SQL.identifier(kind),
        salt,
        SQL.identifier(kind),
    )


def people_cte(seeded, count):
    """``params`` (the arrays) and ``numbered`` (n, its company, its owner index) for rows 1..count."""
    arrays = people_arrays(seeded)
    return SQL(
        """params AS (
               SELECT %(employees)s::int[] AS employees, %(departments)s::int[] AS departments,
                      %(users)s::int[] AS users, %(sub_employees)s::int[] AS sub_employees,
                      %(sub_departments)s::int[] AS sub_departments, %(sub_users)s::int[] AS sub_users
           ), numbered AS (
               SELECT n, %(share)s AS in_subsidiary, params.*,
                      CASE WHEN %(share)s THEN %(subsidiary)s ELSE %(main)s END AS company_id,
                      CURRENT_DATE - (%(day)s)::int AS day
                 FROM generate_series(1, %(count)s) n, params
           ), owned AS (
               SELECT numbered.*, %(owner)s AS owner FROM numbered
           )""",
        **{key: value for key, value in arrays.items() if key not in ("main", "subsidiary")},
        main=arrays["main"],
        subsidiary=arrays["subsidiary"],
        share=SQL("(%s < %s)", h(101, 1000), int(SUBSIDIARY_SHARE * 1000)),
        day=h(102, SPAN_DAYS),
        owner=SQL(
            "CASE WHEN %s < %s THEN 1 + mod(hashint4extended(n, 103) & 2147483647, %s)"
            " ELSE 1 + mod(hashint4extended(n, 103) & 2147483647, %s) END",
            h(101, 1000),
            int(SUBSIDIARY_SHARE * 1000),
            SUBSIDIARY_EMPLOYEES,
            EMPLOYEES,
        ),
        count=count,
    )


def owner_columns():
    """owner_id, owner_user_id, department_id of row n: an employee drawn once, their department and user."""
    return [
        SQL("CASE WHEN in_subsidiary THEN sub_employees[owner] ELSE employees[owner] END"),
        SQL("CASE WHEN in_subsidiary THEN sub_users[owner] ELSE users[owner] END"),
        SQL("CASE WHEN in_subsidiary THEN sub_departments[owner] ELSE departments[owner] END"),
    ]


def insert_nonconformities(env, seeded, count):
    cr = env.cr
    columns = ["name", "title", "description", "source", "date", "company_id", "confidentiality", "state", "active"]
    columns += ["owner_id", "owner_user_id", "department_id", "severity", "likelihood", "priority_score", "priority"]
    columns += ["capa_required", "is_repeat", "repeat_count", "closure_deadline", "closed_date"]
    columns += ["create_uid", "create_date", "write_uid", "write_date"]
    extras = not_null_extras(env, "iso_nonconformity", "iso.nonconformity", columns)
    severity, likelihood = SQL("(1 + %s)", h(111, 5)), SQL("(1 + %s)", h(112, 5))
    score = SQL("(%s * %s)", severity, likelihood)
    state = bucket(h(113, 100), NC_STATES)
    select = [
        SQL("'NC-BENCH-' || lpad(n::text, 7, '0')"),
        SQL("'Bench nonconformity ' || n"),
        SQL("'Found during the overview benchmark.'"),
        SQL("(%s::varchar[])[1 + %s]", NC_SOURCES, h(114, len(NC_SOURCES))),
        SQL("day"),
        SQL("company_id"),
        bucket(h(115, 100), CONFIDENTIALITY),
        state,
        SQL("true"),
        *owner_columns(),
        severity,
        likelihood,
        score,
        SQL(
            "CASE WHEN %s >= 16 THEN 'critical' WHEN %s >= 10 THEN 'high' WHEN %s >= 5 THEN 'medium' ELSE 'low' END",
            score,
            score,
            score,
        ),
        SQL("%s >= 10", score),
        SQL("false"),
        SQL("0"),
        SQL("day + 60"),
        SQL("CASE WHEN %s IN ('closed', 'rejected') THEN day + 30 END", state),
        SQL("1"),
        SQL("day::timestamp"),
        SQL("1"),
        SQL("day::timestamp"),
    ]
    cr.execute(
        SQL(
            "WITH %s %s FROM owned ORDER BY n",
            people_cte(seeded, count),
            insert_select(cr, "iso_nonconformity", columns, extras, select),
        )
    )


def insert_capas(env, seeded, count):
    """One CAPA per nonconformity (the n-th with the n-th), two actions each, and their effectiveness checks."""
    cr = env.cr
    columns = ["name", "title", "kind", "company_id", "confidentiality", "state", "active", "owner_id"]
    columns += ["owner_user_id", "department_id", "effectiveness_days", "effectiveness_due_date", "verifier_id"]
    columns += ["closed_date", "closed_by_id", "create_uid", "create_date", "write_uid", "write_date"]
    extras = not_null_extras(env, "iso_capa", "iso.capa", columns)
    state = bucket(h(121, 100), CAPA_STATES)
    # Verification: the check fell due 1 to 60 days after the actions, some of it before today.
    due = SQL("CURRENT_DATE - 30 + (%s)::int", h(122, 60))
    select = [
        SQL("'CAPA-BENCH-' || lpad(n::text, 7, '0')"),
        SQL("'Bench CAPA ' || n"),
        SQL("(ARRAY['corrective', 'corrective', 'preventive', 'improvement'])[1 + %s]", h(123, 4)),
        SQL("company_id"),
        bucket(h(124, 100), CONFIDENTIALITY),
        state,
        SQL("true"),
        *owner_columns(),
        SQL("90"),
        SQL("CASE WHEN %s = 'verification' THEN %s WHEN %s = 'closed' THEN day + 120 END", state, due, state),
        SQL("CASE WHEN %s IN ('verification', 'closed') THEN coalesce(%s, 2) END", state, drawn("users", 125)),
        # cycle time of a closed CAPA: 20 to 200 days after it was opened
        SQL("CASE WHEN %s = 'closed' THEN day + 20 + (%s)::int END", state, h(126, 180)),
        SQL("CASE WHEN %s = 'closed' THEN 1 END", state),
        SQL("1"),
        SQL("day::timestamp"),
        SQL("1"),
        SQL("day::timestamp"),
    ]
    cr.execute(
        SQL(
            "WITH %s %s FROM owned ORDER BY n",
            people_cte(seeded, count),
            insert_select(cr, "iso_capa", columns, extras, select),
        )
    )
    cr.execute(
        """INSERT INTO iso_capa_nonconformity_rel (capa_id, nonconformity_id)
           SELECT capa.id, nc.id FROM iso_capa capa
             JOIN iso_nonconformity nc ON nc.name = 'NC-BENCH-' || substring(capa.name from 12)
            WHERE starts_with(capa.name, 'CAPA-BENCH-')"""
    )
    users = [uid for uid in seeded.people[seeded.companies[0].id][2] if uid]
    action_columns = ["capa_id", "company_id", "sequence", "kind", "description", "user_id", "date_deadline"]
    action_columns += ["date_done", "create_uid", "create_date", "write_uid", "write_date"]
    action_extras = not_null_extras(env, "iso_capa_action", "iso.capa.action", action_columns)
    # Actions of CAPAs past the action stage are done; of CAPAs acting, the first done or late, the second open
    # (due within 60 days) or late.
    cr.execute(
        SQL(
            """INSERT INTO iso_capa_action (%(columns)s)
               SELECT capa.id, capa.company_id, 10 * k, CASE k WHEN 1 THEN 'correction' ELSE 'corrective' END,
                      'Bench action ' || k || ' of ' || capa.name,
                      (%(users)s::int[])[1 + mod(hashint4extended(capa.id * 2 + k, 131) & 2147483647, %(nusers)s)],
                      deadline, CASE WHEN capa.state IN ('verification', 'closed') OR (capa.state = 'action'
                                          AND k = 1 AND mod(capa.id, 2) = 0) THEN deadline - 3 END,
                      %(extras)s 1, capa.create_date, 1, capa.create_date
                 FROM iso_capa capa CROSS JOIN generate_series(1, 2) k,
                      LATERAL (SELECT CASE WHEN capa.state IN ('draft', 'analysis', 'action')
                                           THEN CURRENT_DATE - 30 + mod(capa.id * 7 + k * 13, 90)
                                           ELSE capa.create_date::date + 10 * k END AS deadline) d
                WHERE starts_with(capa.name, 'CAPA-BENCH-') AND capa.state NOT IN ('draft', 'cancelled')""",
            columns=SQL(", ").join(
                SQL.identifier(name) for name in [*action_columns[:8], *action_extras, *action_columns[8:]]
            ),
            users=users,
            nusers=len(users),
            extras=SQL("").join(SQL("%s, ", value) for value in action_extras.values()),
        )
    )
    verification_columns = ["capa_id", "company_id", "verifier_id", "due_date", "date", "result", "evidence"]
    verification_columns += ["measure", "repeat_count", "create_uid", "create_date", "write_uid", "write_date"]
    verification_extras = not_null_extras(env, "iso_capa_verification", "iso.capa.verification", verification_columns)
    cr.execute(
        SQL(
            """INSERT INTO iso_capa_verification (%(columns)s)
               SELECT capa.id, capa.company_id, capa.verifier_id, capa.effectiveness_due_date,
                      CASE WHEN capa.state = 'closed' THEN capa.closed_date END,
                      CASE WHEN capa.state = 'closed' THEN 'effective' END,
                      CASE WHEN capa.state = 'closed' THEN 'No repeat in the window.' END,
                      CASE WHEN capa.state = 'closed' THEN 'Repeats of the nonconformity' END, 0,
                      %(extras)s 1, capa.create_date, 1, capa.create_date
                 FROM iso_capa capa
                WHERE starts_with(capa.name, 'CAPA-BENCH-') AND capa.state IN ('verification', 'closed')""",
            columns=SQL(", ").join(
                SQL.identifier(name)
                for name in [*verification_columns[:9], *verification_extras, *verification_columns[9:]]
            ),
            extras=SQL("").join(SQL("%s, ", value) for value in verification_extras.values()),
        )
    )


# ---------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------
def insert_activities(env, seeded, count):
    """Activities on records of the main company: to the 500 users, 1 in 100 to the manager; a third late."""
    cr = env.cr
    main = env.ref("base.main_company").id
    users = [uid for uid in seeded.people[main][2] if uid]
    activity_types = [
        env.ref(xmlid).id
        for xmlid in (
            "iso_records.mail_activity_type_iso_review",
            "iso_records.mail_activity_type_iso_approval",
            "iso_records.mail_activity_type_iso_read",
            "iso_records.mail_activity_type_iso_refresher",
        )
    ]
    cr.execute("SELECT min(id), max(id) FROM iso_record WHERE company_id = %s", [main])
    first, last = cr.fetchone()
    cr.execute(
        SQL(
            """INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, summary,
                                          date_deadline, user_id, automated, active, create_uid, create_date,
                                          write_uid, write_date)
               SELECT %(model)s, 'iso.record', record.id, record.name, picked.activity_type,
                      'Bench activity ' || picked.n, CURRENT_DATE - 40 + (picked.days)::int, picked.user_id, true,
                      true, 1, %(now)s, 1, %(now)s
                 FROM (SELECT n, %(first)s + %(record)s AS record_id, (%(types)s::int[])[1 + %(type)s] AS activity_type,
                              %(days)s AS days,
                              CASE WHEN %(manager_share)s = 0 THEN %(manager)s
                                   ELSE (%(users)s::int[])[1 + %(user)s] END AS user_id
                         FROM generate_series(1, %(count)s) n) picked
                 JOIN iso_record record ON record.id = picked.record_id""",
            model=env["ir.model"]._get_id("iso.record"),
            first=first,
            record=h(141, last - first + 1),
            types=activity_types,
            type=h(142, len(activity_types)),
            days=h(143, 120),
            manager_share=h(144, 100),
            manager=seeded.manager.id,
            users=users,
            user=h(145, len(users)),
            count=count,
            now=NOW,
        )
    )
    seeded.activities = cr.rowcount


# ---------------------------------------------------------------------------
# Audits, objectives, risks, competence
# ---------------------------------------------------------------------------
def insert_management_system(env, seeded, sizes):
    """The audits, findings, objectives and risks of bench_management_review, a programme for them, audits
    planned in the next 60 days, competence requirements and a trail verification."""
    standard = env.ref("iso_records.standard_iso_9001_2015")
    clauses = env["iso.clause"].search([("standard_id", "=", standard.id), ("level", "=", 2)])
    departments = seeded.departments
    programme = env["iso.audit.programme"].create(
        {
            "name": "Bench overview programme",
            "standard_ids": [Command.set(standard.ids)],
            "cycle_start": date.today() - timedelta(days=700),
            "line_ids": [
                Command.create({"department_id": department.id, "clause_ids": [Command.set(clauses[i : i + 1].ids)]})
                for i, department in enumerate(departments[: len(clauses)])
            ],
        }
    )
    programme._iso_sign_as(seeded.manager.id, "approve", "approved")
    data = {
        "args": types.SimpleNamespace(
            records=sizes["records"],
            risks=sizes["risks"],
            findings=sizes["findings"],
            measurements=sizes["measurements"],
        ),
        "departments": departments,
        "programme": programme,
        "clauses": clauses,
    }
    for insert in (insert_risks, insert_audits, insert_objectives):
        insert(env, data, 1, sizes["records"])
    # insert_audits leaves the findings' active column empty, which hides them from the ORM (active_test)
    env.cr.execute("UPDATE iso_audit_finding SET active = true WHERE active IS NULL")
    # and gives them no due date: the nonconformities are answered within 30 days, the others 60
    env.cr.execute(
        """UPDATE iso_audit_finding SET due_date = date + CASE WHEN grade IN ('major', 'minor') THEN 30 ELSE 60 END
            WHERE due_date IS NULL AND grade NOT IN ('positive')"""
    )
    today = date.today()
    env["iso.audit"].create(
        [
            {
                "title": f"Bench overview planned audit {index}",
                "programme_id": programme.id,
                "department_id": departments[index % len(departments)].id,
                "standard_ids": [Command.set(standard.ids)],
                "date_start": today + timedelta(days=1 + index * 3 // 2),
                "date_end": today + timedelta(days=2 + index * 3 // 2),
            }
            for index in range(40)
        ]
    )
    training = env.ref("iso_records.record_type_training_record")
    env["iso.competence.requirement"].create(
        [
            {
                "name": f"Bench overview requirement {index}",
                "record_type_id": training.id,
                "refresher_interval_months": 12,
            }
            for index in range(5)
        ]
    )
    env.flush_all()
    env["iso.trail.verification"]._verify()


def insert_documents_to_read(env, seeded):
    """Every effective document gets its revision in force (SQL); three competence requirements ask to read one
    (two for everyone of the main company, one for the manager's departments), and of the employees asked,
    7 in 10 have read and understood it, 2 in 10 are asked (requested) and the others not yet."""
    cr = env.cr
    cr.execute(
        """WITH revisions AS (
               INSERT INTO iso_record_revision (record_id, number, company_id, author_id, approver_id, name, title,
                                                content_hash, effective_date, create_uid, create_date, write_uid,
                                                write_date)
               SELECT id, revision_number, company_id, author_id, approver_id, name, title,
                      encode(sha256(convert_to(name || title, 'UTF8')), 'hex'), effective_date,
                      1, create_date, 1, create_date
                 FROM iso_record WHERE kind = 'document' AND state = 'effective' AND revision_id IS NULL
               RETURNING id, record_id
           )
           UPDATE iso_record SET revision_id = revisions.id FROM revisions WHERE iso_record.id = revisions.record_id"""
    )
    main = env.ref("base.main_company")
    cr.execute(
        """SELECT id FROM iso_record WHERE company_id = %s AND kind = 'document' AND state = 'effective'
            ORDER BY id LIMIT 3""",
        [main.id],
    )
    documents = [document for (document,) in cr.fetchall()]
    env.invalidate_all()
    env["iso.competence.requirement"].create(
        [
            {"name": "Bench overview: read the quality policy", "document_id": documents[0]},
            {"name": "Bench overview: read the document control procedure", "document_id": documents[1]},
            {
                "name": "Bench overview: read the line instruction",
                "document_id": documents[2],
                "department_id": seeded.departments[0].id,
                "include_subdepartments": True,
            },
        ]
    )
    env.flush_all()
    cr.execute(
        """INSERT INTO iso_document_acknowledgement (employee_id, document_id, revision_id, company_id, user_id,
                                                    document_reference, state, requested_at, acknowledged_at,
                                                    create_uid, create_date, write_uid, write_date)
           SELECT DISTINCT ON (matrix.employee_id, matrix.revision_id)
                  matrix.employee_id, matrix.document_id, matrix.revision_id, matrix.company_id,
                  CASE WHEN picked < 7 THEN matrix.user_id END, document.name,
                  CASE WHEN picked < 7 THEN 'acknowledged' ELSE 'requested' END,
                  now() AT TIME ZONE 'UTC' - interval '20 days',
                  CASE WHEN picked < 7 THEN now() AT TIME ZONE 'UTC' - interval '10 days' END,
                  1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
             FROM iso_competence_matrix matrix JOIN iso_record document ON document.id = matrix.document_id,
                  LATERAL (SELECT mod(hashint4extended(matrix.employee_id * 7 + matrix.document_id, 151)
                                      & 2147483647, 10) AS picked) p
            WHERE matrix.document_required AND picked < 9
           ON CONFLICT ON CONSTRAINT iso_document_acknowledgement_employee_revision_unique DO NOTHING"""
    )


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------
ANALYZED = (
    "iso_record", "iso_nonconformity", "iso_capa", "iso_capa_action", "iso_capa_verification",
    "iso_capa_nonconformity_rel", "mail_activity", "iso_audit", "iso_audit_finding", "iso_objective",
    "iso_objective_measurement", "iso_risk", "iso_legal_hold_item", "hr_employee", "hr_department", "res_users",
    "iso_record_revision", "iso_document_acknowledgement",
)  # fmt: skip


def seed(env, scale):
    """Seeds the data set at ``scale`` in ``env``'s database and commits; returns {step: seconds}. Does nothing
    (returns None) when the database holds this seed already; raises when it holds another one."""
    stamp = seed_stamp(scale)
    stored = stored_stamp(env)
    if stored == stamp:
        return None
    if stored:
        raise RuntimeError(
            f"the database holds another seed ({stored}, wanted {stamp}): tests/benchmarks/run rebuilds it"
        )
    sizes = volumes(scale)
    seeded = types.SimpleNamespace()
    seconds = {}
    for label, step in (
        ("people (ORM and SQL)", lambda: build_people(env, seeded)),
        (f"{sizes['records']:,} records", lambda: insert_records(env, seeded, sizes["records"])),
        ("records aged", lambda: age_records(env)),
        ("trainings aged", lambda: age_trainings(env, seeded)),
        ("legal hold", lambda: insert_hold(env, seeded)),
        (f"{sizes['nonconformities']:,} NCs", lambda: insert_nonconformities(env, seeded, sizes["nonconformities"])),
        (f"{sizes['capas']:,} CAPAs, actions, checks", lambda: insert_capas(env, seeded, sizes["capas"])),
        (f"{sizes['activities']:,} activities", lambda: insert_activities(env, seeded, sizes["activities"])),
        ("audits, objectives, risks, requirements", lambda: insert_management_system(env, seeded, sizes)),
        ("revisions, documents to read", lambda: insert_documents_to_read(env, seeded)),
    ):
        started = time.perf_counter()
        step()
        env.flush_all()
        seconds[label] = time.perf_counter() - started
    env.invalidate_all()
    env["ir.config_parameter"].sudo().set_param(SEED_PARAMETER, stamp)
    env.cr.commit()
    started = time.perf_counter()
    for table in ANALYZED:
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.cr.commit()
    seconds["ANALYZE"] = time.perf_counter() - started
    return seconds
