"""Management review benchmark: "Collect inputs" of a review of last year over 1,000,000 ISO records, 100,000
risks, 100,000 audit findings and 50,000 objective measurements, next to a raw SQL computation of the same
figures in the same run, at two data sizes (a tenth, then the whole), to show the queries stay constant.

In one transaction, rolled back at the end (``--db``, ``iso_records_audit`` installed, no demo data):

1. ORM fixtures, not timed against anything: a root department and 20 sub-departments, 200 employees, the ISO
   manager who chairs the review (employee of the root department, so the competence matrix of every
   department is theirs to read), 5 competence requirements for everyone (1,000 matrix rows, every one a gap),
   50 customers and suppliers, 50 products, an active audit programme over ISO 9001 with 20 lines, and last
   year's earlier review, held, with 40 outputs.
2. SQL inserts (``INSERT ... SELECT generate_series``), attributes drawn with ``hashint4extended``, dates spread
   over the 4 years before today: operational records of 8 types, filed, with their type's first clause; risks
   (10 % opportunities, half with a residual assessed, 5 % archived) linked to 6.1; audits (10 % supplier, 5 %
   cancelled) of 20 findings each, graded and 5 % repeats; objectives of 50 monthly measurements each. First a
   tenth of ``--records``, ``--risks``, ``--findings``, ``--measurements``, then the rest; ``ANALYZE`` after each.
3. At each size, as the ISO manager (record rules apply): ``action_collect_inputs()`` of a draft review of last
   year, once cold (caches emptied) and ``--rounds`` times warm, each in a savepoint rolled back; then the raw
   SQL computation of every figure (superuser, no rules: the floor), as many times. Time, queries, and whether
   both give the same figures.

No timed assertion: figures are printed, with each section's time and queries and the raw SQL's by part.
Collect inputs turns PostgreSQL's JIT off for its queries (it compiles them for longer than they run); the raw
SQL does the same. ``--jit-off`` turns it off for the whole run (fixtures and inserts too).

Started by ``tests/benchmarks/run``; by hand::

    .venv/bin/python tests/benchmarks/bench_management_review.py --db iso_bench_audit \\
        -- --addons-path=... --db_host=127.0.0.1 --db_port=5432 --db_user=root

Everything after ``--`` is handed to ``odoo.tools.config.parse_config``.
"""

import argparse
import statistics
import sys
import time
import traceback
from datetime import date, timedelta

from bench_record_list import h, insert_select, not_null_extras

import odoo
from odoo import Command
from odoo.tools import SQL

TARGET_RATIO = 2.0
SPAN_DAYS = 4 * 365
RECORD_TYPES = (
    "iso_records.record_type_customer_complaint",
    "iso_records.record_type_inspection_report",
    "iso_records.record_type_incident_report",
    "iso_records.record_type_calibration_certificate",
    "iso_records.record_type_supplier_evaluation",
    "iso_records.record_type_maintenance_record",
    "iso_records.record_type_audit_report",
    "iso_records.record_type_risk_assessment",
)
FINDINGS_PER_AUDIT = 20
MEASUREMENTS_PER_OBJECTIVE = 50
GRADES = ("major", "minor", "minor", "observation", "improvement", "positive", "minor", "observation")
GRADE_LABELS = {
    "major": "Major nonconformity",
    "minor": "Minor nonconformity",
    "observation": "Observation",
    "improvement": "Opportunity for improvement",
    "positive": "Positive point",
}
TREATMENT_LABELS = {
    "accept": "Accept",
    "mitigate": "Mitigate",
    "transfer": "Transfer",
    "avoid": "Avoid",
    "exploit": "Exploit",
    "enhance": "Enhance",
}


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------
def fixtures(env):
    """The ORM part of the data set; returns (chair, review, departments, partners, products, clause ids)."""
    from odoo.addons.iso_records.tools import workflow  # noqa: PLC0415  (importable once the config is parsed)

    root = env["hr.department"].create({"name": "Bench review company"})
    # Every employee in the chair's department tree, so that the chair reads the whole competence matrix and the
    # raw SQL, which applies no rule, counts the same rows.
    env["hr.employee"].search([]).write({"department_id": root.id})
    departments = env["hr.department"].create(
        [{"name": f"Bench review department {index:02d}", "parent_id": root.id} for index in range(20)]
    )
    chair = env["res.users"].create(
        {
            "name": "Bench review chair",
            "login": "bench_review_chair",
            "groups_id": [Command.set([env.ref("iso_records.group_iso_manager").id])],
        }
    )
    env["hr.employee"].create({"name": "Bench review chair", "user_id": chair.id, "department_id": root.id})
    env["hr.employee"].create(
        [
            {"name": f"Bench review employee {index:03d}", "department_id": departments[index % 20].id}
            for index in range(200)
        ]
    )
    training = env.ref("iso_records.record_type_training_record")
    env["iso.competence.requirement"].create(
        [
            {"name": f"Bench requirement {index}", "record_type_id": training.id, "refresher_interval_months": 12}
            for index in range(5)
        ]
    )
    partners = env["res.partner"].create([{"name": f"Bench partner {index:02d}"} for index in range(50)])
    products = env["product.product"].create([{"name": f"Bench instrument {index:02d}"} for index in range(50)])
    standard = env.ref("iso_records.standard_iso_9001_2015")
    clauses = env["iso.clause"].search([("standard_id", "=", standard.id), ("level", "=", 2)])
    programme = env["iso.audit.programme"].create(
        {
            "name": "Bench review programme",
            "standard_ids": [Command.set(standard.ids)],
            "cycle_start": date.today() - timedelta(days=700),
            "line_ids": [
                Command.create({"department_id": department.id, "clause_ids": [Command.set(clauses[i : i + 1].ids)]})
                for i, department in enumerate(departments)
            ],
        }
    )
    programme._iso_sign_as(chair.id, "approve", "approved")
    year = date.today().year - 1
    values = {"chair_id": chair.id, "standard_ids": [Command.set(standard.ids)], "title": "Bench review"}
    previous = env["iso.management.review"].create(
        {
            **values,
            "date": date(year - 1, 12, 15),
            "period_start": date(year - 1, 1, 1),
            "period_end": date(year - 1, 12, 31),
        }
    )
    env["iso.management.review.output"].create(
        [
            {
                "review_id": previous.id,
                "description": f"Bench decision {index}",
                "user_id": chair.id,
                "date_deadline": date(year, 1 + index % 12, 1) + timedelta(days=400 * (index % 3 == 0)),
            }
            for index in range(40)
        ]
    )
    workflow(previous.output_ids[::4]).write({"date_done": date(year, 3, 1)})
    workflow(previous).write({"state": "held"})
    review = env["iso.management.review"].create(
        {**values, "date": date(year + 1, 1, 15), "period_start": date(year, 1, 1), "period_end": date(year, 12, 31)}
    )
    env.flush_all()
    return chair, review, programme, departments, partners, products, clauses


