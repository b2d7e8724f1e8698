"""Competence-matrix benchmark: the first page of the matrix of 5,000 employees x 40 requirements
(200,000 cells), server-side, in one process and one database (default ``iso_bench``).

In one transaction that is rolled back at the end:

1. 5,000 employees in 50 departments are inserted with SQL (``resource_resource`` + ``hr_employee``);
   30 training record types and 30 training requirements, 10 effective procedures (approved with an
   e-signature) and 10 read-and-understood requirements are made with the ORM; every requirement
   applies to every employee. About 135,000 filed trainings (one per employee and training
   requirement, 10 % missing, 10 % expired, 10 % expiring, the rest valid) and 35,000
   acknowledgements (70 % of the employee x document pairs) are inserted with SQL; then ``ANALYZE``;
2. as an ISO administrator (record rules apply, as for every non-superuser) and as an ISO manager
   who sees one department, each timed call runs once cold (caches emptied) and then ``ROUNDS`` times:
   the list view's first page (``web_search_read``, 80 rows, with its count), the grid's first page
   (``get_grid_data``, 50 employees x 40 requirements) and the grid with "gaps only".

Started by ``tests/benchmarks/run``; by hand::

    .venv/bin/python tests/benchmarks/bench_competence_matrix.py --db iso_bench \
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``.
"""

import argparse
import statistics
import sys
import time
import traceback

from bench_common import timed_cold_warm

import odoo
from odoo import Command

ROUNDS = 5
TARGET_FIRST_PAGE_S = 1.0
DEPARTMENTS = 50
TRAINING_REQUIREMENTS = 30
DOCUMENT_REQUIREMENTS = 10
LIST_SPEC = {
    "employee_id": {"fields": {"display_name": {}}},
    "department_id": {"fields": {"display_name": {}}},
    "requirement_id": {"fields": {"display_name": {}}},
    "training_id": {"fields": {"display_name": {}}},
    "valid_to": {},
    "document_id": {"fields": {"display_name": {}}},
    "acknowledged_at": {},
    "training_required": {},
    "document_required": {},
    "state": {},
}


def bench_user(env, name, group):
    return env["res.users"].create(
        {
            "name": f"Bench {name}",
            "login": f"bench_competence_{name}",
            "groups_id": [Command.set([env.ref(f"iso_records.{group}").id])],
        }
    )


