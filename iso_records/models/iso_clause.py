import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# "4", "9.2.2", and Annex references such as "A.5" or "A.8.34".
CLAUSE_NUMBER_PATTERN = re.compile(r"^(?:[A-Z]\.)?\d+(?:\.\d+)*$")


class IsoClause(models.Model):
    _name = "iso.clause"
    _description = "ISO Standard Clause"
    _parent_store = True
    _order = "standard_id, sort_key, id"
    _rec_names_search = ["number", "title"]

    standard_id = fields.Many2one("iso.standard", required=True, ondelete="cascade", index=True)
    number = fields.Char(required=True, help="Clause number as printed in the standard, e.g. 9.2.2 or A.5.1.")
    title = fields.Char(required=True, translate=True)
    description = fields.Html(
        translate=True, help="Your own summary of what the clause asks and how the company meets it."
    )
    parent_id = fields.Many2one(
        "iso.clause",
        string="Parent Clause",
        index=True,
        ondelete="cascade",
        domain="[('standard_id', '=', standard_id)]",
        help="Left empty, it is taken from the number: 9.2.2 goes under 9.2.",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("iso.clause", "parent_id", string="Sub-clauses")
    level = fields.Integer(compute="_compute_level", store=True)
    sort_key = fields.Char(compute="_compute_sort_key", store=True, index=True)
    is_annex = fields.Boolean(
        string="Annex Control",
        compute="_compute_is_annex",
        store=True,
        help="Annex entries (such as ISO/IEC 27001 Annex A controls) rather than main clauses.",
    )
    active = fields.Boolean(related="standard_id.active", store=True)

    _sql_constraints = [
        (
            "number_standard_unique",
            "unique(standard_id, number)",
            "Number: each clause number may appear only once per standard.",
        ),
    ]

    @api.depends("number", "title")
    def _compute_display_name(self):
        for clause in self:
            clause.display_name = f"{clause.number or ''} {clause.title or ''}".strip()

    @api.depends("number")
    def _compute_level(self):
        for clause in self:
            parts = (clause.number or "").split(".")
            clause.level = len([part for part in parts if part.isdigit()])

    @api.depends("number")
    def _compute_sort_key(self):
        # Natural order: 10 after 9, A.5.10 after A.5.9, Annex after main clauses.
        for clause in self:
            parts = (clause.number or "").split(".")
            clause.sort_key = ".".join(part.zfill(4) if part.isdigit() else f"~{part}" for part in parts)

    @api.depends("number")
    def _compute_is_annex(self):
        for clause in self:
            clause.is_annex = bool(clause.number) and not clause.number[0].isdigit()

    # Input is checked before it reaches the database, so the user gets these
    # messages rather than PostgreSQL's, and nothing is inserted on bad input.
    @api.model_create_multi
    def create(self, vals_list):
        targets = []
        for vals in vals_list:
            self._normalise_number(vals)
            targets.append((vals.get("standard_id"), vals["number"]))
            if vals.get("parent_id") and vals.get("standard_id"):
                self._check_parent_standard(self.browse(vals["parent_id"]), vals["standard_id"], vals["number"])
        self._check_numbers_free(targets)
        clauses = super().create(vals_list)
        clauses.filtered(lambda clause: not clause.parent_id)._set_parent_from_number()
        return clauses

    def write(self, vals):
        if "number" in vals:
            self._normalise_number(vals)
        if "number" in vals or "standard_id" in vals:
            targets = [
                (vals.get("standard_id", clause.standard_id.id), vals.get("number", clause.number)) for clause in self
            ]
            self._check_numbers_free(targets, exclude=self)
        if "standard_id" in vals:
            self._check_moves_with_family(vals)
        if vals.get("parent_id"):
            parent = self.browse(vals["parent_id"])
            if parent in self.search([("id", "child_of", self.ids)]):
                raise ValidationError(
                    self.env._(
                        "Parent Clause: %(parent)s is a sub-clause of the clause being changed; "
                        "a clause cannot be its own ancestor.",
                        parent=parent.display_name,
                    )
                )
            for clause in self:
                self._check_parent_standard(
                    parent, vals.get("standard_id", clause.standard_id.id), vals.get("number", clause.number)
                )
        return super().write(vals)

    def _check_moves_with_family(self, vals):
        """A clause changes standard together with its sub-clauses, and under a parent of the new standard."""
        moving = self.filtered(lambda clause: clause.standard_id.id != vals["standard_id"])
        left_behind = moving.child_ids - moving
        if left_behind:
            raise ValidationError(
                self.env._(
                    "Standard: clause %(number)s has sub-clauses in %(standard)s; move them together or not at all.",
                    number=left_behind[0].parent_id.number,
                    standard=left_behind[0].standard_id.name,
                )
            )
        if "parent_id" not in vals:
            for clause in moving.filtered(lambda clause: clause.parent_id and clause.parent_id not in moving):
                self._check_parent_standard(clause.parent_id, vals["standard_id"], clause.number)

    @api.model
    def _normalise_number(self, vals):
        number = (vals.get("number") or "").strip()
        if not number:
            raise ValidationError(self.env._("Number: a clause needs a number, such as 7.5.3 or A.5.1."))
        if not CLAUSE_NUMBER_PATTERN.match(number):
            raise ValidationError(
                self.env._(
                    "Number: %(number)s is not a clause number. Use digits separated by dots "
                    "(9.2.2), optionally after an annex letter (A.5.1).",
                    number=number,
                )
            )
        vals["number"] = number

    def _check_numbers_free(self, targets, exclude=None):
        """Refuse (standard, number) pairs that repeat in ``targets`` or exist already."""
        seen = set()
        for target in targets:
            if target in seen:
                self._raise_duplicate(*target)
            seen.add(target)
        domain = [
            ("standard_id", "in", list({standard_id for standard_id, _number in targets})),
            ("number", "in", list({number for _standard_id, number in targets})),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        for existing in self.with_context(active_test=False).search(domain):
            if (existing.standard_id.id, existing.number) in seen:
                self._raise_duplicate(existing.standard_id.id, existing.number, existing.title)

    def _raise_duplicate(self, standard_id, number, title=None):
        standard = self.env["iso.standard"].browse(standard_id)
        message = self.env._(
            "Number: %(standard)s already has a clause %(number)s; a clause number may appear only once per standard.",
            standard=standard.name,
            number=number,
        )
        if title:
            message = self.env._("%(message)s (existing clause: %(title)s)", message=message, title=title)
        raise ValidationError(message)

    def _check_parent_standard(self, parent, standard_id, number):
        if parent.standard_id.id != standard_id:
            raise ValidationError(
                self.env._(
                    "Parent Clause: %(parent)s belongs to %(parent_standard)s, but clause "
                    "%(number)s belongs to %(standard)s; a parent must be in the same standard.",
                    parent=parent.display_name,
                    parent_standard=parent.standard_id.name,
                    number=number,
                    standard=self.env["iso.standard"].browse(standard_id).name,
                )
            )

    def _set_parent_from_number(self):
        """Attach each clause to the clause of the same standard whose number is its prefix."""
        wanted = {}
        for clause in self:
            if "." in clause.number:
                wanted[clause] = (clause.standard_id.id, clause.number.rsplit(".", 1)[0])
        if not wanted:
            return
        candidates = self.search(
            [
                ("standard_id", "in", list({standard_id for standard_id, _number in wanted.values()})),
                ("number", "in", list({number for _standard_id, number in wanted.values()})),
            ]
        )
        by_key = {(candidate.standard_id.id, candidate.number): candidate for candidate in candidates}
        for clause, key in wanted.items():
            parent = by_key.get(key)
            if parent:
                clause.parent_id = parent

    @api.constrains("parent_id", "standard_id")
    def _check_parent(self):
        for clause in self:
            if clause.parent_id:
                self._check_parent_standard(clause.parent_id, clause.standard_id.id, clause.number)
            strays = clause.child_ids.filtered(lambda child, standard=clause.standard_id: child.standard_id != standard)
            if strays:
                raise ValidationError(
                    self.env._(
                        "Standard: clause %(number)s has sub-clauses in %(standard)s; "
                        "move them together or not at all.",
                        number=clause.number,
                        standard=strays[0].standard_id.name,
                    )
                )
        if self._has_cycle():
            raise ValidationError(self.env._("Parent Clause: a clause cannot be its own ancestor."))
