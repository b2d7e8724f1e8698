from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IsoLegalHoldItem(models.Model):
    """One record, of any controlled model, that a legal hold keeps. Taken out of an active hold only
    with a reason (Remove from hold), never deleted: the hold shows what it kept and why it let go."""

    _name = "iso.legal.hold.item"
    _description = "ISO Legal Hold Item"
    _inherit = ["iso.evidence.mixin"]
    _order = "hold_id, id"
    _iso_evidence_workflow_may = ("create", "write")

    hold_id = fields.Many2one("iso.legal.hold", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="hold_id.company_id", store=True, index=True)
    res_model = fields.Char(string="Model", required=True, index=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True, index=True)
    record_ref = fields.Reference(
        selection="_selection_controlled_models",
        string="Record",
        compute="_compute_record_ref",
        inverse="_inverse_record_ref",
        help="The record kept; any ISO record, risk, audit, finding, nonconformity...",
    )
    reference = fields.Char(readonly=True, help="The record's name when the hold took it.")
    state = fields.Selection(
        [("active", "Held"), ("released", "Taken out")], default="active", required=True, readonly=True
    )
    released_by_id = fields.Many2one("res.users", readonly=True)
    released_date = fields.Datetime(readonly=True)
    release_reason = fields.Text(readonly=True)

    _sql_constraints = [
        ("record_unique", "unique(hold_id, res_model, res_id)", "Records: a hold keeps each record once."),
    ]

    def _iso_evidence_origin(self):
        return self.env._("add records on the hold; take them out with Remove from hold and a reason.")

    @api.model
    def _selection_controlled_models(self):
        names = self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        return [(name, self.env[name]._description) for name in names]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for item in self:
            item.record_ref = f"{item.res_model},{item.res_id}" if item.res_model and item.res_id else False

    def _inverse_record_ref(self):
        # create() reads the record itself; on an existing item this write is refused (evidence).
        for item in self:
            if item.record_ref:
                item.res_model = item.record_ref._name
                item.res_id = item.record_ref.id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            ref = vals.pop("record_ref", None)
            if ref:
                model_name, __, record_id = str(ref).partition(",")
                vals.setdefault("res_model", model_name)
                vals.setdefault("res_id", int(record_id) if record_id.isdigit() else 0)
            self._check_item_target(vals)
            vals.pop("state", None)
        return super().create(vals_list)

    def _iso_evidence_allowed(self, operation):
        # Items are made through their hold (its form or a "place hold" action), released only by the workflow.
        if operation == "create":
            return True
        return super()._iso_evidence_allowed(operation)

    @api.model
    def _check_item_target(self, vals):
        model_name, record_id = vals.get("res_model"), vals.get("res_id")
        if model_name not in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            raise ValidationError(
                self.env._(
                    "Record: %(model)r is not an ISO controlled model; a legal hold keeps ISO evidence.",
                    model=model_name,
                )
            )
        record = self.env[model_name].with_context(active_test=False).browse(record_id or 0).exists()
        if not record:
            raise ValidationError(self.env._("Record: choose an existing record to hold."))
        record.check_access("read")
        vals["reference"] = record.sudo()._iso_trail_reference()

    @api.constrains("res_model", "res_id", "hold_id")
    def _check_same_company(self):
        for item in self:
            record = self.env[item.res_model].sudo().with_context(active_test=False).browse(item.res_id)
            if record.company_id and record.company_id != item.hold_id.company_id:
                raise ValidationError(
                    self.env._(
                        "Record: %(record)s belongs to %(company)s, not to the hold's company %(hold_company)s.",
                        record=item.reference,
                        company=record.company_id.name,
                        hold_company=item.hold_id.company_id.name,
                    )
                )
