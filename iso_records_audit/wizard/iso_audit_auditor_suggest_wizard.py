from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record
from odoo.exceptions import UserError

# Without a programme, the audits counted are those of the last years before the audit.
COUNT_YEARS_WITHOUT_PROGRAMME = 3
SUGGESTED_ROLES = [("lead", "Lead auditor"), ("auditor", "Auditor")]


class IsoAuditAuditorSuggestWizard(models.TransientModel):
    """Qualified, independent employees of the audit's company who could join its team, those with the
    fewest audits as team member in the programme's cycle (else the last three years) first."""

    _name = "iso.audit.auditor.suggest.wizard"
    _description = "ISO Audit: Suggest Auditors"
    _inherit = ["iso.target.wizard.mixin"]

    audit_id = fields.Many2one("iso.audit", required=True, ondelete="cascade", readonly=True)
    role = fields.Selection(SUGGESTED_ROLES, readonly=True, help="Lead auditor while the audit has none, else auditor.")
    period_start = fields.Date(string="Audits counted from", readonly=True)
    period_end = fields.Date(string="Audits counted to", readonly=True)
    candidate_ids = fields.One2many("iso.audit.auditor.suggest.line", "wizard_id", string="Candidates", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            wizard._iso_fill_candidates()
        return wizards

    def _iso_count_period(self):
        audit = self.audit_id
        programme = audit.programme_id
        if programme.cycle_start and programme.cycle_end:
            return programme.cycle_start, programme.cycle_end
        end = audit.date_start or fields.Date.context_today(self)
        return end - relativedelta(years=COUNT_YEARS_WITHOUT_PROGRAMME), end

    def _iso_fill_candidates(self):
        self.ensure_one()
        start, end = self._iso_count_period()
        role = "auditor" if self.audit_id.lead_auditor_id else "lead"
        self.write({"role": role, "period_start": start, "period_end": end})
        self.env["iso.audit.auditor.suggest.line"].create(
            [{"wizard_id": self.id, **row} for row in self._iso_candidates(role, start, end)]
        )

    def _iso_candidates(self, role, start, end):
        """The qualified and independent employees as line values, in a few queries whatever their number:
        the employees holding a filed training of a qualifying type, their independence and qualification
        judged as one batch of would-be members, and their audit counts."""
        audit = self.audit_id.sudo()
        Member = self.env["iso.audit.auditor"].sudo()
        requirements = Member._iso_auditor_requirements(audit)[audit]
        if not requirements:
            return []
        holders = (
            self.env["iso.record"]
            .sudo()
            ._read_group(
                [
                    ("record_type_id", "in", requirements.record_type_id.ids),
                    ("state", "=", "filed"),
                    ("employee_id.company_id", "=", audit.company_id.id),
                    ("employee_id", "not in", audit.auditor_ids.employee_id.ids),
                ],
                ["employee_id"],
            )
        )
        employees = self.env["hr.employee"].sudo().concat(*(employee for (employee,) in holders))
        if not employees:
            return []
        would_be = Member.concat(
            *(Member.new({"audit_id": audit.id, "employee_id": employee.id, "role": role}) for employee in employees)
        )
        clearance = would_be._iso_clearance()
        trainings = Member._iso_latest_trainings(employees.ids, requirements)
        cleared = {}
        for member in would_be:
            note, conflicts = clearance[member.id]
            if note and not conflicts:
                employee_id = member.employee_id.id
                dates = [trainings.get((employee_id, requirement.id), (0, 0, False))[2] for requirement in requirements]
                cleared[employee_id] = max(filter(None, dates), default=False)
        if not cleared:
            return []
        counts = dict(
            Member._read_group(
                [
                    ("employee_id", "in", list(cleared)),
                    ("audit_id.state", "!=", "cancelled"),
                    ("audit_id.date_start", ">=", start),
                    ("audit_id.date_start", "<=", end),
                ],
                ["employee_id"],
                ["__count"],
            )
        )
        ordered = employees.filtered(lambda employee: employee.id in cleared).sorted(
            lambda employee: (counts.get(employee, 0), employee.name or "", employee.id)
        )
        return [
            {
                "sequence": index,
                "employee_id": employee.id,
                "employee_name": employee.name,
                "department_name": employee.department_id.complete_name or False,
                "valid_to": cleared[employee.id],
                "audit_count": counts.get(employee, 0),
            }
            for index, employee in enumerate(ordered)
        ]


class IsoAuditAuditorSuggestLine(models.TransientModel):
    _name = "iso.audit.auditor.suggest.line"
    _description = "ISO Audit: Suggested Auditor"
    _order = "sequence, id"

    wizard_id = fields.Many2one("iso.audit.auditor.suggest.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    employee_id = fields.Many2one("hr.employee", required=True, readonly=True)
    # Copied as superuser: whoever plans the audit need not have HR rights.
    employee_name = fields.Char(string="Name", readonly=True)
    department_name = fields.Char(string="Department", readonly=True)
    valid_to = fields.Date(string="Qualified until", readonly=True, help="Empty: the qualification does not expire.")
    audit_count = fields.Integer(string="Audits in the period", readonly=True)

    def action_add(self):
        """Add this employee to the team, as lead auditor while the audit has none. The team's rules apply
        to the user who adds them, as for any other way of adding a member."""
        one_record(self, self.env._("Add to the team"))
        audit = self.wizard_id.audit_id
        if self.employee_id in audit.sudo().auditor_ids.employee_id:
            raise UserError(
                self.env._(
                    "Audit team of %(audit)s: %(member)s is already a member.",
                    audit=audit.display_name,
                    member=self.employee_name,
                )
            )
        role = "auditor" if audit.lead_auditor_id else "lead"
        self.env["iso.audit.auditor"].create({"audit_id": audit.id, "employee_id": self.employee_id.id, "role": role})
        return {"type": "ir.actions.act_window_close"}
