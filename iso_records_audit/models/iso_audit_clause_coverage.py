from odoo import fields, models, tools
from odoo.tools import SQL

from .iso_audit_finding import FINDING_GRADES

COVERAGE_RESULTS = [
    ("major", "Major nonconformity"),
    ("minor", "Minor nonconformity"),
    ("observation", "Observation"),
    ("conform", "Conform"),
]
# Finding grades worst first; improvement and positive points leave a clause conform.
GRADE_RANK = {grade: rank for rank, (grade, _label) in enumerate(FINDING_GRADES, start=1)}
RANK_RESULT = {GRADE_RANK["major"]: "major", GRADE_RANK["minor"]: "minor", GRADE_RANK["observation"]: "observation"}
# The models whose tables the view reads.
COVERAGE_SOURCES = ("iso.audit.programme", "iso.audit.programme.line", "iso.audit", "iso.audit.finding", "iso.clause")
# What a coverage row shows, in the list and in the grid.
ROW_FIELDS = (
    "programme_id",
    "clause_id",
    "standard_id",
    "clause_level",
    "planned",
    "gap",
    "audited",
    "audit_count",
    "last_audit_date",
    "result",
    "nonconformity_count",
)


def grade_rank_sql(grade):
    return SQL(
        "CASE %s %s END",
        grade,
        SQL(" ").join(SQL("WHEN %s THEN %s", value, rank) for value, rank in GRADE_RANK.items()),
    )


def ancestors_sql(alias):
    """The ids of a clause and its parents, from its ``parent_path`` (``1/5/23/``), as an int[]."""
    return SQL("string_to_array(rtrim(%s.parent_path, '/'), '/')::int[]", SQL.identifier(alias))


