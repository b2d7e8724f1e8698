from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.addons.iso_records.tools import iso_int_param, one_record, text_argument, workflow
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

FINDING_GRADES = [
    ("major", "Major nonconformity"),
    ("minor", "Minor nonconformity"),
    ("observation", "Observation"),
    ("improvement", "Opportunity for improvement"),
    ("positive", "Positive point"),
]
FINDING_STATES = [("open", "Open"), ("answered", "Answered"), ("verified", "Verified"), ("closed", "Closed")]
NONCONFORMITY_GRADES = ("major", "minor")
# Days from the finding to its due date, per grade; Settings override them.
DEFAULT_DUE_DAYS = {"major": 30, "minor": 60, "observation": 90, "improvement": 90}
ANSWER_KINDS = [("action", "Action taken or planned"), ("rationale", "Rationale (no action)")]
# What the responsible (the auditee) may write on a finding: the answer, nothing of the finding itself.
ANSWER_FIELDS = {"answer_kind", "answer", "owner_id"}
# How far back an earlier finding makes a new one a repeat when the audit has no programme cycle.
DEFAULT_REPEAT_YEARS = 3


class IsoAuditFinding(models.Model):
    """A graded audit finding: the requirement, the evidence, the records concerned; answered by its
    responsible, verified by the audit team and closed. A nonconformity recurring on the same clause and
    department within the cycle is a repeat and names the earlier one."""

    _name = "iso.audit.finding"
    _description = "ISO Audit Finding"
    _inherit = ["iso.controlled.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["name", "requirement"]
    _iso_workflow_only = (
        "name",
        "state",
        "answered_by_id",
        "answered_date",
        "verified_by_id",
        "verified_date",
        "closed_date",
        "repeat_of_id",
        "due_reminder_date",
        "overdue_reminder_date",
    )
    _iso_locked_states = ("closed",)
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_retention_event_date_fields = {"closed": "closed_date"}
    _iso_hold_date_field = "date"
    _iso_trail_extra_fields = ("state", "requirement", "evidence", "answer")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    audit_id = fields.Many2one(
        "iso.audit", required=True, ondelete="restrict", index=True, check_company=True, tracking=True
    )
    audit_state = fields.Selection(related="audit_id.state", string="Audit Stage")
    line_id = fields.Many2one(
        "iso.audit.line", string="Checklist Line", index="btree_not_null", domain="[('audit_id', '=', audit_id)]"
    )
    date = fields.Date(default=fields.Date.context_today, required=True, tracking=True)
    grade = fields.Selection(FINDING_GRADES, required=True, default="minor", tracking=True, index=True)
    clause_id = fields.Many2one("iso.clause", required=True, tracking=True, index=True)
    standard_id = fields.Many2one(related="clause_id.standard_id", store=True, string="Standard")
    requirement = fields.Text(tracking=True, help="The requirement not met, as the standard or procedure states it.")
    evidence = fields.Text(required=True, tracking=True, help="The objective evidence found.")
    record_ids = fields.Many2many(
        "iso.record",
        "iso_audit_finding_record_rel",
        "finding_id",
        "record_id",
        string="Records Concerned",
        check_company=True,
    )
    due_date = fields.Date(tracking=True, help="When the answer is due; set from the grade (Settings).")
    answer_kind = fields.Selection(ANSWER_KINDS, tracking=True)
    answer = fields.Text(tracking=True, help="The correction and corrective action, or why no action is needed.")
    answered_by_id = fields.Many2one("res.users", string="Answered by", readonly=True, copy=False)
    answered_date = fields.Date(string="Answered on", readonly=True, copy=False)
    verified_by_id = fields.Many2one("res.users", string="Verified by", readonly=True, copy=False)
    verified_date = fields.Date(string="Verified on", readonly=True, copy=False)
    closed_date = fields.Date(string="Closed on", readonly=True, copy=False)
    state = fields.Selection(FINDING_STATES, default="open", required=True, readonly=True, tracking=True, index=True)
    is_repeat = fields.Boolean(string="Repeat", compute="_compute_is_repeat", store=True, index=True)
    repeat_of_id = fields.Many2one(
        "iso.audit.finding", string="Repeat of", readonly=True, copy=False, index="btree_not_null"
    )
    overdue = fields.Boolean(compute="_compute_overdue", search="_search_overdue")
    due_reminder_date = fields.Date(readonly=True, copy=False)
    overdue_reminder_date = fields.Date(readonly=True, copy=False)

    _sql_constraints = [("evidence_given", "CHECK (evidence IS NOT NULL AND evidence <> '')", "Evidence: required.")]

    @api.model
    def _iso_participant_domain(self, uid):
        return [[("audit_id.auditor_ids.employee_id.user_id", "=", uid)]]

    @api.depends("repeat_of_id")
    def _compute_is_repeat(self):
        for finding in self:
            finding.is_repeat = bool(finding.repeat_of_id)

    @api.depends("state", "due_date")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for finding in self:
            finding.overdue = finding.state == "open" and bool(finding.due_date) and finding.due_date < today

    def _search_overdue(self, operator, value):
        wanted = self._iso_boolean_search(self.env._("Overdue"), operator, value)
        today = fields.Date.context_today(self)
        if wanted:
            return [("state", "=", "open"), ("due_date", "<", today)]
        # Spelled out: a "!" would be pushed into the leaves as "due_date >= today", leaving out no due date.
        return ["|", ("state", "!=", "open"), "|", ("due_date", "=", False), ("due_date", ">=", today)]

    @api.depends("name", "grade", "clause_id")
    def _compute_display_name(self):
        grades = dict(self._fields["grade"]._description_selection(self.env))
        for finding in self:
            finding.display_name = " · ".join(
                part
                for part in (
                    finding.name if finding.name != "/" else "",
                    grades.get(finding.grade),
                    finding.clause_id.number,
                )
                if part
            )

    # ------------------------------------------------------------------
    # Values that follow the audit
    # ------------------------------------------------------------------
    @api.model
    def _due_days(self, grade):
        if grade not in DEFAULT_DUE_DAYS:
            return 0
        return iso_int_param(self.env, f"finding_due_days_{grade}", DEFAULT_DUE_DAYS[grade])

    @api.model
    def _iso_prepare_create(self, vals_list):
        audits = self.env["iso.audit"].browse({vals["audit_id"] for vals in vals_list if vals.get("audit_id")})
        audits._iso_check_findings_allowed()
        for vals in vals_list:
            for name in ("evidence", "requirement", "answer"):
                if name in vals:
                    vals[name] = text_argument(self.env, vals[name], self._fields[name].string)
            if not (vals.get("evidence") or "").strip():
                raise ValidationError(self.env._("Evidence: a finding states the objective evidence found."))
            if not vals.get("clause_id"):
                raise ValidationError(self.env._("Clause: a finding names the clause of the requirement not met."))
            audit = self.env["iso.audit"].browse(vals.get("audit_id"))
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("iso.audit.finding") or "/"
            vals.setdefault("company_id", audit.company_id.id)
            vals.setdefault("department_id", audit.department_id.id)
            vals.setdefault("confidentiality", audit.confidentiality)
            if "reader_user_ids" not in vals and audit.reader_user_ids:
                # A restricted audit's named readers read its findings too.
                vals["reader_user_ids"] = [Command.set(audit.reader_user_ids.ids)]
            if "owner_id" not in vals:
                vals["owner_id"] = (audit.process_owner_id or audit.department_id.manager_id).id
            grade = vals.get("grade", "minor")
            if not vals.get("due_date") and self._due_days(grade):
                start = fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
                vals["due_date"] = start + relativedelta(days=self._due_days(grade))
        return super()._iso_prepare_create(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        findings = super().create(vals_list)
        findings._iso_mark_repeats()
        return findings

    def write(self, vals):
        for name in ("evidence", "requirement", "answer"):
            if name in vals:
                vals[name] = text_argument(self.env, vals[name], self._fields[name].string)
        self._iso_check_who_edits(vals)
        if "evidence" in vals and not (vals["evidence"] or "").strip():
            raise ValidationError(self.env._("Evidence: a finding states the objective evidence found."))
        result = super().write(vals)
        if {"clause_id", "department_id", "grade", "date"} & set(vals):
            # A system computation over findings the writer may not read: as superuser.
            (self.sudo() | self._iso_later_findings())._iso_mark_repeats()
        return result

    def _iso_check_who_edits(self, vals):
        """The audit team writes the finding; its responsible (the auditee) only answers it."""
        if self.env.su or self.env.context.get("iso_records_workflow") or not (set(vals) - ANSWER_FIELDS):
            return
        if self.env.user.has_group("iso_records.group_iso_administrator"):
            return
        for finding in self:
            if not finding.audit_id._iso_is_team_member():
                raise UserError(
                    self.env._(
                        "%(finding)s: only the audit team of %(audit)s changes a finding's grade, clause, evidence or "
                        "records; as its responsible you answer it.",
                        finding=finding.display_name,
                        audit=finding.audit_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Repeat findings
    # ------------------------------------------------------------------
    def _iso_repeat_window_start(self):
        self.ensure_one()
        programme = self.audit_id.programme_id
        if programme and programme.cycle_start:
            return programme.cycle_start
        return self.date - relativedelta(years=DEFAULT_REPEAT_YEARS)

    def _iso_later_findings(self):
        """The findings whose repeat these findings decide: those that named them as the earlier one, and
        the later nonconformities on their clauses and departments."""
        if not self:
            return self
        return self.sudo().search(
            [
                ("id", "not in", self.ids),
                "|",
                ("repeat_of_id", "in", self.ids),
                "&",
                "&",
                ("clause_id", "in", self.clause_id.ids),
                ("department_id", "in", self.department_id.ids),
                "&",
                ("grade", "in", NONCONFORMITY_GRADES),
                ("date", ">=", min(self.mapped("date"))),
            ]
        )

    def _iso_mark_repeats(self):
        """One query for all: the latest earlier nonconformity on the same clause and department within the
        cycle, from another audit. A finding that is no longer a nonconformity, or has no department, is
        no longer a repeat."""
        candidates = self.filtered(lambda finding: finding.grade in NONCONFORMITY_GRADES and finding.department_id)
        earlier_of = candidates._iso_earlier_nonconformities() if candidates else {}
        for earlier, findings in self.grouped(lambda finding: earlier_of.get(finding.id, False)).items():
            changed = findings.filtered(lambda finding, earlier=earlier: finding.repeat_of_id.id != earlier)
            if changed:
                workflow(changed.sudo()).write({"repeat_of_id": earlier})

    def _iso_earlier_nonconformities(self):
        """{finding id: id of the earlier nonconformity it repeats}, for these nonconformities."""
        self.env.flush_all()
        rows = [
            (
                finding.id,
                finding.clause_id.id,
                finding.department_id.id,
                finding.audit_id.id,
                finding.date,
                finding._iso_repeat_window_start(),
            )
            for finding in self
        ]
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (new.id) new.id, earlier.id
                     FROM (SELECT * FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::date[], %s::date[]))
                          AS new(id, clause_id, department_id, audit_id, date, since)
                     JOIN iso_audit_finding earlier
                       ON earlier.clause_id = new.clause_id AND earlier.department_id = new.department_id
                      AND earlier.audit_id <> new.audit_id AND earlier.grade IN ('major', 'minor')
                      AND earlier.id <> new.id AND earlier.date BETWEEN new.since AND new.date
                      AND (earlier.date < new.date OR earlier.id < new.id)
                 ORDER BY new.id, earlier.date DESC, earlier.id DESC""",
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
                [row[3] for row in rows],
                [row[4] for row in rows],
                [row[5] for row in rows],
            )
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Answer, verify, close
    # ------------------------------------------------------------------
    def action_answer(self):
        action = self.env._("Answer finding")
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["open"])
        for finding in self:
            if not finding.answer_kind or not (finding.answer or "").strip():
                raise UserError(
                    self.env._(
                        "Answer: say what %(finding)s is answered with (its action, or the rationale) before "
                        "submitting it.",
                        finding=finding.display_name,
                    )
                )
            if not (finding.iso_writable or finding.audit_id._iso_is_team_member()):
                raise UserError(
                    self.env._(
                        "%(action)s: only the responsible of %(finding)s, its audit team or an ISO manager answers it.",
                        action=action,
                        finding=finding.display_name,
                    )
                )
        workflow(self).write(
            {"state": "answered", "answered_by_id": self.env.uid, "answered_date": fields.Date.context_today(self)}
        )

    @api.model
    def _iso_signable_operations(self):
        return {
            "verify": {
                "label": self.env._("Verify answer"),
                "meanings": ("reviewed",),
                "method": "_iso_verify",
                "may_sign": "_iso_may_verify",
            },
        }

    def _iso_may_verify(self, user):
        return self.state == "answered" and self.audit_id._iso_is_team_member(user) and user != self.answered_by_id

    def action_open_verify(self):
        one_record(self, self.env._("Verify answer"))
        self._iso_check_state(self.env._("Verify answer"), ["answered"])
        return self._iso_open_signature("verify")

    def _iso_verify(self, signer, reason=None):
        if not self._iso_may_verify(signer):
            raise UserError(
                self.env._(
                    "Verify answer: %(finding)s is verified by a member of its audit team who did not answer it, "
                    "once it is answered.",
                    finding=self.display_name,
                )
            )
        workflow(self, reason).write(
            {"state": "verified", "verified_by_id": signer.id, "verified_date": fields.Date.context_today(self)}
        )

    def action_close(self):
        action = self.env._("Close finding")
        self._iso_check_may_act(action)
        for finding in self:
            expected = ["verified"] if finding.grade in NONCONFORMITY_GRADES else ["open", "answered", "verified"]
            finding._iso_check_state(action, expected)
            if not (finding.audit_id._iso_is_team_member() or self.env.user.has_group("iso_records.group_iso_manager")):
                raise UserError(
                    self.env._(
                        "%(action)s: only the audit team of %(audit)s or an ISO manager closes its findings.",
                        action=action,
                        audit=finding.audit_id.display_name,
                    )
                )
        workflow(self).write({"state": "closed", "closed_date": fields.Date.context_today(self)})

    def _iso_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("r.name")
