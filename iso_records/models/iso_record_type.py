from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import iso_int_param, one_record
from .iso_controlled_mixin import CONFIDENTIALITY

RECORD_KINDS = [("document", "Controlled document"), ("record", "Operational record")]


class IsoRecordType(models.Model):
    _name = "iso.record.type"
    _description = "ISO Record Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        RECORD_KINDS,
        required=True,
        default="record",
        help="Controlled documents are revised and approved; operational records are filed once and locked.",
    )
    category = fields.Selection(
        [
            ("system", "Management system"),
            ("operation", "Operation"),
            ("people", "People"),
            ("supplier", "Suppliers"),
            ("improvement", "Improvement"),
        ],
        required=True,
        default="operation",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", help="Leave empty to share the type between companies.")
    clause_ids = fields.Many2many("iso.clause", string="Clauses", help="The requirements this type is evidence for.")
    sequence_prefix = fields.Char(required=True, help="Prefix of the references of records of this type, e.g. PRO.")
    sequence_id = fields.Many2one("ir.sequence", string="Reference Sequence", readonly=True, copy=False)
    review_interval_months = fields.Integer(
        string="Review Interval (months)", default=12, help="Controlled documents are reviewed at this interval."
    )
    approval_required = fields.Boolean(
        default=True, help="Filing or approving needs an e-signature with the signer's password."
    )
    default_confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="internal")
    retention_policy_id = fields.Many2one(
        "iso.retention.policy",
        help="How long records of this type are kept, from which event, and what happens then. New types "
        "take the default policy of Settings; records take their type's policy when they are created.",
    )
    without_retention_policy = fields.Boolean(
        compute="_compute_without_retention_policy",
        search="_search_without_retention_policy",
        help="The type names no retention policy: its records get none, their retention clock never starts "
        "and they are never collected for disposal. The default policy of Settings does not stand in for it: "
        "it is given to types when they are created, so a type without a policy has none.",
    )
    record_count = fields.Integer(compute="_compute_record_count")
    is_training = fields.Boolean(
        string="Training Evidence",
        compute="_compute_is_training",
        store=True,
        readonly=False,
        help="Records of this type are evidence of competence (ISO 9001 7.2): they name the trained employee, "
        "the validity, the trainer and the effectiveness evaluation, and fill the competence matrix. "
        "On by default for operational records of the People category.",
    )

    _sql_constraints = [
        ("prefix_unique", "unique(sequence_prefix, company_id)", "Sequence Prefix: each record type needs its own."),
    ]

    @api.constrains("kind", "review_interval_months")
    def _check_review_interval(self):
        for record_type in self:
            if record_type.kind == "document" and record_type.review_interval_months <= 0:
                raise ValidationError(
                    self.env._(
                        "Review Interval: %(type)s is a controlled document type; its review interval must be "
                        "at least one month (got %(months)s).",
                        type=record_type.name,
                        months=record_type.review_interval_months,
                    )
                )

    @api.depends("kind", "category")
    def _compute_is_training(self):
        for record_type in self:
            record_type.is_training = record_type.kind == "record" and record_type.category == "people"

    @api.constrains("kind", "is_training")
    def _check_training_is_a_record(self):
        for record_type in self:
            if record_type.is_training and record_type.kind != "record":
                raise ValidationError(
                    self.env._(
                        "Training Evidence: %(type)s is a controlled document type; only operational record "
                        "types can hold training evidence.",
                        type=record_type.name,
                    )
                )

    @api.depends("retention_policy_id")
    def _compute_without_retention_policy(self):
        for record_type in self:
            record_type.without_retention_policy = not record_type.retention_policy_id

    def _search_without_retention_policy(self, operator, value):
        without = self.env["iso.controlled.mixin"]._iso_boolean_search(
            self._fields["without_retention_policy"]._description_string(self.env), operator, value
        )
        return [("retention_policy_id", "=" if without else "!=", False)]

    def action_open_retention_policy(self):
        """The dialog of the record type's warning banner: choose the policy its records take."""
        one_record(self, self.env._("Set retention policy"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Retention policy of %s", self.name),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(self.env.ref("iso_records.iso_record_type_view_form_retention").id, "form")],
            "target": "new",
        }

    def _compute_record_count(self):
        counts = dict(
            self.env["iso.record"]._read_group([("record_type_id", "in", self.ids)], ["record_type_id"], ["__count"])
        )
        for record_type in self:
            record_type.record_count = counts.get(record_type, 0)

    @api.model_create_multi
    def create(self, vals_list):
        default_policy = iso_int_param(self.env, "default_retention_policy_id", 0)
        if default_policy:
            for vals in vals_list:
                vals.setdefault("retention_policy_id", default_policy)
        record_types = super().create(vals_list)
        for record_type in record_types:
            record_type.sequence_id = self.env["ir.sequence"].sudo().create(record_type._sequence_values())
        return record_types

    def write(self, vals):
        result = super().write(vals)
        if "sequence_prefix" in vals:
            for record_type in self:
                record_type.sequence_id.sudo().prefix = f"{record_type.sequence_prefix}-"
        return result

    def _sequence_values(self):
        return {
            "name": self.env._("ISO records: %s", self.name),
            "code": f"iso.record.type.{self.id}",
            "prefix": f"{self.sequence_prefix}-",
            "padding": 4,
            "company_id": self.company_id.id,
        }

    def _next_references(self, count):
        """``count`` new references in one query rather than one per record."""
        self.ensure_one()
        if not count:
            return []
        sequence = self.sequence_id.sudo()
        if sequence.implementation != "standard" or sequence.use_date_range:
            return [sequence.next_by_id() for _index in range(count)]
        self.env.cr.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [f"ir_sequence_{sequence.id:03d}", count])
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for (number,) in self.env.cr.fetchall()]