class IsoAuditClauseCoverage(models.Model):
    """The coverage of a programme's cycle, one row per programme and clause of its standards (main clauses
    and sub-clauses as the standard defines them): planned (a line covers the clause or a parent of it),
    audited (a closed audit of the programme covering it started in the cycle), when, and with what result
    (the worst finding of the programme's audits in the cycle on the clause or a sub-clause, else conform);
    a clause no line covers is a gap."""

    _name = "iso.audit.clause.coverage"
    _description = "ISO Audit Clause Coverage"
    _auto = False
    _order = "programme_id, standard_id, sort_key, clause_id"
    _rec_name = "clause_id"

    programme_id = fields.Many2one("iso.audit.programme", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True)
    standard_id = fields.Many2one("iso.standard", readonly=True)
    clause_id = fields.Many2one("iso.clause", readonly=True)
    parent_clause_id = fields.Many2one("iso.clause", readonly=True)
    sort_key = fields.Char(readonly=True)
    clause_level = fields.Integer(string="Level", readonly=True)
    planned = fields.Boolean(readonly=True, help="A line of the programme covers the clause or a parent clause.")
    gap = fields.Boolean(readonly=True, help="No line of the programme covers the clause: it is not planned.")
    audited = fields.Boolean(readonly=True, help="A closed audit of the programme covered it in the cycle.")
    audit_count = fields.Integer(string="Audits", readonly=True, aggregator="sum")
    last_audit_date = fields.Date(string="Last Audited", readonly=True)
    result = fields.Selection(COVERAGE_RESULTS, readonly=True)
    nonconformity_count = fields.Integer(string="Nonconformities", readonly=True, aggregator="sum")
    has_nonconformity = fields.Boolean(string="With Nonconformities", readonly=True)

    def init(self):
        env = self.env
        programme_standards = env["iso.audit.programme"]._fields["standard_ids"]
        line_clauses = env["iso.audit.programme.line"]._fields["clause_ids"]
        audit_clauses = env["iso.audit"]._fields["clause_ids"]
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %(view)s AS (
                WITH clause_ancestor AS (
                    SELECT clause.id AS clause_id, ancestor.id AS ancestor_id
                      FROM iso_clause clause, unnest(%(clause_ancestors)s) AS ancestor(id)
                ),
                programme_clause AS (
                    SELECT programme.id AS programme_id, programme.company_id, programme.cycle_start,
                           programme.cycle_end, clause.id AS clause_id, clause.standard_id, clause.parent_id,
                           clause.sort_key, clause.level
                      FROM iso_audit_programme programme
                      JOIN %(ps)s ps ON ps.%(ps_programme)s = programme.id
                      JOIN iso_clause clause ON clause.standard_id = ps.%(ps_standard)s
                ),
                planned AS (
                    SELECT DISTINCT line.programme_id, ca.clause_id
                      FROM iso_audit_programme_line line
                      JOIN %(lc)s lc ON lc.%(lc_line)s = line.id
                      JOIN clause_ancestor ca ON ca.ancestor_id = lc.%(lc_clause)s
                ),
                audited AS (
                    SELECT audit.programme_id, ca.clause_id, count(DISTINCT audit.id) AS audit_count,
                           max(COALESCE(audit.actual_date_start, audit.date_start)) AS last_audit_date
                      FROM iso_audit audit
                      JOIN iso_audit_programme programme ON programme.id = audit.programme_id
                      JOIN %(ac)s ac ON ac.%(ac_audit)s = audit.id
                      JOIN clause_ancestor ca ON ca.ancestor_id = ac.%(ac_clause)s
                     WHERE audit.state = 'closed'
                       AND COALESCE(audit.actual_date_start, audit.date_start)
                           BETWEEN programme.cycle_start AND programme.cycle_end
                  GROUP BY audit.programme_id, ca.clause_id
                ),
                graded AS (
                    SELECT audit.programme_id, ca.ancestor_id AS clause_id, min(%(rank)s) AS rank,
                           count(*) FILTER (WHERE finding.grade IN ('major', 'minor')) AS nonconformity_count
                      FROM iso_audit_finding finding
                      JOIN iso_audit audit ON audit.id = finding.audit_id
                      JOIN iso_audit_programme programme ON programme.id = audit.programme_id
                      JOIN clause_ancestor ca ON ca.clause_id = finding.clause_id
                     WHERE audit.state <> 'cancelled'
                       AND finding.date BETWEEN programme.cycle_start AND programme.cycle_end
                  GROUP BY audit.programme_id, ca.ancestor_id
                )
                SELECT pc.programme_id::bigint * 1000000000 + pc.clause_id AS id,
                       pc.programme_id, pc.company_id, pc.standard_id, pc.clause_id,
                       pc.parent_id AS parent_clause_id, pc.sort_key, pc.level AS clause_level,
                       planned.clause_id IS NOT NULL AS planned,
                       planned.clause_id IS NULL AS gap,
                       audited.clause_id IS NOT NULL AS audited,
                       COALESCE(audited.audit_count, 0) AS audit_count,
                       audited.last_audit_date,
                       CASE graded.rank %(results)s
                            ELSE CASE WHEN audited.clause_id IS NOT NULL THEN 'conform' END
                       END AS result,
                       COALESCE(graded.nonconformity_count, 0) AS nonconformity_count,
                       COALESCE(graded.nonconformity_count, 0) > 0 AS has_nonconformity
                  FROM programme_clause pc
             LEFT JOIN planned ON planned.programme_id = pc.programme_id AND planned.clause_id = pc.clause_id
             LEFT JOIN audited ON audited.programme_id = pc.programme_id AND audited.clause_id = pc.clause_id
             LEFT JOIN graded ON graded.programme_id = pc.programme_id AND graded.clause_id = pc.clause_id
                )
                """,
                view=SQL.identifier(self._table),
                ps=SQL.identifier(programme_standards.relation),
                ps_programme=SQL.identifier(programme_standards.column1),
                ps_standard=SQL.identifier(programme_standards.column2),
                lc=SQL.identifier(line_clauses.relation),
                lc_line=SQL.identifier(line_clauses.column1),
                lc_clause=SQL.identifier(line_clauses.column2),
                ac=SQL.identifier(audit_clauses.relation),
                ac_audit=SQL.identifier(audit_clauses.column1),
                ac_clause=SQL.identifier(audit_clauses.column2),
                clause_ancestors=ancestors_sql("clause"),
                rank=grade_rank_sql(SQL("finding.grade")),
                results=SQL(" ").join(SQL("WHEN %s THEN %s", rank, result) for rank, result in RANK_RESULT.items()),
            )
        )

    def _search(self, domain, offset=0, limit=None, order=None):
        # The view reads these tables: what is pending in them must be in the rows searched (search, count,
        # read_group all come here).
        for model_name in COVERAGE_SOURCES:
            self.env[model_name].flush_model()
        return super()._search(domain, offset=offset, limit=limit, order=order)

    def _iso_row_fields(self):
        return ROW_FIELDS

    def _iso_row_values(self):
        """The row as the coverage grid sends it (and as the tests compare it with the list)."""
        self.ensure_one()
        return {
            "id": self.id,
            "clause_id": self.clause_id.id,
            "number": self.clause_id.number,
            "title": self.clause_id.title,
            "standard": self.standard_id.display_name,
            "level": self.clause_level,
            "planned": self.planned,
            "gap": self.gap,
            "audited": self.audited,
            "audit_count": self.audit_count,
            "last_audit_date": fields.Date.to_string(self.last_audit_date) if self.last_audit_date else False,
            "result": self.result or False,
            "nonconformity_count": self.nonconformity_count,
        }
