import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import counted_list_action, one_record


class IsoSelfCheckLine(models.Model):
    """The result of one check in a self-check run: passed or not, how many items fail it, and where they
    are (a model and a domain kept as text), so that the items open as the one who looks at them may see
    them."""

    _name = "iso.self.check.line"
    _description = "ISO Self-Check Result"
    _order = "run_id, sequence, id"

    run_id = fields.Many2one("iso.self.check", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=100, readonly=True)
    check_key = fields.Char(string="Check", required=True, readonly=True)
    name = fields.Char(string="Check Name", required=True, readonly=True)
    clause = fields.Char(readonly=True, help="The requirement the check is about, such as ISO 9001 7.5.2.")
    passed = fields.Boolean(readonly=True)
    result = fields.Selection([("passed", "Passed"), ("failed", "Failed")], compute="_compute_result", store=True)
    item_count = fields.Integer(string="Items", readonly=True)
    res_model = fields.Char(string="Items Model", readonly=True)
    domain = fields.Text(string="Items Domain", readonly=True, default="[]")

    @api.depends("passed")
    def _compute_result(self):
        for line in self:
            line.result = "passed" if line.passed else "failed"

    def action_view_items(self):
        """The failing items as the current user sees them: their own access applies, so a confidential record
        of someone else does not show even though the run (made as the superuser) counted it."""
        line = one_record(self, self.env._("Open items"))
        line.check_access("read")
        if not line.res_model or line.res_model not in self.env:
            raise UserError(self.env._("%(check)s has no items to open.", check=line.name))
        model = self.env[line.res_model]
        model.check_access("read")
        return counted_list_action(model, line.name, json.loads(line.domain or "[]"))
