from odoo import api, fields, models

# The documents records are filed from, and the model whose suggestions each one takes.
FILED_FROM_MODELS = {
    "hr.employee": "hr.employee",
    "hr.employee.public": "hr.employee",
    "product.product": "product.product",
    "product.template": "product.product",
    "res.partner": "res.partner",
}


class IsoRecordType(models.Model):
    """Which types are offered first when a record is filed from an employee, a product or a supplier."""

    _inherit = "iso.record.type"  # pylint: disable=consider-merging-classes-inherited

    suggested_model_ids = fields.Many2many(
        "ir.model",
        "iso_record_type_suggested_model_rel",
        "record_type_id",
        "model_id",
        string="Suggested When Filed From",
        domain=[("model", "in", ("hr.employee", "product.product", "res.partner"))],
        help="Offered first in the Type list when a record is filed from these forms. Training types are always "
        "offered first from an employee.",
    )

    @api.model
    def _iso_suggested_domain(self, filed_from):
        model = FILED_FROM_MODELS.get(filed_from)
        if not model:
            return []
        # Read as superuser: ISO users do not read ir.model.
        suggested = self.sudo().search([("suggested_model_ids.model", "=", model)]).ids
        domain = [("id", "in", suggested)]
        return ["|", ("is_training", "=", True), *domain] if model == "hr.employee" else domain

    @api.model
    def name_search(self, name="", args=None, operator="ilike", limit=100):
        suggested_domain = self._iso_suggested_domain(self.env.context.get("iso_filed_from"))
        if not suggested_domain:
            return super().name_search(name, args, operator, limit)
        args = list(args or [])
        suggested = super().name_search(name, [*args, *suggested_domain], operator, limit)
        if limit and len(suggested) >= limit:
            return suggested
        others = super().name_search(
            name,
            [*args, ("id", "not in", [type_id for type_id, _name in suggested])],
            operator,
            limit - len(suggested) if limit else limit,
        )
        return suggested + others
