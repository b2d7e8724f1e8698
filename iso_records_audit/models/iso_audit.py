from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, text_argument, workflow
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression as Domain
from odoo.tools import SQL, html2plaintext

AUDIT_TYPES = [
    ("internal", "Internal (first party)"),
    ("external", "External (certification body)"),
    ("supplier", "Supplier (second party)"),
]
AUDIT_STATES = [
    ("planned", "Planned"),
    ("preparation", "Preparation"),
    ("fieldwork", "Fieldwork"),
    ("reporting", "Reporting"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# The stages in order, each with the one that follows it.
NEXT_STAGE = {"planned": "preparation", "preparation": "fieldwork", "fieldwork": "reporting"}


class IsoAudit(models.Model):
    """An audit (ISO 9001 9.2, ISO 19011): internal, by a certification body or of a supplier, run by a
    qualified and independent team through planned, preparation, fieldwork and reporting to a closing
    signed by the lead auditor and acknowledged by the auditee."""

    _name = "iso.audit"
    _description = "ISO Audit"
    _inherit = ["iso.controlled.mixin"]
    _order = "date_start desc, id desc"
    _rec_names_search = ["name", "title"]
    _iso_workflow_only = (
        "name",
        "state",
        "date_done",
        "closed_by_id",
        "acknowledged_by_id",
        "acknowledged_date",
        "lead_reminder_date",
    )
    _iso_locked_states = ("closed", "cancelled")
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_retention_event_date_fields = {"closed": "date_done"}
    _iso_hold_date_field = "date_start"
    _iso_trail_extra_fields = ("state", "scope", "criteria", "objectives", "summary", "conclusion")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    audit_type = fields.Selection(AUDIT_TYPES, string="Type", required=True, default="internal", tracking=True)
    state = fields.Selection(
        AUDIT_STATES, string="Stage", default="planned", required=True, readonly=True, tracking=True, index=True
    )
    body_id = fields.Many2one(
        "res.partner",
        string="Certification Body",
        check_company=True,
        tracking=True,
        help="External audits: the certification or registration body that audits.",
    )
    programme_id = fields.Many2one("iso.audit.programme", check_company=True, index=True)
    programme_line_id = fields.Many2one(
        "iso.audit.programme.line",
        check_company=True,
        index="btree_not_null",
        domain="[('programme_id', '=', programme_id)]",
    )
    standard_ids = fields.Many2many("iso.standard", string="Standards", tracking=True)
    clause_ids = fields.Many2many(
        "iso.clause",
        string="Clauses",
        domain="[('standard_id', 'in', standard_ids)]",
        help="The clauses this audit covers; the checklist is loaded from them.",
    )
    process = fields.Char(tracking=True, help="The process audited, e.g. Purchasing.")
    process_owner_id = fields.Many2one("hr.employee", check_company=True, tracking=True)
    auditee_employee_ids = fields.Many2many(
        "hr.employee",
        "iso_audit_auditee_rel",
        "audit_id",
        "employee_id",
        string="Auditees",
        check_company=True,
        help="The people interviewed.",
    )
    scope = fields.Text(help="What the audit covers: sites, processes, activities, period.")
    criteria = fields.Text(help="What it is measured against: the standard, procedures, contracts, law.")
    objectives = fields.Text()
    date_start = fields.Date(string="Planned Start", required=True, tracking=True, index=True)
    date_end = fields.Date(string="Planned End", required=True, tracking=True)
    actual_date_start = fields.Date(string="Actual Start", tracking=True, copy=False)
    actual_date_end = fields.Date(string="Actual End", tracking=True, copy=False)
    date_done = fields.Date(string="Closed on", readonly=True, copy=False)
    cancel_reason = fields.Text(tracking=True, copy=False)
    auditor_ids = fields.One2many("iso.audit.auditor", "audit_id", string="Audit Team", copy=False)
    lead_auditor_id = fields.Many2one("iso.audit.auditor", compute="_compute_lead_auditor", store=True, index=True)
    lead_auditor_name = fields.Char(related="lead_auditor_id.name", string="Lead Auditor Name")
    lead_auditor_user_id = fields.Many2one("res.users", compute="_compute_lead_auditor", store=True, index=True)
    team_user_ids = fields.Many2many(
        "res.users", string="Team Users", compute="_compute_team_user_ids", search="_search_team_user_ids"
    )
    opening_meeting_date = fields.Datetime(string="Opening Meeting")
    opening_meeting_notes = fields.Html()
    opening_attendee_ids = fields.Many2many(
        "hr.employee", "iso_audit_opening_attendee_rel", "audit_id", "employee_id", string="Opening Attendees"
    )
    closing_meeting_date = fields.Datetime(string="Closing Meeting")
    closing_meeting_notes = fields.Html()
    closing_attendee_ids = fields.Many2many(
        "hr.employee", "iso_audit_closing_attendee_rel", "audit_id", "employee_id", string="Closing Attendees"
    )
    line_ids = fields.One2many("iso.audit.line", "audit_id", string="Checklist", copy=True)
    finding_ids = fields.One2many("iso.audit.finding", "audit_id", string="Findings")
    finding_count = fields.Integer(compute="_compute_finding_counts")
    major_count = fields.Integer(string="Major Nonconformities", compute="_compute_finding_counts")
    minor_count = fields.Integer(string="Minor Nonconformities", compute="_compute_finding_counts")
    line_count = fields.Integer(string="Checklist Lines", compute="_compute_line_counts")
    line_answered_count = fields.Integer(string="Lines Answered", compute="_compute_line_counts")
    summary = fields.Html(string="Report Summary", copy=False, help="Needed to close the audit.")
    conclusion = fields.Text(copy=False, help="The audit team's conclusion on the conformity and effectiveness.")
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", string="Acknowledged by", readonly=True, copy=False)
    acknowledged_date = fields.Datetime(string="Acknowledged on", readonly=True, copy=False)
    lead_reminder_date = fields.Date(
        readonly=True, copy=False, help="The planned start the lead auditor was last reminded of."
    )
    color = fields.Integer(compute="_compute_color")

    # ------------------------------------------------------------------
    # Team
    # ------------------------------------------------------------------
    @api.depends("auditor_ids.role", "auditor_ids.employee_id.user_id")
    def _compute_lead_auditor(self):
        for audit in self:
            lead = audit.auditor_ids.filtered(lambda member: member.role == "lead")[:1]
            audit.lead_auditor_id = lead
            audit.lead_auditor_user_id = lead.employee_id.user_id

    @api.depends("auditor_ids.employee_id.user_id")
    def _compute_team_user_ids(self):
        for audit in self:
            audit.team_user_ids = audit.sudo().auditor_ids.employee_id.user_id

    def _search_team_user_ids(self, operator, value):
        if operator not in ("in", "=") or not value:
            raise UserError(self.env._("Team Users: search with 'in' or '=' a user."))
        return [("auditor_ids", "any", [("employee_id.user_id", operator, value)])]

    def _compute_department_id(self):
        # The auditee department is given, never taken from the owner: a supplier or external audit has none,
        # and the lead auditor's own department is exactly the one they may not audit.
        for audit in self:
            audit.department_id = audit.department_id

    @api.model
    def _iso_participant_domain(self, uid):
        return [[("auditor_ids.employee_id.user_id", "=", uid)]]

    @api.model
    def _iso_reader_domain(self, uid):
        # The auditees read the audit they take part in (and acknowledge its report), confidential ones too;
        # they change nothing, and a restricted audit stays with its owner, team and named readers.
        auditees = Domain.OR(
            [
                [("process_owner_id.user_id", "=", uid)],
                [("department_id.manager_id.user_id", "=", uid)],
                [("auditee_employee_ids.user_id", "=", uid)],
            ]
        )
        return [Domain.AND([[("confidentiality", "!=", "restricted")], auditees])]

    def _iso_is_team_member(self, user=None):
        self.ensure_one()
        return (user or self.env.user) in self.sudo().auditor_ids.employee_id.user_id

    # ------------------------------------------------------------------
    # Counts and colours
    # ------------------------------------------------------------------
    @api.depends("finding_ids.grade")
    def _compute_finding_counts(self):
        groups = self.env["iso.audit.finding"]._read_group(
            [("audit_id", "in", self.ids)], ["audit_id", "grade"], ["__count"]
        )
        counts = {}
        for audit, grade, count in groups:
            counts.setdefault(audit.id, {})[grade] = count
        for audit in self:
            per_grade = counts.get(audit.id, {})
            audit.finding_count = sum(per_grade.values())
            audit.major_count = per_grade.get("major", 0)
            audit.minor_count = per_grade.get("minor", 0)

    @api.depends("line_ids.result")
    def _compute_line_counts(self):
        for audit in self:
            audit.line_count = len(audit.line_ids)
            audit.line_answered_count = len(audit.line_ids.filtered("result"))

    @api.depends("state", "date_start")
    def _compute_color(self):
        today = fields.Date.context_today(self)
        for audit in self:
            late = audit.state in ("planned", "preparation") and audit.date_start and audit.date_start < today
            audit.color = (
                1 if late else {"closed": 10, "cancelled": 0, "fieldwork": 4, "reporting": 3}.get(audit.state, 0)
            )

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end", "actual_date_start", "actual_date_end")
    def _check_dates(self):
        for audit in self:
            if audit.date_start and audit.date_end and audit.date_end < audit.date_start:
                raise ValidationError(
                    self.env._(
                        "Planned End of %(audit)s: %(end)s is before the planned start %(start)s.",
                        audit=audit.display_name,
                        end=audit.date_end,
                        start=audit.date_start,
                    )
                )
            if audit.actual_date_start and audit.actual_date_end and audit.actual_date_end < audit.actual_date_start:
                raise ValidationError(
                    self.env._(
                        "Actual End of %(audit)s: %(end)s is before the actual start %(start)s.",
                        audit=audit.display_name,
                        end=audit.actual_date_end,
                        start=audit.actual_date_start,
                    )
                )

    @api.constrains("audit_type", "body_id", "partner_id")
    def _check_type_links(self):
        for audit in self:
            if audit.audit_type == "external" and not audit.body_id:
                raise ValidationError(
                    self.env._(
                        "Certification Body: the external audit %(audit)s needs the body that audits.",
                        audit=audit.display_name,
                    )
                )
            if audit.audit_type == "supplier" and not audit.partner_id:
                raise ValidationError(
                    self.env._(
                        "Supplier: the supplier audit %(audit)s needs the supplier audited.", audit=audit.display_name
                    )
                )

    @api.constrains("clause_ids", "standard_ids")
    def _check_clauses_of_standards(self):
        for audit in self:
            stray = audit.clause_ids - audit.clause_ids.filtered_domain([("standard_id", "in", audit.standard_ids.ids)])
            if stray:
                raise ValidationError(
                    self.env._(
                        "Clauses of %(audit)s: %(clauses)s belong to no standard of the audit; add the standard or "
                        "remove the clause.",
                        audit=audit.display_name,
                        clauses=", ".join(stray.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model
    def _iso_prepare_create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("iso.audit") or "/"
        return super()._iso_prepare_create(vals_list)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for audit in self:
            audit.display_name = f"{audit.name} {audit.title or ''}".strip() if audit.name != "/" else audit.title

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------
    def _check_may_run(self, action):
        """Moving an audit through its stages: its audit team, or an ISO manager."""
        self._iso_check_may_act(action)
        if self.env.su or self.env.user.has_group("iso_records.group_iso_manager"):
            return
        for audit in self:
            if not audit._iso_is_team_member():
                raise UserError(
                    self.env._(
                        "%(action)s: only the audit team of %(audit)s or an ISO manager may do this.",
                        action=action,
                        audit=audit.display_name,
                    )
                )

    def _iso_check_team_ready(self, action):
        for audit in self:
            if not audit.lead_auditor_id:
                raise UserError(
                    self.env._(
                        "%(action)s: %(audit)s has no lead auditor; add one to the audit team.",
                        action=action,
                        audit=audit.display_name,
                    )
                )
            audit.auditor_ids._iso_check_cleared(action)

    def action_prepare(self):
        action = self.env._("Start preparation")
        self._iso_check_state(action, ["planned"])
        self._check_may_run(action)
        self._iso_check_team_ready(action)
        for audit in self:
            if not audit.line_ids:
                audit._load_checklist()
        workflow(self).write({"state": "preparation"})

    def action_start_fieldwork(self):
        action = self.env._("Start fieldwork")
        self._iso_check_state(action, ["preparation"])
        self._check_may_run(action)
        self._iso_check_team_ready(action)
        for audit in self:
            if not audit.line_ids:
                raise UserError(
                    self.env._(
                        "Checklist: %(audit)s has no checklist line; load a checklist or add questions first.",
                        audit=audit.display_name,
                    )
                )
            values = {"state": "fieldwork"}
            if not audit.actual_date_start:
                values["actual_date_start"] = fields.Date.context_today(self)
            workflow(audit).write(values)

    def action_start_reporting(self):
        action = self.env._("Start reporting")
        self._iso_check_state(action, ["fieldwork"])
        self._check_may_run(action)
        for audit in self:
            unanswered = audit.line_ids.filtered(lambda line: not line.result)
            if unanswered:
                raise UserError(
                    self.env._(
                        "Result: %(count)s checklist line(s) of %(audit)s have no result yet (first: %(question)s); "
                        "record a result for each, not applicable included.",
                        count=len(unanswered),
                        audit=audit.display_name,
                        question=unanswered[0].question,
                    )
                )
            values = {"state": "reporting"}
            if not audit.actual_date_end:
                values["actual_date_end"] = fields.Date.context_today(self)
            workflow(audit).write(values)

    def action_cancel(self):
        action = self.env._("Cancel audit")
        self._iso_check_state(action, ["planned", "preparation", "fieldwork", "reporting"])
        self._check_may_run(action)
        for audit in self:
            if not (audit.cancel_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Cancel Reason: say why %(audit)s is cancelled before cancelling it.", audit=audit.display_name
                    )
                )
        workflow(self, self.cancel_reason if len(self) == 1 else None).write({"state": "cancelled"})

    def action_reset_to_planned(self):
        """Back to planned, e.g. to change the team before fieldwork."""
        action = self.env._("Back to planned")
        self._iso_check_state(action, ["preparation"])
        self._check_may_run(action)
        workflow(self).write({"state": "planned"})

    def _iso_check_findings_allowed(self):
        """Findings are raised by the audit team (or an ISO administrator) while the audit is under way."""
        action = self.env._("Raise finding")
        self._iso_check_state(action, ["preparation", "fieldwork", "reporting"])
        if self.env.su or self.env.user.has_group("iso_records.group_iso_administrator"):
            return
        for audit in self:
            if not audit._iso_is_team_member():
                raise UserError(
                    self.env._(
                        "%(action)s: only the audit team of %(audit)s raises its findings.",
                        action=action,
                        audit=audit.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Checklist
    # ------------------------------------------------------------------
    def _load_checklist(self):
        """Lines from the templates' questions of the audit's clauses (and their sub-clauses); a question the
        checklist already asks on its clause is not asked twice."""
        self.ensure_one()
        if not self.clause_ids:
            return
        questions = self.env["iso.audit.checklist.question"].search(
            [
                ("template_id.active", "=", True),
                ("template_id.company_id", "in", [False, self.company_id.id]),
                ("clause_id", "child_of", self.clause_ids.ids),
            ]
        )
        asked = {(line.clause_id.id, (line.question or "").strip()) for line in self.line_ids}
        questions = questions.filtered(
            lambda question: (question.clause_id.id, (question.question or "").strip()) not in asked
        )
        start = max(self.line_ids.mapped("sequence"), default=-1) + 1
        self.env["iso.audit.line"].create(
            [
                {
                    "audit_id": self.id,
                    "sequence": start + index,
                    "clause_id": question.clause_id.id,
                    "question": question.question,
                    "guidance": question.guidance,
                }
                for index, question in enumerate(
                    questions.sorted(lambda question: (question.clause_id.sort_key, question.sequence, question.id))
                )
            ]
        )

    def action_load_checklist(self):
        one_record(self, self.env._("Load checklist"))
        self._iso_check_state(self.env._("Load checklist"), ["planned", "preparation"])
        self._load_checklist()
        return True

    # ------------------------------------------------------------------
    # Signatures: closing by the lead auditor, acknowledgement by the auditee
    # ------------------------------------------------------------------
    @api.model
    def _iso_signable_operations(self):
        return {
            "close": {
                "label": self.env._("Close audit"),
                "meanings": ("closed",),
                "method": "_iso_close",
                "may_sign": "_iso_may_close",
            },
            "acknowledge": {
                "label": self.env._("Acknowledge report"),
                "meanings": ("reviewed",),
                "method": "_iso_acknowledge",
                "may_sign": "_iso_may_acknowledge",
            },
        }

    def _iso_may_close(self, user):
        return self.state == "reporting" and self.lead_auditor_user_id == user

    def _iso_auditee_users(self):
        self.ensure_one()
        audit = self.sudo()
        return (
            audit.process_owner_id.user_id | audit.department_id.manager_id.user_id | audit.auditee_employee_ids.user_id
        )

    def _iso_may_acknowledge(self, user):
        return self.state == "closed" and not self.acknowledged_by_id and user in self._iso_auditee_users()

    def _iso_check_closable(self):
        self.ensure_one()
        if not html2plaintext(self.summary or "").strip():
            raise UserError(
                self.env._("Report Summary: write the summary of %(audit)s before closing it.", audit=self.display_name)
            )
        unanswered = self.finding_ids.filtered(lambda finding: finding.grade == "major" and finding.state == "open")
        if unanswered:
            raise UserError(
                self.env._(
                    "Major finding %(finding)s of %(audit)s is not answered: record its action, its CAPA or the "
                    "rationale before closing the audit.",
                    finding=unanswered[0].display_name,
                    audit=self.display_name,
                )
            )

    def action_open_close(self):
        one_record(self, self.env._("Close audit"))
        self._iso_check_state(self.env._("Close audit"), ["reporting"])
        self._iso_check_closable()
        return self._iso_open_signature("close")

    def _iso_close(self, signer, reason=None):
        self._iso_check_state(self.env._("Close audit"), ["reporting"])
        if self.lead_auditor_user_id != signer:
            raise UserError(
                self.env._(
                    "Close audit: only the lead auditor of %(audit)s (%(lead)s) signs its closing.",
                    audit=self.display_name,
                    lead=self.lead_auditor_id.name or self.env._("none"),
                )
            )
        self._iso_check_closable()
        workflow(self, reason).write(
            {
                "state": "closed",
                "date_done": fields.Date.context_today(self),
                "closed_by_id": signer.id,
                "actual_date_end": self.actual_date_end or fields.Date.context_today(self),
            }
        )
        auditees = self._iso_may_act_users(self._iso_auditee_users())
        summary = self.env._("Acknowledge the report of audit %s", self.display_name)
        for user in auditees[:1]:
            self.sudo().activity_schedule(
                "iso_records.mail_activity_type_iso_approval", user_id=user.id, summary=summary
            )

    def action_open_acknowledge(self):
        one_record(self, self.env._("Acknowledge report"))
        return self._iso_open_signature("acknowledge")

    def _iso_acknowledge(self, signer, reason=None):
        if not self._iso_may_acknowledge(signer):
            raise UserError(
                self.env._(
                    "Acknowledge report: %(user)s is not an auditee of the closed audit %(audit)s, or it is "
                    "already acknowledged.",
                    user=signer.name,
                    audit=self.display_name,
                )
            )
        # The auditee acknowledges a report they may read but not change: the workflow writes it for them.
        workflow(self.sudo(), reason).write(
            {"acknowledged_by_id": signer.id, "acknowledged_date": fields.Datetime.now()}
        )
        self.sudo().activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref("iso_records.mail_activity_type_iso_approval")
        ).action_feedback(feedback=self.env._("Acknowledged by %s", signer.name))

    # ------------------------------------------------------------------
    # Previous findings: what the team should look at before fieldwork
    # ------------------------------------------------------------------
    def _iso_previous_findings_domain(self):
        self.ensure_one()
        branches = []
        if self.department_id:
            branches.append([("department_id", "child_of", self.department_id.id)])
        if self.clause_ids:
            branches.append([("clause_id", "child_of", self.clause_ids.ids)])
        if not branches:
            return Domain.FALSE_DOMAIN
        return Domain.AND(
            [
                [("company_id", "=", self.company_id.id), ("audit_id", "!=", self.id)],
                [("audit_id.date_start", "<=", self.date_start)] if self.date_start else [],
                Domain.OR(branches),
            ]
        )

    previous_finding_ids = fields.Many2many(
        "iso.audit.finding", string="Previous Findings", compute="_compute_previous_findings"
    )
    previous_open_count = fields.Integer(string="Previous Findings Open", compute="_compute_previous_findings")

    @api.depends("department_id", "clause_ids", "date_start", "company_id")
    @api.depends_context("uid")
    def _compute_previous_findings(self):
        for audit in self:
            if not audit.id:
                audit.previous_finding_ids = False
                audit.previous_open_count = 0
                continue
            findings = self.env["iso.audit.finding"].search(audit._iso_previous_findings_domain(), limit=200)
            audit.previous_finding_ids = findings
            audit.previous_open_count = len(findings.filtered(lambda finding: finding.state != "closed"))

    def action_view_previous_findings(self):
        one_record(self, self.env._("Previous findings"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_finding_action")
        action["domain"] = self._iso_previous_findings_domain()
        action["context"] = {"create": False}
        return action

    def action_view_findings(self):
        one_record(self, self.env._("Findings"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_finding_action")
        action["domain"] = [("audit_id", "=", self.id)]
        action["context"] = {"default_audit_id": self.id}
        return action

    def write(self, vals):
        if "cancel_reason" in vals:
            vals["cancel_reason"] = text_argument(self.env, vals["cancel_reason"], self._fields["cancel_reason"].string)
        return super().write(vals)
