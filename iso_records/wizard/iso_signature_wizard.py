from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.iso_signature import SIGNATURE_MEANINGS
from ..tools import one_record


class IsoSignatureWizard(models.TransientModel):
    """The one signature dialog of every controlled model: the password, the meaning, the reason."""

    _name = "iso.signature.wizard"
    _description = "Sign an ISO Record"
    _inherit = ["iso.password.confirmation", "iso.target.wizard.mixin"]

    res_model = fields.Char(string="Model", required=True)
    res_id = fields.Many2oneReference(string="Record ID", model_field="res_model", required=True)
    operation = fields.Char(required=True)
    operation_label = fields.Char(string="Signing", compute="_compute_target")
    record_name = fields.Char(string="Record", compute="_compute_target")
    meaning = fields.Selection(SIGNATURE_MEANINGS, required=True)
    allowed_meanings = fields.Char(compute="_compute_target")
    reason = fields.Text(help="Why you sign; required where the operation asks for one (making obsolete).")
    content_hash = fields.Char(compute="_compute_target")

    @api.model
    def _iso_check_targets(self, vals):
        model_name = vals.get("res_model")
        if model_name and model_name not in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            raise UserError(self.env._("Model: %(model)r has no signatures.", model=model_name))
        return super()._iso_check_targets(vals)

    def _target(self):
        self.ensure_one()
        # Read as the caller: the record rules decide what the dialog may show.
        return self.env[self.res_model].browse(self.res_id)

    @api.depends("res_model", "res_id", "operation")
    @api.depends_context("uid")
    def _compute_target(self):
        meanings = dict(SIGNATURE_MEANINGS)
        for wizard in self:
            record = wizard._target() if wizard.res_model and wizard.res_id else None
            spec = record._iso_signable_operations().get(wizard.operation) if record is not None else None
            wizard.record_name = record.display_name if record is not None else False
            wizard.content_hash = record._iso_signed_hash(wizard.operation) if record is not None else False
            wizard.operation_label = spec["label"] if spec else wizard.operation
            wizard.allowed_meanings = ", ".join(meanings[name] for name in spec["meanings"]) if spec else False

    def action_sign(self):
        one_record(self, self.env._("Sign"))
        self._check_password()
        self._target()._iso_sign(self.operation, self.meaning, self.reason)
        return {"type": "ir.actions.act_window_close"}
