from odoo import fields, models

from ..models.iso_record import TRAINING_EFFECTIVENESS


class IsoTrainingEvaluationWizard(models.TransientModel):
    _name = "iso.training.evaluation.wizard"
    _description = "Evaluate the Effectiveness of a Training"

    record_id = fields.Many2one("iso.record", string="Training", required=True, ondelete="cascade")
    employee_id = fields.Many2one(related="record_id.employee_id")
    effectiveness = fields.Selection(TRAINING_EFFECTIVENESS, required=True)
    note = fields.Text(
        string="Evaluation", help="How the effectiveness was checked (test, observation at work, audit) and the result."
    )

    def action_evaluate(self):
        self.ensure_one()
        self.record_id._iso_evaluate_training(self.effectiveness, self.note)
        return {"type": "ir.actions.act_window_close"}