def spread_date(salt):
    """A date among the SPAN_DAYS before today for row n."""
    return SQL("(CURRENT_DATE - %s::int)", h(salt, SPAN_DAYS))


def insert_data(env, data, first, count):
    """Rows ``first`` to ``first + count - 1`` of records, and of the other kinds in proportion."""
    for insert in (insert_records, insert_risks, insert_audits, insert_objectives):
        insert(env, data, first, count)
    relations = [
        env[model]._fields[field].relation
        for model, field in (
            ("iso.record", "clause_ids"),
            ("iso.risk", "clause_ids"),
            ("iso.audit", "standard_ids"),
            ("iso.audit", "clause_ids"),
        )
    ]
    for table in (
        "iso_record",
        "iso_risk",
        "iso_audit",
        "iso_audit_finding",
        "iso_objective",
        "iso_objective_measurement",
        *relations,
    ):
        env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
    env.invalidate_all()


def insert_records(env, data, first, count):
    """Operational records, filed, with their type's first clause."""
    cr = env.cr
    company = env.company.id
    n_series = SQL("generate_series(%s, %s) n", first, first + count - 1)
    type_ids = [env.ref(xmlid).id for xmlid in RECORD_TYPES]
    type_clause = [env.ref(xmlid).clause_ids[:1].id or None for xmlid in RECORD_TYPES]
    departments, partners, products = data["departments"], data["partners"], data["products"]
    columns = [
        "name", "title", "record_type_id", "kind", "company_id", "state", "effective_date", "confidentiality",
        "active", "author_id", "revision_number", "partner_id", "product_id", "department_id",
        "create_uid", "create_date", "write_uid", "write_date",
    ]  # fmt: skip
    select = [
        SQL("'BREC-' || n"),
        SQL("'Bench review record ' || n"),
        SQL("(%s::int[])[1 + %s]", type_ids, h(11, len(type_ids))),
        SQL("'record'"),
        SQL("%s", company),
        SQL("'filed'"),
        spread_date(12),
        SQL("'internal'"),
        SQL("true"),
        SQL("1"),
        SQL("1"),
        SQL("(%s::int[])[1 + %s]", partners.ids, h(13, len(partners))),
        SQL("(%s::int[])[1 + %s]", products.ids, h(14, len(products))),
        SQL("(%s::int[])[1 + %s]", departments.ids, h(15, len(departments))),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
    ]
    extras = not_null_extras(env, "iso_record", "iso.record", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "iso_record", columns, extras, select), n_series))
    rel = env["iso.record"]._fields["clause_ids"]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT r.id, t.clause FROM iso_record r "
            "JOIN unnest(%s::int[], %s::int[]) t(type, clause) ON t.type = r.record_type_id "
            "WHERE starts_with(r.name, 'BREC-') AND t.clause IS NOT NULL AND r.id > %s",
            SQL.identifier(rel.relation),
            SQL.identifier(rel.column1),
            SQL.identifier(rel.column2),
            type_ids,
            type_clause,
            data.get("last_record_id", 0),
        )
    )
    cr.execute("SELECT max(id) FROM iso_record")
    data["last_record_id"] = cr.fetchone()[0]