def build(env, employees):
    """The fixtures described in the module docstring; returns (administrator, manager)."""
    cr = env.cr
    company = env.company
    departments = env["hr.department"].create(
        [{"name": f"Bench department {index:02d}"} for index in range(DEPARTMENTS)]
    )
    calendar = company.resource_calendar_id.id
    started = time.perf_counter()
    cr.execute(
        """
        WITH resources AS (
            INSERT INTO resource_resource (name, resource_type, tz, time_efficiency, active, company_id, calendar_id,
                                           create_uid, create_date, write_uid, write_date)
            SELECT 'Bench employee ' || lpad(i::text, 5, '0'), 'user', 'UTC', 100, true, %(company)s, %(calendar)s,
                   1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
              FROM generate_series(1, %(count)s) i
         RETURNING id, name
        )
        INSERT INTO hr_employee (resource_id, name, company_id, resource_calendar_id, active, department_id,
                                 employee_type, marital, distance_home_work_unit, create_uid, create_date,
                                 write_uid, write_date)
        SELECT resources.id, resources.name, %(company)s, %(calendar)s, true,
               (%(departments)s::int[])[1 + substring(resources.name from 16)::int %% %(department_count)s],
               'employee', 'single', 'kilometers', 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM resources
        """,
        {
            "company": company.id,
            "calendar": calendar,
            "count": employees,
            "departments": departments.ids,
            "department_count": DEPARTMENTS,
        },
    )
    employees_s = time.perf_counter() - started

    started = time.perf_counter()
    training_types = env["iso.record.type"].create(
        [
            {
                "name": f"Bench training {index:02d}",
                "kind": "record",
                "category": "people",
                "sequence_prefix": f"BT{index:02d}",
                "approval_required": False,
            }
            for index in range(TRAINING_REQUIREMENTS)
        ]
    )
    author = bench_user(env, "author", "group_iso_user")
    approver = bench_user(env, "approver", "group_iso_manager")
    procedures = (
        env["iso.record"]
        .with_user(author)
        .create(
            [
                {
                    "title": f"Bench procedure {index:02d}",
                    "record_type_id": env.ref("iso_records.record_type_procedure").id,
                    "body": f"<p>Bench procedure {index}</p>",
                }
                for index in range(DOCUMENT_REQUIREMENTS)
            ]
        )
    )
    procedures.action_submit()
    procedures._iso_sign_as(approver.id, "approve", "approved")
    requirements = env["iso.competence.requirement"].create(
        [
            {"name": f"Bench training requirement {index:02d}", "record_type_id": record_type.id, "sequence": index}
            for index, record_type in enumerate(training_types)
        ]
        + [
            {"name": f"Bench reading requirement {index:02d}", "document_id": procedure.id, "sequence": 100 + index}
            for index, procedure in enumerate(procedures)
        ]
    )
    env.flush_all()
    orm_s = time.perf_counter() - started

    started = time.perf_counter()
    cr.execute(
        """
        INSERT INTO iso_record (name, title, record_type_id, kind, state, company_id, confidentiality, active,
                                employee_id, department_id, revision_number, effective_date, training_valid_from,
                                training_valid_to, create_uid, create_date, write_uid, write_date)
        SELECT 'BENCH-' || employee.id || '-' || type_index, 'Bench training', types.type_id, 'record', 'filed',
               %(company)s, 'internal', true, employee.id, employee.department_id, 1,
               CURRENT_DATE - 400, CURRENT_DATE - 400,
               CASE (employee.id + type_index * 7) %% 10
                    WHEN 1 THEN CURRENT_DATE - 30
                    WHEN 2 THEN CURRENT_DATE + 10
                    ELSE CURRENT_DATE + 100 + (employee.id %% 300)
               END,
               1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM hr_employee employee
          JOIN unnest(%(types)s::int[]) WITH ORDINALITY AS types(type_id, type_index) ON true
         WHERE employee.name LIKE 'Bench employee %%'
           AND (employee.id + type_index * 7) %% 10 <> 0
        """,
        {"company": company.id, "types": training_types.ids},
    )
    trainings = cr.rowcount
    cr.execute(
        """
        INSERT INTO iso_document_acknowledgement (employee_id, document_id, revision_id, company_id,
                                                  document_reference, state, acknowledged_at, user_id,
                                                  create_uid, create_date, write_uid, write_date)
        SELECT employee.id, document.id, document.revision_id, %(company)s, document.name, 'acknowledged',
               now() AT TIME ZONE 'UTC', 1, 1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
          FROM hr_employee employee
          JOIN iso_record document ON document.id = ANY(%(documents)s)
         WHERE employee.name LIKE 'Bench employee %%'
           AND (employee.id + document.id) %% 10 < 7
        """,
        {"company": company.id, "documents": procedures.ids},
    )
    acknowledgements = cr.rowcount
    cr.execute("ANALYZE hr_employee")
    cr.execute("ANALYZE iso_record")
    cr.execute("ANALYZE iso_document_acknowledgement")
    cr.execute("ANALYZE iso_competence_requirement")
    sql_s = time.perf_counter() - started

    administrator = bench_user(env, "administrator", "group_iso_administrator")
    manager = bench_user(env, "manager", "group_iso_manager")
    env["hr.employee"].create({"name": "Bench manager", "user_id": manager.id, "department_id": departments[0].id})
    env.flush_all()
    env.invalidate_all()
    cells = env["iso.competence.matrix"].search_count([])
    print(f"\n== Competence matrix: {employees:,} employees x {len(requirements)} requirements ==")
    print(f"  employees (SQL)                        {employees_s:7.2f} s")
    print(f"  types, procedures, requirements (ORM)  {orm_s:7.2f} s")
    print(f"  {trainings:,} trainings, {acknowledgements:,} acknowledgements (SQL) {sql_s:5.2f} s")
    print(f"  matrix rows (cells)                    {cells:>9,}")
    return administrator, manager


def bench(registry, employees):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            administrator, manager = build(env, employees)
            print(f"\n  {'server time, s':<78}{'cold':>7}{'median':>8}{'max':>7}{'queries':>9}")
            worst = 0.0
            for user, label in ((administrator, "administrator (all)"), (manager, "manager (one department)")):
                matrix = env(user=user.id)["iso.competence.matrix"]
                calls = (
                    (
                        "list first page: web_search_read, 80 rows + count",
                        True,
                        lambda matrix=matrix: matrix.web_search_read([], LIST_SPEC, limit=80, count_limit=10001),
                    ),
                    (
                        "grid first page: get_grid_data, 50 employees",
                        True,
                        lambda matrix=matrix: matrix.get_grid_data(limit=50),
                    ),
                    (
                        "grid, gaps only: get_grid_data(gaps_only=True)",
                        False,
                        lambda matrix=matrix: matrix.get_grid_data(limit=50, gaps_only=True),
                    ),
                )
                for name, first_page, call in calls:
                    cold, warm, queries, result = timed_cold_warm(env, call, ROUNDS)
                    shown = (
                        f"{len(result['records'])} rows of {result['length']:,}"
                        if "records" in result
                        else f"{len(result['employees'])} of {result['total']:,} employees"
                    )
                    if first_page:
                        worst = max(worst, cold, *warm)
                    print(
                        f"  {label + ', ' + name:<78}{cold:7.3f}{statistics.median(warm):8.3f}{max(warm):7.3f}"
                        f"{queries:9d}   {shown}"
                    )
            print(
                f"  slowest first page (cold or warm): {worst:.3f} s; target <= {TARGET_FIRST_PAGE_S:.1f} s: "
                f"{'met' if worst <= TARGET_FIRST_PAGE_S else 'NOT met'}"
            )
        finally:
            cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="iso_bench")
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config([*args.odoo_args, f"--database={args.db}"])
    registry = odoo.modules.registry.Registry(args.db)
    if "iso.competence.matrix" not in registry:
        print(f"iso.competence.matrix is not installed in {args.db}", file=sys.stderr)
        return 2
    try:
        bench(registry, args.employees)
    except Exception:
        traceback.print_exc()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
