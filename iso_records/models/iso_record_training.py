from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import one_record, text_argument, workflow

TRAINING_EFFECTIVENESS = [
    ("effective", "Effective"),
    ("partly", "Partly effective"),
    ("not_effective", "Not effective"),
]


class IsoRecord(models.Model):
    """Training evidence (ISO 9001 7.2) on records whose type is marked as training, and read and
    understood of the controlled documents a competence requirement names."""

    _inherit = "iso.record"  # pylint: disable=consider-merging-classes-inherited
    _iso_workflow_only = (
        "refresher_activity_date",
        "training_effectiveness",
        "training_effectiveness_note",
        "training_evaluated_by_id",
        "training_evaluation_date",
    )

    is_training = fields.Boolean(related="record_type_id.is_training")
    training_valid_from = fields.Date(string="Valid From", tracking=True, copy=False)
    training_valid_to = fields.Date(
        string="Valid To",
        compute="_compute_training_valid_to",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="Proposed from the refresher interval of the employee's competence requirements. "
        "Empty: valid until the requirement's refresher interval, if any, has passed.",
    )
    trainer_id = fields.Many2one("hr.employee", check_company=True, tracking=True)
    training_provider_id = fields.Many2one("res.partner", check_company=True, tracking=True, help="External trainer.")
    training_effectiveness = fields.Selection(
        TRAINING_EFFECTIVENESS,
        string="Effectiveness",
        readonly=True,
        copy=False,
        tracking=True,
        help="Set by an ISO manager with Evaluate effectiveness. A training found not effective is no "
        "evidence of competence.",
    )
    training_effectiveness_note = fields.Text(string="Effectiveness Evaluation", readonly=True, copy=False)
    training_evaluated_by_id = fields.Many2one("res.users", string="Evaluated by", readonly=True, copy=False)
    training_evaluation_date = fields.Date(string="Evaluated on", readonly=True, copy=False)
    refresher_activity_date = fields.Date(
        readonly=True, copy=False, help="Expiry date for which the refresher activities were already given."
    )
    # Read and understood (controlled documents required by a competence requirement).
    acknowledgement_pending = fields.Boolean(
        string="Read and Understood Pending",
        compute="_compute_acknowledgement_pending",
        search="_search_acknowledgement_pending",
    )
    acknowledgement_count = fields.Integer(string="Acknowledgements", compute="_compute_acknowledgement_count")

    @api.depends("record_type_id")
    @api.depends("owner_id", "employee_id", "record_type_id")
    def _compute_department_id(self):
        # A training belongs to the trained employee's department: their manager reads it.
        trainings = self.filtered(lambda record: record.is_training and record.employee_id.department_id)
        for record in trainings:
            record.department_id = record.employee_id.department_id
        return super(IsoRecord, self - trainings)._compute_department_id()

    @api.depends("training_valid_from", "employee_id", "record_type_id")
    def _compute_training_valid_to(self):
        trainings = self.filtered(
            lambda record: record.training_valid_from and record.employee_id and record.record_type_id.is_training
        )
        months = self.env["iso.competence.matrix"]._refresher_months(trainings.employee_id, trainings.record_type_id)
        for record in self:
            interval = months.get((record.employee_id.id, record.record_type_id.id)) if record in trainings else 0
            if interval:
                record.training_valid_to = record.training_valid_from + relativedelta(months=interval)
            else:
                record.training_valid_to = record.training_valid_to

    @api.constrains("training_valid_from", "training_valid_to")
    def _check_training_validity(self):
        for record in self:
            if (
                record.training_valid_from
                and record.training_valid_to
                and record.training_valid_to < record.training_valid_from
            ):
                raise ValidationError(
                    self.env._(
                        "%(to_field)s: %(record)s cannot end on %(valid_to)s, before its %(from_field)s "
                        "(%(valid_from)s).",
                        to_field=self._fields["training_valid_to"].string,
                        from_field=self._fields["training_valid_from"].string,
                        record=record.display_name,
                        valid_to=record.training_valid_to,
                        valid_from=record.training_valid_from,
                    )
                )

    def _check_training_ready(self, action):
        for record in self.filtered("is_training"):
            if not record.employee_id:
                raise UserError(
                    self.env._(
                        "%(field)s: %(action)s %(record)s needs the trained employee; a training record is "
                        "evidence of one person's competence.",
                        field=self._fields["employee_id"].string,
                        action=action,
                        record=record.display_name,
                    )
                )

    @api.model
    def _iso_documents_to_read(self, document_domain):
        """The ids of the effective documents among ``document_domain`` that the current user's job
        requires them to read and have not acknowledged yet."""
        groups = (
            self.env["iso.competence.matrix"]
            .sudo()
            ._read_group(
                [
                    ("document_id", "any", [("kind", "=", "document"), ("state", "=", "effective"), *document_domain]),
                    ("user_id", "=", self.env.uid),
                    ("document_required", "=", True),
                    ("acknowledgement_id", "=", False),
                ],
                ["document_id"],
            )
        )
        return {document.id for (document,) in groups}

    @api.depends_context("uid")
    def _compute_acknowledgement_pending(self):
        real = self.filtered("id")
        pending = self._iso_documents_to_read([("id", "in", real.ids)]) if real else set()
        for record in self:
            record.acknowledgement_pending = record.id in pending

    def _search_acknowledgement_pending(self, operator, value):
        wanted = self._iso_boolean_search(self._fields["acknowledgement_pending"].string, operator, value)
        pending = list(self._iso_documents_to_read([]))
        return [("id", "in" if wanted else "not in", pending)]

    @api.depends_context("uid")
    def _compute_acknowledgement_count(self):
        acknowledgements = self.env["iso.document.acknowledgement"]
        counts = {}
        if acknowledgements.has_access("read") and self.revision_id:
            counts = dict(
                acknowledgements._read_group(
                    [("revision_id", "in", self.revision_id.ids), ("state", "=", "acknowledged")],
                    ["revision_id"],
                    ["__count"],
                )
            )
        for record in self:
            record.acknowledgement_count = counts.get(record.revision_id, 0)

    def action_acknowledge(self):
        """The current user's employee has read and understood the revision in force."""
        one_record(self, self.env._("I have read and understood"))
        self.env["iso.document.acknowledgement"]._acknowledge(self)
        return True

    def _iso_acknowledge_as(self, user_id):
        """Server-side read and understood for data files (never reachable over RPC)."""
        for record in self:
            record.with_user(user_id).action_acknowledge()

    def action_view_acknowledgements(self):
        one_record(self, self.env._("Acknowledgements"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_document_acknowledgement_action")
        action["domain"] = [("document_reference", "=", self.name), ("company_id", "=", self.company_id.id)]
        action["context"] = {"search_default_group_by_revision": 1}
        return action

    def action_open_training_evaluation(self):
        label = self.env._("Evaluate effectiveness")
        one_record(self, label)
        self._check_training(label)
        self._check_manager(label)
        return {
            "type": "ir.actions.act_window",
            "name": label,
            "res_model": "iso.training.evaluation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_record_id": self.id,
                "default_effectiveness": self.training_effectiveness,
                "default_note": self.training_effectiveness_note,
            },
        }

    def _check_training(self, action):
        for record in self:
            if not record.is_training:
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is not a training record (its type is not training evidence).",
                        action=action,
                        record=record.display_name,
                    )
                )

    def _iso_evaluate_training(self, effectiveness, note):
        """Record how effective the training was (ISO 9001 7.2 c), also on a filed, locked record."""
        label = self.env._("Evaluate effectiveness")
        self._check_training(label)
        self._check_manager(label)
        note = text_argument(self.env, note, self._fields["training_effectiveness_note"].string)
        if not isinstance(effectiveness, str) or effectiveness not in dict(TRAINING_EFFECTIVENESS):
            raise UserError(self.env._("Effectiveness: choose how effective the training was."))
        if effectiveness != "effective" and not (note or "").strip():
            raise UserError(
                self.env._(
                    "Effectiveness Evaluation: say why the training was %(value)s.",
                    value=dict(TRAINING_EFFECTIVENESS)[effectiveness].lower(),
                )
            )
        workflow(self, self.env._("Training effectiveness evaluated")).write(
            {
                "training_effectiveness": effectiveness,
                "training_effectiveness_note": note,
                "training_evaluated_by_id": self.env.uid,
                "training_evaluation_date": fields.Date.context_today(self),
            }
        )
        return True