def insert_risks(env, data, first, count):
    """Risks and opportunities linked to 6.1."""
    cr = env.cr
    args = data["args"]
    share = count / args.records
    company = env.company.id
    risks = int(args.risks * share)
    first_risk = int(args.risks * first / args.records)
    r_series = SQL("generate_series(%s, %s) n", first_risk, first_risk + risks - 1)
    likelihood, severity = SQL("(1 + %s)", h(21, 5)), SQL("(1 + %s)", h(22, 5))
    residual = SQL("CASE WHEN %s < 50 THEN 1 + %s END", h(23, 100), h(24, 3))
    score = SQL("(%s * %s)", likelihood, severity)
    residual_score = SQL("COALESCE(%s * %s, 0)", residual, residual)
    is_opportunity = SQL("(%s < 10)", h(25, 100))
    columns = [
        "name", "title", "kind", "company_id", "active", "context_origin", "interested_party", "likelihood",
        "severity", "score", "level", "residual_likelihood", "residual_severity", "residual_score", "residual_level",
        "treatment", "target_level", "above_target", "confidentiality", "create_uid", "create_date", "write_uid",
        "write_date",
    ]  # fmt: skip

    def level(value):
        return SQL(
            "CASE WHEN %s >= 16 THEN 'critical' WHEN %s >= 10 THEN 'high' WHEN %s >= 5 THEN 'medium' ELSE 'low' END",
            value,
            value,
            value,
        )

    treatment = SQL(
        "CASE WHEN %s THEN (ARRAY['exploit', NULL, 'enhance'])[1 + %s] "
        "ELSE (ARRAY['mitigate', NULL, 'accept', 'transfer'])[1 + %s] END",
        is_opportunity,
        h(26, 3),
        h(27, 4),
    )
    current = SQL("(CASE WHEN %s > 0 THEN %s ELSE %s END)", residual_score, residual_score, score)
    created = SQL("(now() AT TIME ZONE 'UTC' - make_interval(days => (%s)::int))", h(28, SPAN_DAYS))
    select = [
        SQL("'BRSK-' || n"),
        SQL("'Bench risk ' || n"),
        SQL("CASE WHEN %s THEN 'opportunity' ELSE 'risk' END", is_opportunity),
        SQL("%s", company),
        SQL("%s >= 5", h(29, 100)),
        SQL("(ARRAY['internal', 'external', NULL])[1 + %s]", h(30, 3)),
        SQL("CASE WHEN %s = 0 THEN 'Customers' END", h(31, 3)),
        likelihood,
        severity,
        score,
        level(score),
        residual,
        residual,
        residual_score,
        SQL("CASE WHEN %s > 0 THEN %s END", residual_score, level(residual_score)),
        treatment,
        SQL("'medium'"),
        SQL("%s >= 10 AND %s IS NULL", current, treatment),
        SQL("'internal'"),
        SQL("1"),
        created,
        SQL("1"),
        SQL("LEAST(%s + make_interval(days => (%s)::int), now() AT TIME ZONE 'UTC')", created, h(32, 400)),
    ]
    extras = not_null_extras(env, "iso_risk", "iso.risk", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "iso_risk", columns, extras, select), r_series))
    rel = env["iso.risk"]._fields["clause_ids"]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT id, %s FROM iso_risk WHERE starts_with(name, 'BRSK-') AND id > %s",
            SQL.identifier(rel.relation),
            SQL.identifier(rel.column1),
            SQL.identifier(rel.column2),
            env.ref("iso_records.clause_9001_6_1").id,
            data.get("last_risk_id", 0),
        )
    )
    cr.execute("SELECT max(id) FROM iso_risk")
    data["last_risk_id"] = cr.fetchone()[0]


def insert_audits(env, data, first, count):
    """Audits of 20 findings each."""
    cr = env.cr
    args = data["args"]
    share = count / args.records
    company = env.company.id
    departments = data["departments"]
    audits = int(args.findings * share) // FINDINGS_PER_AUDIT
    first_audit = int(args.findings * first / args.records) // FINDINGS_PER_AUDIT
    a_series = SQL("generate_series(%s, %s) n", first_audit, first_audit + audits - 1)
    closed = SQL("(%s < 80)", h(41, 100))
    columns = [
        "name", "title", "audit_type", "state", "company_id", "confidentiality", "active", "programme_id",
        "department_id", "date_start", "date_end", "date_done", "create_uid", "create_date", "write_uid", "write_date",
    ]  # fmt: skip
    select = [
        SQL("'BRAUD-' || n"),
        SQL("'Bench review audit ' || n"),
        SQL("CASE WHEN %s < 10 THEN 'supplier' ELSE 'internal' END", h(42, 100)),
        SQL("CASE WHEN %s THEN 'closed' WHEN %s < 25 THEN 'cancelled' ELSE 'fieldwork' END", closed, h(43, 100)),
        SQL("%s", company),
        SQL("'internal'"),
        SQL("true"),
        SQL("%s", data["programme"].id),
        SQL("(%s::int[])[1 + %s]", departments.ids, h(44, len(departments))),
        spread_date(45),
        spread_date(45),
        SQL("CASE WHEN %s THEN %s END", closed, spread_date(45)),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
    ]
    extras = not_null_extras(env, "iso_audit", "iso.audit", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "iso_audit", columns, extras, select), a_series))
    last_audit = data.get("last_audit_id", 0)
    standard_rel = env["iso.audit"]._fields["standard_ids"]
    clause_rel = env["iso.audit"]._fields["clause_ids"]
    standard = env.ref("iso_records.standard_iso_9001_2015").id
    cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT id, %s FROM iso_audit WHERE starts_with(name, 'BRAUD-') AND id > %s",
            SQL.identifier(standard_rel.relation),
            SQL.identifier(standard_rel.column1),
            SQL.identifier(standard_rel.column2),
            standard,
            last_audit,
        )
    )
    clauses = data["clauses"].ids
    cr.execute(
        SQL(
            "INSERT INTO %s (%s, %s) SELECT id, (%s::int[])[1 + mod(id, %s)] FROM iso_audit "
            "WHERE starts_with(name, 'BRAUD-') AND id > %s",
            SQL.identifier(clause_rel.relation),
            SQL.identifier(clause_rel.column1),
            SQL.identifier(clause_rel.column2),
            clauses,
            len(clauses),
            last_audit,
        )
    )
    cr.execute(
        SQL(
            """INSERT INTO iso_audit_finding (name, audit_id, company_id, clause_id, standard_id, confidentiality,
                                              grade, state, date, evidence, department_id, is_repeat,
                                              create_uid, create_date, write_uid, write_date)
               SELECT 'BRFND-' || audit.id || '-' || k, audit.id, audit.company_id,
                      (%s::int[])[1 + mod(audit.id + k, %s)], %s, 'internal',
                      (%s::text[])[1 + mod(audit.id * 7 + k, %s)],
                      CASE WHEN audit.state = 'closed' OR mod(k, 3) = 0 THEN 'closed' ELSE 'open' END,
                      audit.date_start, 'Bench evidence', audit.department_id, mod(audit.id + k, 20) = 0,
                      1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM iso_audit audit JOIN generate_series(1, %s) k ON true
                WHERE starts_with(audit.name, 'BRAUD-') AND audit.id > %s""",
            clauses,
            len(clauses),
            standard,
            list(GRADES),
            len(GRADES),
            FINDINGS_PER_AUDIT,
            last_audit,
        )
    )
    cr.execute("SELECT max(id) FROM iso_audit")
    data["last_audit_id"] = cr.fetchone()[0]


