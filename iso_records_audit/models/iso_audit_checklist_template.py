from odoo import fields, models


class IsoAuditChecklistTemplate(models.Model):
    """A set of audit questions for a standard, by clause; an audit loads the questions of its clauses."""

    _name = "iso.audit.checklist.template"
    _description = "ISO Audit Checklist Template"
    _order = "standard_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by every company.")
    standard_id = fields.Many2one("iso.standard", required=True, index=True, ondelete="restrict")
    question_ids = fields.One2many("iso.audit.checklist.question", "template_id", string="Questions", copy=True)
    question_count = fields.Integer(compute="_compute_question_count")
    description = fields.Text()

    def _compute_question_count(self):
        counts = dict(
            self.env["iso.audit.checklist.question"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.question_count = counts.get(template, 0)
