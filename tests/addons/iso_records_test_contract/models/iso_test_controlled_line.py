from odoo import fields, models


class IsoTestControlledLine(models.Model):
    """The smallest line of a controlled record: it takes the record's access, lock, trail and signed content."""

    _name = "iso.test.controlled.line"
    _description = "ISO Test Controlled Line"
    _inherit = ["iso.controlled.line.mixin"]
    _order = "record_id, id"
    _iso_parent_field = "record_id"

    record_id = fields.Many2one("iso.test.controlled", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="record_id.company_id", store=True)
    name = fields.Char(required=True)
    result = fields.Selection([("pass", "Pass"), ("fail", "Fail")])
    seen_ids = fields.Many2many("iso.test.controlled", string="Records Seen")
    sealed = fields.Boolean(help="A line frozen on its own, whatever its record's state.")
    attachment_ids = fields.Many2many(
        "ir.attachment", "iso_test_controlled_line_attachment_rel", "line_id", "attachment_id", string="Files"
    )

    def _iso_line_frozen_reason(self):
        self.ensure_one()
        return "it is sealed." if self.sealed else False
