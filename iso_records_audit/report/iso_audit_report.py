from odoo import models

# The grades reported as findings, in the order the report lists them; positive points have their own part.
REPORTED_GRADES = ("major", "minor", "observation", "improvement")


class IsoAuditReport(models.AbstractModel):
    """The audit report (ISO 19011 6.5): scope, criteria, team, dates, the checklist in figures, the findings
    by grade with their evidence, positive points, overrides of independence and the signatures with their
    content hash. The lines, findings and signatures are searched with the reader's rights."""

    _name = "report.iso_records_audit.report_iso_audit"
    _description = "ISO Audit Report"
    _inherit = ["iso.report.mixin"]
    _iso_report_model = "iso.audit"

    def _iso_report_values(self, docs):
        env = self.env
        Line = env["iso.audit.line"]
        Finding = env["iso.audit.finding"]
        results = dict(Line._fields["result"]._description_selection(env))
        grades = dict(Finding._fields["grade"]._description_selection(env))
        lines = Line.search([("audit_id", "in", docs.ids)])
        findings = Finding.search([("audit_id", "in", docs.ids)], order="grade, clause_id, id")
        signatures = env["iso.signature"].search(
            [("res_model", "=", docs._name), ("res_id", "in", docs.ids)], order="signed_at, id"
        )
        lines_of = lines.grouped("audit_id")
        findings_of = findings.grouped("audit_id")
        signatures_of = signatures.grouped("res_id")
        operations = docs._iso_signable_operations()
        not_answered = env._("No result")

        def result_counts(audit_lines):
            counts = {}
            for line in audit_lines:
                label = results.get(line.result, not_answered)
                counts[label] = counts.get(label, 0) + 1
            order = [*results.values(), not_answered]
            return sorted(counts.items(), key=lambda item: order.index(item[0]))

        checklist = {}
        by_grade = {}
        for audit in docs:
            audit_lines = lines_of.get(audit, Line)
            by_clause = audit_lines.grouped("clause_id")
            checklist[audit.id] = {
                "total": len(audit_lines),
                "results": result_counts(audit_lines),
                "clauses": [
                    (clause, len(clause_lines), result_counts(clause_lines))
                    for clause, clause_lines in sorted(
                        by_clause.items(), key=lambda item: (not item[0], item[0].sort_key or "", item[0].id)
                    )
                ],
            }
            audit_findings = findings_of.get(audit, Finding)
            by_grade[audit.id] = [
                (grade, grades[grade], audit_findings.filtered(lambda finding, grade=grade: finding.grade == grade))
                for grade in REPORTED_GRADES
            ]
        return {
            "checklist_by_audit": checklist,
            "findings_by_grade": by_grade,
            "positive_points": {
                audit.id: findings_of.get(audit, Finding).filtered(lambda finding: finding.grade == "positive")
                for audit in docs
            },
            "signatures_by_audit": {audit.id: signatures_of.get(audit.id, signatures.browse()) for audit in docs},
            "overrides_by_audit": {
                audit.id: audit.auditor_ids.filtered(lambda member: member.override_reason or member.override_signed)
                for audit in docs
            },
            "operation_label": lambda operation: operations.get(operation, {}).get("label", operation),
        }
