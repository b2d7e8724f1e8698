from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import counted_list_action, text_argument

AUDIT_PACK_ACTION = "iso_records.iso_audit_pack_new_action"


class IsoClause(models.Model):
    """The clause evidence map: per standard, each clause with the evidence that covers it, one column per
    kind of evidence, counted with the reader's access and including sub-clauses. A clause without covering
    evidence is a gap; one with open findings is flagged. Addons add their columns by extending
    ``_iso_evidence_map_columns``.

    A column is a dict:

    - ``key`` (unique), ``label``, ``help`` (optional), ``sequence``;
    - ``model`` and ``domain``: the cell counts ``model.search_count([clause link child_of clause, *domain])``
      as the current user and opens that list; the domain is built at call time (today, uid);
    - ``clause_field`` (optional): the field linking the model to clauses, when it is not the model's own
      ``_iso_clause_domain`` (``clause_ids``);
    - ``covers``: True when the evidence covers the clause (no covering evidence makes a gap), False when it
      flags the clause instead (open findings);
    - ``groups`` (optional): comma-separated group xmlids, any of which shows the column.
    """

    _inherit = "iso.clause"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_evidence_map_since(self):
        """The start of the last 12 months, for the columns that count recent evidence."""
        return fields.Date.context_today(self) - relativedelta(months=12)

    @api.model
    def _iso_evidence_map_columns(self):
        return [
            {
                "key": "documents",
                "label": self.env._("Effective Documents"),
                "help": self.env._("Controlled documents in force (effective) for the clause or a sub-clause."),
                "sequence": 10,
                "model": "iso.record",
                "domain": [("kind", "=", "document"), ("state", "=", "effective")],
                "covers": True,
            },
            {
                "key": "records",
                "label": self.env._("Records (12 months)"),
                "help": self.env._(
                    "Operational records filed for the clause or a sub-clause, dated within the last 12 months."
                ),
                "sequence": 20,
                "model": "iso.record",
                "domain": [
                    ("kind", "=", "record"),
                    ("state", "=", "filed"),
                    ("effective_date", ">=", self._iso_evidence_map_since()),
                ],
                "covers": True,
            },
        ]

    def _iso_evidence_map_shown(self, column):
        groups = column.get("groups")
        if groups and not self.env.user.has_groups(groups):
            return False
        return self.env[column["model"]].has_access("read")

    @api.model
    def _iso_evidence_map_visible_columns(self):
        columns = [column for column in self._iso_evidence_map_columns() if self._iso_evidence_map_shown(column)]
        return sorted(columns, key=lambda column: column.get("sequence", 100))

    @api.model
    def _iso_evidence_map_clause_domain(self, column, clause_ids):
        """The records of the column's model linked to these clauses or their sub-clauses."""
        clause_field = column.get("clause_field")
        if clause_field:
            return [(clause_field, "child_of", clause_ids)]
        return self.env[column["model"]]._iso_clause_domain(clause_ids)

    @api.model
    def _iso_evidence_map_cell_domain(self, column, clause_ids):
        return [*self._iso_evidence_map_clause_domain(column, clause_ids), *column["domain"]]

    @api.model
    def _iso_evidence_map_counts(self, column, clauses):
        """{clause id: number of distinct records} for the column, a clause counting those of its
        sub-clauses: one grouped query (the records of each clause linked directly), rolled up along
        ``parent_path`` here, so that a record linked to a clause and its sub-clause counts once."""
        model = self.env[column["model"]]
        clause_field = column.get("clause_field") or "clause_ids"
        groups = model._read_group(
            [(clause_field, "in", clauses.ids), *column["domain"]], [clause_field], ["id:array_agg"]
        )
        ancestors = {clause.id: [int(part) for part in clause.parent_path.split("/") if part] for clause in clauses}
        record_ids = defaultdict(set)
        for clause, ids in groups:
            for ancestor_id in ancestors.get(clause.id, ()):
                record_ids[ancestor_id].update(ids)
        return {clause.id: len(record_ids[clause.id]) for clause in clauses}

    @api.model
    def _iso_evidence_map_standards(self):
        """{standard: number of clauses} of the standards with clauses, in the standards' order."""
        counts = dict(self._read_group([], ["standard_id"], ["__count"]))
        standards = self.env["iso.standard"].browse([standard.id for standard in counts]).sorted()
        return {standard: counts[standard] for standard in standards}

    @api.model
    def _iso_evidence_map_standard(self, standard_id, standards):
        """The standard asked for (readable), or the first of ``standards`` when none is given."""
        if standard_id in (None, False):
            return next(iter(standards), self.env["iso.standard"])
        if isinstance(standard_id, bool) or not isinstance(standard_id, int):
            raise UserError(
                self.env._(
                    "Standard: expected the id of a standard (a whole number), got %(value)r.", value=standard_id
                )
            )
        standard = self.env["iso.standard"].search([("id", "=", standard_id)])
        if not standard:
            raise UserError(
                self.env._("Standard: there is no standard with id %(id)s that you can read.", id=standard_id)
            )
        return standard

    @api.model
    def _iso_evidence_map_clause(self, clause_id):
        if isinstance(clause_id, bool) or not isinstance(clause_id, int):
            raise UserError(
                self.env._("Clause: expected the id of a clause (a whole number), got %(value)r.", value=clause_id)
            )
        clause = self.with_context(active_test=False).search([("id", "=", clause_id)])
        if not clause:
            raise UserError(self.env._("Clause: there is no clause with id %(id)s that you can read.", id=clause_id))
        return clause

    @api.model
    def _iso_evidence_map_column(self, column_key):
        key = text_argument(self.env, column_key, self.env._("Column"))
        column = next((column for column in self._iso_evidence_map_visible_columns() if column["key"] == key), None)
        if not column:
            raise UserError(self.env._("Column: the evidence map has no column %(key)s for you.", key=key))
        return column

    @api.model
    def _iso_evidence_map_audit_pack(self):
        action = self.env.ref(AUDIT_PACK_ACTION, raise_if_not_found=False)
        return bool(action) and self.env["iso.audit.pack"].has_access("create")

    @api.model
    def get_evidence_map(self, standard_id=None):
        """The evidence map of a standard (the first with clauses when none is given): its clauses in the
        standard's order, each with its count per column, ``gap`` (no covering evidence) and ``flagged``
        (open findings or the like). A constant number of queries whatever the number of clauses."""
        standards = self._iso_evidence_map_standards()
        standard = self._iso_evidence_map_standard(standard_id, standards)
        columns = self._iso_evidence_map_visible_columns()
        clauses = self.search([("standard_id", "=", standard.id)]) if standard else self.browse()
        counts = {column["key"]: self._iso_evidence_map_counts(column, clauses) for column in columns}
        rows = []
        for clause in clauses:
            row_counts = {column["key"]: counts[column["key"]][clause.id] for column in columns}
            covering = [row_counts[column["key"]] for column in columns if column["covers"]]
            flags = [row_counts[column["key"]] for column in columns if not column["covers"]]
            rows.append(
                {
                    "id": clause.id,
                    "code": clause.number,
                    "title": clause.title,
                    "level": clause.level,
                    "parent_id": clause.parent_id.id,
                    "counts": row_counts,
                    "gap": not any(covering),
                    "flagged": any(flags),
                }
            )
        return {
            "standard": {"id": standard.id, "name": standard.display_name} if standard else False,
            "standards": [
                {"id": each.id, "name": each.display_name, "clause_count": count} for each, count in standards.items()
            ],
            "columns": [
                {
                    "key": column["key"],
                    "label": column["label"],
                    "help": column.get("help", ""),
                    "covers": column["covers"],
                }
                for column in columns
            ],
            "rows": rows,
            "audit_pack": self._iso_evidence_map_audit_pack(),
        }

    @api.model
    def open_evidence_cell(self, clause_id, column_key):
        """The list a cell counts: same model, same domain, no default filter that would hide part of it."""
        clause = self._iso_evidence_map_clause(clause_id)
        column = self._iso_evidence_map_column(column_key)
        return counted_list_action(
            self.env[column["model"]],
            self.env._("%(column)s for %(clause)s", column=column["label"], clause=clause.display_name),
            self._iso_evidence_map_cell_domain(column, clause.ids),
        )

    @api.model
    def open_clause_evidence(self, clause_id):
        """The clause's form: its smart buttons open each kind of evidence linked to it."""
        clause = self._iso_evidence_map_clause(clause_id)
        return {
            "type": "ir.actions.act_window",
            "name": clause.display_name,
            "res_model": "iso.clause",
            "res_id": clause.id,
            "views": [[False, "form"]],
            "target": "current",
        }
