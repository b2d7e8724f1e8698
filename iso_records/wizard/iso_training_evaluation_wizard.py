from odoo import api, fields, models

from ..models.iso_record_training import TRAINING_EFFECTIVENESS
from ..tools import one_record


class IsoTrainingEvaluationWizard(models.TransientModel):
    _name = "iso.training.evaluation.wizard"
    _description = "Evaluate the Effectiveness of a Training"
    _inherit = ["iso.target.wizard.mixin"]

    record_id = fields.Many2one("iso.record", string="Training", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", compute="_compute_employee_id")
    effectiveness = fields.Selection(TRAINING_EFFECTIVENESS, required=True)
    note = fields.Text(
        string="Evaluation", help="How the effectiveness was checked (test, observation at work, audit) and the result."
    )

    @api.depends("record_id")
    @api.depends_context("uid")
    def _compute_employee_id(self):
        # With the caller's rights, never as superuser as a related field would.
        for wizard in self:
            wizard.employee_id = wizard.record_id.employee_id

    def action_evaluate(self):
        one_record(self, self.env._("Evaluate"))
        self.record_id._iso_evaluate_training(self.effectiveness, self.note)
        return {"type": "ir.actions.act_window_close"}
