from odoo import fields, models


class IsoAuditProgrammeLine(models.Model):
    """What a programme audits: a department or a process, with its clauses, and how often; the frequency
    proposed follows the risks of the register and the findings of the last audit
    (iso_audit_programme_line_frequency.py)."""

    _name = "iso.audit.programme.line"
    _description = "ISO Audit Programme Line"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "programme_id, sequence, id"
    _iso_parent_field = "programme_id"

    programme_id = fields.Many2one("iso.audit.programme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="programme_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    department_id = fields.Many2one("hr.department", check_company=True, index=True)
    process = fields.Char(help="The process audited, e.g. Purchasing; matches the process of the risks.")
    process_owner_id = fields.Many2one("hr.employee", check_company=True)
    clause_ids = fields.Many2many("iso.clause", string="Clauses", domain="[('standard_id', 'in', parent.standard_ids)]")
    frequency_months = fields.Integer(
        string="Frequency (months)",
        help="Every how many months it is audited; empty: the proposed frequency.",
    )
    audit_ids = fields.One2many("iso.audit", "programme_line_id", string="Audits")
