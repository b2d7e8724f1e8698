from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import commit_batch, one_record
from .iso_controlled_mixin import ACTIVITY_BATCH_SIZE
from .iso_document_acknowledgement import READ_ACTIVITY

REFRESHER_ACTIVITY = "iso_records.mail_activity_type_iso_refresher"
# Employees asked to read a new revision within the approval itself; the cron asks the others.
ACKNOWLEDGEMENT_SYNC_LIMIT = ACTIVITY_BATCH_SIZE
# The fields that change who must meet a requirement, or what they must read.
SCOPE_FIELDS = {
    "active",
    "company_id",
    "job_id",
    "department_id",
    "include_subdepartments",
    "employee_ids",
    "document_id",
}


class IsoCompetenceRequirement(models.Model):
    """What a job position and/or a department requires (ISO 9001 7.2): a kind of training, a
    controlled document to read and understand, or both, with a refresher interval."""

    _name = "iso.competence.requirement"
    _description = "ISO Competence Requirement"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    job_id = fields.Many2one(
        "hr.job", string="Job Position", check_company=True, tracking=True, help="Empty: every job position."
    )
    department_id = fields.Many2one("hr.department", check_company=True, tracking=True, help="Empty: every department.")
    include_subdepartments = fields.Boolean(
        string="Sub-departments too", default=True, help="Also applies to the departments under this one."
    )
    employee_ids = fields.Many2many(
        "hr.employee",
        "iso_competence_requirement_employee_rel",
        "requirement_id",
        "employee_id",
        string="Named Employees",
        check_company=True,
        tracking=True,
        help="Empty: every employee of the job position and department. When set, the requirement applies "
        "only to these employees, within its job position and department.",
    )
    record_type_id = fields.Many2one(
        "iso.record.type",
        string="Training Type",
        check_company=True,
        tracking=True,
        domain="[('is_training', '=', True)]",
        help="The kind of training record that proves the competence.",
    )
    document_id = fields.Many2one(
        "iso.record",
        string="Document to Read",
        check_company=True,
        tracking=True,
        domain="[('kind', '=', 'document'), ('state', 'in', ('draft', 'in_review', 'effective'))]",
        help="A controlled document each employee concerned reads and understands, again at each new revision.",
    )
    document_state = fields.Selection(related="document_id.state", string="Document Status")
    refresher_interval_months = fields.Integer(
        string="Refresher Interval (months)",
        default=0,
        tracking=True,
        help="How long a training stays valid; proposes the Valid To of new trainings. 0: no refresher.",
    )
    description = fields.Text(help="What the employee must know or be able to do.")
    employee_count = fields.Integer(string="Employees", compute="_compute_matrix_counts")
    gap_count = fields.Integer(string="Gaps", compute="_compute_matrix_counts")

    @api.model
    def _iso_clause_domain(self, clause_ids):
        """Requirements serve the clauses of their kind of training and of their document to read."""
        return [
            "|",
            ("record_type_id.clause_ids", "child_of", clause_ids),
            ("document_id.clause_ids", "child_of", clause_ids),
        ]

    @api.model
    def _iso_linked_current_domain(self):
        return []

    @api.model
    def _iso_list_action(self):
        return self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_competence_requirement_action")

    @api.model
    def _iso_linked_list_context(self):
        return {}

    @api.constrains("name", "record_type_id", "document_id")
    def _check_what_is_required(self):
        for requirement in self:
            if not requirement.record_type_id and not requirement.document_id:
                raise ValidationError(
                    self.env._(
                        "%(type)s, %(document)s: requirement %(name)s asks for nothing; choose a kind of training, "
                        "a document to read and understand, or both.",
                        type=self._fields["record_type_id"].string,
                        document=self._fields["document_id"].string,
                        name=requirement.name,
                    )
                )
            if requirement.record_type_id and not requirement.record_type_id.is_training:
                raise ValidationError(
                    self.env._(
                        "%(field)s: %(type)s is not training evidence; mark it so on the record type "
                        "or choose another.",
                        field=self._fields["record_type_id"].string,
                        type=requirement.record_type_id.name,
                    )
                )
            document = requirement.document_id
            if document and document.kind != "document":
                raise ValidationError(
                    self.env._(
                        "%(field)s: %(record)s is an operational record, not a controlled document to read.",
                        field=self._fields["document_id"].string,
                        record=document.display_name,
                    )
                )
            if document.state in ("superseded", "obsolete"):
                raise ValidationError(
                    self.env._(
                        "%(field)s: %(record)s is %(state)s; choose the revision in force.",
                        field=self._fields["document_id"].string,
                        record=document.display_name,
                        state=document.state,
                    )
                )

    @api.constrains("refresher_interval_months")
    def _check_refresher_interval(self):
        for requirement in self:
            if requirement.refresher_interval_months < 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s: must be zero (no refresher) or more (got %(value)s).",
                        field=self._fields["refresher_interval_months"].string,
                        value=requirement.refresher_interval_months,
                    )
                )

    def _compute_matrix_counts(self):
        matrix = self.env["iso.competence.matrix"].sudo()
        domain = [("requirement_id", "in", self.ids)]
        totals = dict(matrix._read_group(domain, ["requirement_id"], ["__count"])) if self.ids else {}
        gaps = (
            dict(
                matrix._read_group([*domain, ("state", "in", ["expired", "missing"])], ["requirement_id"], ["__count"])
            )
            if self.ids
            else {}
        )
        for requirement in self:
            requirement.employee_count = totals.get(requirement, 0)
            requirement.gap_count = gaps.get(requirement, 0)

    @api.model_create_multi
    def create(self, vals_list):
        requirements = super().create(vals_list)
        requirements.filtered("document_id")._iso_request_acknowledgements()
        return requirements

    def write(self, vals):
        result = super().write(vals)
        if SCOPE_FIELDS & set(vals):
            self.filtered("document_id")._iso_request_acknowledgements()
        return result

    def action_view_matrix(self):
        one_record(self, self.env._("View matrix"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_competence_matrix_action_list")
        action["domain"] = [("requirement_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Read and understood
    # ------------------------------------------------------------------
    def _iso_request_acknowledgements(self):
        """Ask the employees these requirements concern to read their document, a first batch now and
        the rest by the scheduled action."""
        if not self:
            return 0
        acknowledgements = self.env["iso.document.acknowledgement"]
        asked = acknowledgements._request([("requirement_id", "in", self.ids)], limit=ACKNOWLEDGEMENT_SYNC_LIMIT)
        if asked >= ACKNOWLEDGEMENT_SYNC_LIMIT:
            self.env.ref("iso_records.ir_cron_iso_competence").sudo()._trigger()
        return asked

    @api.model
    def _iso_document_effective(self, document, previous):
        """``document`` was just approved: requirements on its previous revision move to it, open requests
        to read the previous revision are withdrawn, and the employees concerned are asked to read it."""
        requirements = self.sudo().with_context(active_test=False)
        if previous:
            previous.sudo().activity_unlink([READ_ACTIVITY])
            requirements.search([("document_id", "=", previous.id)]).write({"document_id": document.id})
        requirements.search([("document_id", "=", document.id), ("active", "=", True)])._iso_request_acknowledgements()

    # ------------------------------------------------------------------
    # Scheduled action: read requests and refresher trainings
    # ------------------------------------------------------------------
    @api.model
    def _cron_competence_reminders(self):
        asked = self._cron_request_acknowledgements()
        reminded = self._cron_schedule_refreshers()
        return asked, reminded

    @api.model
    def _cron_request_acknowledgements(self):
        """Read requests the approvals left to the cron, and those of new employees and requirements."""
        acknowledgements = self.env["iso.document.acknowledgement"]
        pending = (
            self.env["iso.competence.matrix"]
            .sudo()
            .search_count(
                [("document_required", "=", True), ("acknowledgement_id", "=", False), ("user_id", "!=", False)]
            )
        )
        done = 0
        while True:
            asked = acknowledgements._request([], limit=ACTIVITY_BATCH_SIZE)
            done += asked
            self.env["ir.cron"]._notify_progress(done=done, remaining=max(pending - done, 0))
            commit_batch(self.env.cr)
            if asked < ACTIVITY_BATCH_SIZE:
                return done

    @api.model
    def _cron_schedule_refreshers(self):
        """One refresher activity for the employee and one for their manager, when the training that
        proves a requirement expires within the days of Settings; never twice for the same expiry."""
        matrix = self.env["iso.competence.matrix"].sudo()
        __, horizon = matrix._today_and_horizon()
        rows = matrix.search_fetch(
            [("training_id", "!=", False), ("valid_to", "!=", False), ("valid_to", "<=", horizon)],
            ["training_id", "valid_to"],
        )
        expiry = {}
        for row in rows:
            training_id = row.training_id.id
            expiry[training_id] = min(expiry.get(training_id, row.valid_to), row.valid_to)
        trainings = self.env["iso.record"].sudo().browse(expiry)
        return trainings._iso_schedule_once(
            REFRESHER_ACTIVITY,
            lambda training: expiry[training.id],
            "refresher_activity_date",
            lambda training: self.env._(
                "Refresher: %(training)s of %(employee)s expires on %(date)s",
                training=training.title,
                employee=training.employee_id.name,
                date=expiry[training.id],
            ),
            users=self._iso_refresher_users,
        )

    @api.model
    def _iso_refresher_users(self, training):
        employee = training.employee_id
        users = employee.user_id | employee.parent_id.user_id
        return users or training._iso_responsible_user()
