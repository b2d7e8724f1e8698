from odoo import fields, models

from ..tools import one_record


class IsoLinkedEvidence(models.TransientModel):
    """One line per kind of ISO evidence linked to an employee, product or supplier, for the smart
    button when several kinds are: Records 5, Risks 2, Audits 1... each opening its list."""

    _name = "iso.linked.evidence"
    _description = "ISO Evidence Linked to a Document"
    _order = "label"

    source_model = fields.Char(required=True)
    source_id = fields.Many2oneReference(model_field="source_model", required=True)
    res_model = fields.Char(string="Model", required=True)
    label = fields.Char(string="Kind of record", required=True)
    count = fields.Integer(string="Records")

    def action_open(self):
        one_record(self, self.env._("Open"))
        source = self.env[self.source_model].browse(self.source_id)
        source.check_access("read")
        return source._iso_linked_action(self.res_model)
