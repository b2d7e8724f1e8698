from odoo import api, fields, models

from ..tools import one_record


class IsoClause(models.Model):
    """What serves a clause, its sub-clauses included: the records, risks and competence requirements
    linked to it (the auditor's first question). Counted and opened with the reader's own access."""

    _inherit = "iso.clause"  # pylint: disable=consider-merging-classes-inherited

    record_count = fields.Integer(string="Records", compute="_compute_evidence_counts")
    risk_count = fields.Integer(string="Risks", compute="_compute_evidence_counts")
    requirement_count = fields.Integer(string="Competence Requirements", compute="_compute_evidence_counts")

    @api.model
    def _iso_evidence_fields(self):
        """{count field: model} of the evidence shown on a clause; addons add theirs."""
        return {
            "record_count": "iso.record",
            "risk_count": "iso.risk",
            "requirement_count": "iso.competence.requirement",
        }

    def _iso_evidence_domain(self, model_name):
        model = self.env[model_name]
        return [*model._iso_clause_domain(self.ids), *model._iso_linked_current_domain()]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_evidence_counts(self):
        for field_name, model_name in self._iso_evidence_fields().items():
            model = self.env[model_name]
            readable = model.has_access("read")
            for clause in self:
                clause[field_name] = (
                    model.search_count(clause._iso_evidence_domain(model_name)) if readable and clause.id else 0
                )

    def _iso_open_evidence(self, model_name):
        one_record(self, self.env[model_name]._description)
        model = self.env[model_name]
        action = model._iso_list_action()
        action.update(
            name=self.env._("%(model)s for %(clause)s", model=model._description, clause=self.display_name),
            domain=self._iso_evidence_domain(model_name),
            context=model._iso_linked_list_context(),
        )
        return action

    def action_view_records(self):
        return self._iso_open_evidence("iso.record")

    def action_view_risks(self):
        return self._iso_open_evidence("iso.risk")

    def action_view_requirements(self):
        return self._iso_open_evidence("iso.competence.requirement")
