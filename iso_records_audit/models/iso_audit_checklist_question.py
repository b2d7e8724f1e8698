from odoo import api, fields, models
from odoo.exceptions import ValidationError


class IsoAuditChecklistQuestion(models.Model):
    _name = "iso.audit.checklist.question"
    _description = "ISO Audit Checklist Question"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("iso.audit.checklist.template", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    clause_id = fields.Many2one("iso.clause", required=True, index=True, ondelete="restrict")
    question = fields.Text(required=True, translate=True)
    guidance = fields.Text(translate=True, help="What evidence to look for.")

    @api.constrains("clause_id", "template_id")
    def _check_clause_of_standard(self):
        for question in self:
            if question.clause_id.standard_id != question.template_id.standard_id:
                raise ValidationError(
                    self.env._(
                        "Clause: %(clause)s is not a clause of %(standard)s, the standard of the checklist "
                        "%(template)s.",
                        clause=question.clause_id.display_name,
                        standard=question.template_id.standard_id.display_name,
                        template=question.template_id.display_name,
                    )
                )