def insert_objectives(env, data, first, count):
    """Objectives of 50 monthly measurements each."""
    cr = env.cr
    args = data["args"]
    share = count / args.records
    company = env.company.id
    objectives = int(args.measurements * share) // MEASUREMENTS_PER_OBJECTIVE
    first_objective = int(args.measurements * first / args.records) // MEASUREMENTS_PER_OBJECTIVE
    o_series = SQL("generate_series(%s, %s) n", first_objective, first_objective + objectives - 1)
    month = date.today().replace(day=1)
    columns = [
        "name", "title", "state", "measure", "direction", "target", "frequency", "date_start", "date_due",
        "company_id", "confidentiality", "active", "create_uid", "create_date", "write_uid", "write_date",
    ]  # fmt: skip
    select = [
        SQL("'BROBJ-' || n"),
        SQL("'Bench objective ' || n"),
        SQL("'active'"),
        SQL("'Bench measure'"),
        SQL("'at_least'"),
        SQL("95.0"),
        SQL("'monthly'"),
        SQL("%s::date - interval '50 months'", month),
        SQL("%s::date + interval '1 year'", month),
        SQL("%s", company),
        SQL("'internal'"),
        SQL("true"),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
        SQL("1"),
        SQL("now() AT TIME ZONE 'UTC'"),
    ]
    extras = not_null_extras(env, "iso_objective", "iso.objective", columns)
    cr.execute(SQL("%s FROM %s", insert_select(cr, "iso_objective", columns, extras, select), o_series))
    cr.execute(
        SQL(
            """INSERT INTO iso_objective_measurement (objective_id, company_id, period_start, period_end, value,
                                                      source, entered_by_id, create_uid, create_date, write_uid,
                                                      write_date)
               SELECT o.id, o.company_id, (%s::date - make_interval(months => k::int))::date,
                      (%s::date - make_interval(months => (k - 1)::int) - interval '1 day')::date,
                      85 + mod(o.id * 13 + k, 20), 'manual', 1,
                      1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
                 FROM iso_objective o JOIN generate_series(1, %s) k ON true
                WHERE starts_with(o.name, 'BROBJ-') AND o.id > %s""",
            month,
            month,
            MEASUREMENTS_PER_OBJECTIVE,
            data.get("last_objective_id", 0),
        )
    )
    cr.execute("SELECT max(id) FROM iso_objective")
    data["last_objective_id"] = cr.fetchone()[0]


def sizes(cr):
    counts = {}
    for table, prefix in (
        ("iso_record", "BREC-"),
        ("iso_risk", "BRSK-"),
        ("iso_audit_finding", "BRFND-"),
        ("iso_objective", "BROBJ-"),
    ):
        cr.execute(SQL("SELECT count(*) FROM %s WHERE name LIKE %s", SQL.identifier(table), prefix + "%"))
        counts[table] = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM iso_objective_measurement")
    counts["iso_objective_measurement"] = cr.fetchone()[0]
    return counts


# ---------------------------------------------------------------------------
# The raw SQL computation of the same figures (no record rules: the floor)
# ---------------------------------------------------------------------------
class RawContext:
    """What the raw SQL computation of a review's figures works on: no ORM, no record rules."""

    def __init__(self, env, review):
        self.env, self.cr, self.review = env, env.cr, review
        self.company, self.std = review.company_id.id, review.standard_ids.ids
        self.start, self.end = review.period_start, review.period_end
        self.start_dt, self.end_dt = f"{self.start} 00:00:00", f"{self.end + timedelta(days=1)} 00:00:00"
        self.today = date.today()
        self.out = {}

    def one(self, query):
        self.cr.execute(query)
        return self.cr.fetchone()

    def rows(self, query):
        self.cr.execute(query)
        return self.cr.fetchall()

    def scope(self, alias, model):
        """Items with a clause of a standard in scope, or with no clause."""
        field = self.env[model]._fields["clause_ids"]
        return SQL(
            "(NOT EXISTS (SELECT 1 FROM %(rel)s x WHERE x.%(c1)s = %(alias)s.id) OR EXISTS (SELECT 1 FROM %(rel)s x "
            "JOIN iso_clause c ON c.id = x.%(c2)s WHERE x.%(c1)s = %(alias)s.id AND c.standard_id = ANY(%(std)s)))",
            rel=SQL.identifier(field.relation),
            c1=SQL.identifier(field.column1),
            c2=SQL.identifier(field.column2),
            alias=SQL.identifier(alias),
            std=self.std,
        )


