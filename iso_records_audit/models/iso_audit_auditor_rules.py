from odoo import api, fields, models
from odoo.addons.iso_records.tools import in_workflow, text_argument, workflow
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Who must hold a qualification of the audit's standard, and who must be independent of the auditee
# (a technical expert assesses too; an observer only watches).
QUALIFIED_ROLES = ("lead", "auditor")
INDEPENDENT_ROLES = ("lead", "auditor", "expert")
# Set only by the administrator's signed override (iso.audit, operation "override").
OVERRIDE_FIELDS = ("override_signed", "override_by_id", "override_conflict")
# A change of these makes the line another member: its override, if any, no longer holds.
WHO_FIELDS = {"employee_id", "partner_id", "role", "audit_id"}
ADMINISTRATOR_GROUP = "iso_records.group_iso_administrator"
# A write of an audit checks its team once, after all its fields (team included) are written. The value
# is a Python object, so no RPC client can set it.
TEAM_CHECK_DEFERRED = object()
TEAM_CHECK_KEY = "iso_audit_team_check_deferred"


def team_check_deferred(env):
    return env.context.get(TEAM_CHECK_KEY) is TEAM_CHECK_DEFERRED


class IsoAuditAuditor(models.Model):
    """Qualified and independent auditors (ISO 9001 9.2.2 c, ISO 19011 7), enforced for every way a member
    is added or an audit changes: the qualification of the audit's standard valid on its planned start,
    independence from the audited department, process and records, and the override an ISO administrator
    justifies and signs."""

    _inherit = "iso.audit.auditor"

    override_conflict = fields.Text(
        string="Conflicts Overridden",
        readonly=True,
        copy=False,
        help="The conflicts the administrator's signed override covers; a new conflict needs a new signature.",
    )
    override_pending = fields.Boolean(compute="_compute_clearance", help="Has a conflict and an unsigned override.")

    # ------------------------------------------------------------------
    # Qualification: the training the competence matrix counts, valid on the audit's start
    # ------------------------------------------------------------------
    @api.model
    def _iso_auditor_requirements(self, audits):
        """{audit: the active competence requirements that qualify auditors of its standards}, in one query."""
        requirements = (
            self.env["iso.competence.requirement"]
            .sudo()
            .search(
                [
                    ("auditor_standard_id", "in", audits.standard_ids._origin.ids),
                    ("company_id", "in", audits.company_id._origin.ids),
                    ("record_type_id", "!=", False),
                ]
            )
        )
        return {
            audit: requirements.filtered(
                lambda requirement, audit=audit: (
                    requirement.auditor_standard_id in audit.standard_ids._origin
                    and requirement.company_id == audit.company_id._origin
                )
            )
            for audit in audits
        }

    @api.model
    def _iso_latest_trainings(self, employee_ids, requirements):
        """{(employee id, requirement id): (training id, valid from, valid to)}: the training that counts for
        the requirement in the competence matrix (the latest filed, active one of its type not evaluated not
        effective; valid to its Valid To, else its Valid From plus the refresher interval), in one query."""
        employee_ids = [employee_id for employee_id in employee_ids if isinstance(employee_id, int)]
        if not employee_ids or not requirements:
            return {}
        self.env["iso.record"].flush_model(
            [
                "employee_id",
                "record_type_id",
                "state",
                "active",
                "training_effectiveness",
                "training_valid_from",
                "training_valid_to",
            ]
        )
        requirements.flush_recordset(["record_type_id", "refresher_interval_months"])
        matrix = self.env["iso.competence.matrix"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT employee.id, requirement.id, training.id, training.training_valid_from, %s
                  FROM unnest(%s::int[]) AS employee(id)
                 CROSS JOIN iso_competence_requirement requirement
                  JOIN iso_record training ON training.id = (%s)
                 WHERE requirement.id = ANY(%s)
                """,
                matrix._valid_to_sql(),
                employee_ids,
                matrix._latest_training_sql(),
                requirements.ids,
            )
        )
        return {(employee_id, requirement_id): rest for employee_id, requirement_id, *rest in rows}

    def _iso_qualification(self, requirements, trainings):
        """(qualification note, conflict or False) of this employee auditor on the audit's planned start."""
        self.ensure_one()
        audit = self.audit_id
        on = audit.date_start or fields.Date.context_today(self)
        if not audit.standard_ids:
            return False, self.env._("Qualification: the audit names no standard to qualify its auditors against.")
        if not requirements:
            return False, self.env._(
                "Qualification: no auditor qualification is defined for %(standards)s (a competence requirement "
                "whose Qualifies Auditors of is the standard).",
                standards=", ".join(audit.standard_ids.mapped("display_name")),
            )
        expired = False
        for requirement in requirements:
            training = trainings.get((self.employee_id.id, requirement.id))
            if not training:
                continue
            __, valid_from, valid_to = training
            if not valid_from or valid_from > on:
                continue
            if valid_to and valid_to < on:
                expired = max(expired or valid_to, valid_to)
                continue
            return (
                self.env._(
                    "%(training)s valid to %(date)s",
                    training=requirement.record_type_id.name,
                    date=valid_to or self.env._("no expiry"),
                ),
                False,
            )
        trainings_named = self.env._(" or ").join(requirements.record_type_id.mapped("name"))
        if expired:
            return False, self.env._(
                "Qualification expired: %(training)s expired on %(expiry)s, before the audit's planned start %(date)s.",
                training=trainings_named,
                expiry=expired,
                date=on,
            )
        return False, self.env._(
            "Qualification missing: no valid %(training)s on the audit's planned start %(date)s.",
            training=trainings_named,
            date=on,
        )

    # ------------------------------------------------------------------
    # Independence
    # ------------------------------------------------------------------
    @api.model
    def _iso_audited_records(self, audits):
        """{audit: the ISO records its checklist lines and findings link}, and {(record id, user id)} of
        their approving signatures, in one query."""
        records = {audit: (audit.line_ids.record_ids | audit.finding_ids.record_ids)._origin for audit in audits}
        every = self.env["iso.record"].concat(*records.values()) if records else self.env["iso.record"]
        approvals = set()
        if every:
            signatures = (
                self.env["iso.signature"]
                .sudo()
                .search_fetch(
                    [("res_model", "=", "iso.record"), ("res_id", "in", every.ids), ("meaning", "=", "approved")],
                    ["res_id", "signer_id"],
                )
            )
            approvals = {(signature.res_id, signature.signer_id.id) for signature in signatures}
        return records, approvals

    def _iso_independence_conflicts(self, records, approvals):
        """The reasons this employee member is not independent of the audit's auditee."""
        self.ensure_one()
        audit, employee = self.audit_id, self.employee_id
        conflicts = []
        audited = audit.department_id
        department = employee.department_id
        if audited and department and (department.parent_path or "").startswith(audited.parent_path or "//"):
            conflicts.append(
                self.env._(
                    "Independence: works in %(department)s, the audited department %(audited)s or under it.",
                    department=department.display_name,
                    audited=audited.display_name,
                )
            )
        if employee in audit.process_owner_id | audit.programme_line_id.process_owner_id:
            conflicts.append(
                self.env._(
                    "Independence: owns the audited process %(process)s.",
                    process=audit.process or audit.programme_line_id.process or audit.display_name,
                )
            )
        user = employee.user_id
        linked = records.get(audit, self.env["iso.record"])
        if user and linked:
            authored = linked.filtered(lambda record: record.create_uid == user)
            if authored:
                conflicts.append(
                    self.env._(
                        "Independence: authored the audited records %(records)s.",
                        records=", ".join(authored.mapped("display_name")),
                    )
                )
            approved = linked.filtered(lambda record: (record.id, user.id) in approvals)
            if approved:
                conflicts.append(
                    self.env._(
                        "Independence: approved the audited records %(records)s.",
                        records=", ".join(approved.mapped("display_name")),
                    )
                )
        if self.role == "lead":
            managed = (audit.auditee_employee_ids | audit.process_owner_id).filtered(
                lambda auditee: auditee.parent_id == employee
            )
            if audited.manager_id == employee or managed:
                conflicts.append(
                    self.env._(
                        "Independence: the lead auditor is the manager of the auditee %(auditee)s.",
                        auditee=", ".join(managed.mapped("name")) or audited.display_name,
                    )
                )
        return conflicts

    # ------------------------------------------------------------------
    # Clearance of a batch of members: a few queries, whatever their number
    # ------------------------------------------------------------------
    def _iso_clearance(self):
        """{member id: (qualification note, [conflicts])}, read as superuser: the rules hold whoever asks."""
        members = self.sudo()
        # Would-be members (new records) do not prefetch their employees together: read them at once.
        people = members.employee_id._origin
        people.fetch(["name", "department_id", "user_id", "parent_id"])
        people.department_id.fetch(["parent_path", "complete_name"])
        employees = members.filtered("employee_id")
        audits = employees.audit_id
        requirements = self._iso_auditor_requirements(audits)
        qualified = employees.filtered(lambda member: member.role in QUALIFIED_ROLES)
        every_requirement = self.env["iso.competence.requirement"].sudo().concat(*requirements.values())
        trainings = self._iso_latest_trainings(qualified.employee_id._origin.ids, every_requirement)
        independent = employees.filtered(lambda member: member.role in INDEPENDENT_ROLES)
        records, approvals = self._iso_audited_records(independent.audit_id)
        result = {}
        for member in members:
            note, conflicts = False, []
            if member in qualified:
                requirement = requirements.get(member.audit_id, every_requirement.browse())
                note, conflict = member._iso_qualification(requirement, trainings)
                conflicts += [conflict] if conflict else []
            elif member.partner_id:
                note = self.env._("External, for %(body)s", body=member.body_id.display_name or "?")
            if member in independent:
                conflicts += member._iso_independence_conflicts(records, approvals)
            result[member.id] = (note, conflicts)
        return result

    @api.depends(
        "role",
        "employee_id",
        "partner_id",
        "body_id",
        "override_reason",
        "override_signed",
        "audit_id.department_id",
        "audit_id.process_owner_id",
        "audit_id.auditee_employee_ids",
        "audit_id.date_start",
        "audit_id.standard_ids",
        "audit_id.programme_line_id",
    )
    def _compute_clearance(self):
        clearance = self._iso_clearance()
        for member in self:
            note, conflicts = clearance[member.id]
            member.qualification_note = note
            member.conflict_note = "\n".join(conflicts) or False
            member.override_pending = bool(
                conflicts and (member.override_reason or "").strip() and not member.override_signed
            )

    def _iso_check_team_rules(self):
        """Refuse a member with a conflict unless an ISO administrator justified keeping them; a signed
        override that no longer covers the member's conflicts waits for a new signature."""
        members = self.sudo().exists()
        clearance = members._iso_clearance()
        outdated = members.browse()
        for member in members:
            conflicts = "\n".join(clearance[member.id][1])
            if conflicts and not (member.override_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Audit team of %(audit)s: %(member)s may not be %(role)s: %(conflicts)s Choose another "
                        "member, or an ISO administrator keeps them with an override justification.",
                        audit=member.audit_id.display_name,
                        member=member.name,
                        role=dict(self._fields["role"]._description_selection(self.env)).get(member.role),
                        conflicts=conflicts.replace("\n", " "),
                    )
                )
            if member.override_signed and conflicts != (member.override_conflict or ""):
                outdated |= member
        if outdated:
            workflow(outdated).write({"override_signed": False, "override_by_id": False, "override_conflict": False})

    # ------------------------------------------------------------------
    # The override: justified by an ISO administrator, signed on the audit
    # ------------------------------------------------------------------
    def _iso_check_override_values(self, vals):
        if in_workflow(self.env):
            return
        protected = [name for name in OVERRIDE_FIELDS if name in vals]
        if protected:
            raise UserError(
                self.env._(
                    "%(fields)s: set only when an ISO administrator signs the override (Sign override on the audit).",
                    fields=", ".join(self._fields[name].string for name in protected),
                )
            )
        if "override_reason" in vals:
            label = self._fields["override_reason"].string
            vals["override_reason"] = text_argument(self.env, vals["override_reason"], label) or False
            changes = vals["override_reason"] or any(self.mapped("override_reason"))
            if changes and not (self.env.su or self.env.user.has_group(ADMINISTRATOR_GROUP)):
                raise UserError(
                    self.env._(
                        "%(field)s: only an ISO administrator may justify keeping a team member with a conflict.",
                        field=label,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._iso_check_override_values(vals)
        members = super().create(vals_list)
        if not team_check_deferred(self.env):
            members._iso_check_team_rules()
        return members

    def write(self, vals):
        self._iso_check_override_values(vals)
        result = super().write(vals)
        if (WHO_FIELDS | {"override_reason"}) & set(vals):
            # Another person, role or justification: a signed override does not carry over, nor does the
            # justification given for the previous person.
            reset = {"override_signed": False, "override_by_id": False, "override_conflict": False}
            if "override_reason" not in vals:
                reset["override_reason"] = False
            stale = self.filtered(
                lambda member: member.override_signed or not vals.get("override_reason") and member.override_reason
            )
            if stale:
                workflow(stale).write(reset)
        if (WHO_FIELDS | {"override_reason"}) & set(vals) and not team_check_deferred(self.env):
            self._iso_check_team_rules()
        return result
