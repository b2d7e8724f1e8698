from odoo import api, fields, models


class IsoSupplierRequest(models.Model):
    """Overdue: sent to the supplier and still unanswered past its deadline."""

    _inherit = "iso.supplier.request"  # pylint: disable=consider-merging-classes-inherited

    overdue = fields.Boolean(
        compute="_compute_overdue",
        search="_search_overdue",
        help="Sent to the supplier and still unanswered past its deadline.",
    )

    @api.depends("state", "deadline")
    @api.depends_context("tz")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.overdue = request.state == "sent" and bool(request.deadline) and request.deadline < today

    def _search_overdue(self, operator, value):
        wanted = self._iso_boolean_search(self.env._("Overdue"), operator, value)
        today = fields.Date.context_today(self)
        if wanted:
            return [("state", "=", "sent"), ("deadline", "<", today)]
        return ["|", ("state", "!=", "sent"), "|", ("deadline", "=", False), ("deadline", ">=", today)]
