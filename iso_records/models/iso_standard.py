from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import one_record

ISO_FOUNDING_YEAR = 1947


class IsoStandard(models.Model):
    _name = "iso.standard"
    _description = "ISO Standard"
    _order = "sequence, name"

    name = fields.Char(string="Reference", required=True, help="Reference with edition, e.g. ISO 9001:2015.")
    code = fields.Char(required=True, help="Reference without edition, e.g. ISO 9001.")
    edition_year = fields.Integer(string="Edition", required=True)
    title = fields.Char(required=True, translate=True)
    description = fields.Html(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    clause_ids = fields.One2many("iso.clause", "standard_id", string="Clauses")
    clause_count = fields.Integer(compute="_compute_clause_count")

    _sql_constraints = [
        ("name_unique", "unique(name)", "Reference: a standard with this reference already exists."),
    ]

    @api.depends("clause_ids")
    def _compute_clause_count(self):
        counts = dict(
            self.env["iso.clause"]
            .with_context(active_test=False)
            ._read_group([("standard_id", "in", self.ids)], ["standard_id"], ["__count"])
        )
        for standard in self:
            standard.clause_count = counts.get(standard, 0)

    # Input is checked before it reaches the database, so the user gets these
    # messages rather than PostgreSQL's, and nothing is inserted on bad input.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["name"] = vals.get("name") or ""
            self._check_values(vals)
        self._check_names_free([vals.get("name") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        self._check_values(vals)
        if vals.get("name"):
            if len(self) > 1:
                raise ValidationError(
                    self.env._("Reference: several standards cannot share the reference %s.", vals["name"])
                )
            self._check_names_free([vals["name"]], exclude=self)
        return super().write(vals)

    @api.model
    def _check_values(self, vals):
        if "name" in vals:
            vals["name"] = (vals["name"] or "").strip()
            if not vals["name"]:
                raise ValidationError(self.env._("Reference: a standard needs a reference, such as ISO 9001:2015."))
        if "edition_year" in vals and (vals["edition_year"] or 0) < ISO_FOUNDING_YEAR:
            raise ValidationError(
                self.env._(
                    "Edition: %(year)s is not a valid edition year (ISO publishes standards since %(founded)s).",
                    year=vals["edition_year"],
                    founded=ISO_FOUNDING_YEAR,
                )
            )

    def _check_names_free(self, names, exclude=None):
        names = [name for name in names if name]
        duplicates = {name for name in names if names.count(name) > 1}
        domain = [("name", "in", names)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        duplicates |= set(self.with_context(active_test=False).search(domain).mapped("name"))
        if duplicates:
            raise ValidationError(
                self.env._("Reference: a standard named %(name)s already exists.", name=", ".join(sorted(duplicates)))
            )

    def action_view_clauses(self):
        one_record(self, self.env._("View clauses"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_clause_action")
        action["domain"] = [("standard_id", "=", self.id)]
        action["context"] = {"default_standard_id": self.id}
        return action