def raw_figures(env, review, times=None):
    """{section: {label: value}} as ``action_collect_inputs`` gives them, from plain SQL; with ``times``, the
    seconds of each part are added to it."""
    ctx = RawContext(env, review)
    for part in RAW_PARTS:
        started = time.perf_counter()
        part(ctx)
        if times is not None:
            times[part.__name__] = times.get(part.__name__, 0.0) + time.perf_counter() - started
    return ctx.out


def raw_previous_actions_and_context(ctx):
    """The earlier reviews' outputs; the risks and opportunities created or changed."""
    total, done, late = ctx.one(
        SQL(
            """SELECT count(*), count(*) FILTER (WHERE o.date_done IS NOT NULL),
                      count(*) FILTER (WHERE o.date_done IS NULL AND o.date_deadline < %s)
                 FROM iso_management_review_output o JOIN iso_management_review r ON r.id = o.review_id
                WHERE o.company_id = %s AND r.id <> %s AND r.state IN ('held', 'closed') AND r.date < %s
                  AND (o.date_done IS NULL OR o.date_done >= %s)""",
            ctx.today,
            ctx.company,
            ctx.review.id,
            ctx.review.date,
            ctx.start,
        )
    )
    ctx.out["previous_actions"] = {"Done": done, "Late": late, "Open": total - done - late}

    changed = ctx.one(
        SQL(
            """SELECT count(*) FILTER (WHERE kind = 'risk'), count(*) FILTER (WHERE kind = 'opportunity'),
                      count(*) FILTER (WHERE create_date >= %(s)s AND create_date < %(e)s), count(*),
                      count(*) FILTER (WHERE context_origin = 'internal'),
                      count(*) FILTER (WHERE context_origin = 'external'),
                      count(*) FILTER (WHERE context_origin IS NULL),
                      count(*) FILTER (WHERE interested_party IS NOT NULL AND interested_party <> '')
                 FROM iso_risk r
                WHERE company_id = %(c)s AND ((create_date >= %(s)s AND create_date < %(e)s)
                      OR (write_date >= %(s)s AND write_date < %(e)s)) AND %(scope)s""",
            s=ctx.start_dt,
            e=ctx.end_dt,
            c=ctx.company,
            scope=ctx.scope("r", "iso.risk"),
        )
    )
    ctx.out["context_changes"] = {
        "Risks": changed[0],
        "Opportunities": changed[1],
        "Created in the period": changed[2],
        "Changed or re-rated in the period": changed[3] - changed[2],
        "Internal issues": changed[4],
        "External issues": changed[5],
        "Context not given": changed[6],
        "Naming an interested party": changed[7],
    }


def raw_filed_records(ctx):
    """Complaints, calibrations, supplier evaluations, inspections and incidents filed in the period: one query,
    as Collect inputs reads them."""
    xmlids = {
        "complaint": "iso_records.record_type_customer_complaint",
        "calibration": "iso_records.record_type_calibration_certificate",
        "evaluation": "iso_records.record_type_supplier_evaluation",
        "inspection": "iso_records.record_type_inspection_report",
        "incident": "iso_records.record_type_incident_report",
    }
    ids = {key: ctx.env.ref(xmlid).id for key, xmlid in xmlids.items()}
    by_type = {
        type_id: (name, count, partners, products)
        for type_id, name, count, partners, products in ctx.rows(
            SQL(
                """SELECT t.id, t.name->>'en_US', count(*), count(DISTINCT r.partner_id), count(DISTINCT r.product_id)
                     FROM iso_record r JOIN iso_record_type t ON t.id = r.record_type_id
                    WHERE r.active AND r.company_id = %(c)s AND r.record_type_id = ANY(%(types)s)
                      AND r.state = 'filed' AND r.effective_date BETWEEN %(s)s AND %(e)s AND %(scope)s
                 GROUP BY t.id""",
                c=ctx.company,
                types=list(ids.values()),
                s=ctx.start,
                e=ctx.end,
                scope=ctx.scope("r", "iso.record"),
            )
        )
    }

    def of(key):
        return by_type.get(ids[key], (None, 0, 0, 0))

    ctx.out["customer_feedback"] = {
        "Customer complaints filed": of("complaint")[1],
        "Customers who complained": of("complaint")[2],
    }
    ctx.out["calibration"] = {
        "Calibration certificates filed": of("calibration")[1],
        "Equipment calibrated": of("calibration")[3],
    }
    ctx.out["external_providers"] = {
        "Supplier evaluations filed": of("evaluation")[1],
        "Suppliers evaluated": of("evaluation")[2],
    }
    ctx.out["process_performance"] = {of(key)[0]: of(key)[1] for key in ("inspection", "incident") if of(key)[1]}


