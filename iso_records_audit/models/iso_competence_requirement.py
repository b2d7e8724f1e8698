from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IsoCompetenceRequirement(models.Model):
    """A requirement can be the qualification an auditor of a standard must hold (ISO 19011 7)."""

    _inherit = "iso.competence.requirement"

    auditor_standard_id = fields.Many2one(
        "iso.standard",
        string="Qualifies Auditors of",
        tracking=True,
        help="The standard whose audits this training qualifies for, e.g. an internal auditor course for ISO 9001. "
        "An auditor must hold a valid training of its training type.",
    )

    @api.constrains("auditor_standard_id", "record_type_id")
    def _check_auditor_qualification_training(self):
        for requirement in self:
            if requirement.auditor_standard_id and not requirement.record_type_id:
                raise ValidationError(
                    self.env._(
                        "Training Type: the auditor qualification %(requirement)s needs the training type that proves "
                        "it.",
                        requirement=requirement.display_name,
                    )
                )
