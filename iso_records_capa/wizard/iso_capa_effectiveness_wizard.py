from odoo import api, fields, models

from ..models.iso_capa_verification import VERIFICATION_RESULTS


class IsoCapaEffectivenessWizard(models.TransientModel):
    """The verifier's dialog for the effectiveness check of a CAPA: the result, the evidence and the measure,
    with the repeat nonconformities found since the actions were done counted for them."""

    _name = "iso.capa.effectiveness.wizard"
    _description = "ISO CAPA Effectiveness Check Dialog"

    capa_id = fields.Many2one("iso.capa", required=True, readonly=True, ondelete="cascade")
    result = fields.Selection(VERIFICATION_RESULTS, required=True)
    evidence = fields.Text(required=True, help="What shows that the actions worked, or did not.")
    measure = fields.Text(string="Measure Used", compute="_compute_repeats", store=True, readonly=False)
    repeat_count = fields.Integer(string="Repeats Found", compute="_compute_repeats", store=True)

    @api.depends("capa_id")
    def _compute_repeats(self):
        for wizard in self:
            capa = wizard.capa_id
            wizard.repeat_count = capa._iso_repeat_count_since(capa._iso_effectiveness_window_start()) if capa else 0
            if capa and not wizard.measure:
                wizard.measure = self.env._(
                    "Repeat nonconformities since the last action was done (%(date)s): %(count)s.",
                    date=capa._iso_effectiveness_window_start(),
                    count=wizard.repeat_count,
                )

    def action_confirm(self):
        self.ensure_one()
        self.capa_id.action_record_effectiveness(self.result, self.evidence, self.measure)
        return {"type": "ir.actions.act_window_close"}