def raw_objectives(ctx):
    """Objectives by status, measurements of the period."""
    objective_scope = SQL(
        "((NOT EXISTS (SELECT 1 FROM %(srel)s x WHERE x.%(s1)s = o.id) AND NOT EXISTS (SELECT 1 FROM %(crel)s x "
        "WHERE x.%(c1)s = o.id)) OR EXISTS (SELECT 1 FROM %(srel)s x WHERE x.%(s1)s = o.id "
        "AND x.%(s2)s = ANY(%(std)s)) OR EXISTS (SELECT 1 FROM %(crel)s x JOIN iso_clause c ON c.id = x.%(c2)s "
        "WHERE x.%(c1)s = o.id "
        "AND c.standard_id = ANY(%(std)s)))",
        srel=SQL.identifier(ctx.env["iso.objective"]._fields["standard_ids"].relation),
        s1=SQL.identifier(ctx.env["iso.objective"]._fields["standard_ids"].column1),
        s2=SQL.identifier(ctx.env["iso.objective"]._fields["standard_ids"].column2),
        crel=SQL.identifier(ctx.env["iso.objective"]._fields["clause_ids"].relation),
        c1=SQL.identifier(ctx.env["iso.objective"]._fields["clause_ids"].column1),
        c2=SQL.identifier(ctx.env["iso.objective"]._fields["clause_ids"].column2),
        std=ctx.std,
    )
    # The status and trend by iso_objective_status.py's own SQL rules (_iso_status_sql).
    status = ctx.rows(
        SQL(
            """SELECT s.status, s.trend, count(*)
                 FROM (%(status)s) s JOIN iso_objective o ON o.id = s.objective_id
                WHERE o.active AND o.company_id = %(c)s AND o.state IN ('active', 'closed')
                  AND o.date_start <= %(e)s AND o.date_due >= %(s)s AND %(scope)s
             GROUP BY s.status, s.trend""",
            status=ctx.env["iso.objective"]._iso_status_sql(ctx.today),
            c=ctx.company,
            s=ctx.start,
            e=ctx.end,
            scope=objective_scope,
        )
    )
    labels = dict(ctx.env["iso.objective"]._fields["status"]._description_selection(ctx.env))
    trends = dict(ctx.env["iso.objective"]._fields["trend"]._description_selection(ctx.env))
    figures = dict.fromkeys(labels.values(), 0)
    figures.update({f"Trend: {label}": 0 for label in trends.values()})
    for state, trend, count in status:
        figures[labels[state]] += count
        if trend:
            figures[f"Trend: {trends[trend]}"] += count
    ctx.out["objectives"] = figures
    ctx.out["nonconformities"] = {"Nonconformities": 0, "Corrective actions": 0}
    measured = ctx.one(
        SQL(
            """SELECT count(*), count(DISTINCT m.objective_id), count(*) FILTER (WHERE m.source = 'manual'),
                      count(*) FILTER (WHERE m.source = 'computed')
                 FROM iso_objective_measurement m JOIN iso_objective o ON o.id = m.objective_id
                WHERE m.company_id = %s AND m.period_start BETWEEN %s AND %s AND o.active AND %s""",
            ctx.company,
            ctx.start,
            ctx.end,
            objective_scope,
        )
    )
    ctx.out["monitoring"] = {"Measurements recorded": measured[0], "Objectives measured": measured[1]}
    if measured[2]:
        ctx.out["monitoring"]["Entered"] = measured[2]
    if measured[3]:
        ctx.out["monitoring"]["Computed"] = measured[3]


def raw_audits(ctx):
    """Findings of the period's audits, supplier audits, improvement findings, programme coverage."""
    standard_rel = ctx.env["iso.audit"]._fields["standard_ids"]

    def audit_filter(supplier):
        return SQL(
            "a.active AND a.company_id = %(c)s AND a.state <> 'cancelled' AND a.date_start BETWEEN %(s)s AND %(e)s "
            "AND (NOT EXISTS (SELECT 1 FROM %(rel)s x WHERE x.%(c1)s = a.id) OR EXISTS (SELECT 1 FROM %(rel)s x "
            "WHERE x.%(c1)s = a.id AND x.%(c2)s = ANY(%(std)s))) %(supplier)s",
            c=ctx.company,
            s=ctx.start,
            e=ctx.end,
            rel=SQL.identifier(standard_rel.relation),
            c1=SQL.identifier(standard_rel.column1),
            c2=SQL.identifier(standard_rel.column2),
            std=ctx.std,
            supplier=SQL("AND a.audit_type = 'supplier'") if supplier else SQL(""),
        )

    def findings(supplier, section, audits_label):
        audits, closed = ctx.one(
            SQL(
                "SELECT count(*), count(*) FILTER (WHERE a.state = 'closed') FROM iso_audit a WHERE %s",
                audit_filter(supplier),
            )
        )
        grouped = ctx.rows(
            SQL(
                """SELECT f.grade, count(*), count(*) FILTER (WHERE f.state <> 'closed'),
                          count(*) FILTER (WHERE f.is_repeat)
                     FROM iso_audit_finding f JOIN iso_audit a ON a.id = f.audit_id
                    WHERE f.active AND f.company_id = %s AND f.standard_id = ANY(%s) AND %s GROUP BY f.grade""",
                ctx.company,
                ctx.std,
                audit_filter(supplier),
            )
        )
        by_grade = {grade: count for grade, count, __, ___ in grouped}
        figures = {audits_label: audits}
        if not supplier:
            figures["Audits closed"] = closed
        figures["Findings"] = sum(by_grade.values())
        figures.update({label: by_grade.get(grade, 0) for grade, label in GRADE_LABELS.items()})
        figures["Open (not closed)"] = sum(row[2] for row in grouped)
        figures["Repeat nonconformities"] = sum(row[3] for row in grouped)
        ctx.out[section] = figures
        return grouped

    findings(False, "audit_results", "Audits in the period")
    findings(True, "supplier_audits", "Supplier audits in the period")
    closed_improvement = ctx.one(
        SQL(
            """SELECT count(*), count(*) FILTER (WHERE f.state = 'closed') FROM iso_audit_finding f
                 JOIN iso_audit a ON a.id = f.audit_id
                WHERE f.active AND f.company_id = %s AND f.standard_id = ANY(%s) AND f.grade = 'improvement' AND %s""",
            ctx.company,
            ctx.std,
            audit_filter(False),
        )
    )
    ctx.out["improvement_findings"] = {
        "Opportunities for improvement found by audits": closed_improvement[0],
        "Closed": closed_improvement[1],
        "Not closed": closed_improvement[0] - closed_improvement[1],
    }
    coverage = ctx.one(
        SQL(
            """SELECT count(*), count(*) FILTER (WHERE cov.planned), count(*) FILTER (WHERE cov.audited),
                      count(*) FILTER (WHERE NOT COALESCE(cov.planned, false))
                 FROM iso_audit_clause_coverage cov JOIN iso_audit_programme p ON p.id = cov.programme_id
                WHERE cov.company_id = %s AND p.state = 'active' AND cov.standard_id = ANY(%s)""",
            ctx.company,
            ctx.std,
        )
    )
    ctx.out["audit_coverage"] = dict(
        zip(
            ("Clauses in the programme", "Planned", "Audited in the cycle", "Gaps (not planned)"), coverage, strict=True
        )
    )


def raw_resources_and_risks(ctx):
    """Competence gaps, the risk register, open opportunities."""
    matrix = ctx.env["iso.competence.matrix"]
    __, horizon = matrix._today_and_horizon()
    missing = "((training_required AND training_id IS NULL) OR (document_required AND acknowledgement_id IS NULL))"
    gaps = ctx.rows(
        SQL(
            f"""SELECT d.complete_name,
                       count(*) FILTER (WHERE {missing}),
                       count(*) FILTER (WHERE NOT {missing} AND training_required AND valid_to < %(t)s),
                       count(*) FILTER (WHERE NOT {missing} AND training_required AND valid_to BETWEEN %(t)s AND %(h)s)
                  FROM iso_competence_matrix m LEFT JOIN hr_department d ON d.id = m.department_id
                 WHERE m.company_id = %(c)s GROUP BY d.complete_name""",
            t=ctx.today,
            h=horizon,
            c=ctx.company,
        )
    )
    ctx.out["resources"] = {
        "Missing": sum(row[1] for row in gaps),
        "Expired": sum(row[2] for row in gaps),
        "Expiring": sum(row[3] for row in gaps),
    }
    for name, *counts in gaps:
        if sum(counts):
            ctx.out["resources"][name or "No department"] = sum(counts)

    risk = ctx.one(
        SQL(
            """SELECT count(*), count(*) FILTER (WHERE residual_score > 0),
                      count(*) FILTER (WHERE residual_score > 0 AND residual_score < score),
                      count(*) FILTER (WHERE treatment IS NOT NULL), count(*) FILTER (WHERE above_target)
                 FROM iso_risk r WHERE active AND company_id = %s AND kind = 'risk' AND %s""",
            ctx.company,
            ctx.scope("r", "iso.risk"),
        )
    )
    ctx.out["risk_actions"] = {
        "Active risks": risk[0],
        "Residual assessed": risk[1],
        "Residual below inherent": risk[2],
        "Residual not below inherent": risk[1] - risk[2],
        "Treatment chosen": risk[3],
        "Above target, no treatment": risk[4],
    }
    for treatment, count in ctx.rows(
        SQL(
            """SELECT treatment, count(*) FROM iso_risk r WHERE active AND company_id = %s AND kind = 'risk'
                  AND treatment IS NOT NULL AND %s GROUP BY treatment""",
            ctx.company,
            ctx.scope("r", "iso.risk"),
        )
    ):
        ctx.out["risk_actions"][f"Treatment: {TREATMENT_LABELS[treatment]}"] = count
    opportunities = ctx.rows(
        SQL(
            """SELECT treatment, count(*), count(*) FILTER (WHERE create_date >= %s AND create_date < %s)
                 FROM iso_risk r WHERE active AND company_id = %s AND kind = 'opportunity' AND %s GROUP BY treatment""",
            ctx.start_dt,
            ctx.end_dt,
            ctx.company,
            ctx.scope("r", "iso.risk"),
        )
    )
    ctx.out["opportunities"] = {
        "Open opportunities": sum(row[1] for row in opportunities),
        "Identified in the period": sum(row[2] for row in opportunities),
    }
    ctx.out["opportunities"].update({TREATMENT_LABELS.get(t, "None"): count for t, count, __ in opportunities})


RAW_PARTS = (raw_previous_actions_and_context, raw_filed_records, raw_objectives, raw_audits, raw_resources_and_risks)


def section_times(env, review):
    """Seconds and queries of each section's method, as the review's user, JIT off as in a collection (one call
    each, outside a collection: the four sections of filed records each run the query they share there)."""
    times = []
    with review._iso_without_jit():
        for __, section, __, method in review._iso_review_input_sections():
            env.invalidate_all()
            before = env.cr.sql_log_count
            started = time.perf_counter()
            getattr(review, method)()
            times.append((section, time.perf_counter() - started, env.cr.sql_log_count - before))
    return times


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------
def collect_rounds(env, review, rounds):
    """action_collect_inputs: cold then warm, each in a savepoint rolled back; (cold, warm, queries, figures)."""
    times, queries, figures = [], None, None
    for index in range(rounds + 1):
        env.flush_all()
        env.invalidate_all()
        if index == 0:
            env.registry.clear_cache()
        savepoint = env.cr.savepoint(flush=False)
        before = env.cr.sql_log_count
        started = time.perf_counter()
        review.action_collect_inputs()
        env.flush_all()
        times.append(time.perf_counter() - started)
        if index == 0:
            queries = env.cr.sql_log_count - before
            figures = {line.section: dict(line.figures) for line in review.input_ids}
        savepoint.close(rollback=True)
    env.invalidate_all()
    return times[0], times[1:], queries, figures


def raw_rounds(env, review, rounds):
    """The raw SQL computation ``rounds`` times, with JIT off as Collect inputs runs its queries."""
    times, result = [], None
    env.cr.execute("SELECT current_setting('jit')")
    jit = env.cr.fetchone()[0]
    env.cr.execute("SELECT set_config('jit', 'off', true)")
    for __ in range(rounds):
        before = env.cr.sql_log_count
        started = time.perf_counter()
        result = raw_figures(env, review)
        times.append(time.perf_counter() - started)
        queries = env.cr.sql_log_count - before
    env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
    return times, queries, result


def measure(env, chair, review, rounds, label, *, jit):
    uenv = env(user=chair.id)
    target = uenv["iso.management.review"].browse(review.id)
    cold, warm, queries, figures = collect_rounds(env, target, rounds)
    raw_times, raw_queries, raw = raw_rounds(env, review, rounds)
    orm_s, raw_s = statistics.median(warm), statistics.median(raw_times)
    differences = [
        (section, figures.get(section), raw.get(section))
        for section in sorted(set(figures) | set(raw))
        if figures.get(section) != raw.get(section)
    ]
    print(f"\n  {label}")
    print(f"    {'':<44}{'cold s':>8}{'median s':>10}{'max s':>8}{'queries':>9}")
    print(f"    {'Collect inputs (ISO manager, record rules)':<44}{cold:8.3f}{orm_s:10.3f}{max(warm):8.3f}{queries:9d}")
    print(f"    {'raw SQL, same figures (superuser)':<44}{'':>8}{raw_s:10.3f}{max(raw_times):8.3f}{raw_queries:9d}")
    ratio = orm_s / raw_s if raw_s else float("inf")
    print(
        f"    ratio Collect inputs / raw SQL (medians): {ratio:.2f}x; target <= {TARGET_RATIO}x: "
        f"{'met' if ratio <= TARGET_RATIO else 'NOT met'}"
    )
    print(f"    same figures in every section: {'yes' if not differences else 'NO'}")
    print("    by section, as the ISO manager (s, queries):")
    shown = [f"{name} {seconds:.3f} ({queries})" for name, seconds, queries in section_times(env, target)]
    for start in range(0, len(shown), 4):
        print("      " + ", ".join(shown[start : start + 4]))
    raw_parts = {}
    env.cr.execute("SELECT set_config('jit', 'off', true)")
    raw_figures(env, review, raw_parts)
    env.cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
    print("    raw SQL by part (s): " + ", ".join(f"{name[4:]} {seconds:.3f}" for name, seconds in raw_parts.items()))
    for section, orm_figures, raw_figures_ in differences:
        print(
            f"      {section}: Collect inputs {orm_figures}\n      {' ' * len(section)}  raw SQL        {raw_figures_}"
        )
    return {"cold": cold, "orm": orm_s, "raw": raw_s, "queries": queries, "ratio": ratio, "same": not differences}


def bench(registry, args):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            if args.jit_off:
                cr.execute("SET LOCAL jit = off")
            cr.execute("SHOW jit")
            jit = cr.fetchone()[0]
            started = time.perf_counter()
            chair, review, programme, departments, partners, products, clauses = fixtures(env)
            print(
                f"\n== Management review: Collect inputs of {review.period_start} to {review.period_end} "
                f"(PostgreSQL jit {jit}; both sides turn it off for their queries) =="
            )
            print(f"  fixtures (ORM)                          {time.perf_counter() - started:7.2f} s")
            data = {
                "args": args,
                "programme": programme,
                "departments": departments,
                "partners": partners,
                "products": products,
                "clauses": clauses,
            }
            results = []
            first = 0
            for share in (args.small_share, 1.0):
                count = int(args.records * share) - first
                started = time.perf_counter()
                insert_data(env, data, first, count)
                first += count
                counts = sizes(cr)
                print(
                    f"  data (SQL) to {', '.join(f'{n:,} {t}' for t, n in counts.items())}: "
                    f"{time.perf_counter() - started:.1f} s"
                )
                results.append(measure(env, chair, review, args.rounds, f"{counts['iso_record']:,} records", jit=jit))
            small, full = results
            print(
                f"\n  queries of Collect inputs: {small['queries']} (small) and {full['queries']} (full): "
                f"{'constant' if small['queries'] == full['queries'] else 'NOT constant'}"
            )
            return 0 if small["same"] and full["same"] else 1
        finally:
            cr.rollback()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="iso_bench_audit")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--risks", type=int, default=100_000)
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--measurements", type=int, default=50_000)
    parser.add_argument("--small-share", type=float, default=0.1, help="The first data size, as a share of the whole.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--jit-off", action="store_true", help="SET LOCAL jit = off for the whole run, fixtures and inserts too."
    )
    parser.add_argument("odoo_args", nargs="*")
    args = parser.parse_args()
    odoo.tools.config.parse_config([*args.odoo_args, f"--database={args.db}"])
    try:
        registry = odoo.modules.registry.Registry(args.db)
        if "iso.management.review.input" not in registry:
            print(f"iso_records_audit is not installed in {args.db}", file=sys.stderr)
            return 2
        different = bench(registry, args)
    except Exception:
        traceback.print_exc()
        return 2
    if different:
        print("  the figures differ between Collect inputs and the raw SQL: see above", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
