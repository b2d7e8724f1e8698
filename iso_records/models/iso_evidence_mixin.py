from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression as Domain
from odoo.tools import SQL

from ..tools import in_workflow, one_record


class IsoEvidenceMixin(models.AbstractModel):
    """Immutable evidence: revisions, signatures, trail events, verifications, disposal lines and
    batches, acknowledgements. Rows are made by ISO Records' own workflow and never edited or deleted
    by hand; each model says what the workflow itself may still do and how its rows come to be."""

    _name = "iso.evidence.mixin"
    _description = "ISO Immutable Evidence"

    # What the workflow may still do with rows of the model: "create", "write", "unlink".
    _iso_evidence_workflow_may = ("create",)
    # Fields anyone allowed by the access rights may still write (discussion and activities).
    _iso_evidence_free_prefixes = ()

    def _iso_evidence_origin(self):
        """How rows of this model come to be, said to whoever tries to make or change one by hand."""
        return self.env._("ISO Records writes them itself.")

    def _iso_refuse_evidence(self, operation):
        labels = {
            "create": self.env._("created by hand"),
            "write": self.env._("changed"),
            "unlink": self.env._("deleted"),
        }
        raise UserError(
            self.env._(
                "%(evidence)s is immutable evidence and cannot be %(operation)s: %(origin)s",
                evidence=self._description,
                operation=labels[operation],
                origin=self._iso_evidence_origin(),
            )
        )

    def _iso_evidence_allowed(self, operation):
        return operation in self._iso_evidence_workflow_may and in_workflow(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        if vals_list and not self._iso_evidence_allowed("create"):
            self._iso_refuse_evidence("create")
        return super().create(vals_list)

    def write(self, vals):
        free = self._iso_evidence_free_prefixes
        if vals and not (free and all(name.startswith(free) for name in vals)):
            if not self._iso_evidence_allowed("write"):
                self._iso_refuse_evidence("write")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self._iso_evidence_allowed("unlink"):
            self._iso_refuse_evidence("unlink")

    # ------------------------------------------------------------------
    # Access: evidence follows the record it hangs off
    # ------------------------------------------------------------------
    iso_record_readable = fields.Boolean(
        string="Record Readable", compute="_compute_iso_record_readable", search="_search_iso_record_readable"
    )
    # The fields naming that record: a model field (or a fixed model name) and an id field.
    _iso_evidence_model_field = "res_model"
    _iso_evidence_fixed_model = None
    _iso_evidence_id_field = "res_id"
    # Whether auditors and administrators read the evidence of records that no longer exist (tombstones).
    _iso_evidence_outlives_record = True

    def _search_iso_record_readable(self, operator, value):
        """Evidence whose record the current user may read, by that record's own rules."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Record Readable: only 'is set' and 'is not set' searches are supported."))
        user_env = self.env(su=False)
        user = user_env.user
        is_administrator = user.has_group("iso_records.group_iso_administrator")
        sees_tombstones = self._iso_evidence_outlives_record and (
            is_administrator or user.has_group("iso_records.group_iso_auditor")
        )
        # What restricted records left behind stays with the administrators, as the records were.
        hides_restricted = not is_administrator and "confidentiality" in self._fields
        model_names = (
            [self._iso_evidence_fixed_model]
            if self._iso_evidence_fixed_model
            else self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        )
        branches = []
        for model_name in model_names:
            records = user_env[model_name].with_context(active_test=False)
            readable = [(self._iso_evidence_id_field, "in", records._search([]))]
            if sees_tombstones:
                # NOT EXISTS, not NOT IN: an anti-join, never a scan of the records per event.
                model_filter = (
                    SQL("TRUE")
                    if self._iso_evidence_fixed_model
                    else SQL("evidence.%s = %s", SQL.identifier(self._iso_evidence_model_field), model_name)
                )
                secrecy_filter = (
                    SQL("(evidence.confidentiality IS NULL OR evidence.confidentiality != 'restricted')")
                    if hides_restricted
                    else SQL("TRUE")
                )
                tombstone = [
                    (
                        "id",
                        "in",
                        SQL(
                            """(SELECT evidence.id FROM %(evidence)s evidence
                                 WHERE %(model_filter)s AND %(secrecy_filter)s
                                   AND NOT EXISTS (SELECT 1 FROM %(records)s record
                                                    WHERE record.id = evidence.%(record_id)s))""",
                            evidence=SQL.identifier(self._table),
                            model_filter=model_filter,
                            secrecy_filter=secrecy_filter,
                            records=SQL.identifier(records._table),
                            record_id=SQL.identifier(self._iso_evidence_id_field),
                        ),
                    )
                ]
                readable = ["|", *readable, *tombstone]
            if not self._iso_evidence_fixed_model:
                readable = ["&", (self._iso_evidence_model_field, "=", model_name), *readable]
            branches.append(readable)
        domain = Domain.OR(branches) if branches else Domain.FALSE_DOMAIN
        return domain if (operator == "=") == value else ["!", *domain]

    def _compute_iso_record_readable(self):
        # Only rows the user may read are ever computed: the record rules have already filtered them.
        self.iso_record_readable = True

    def action_open_record(self):
        """Open the record this evidence hangs off, if it still exists."""
        one_record(self, self.env._("Open record"))
        model_name = self._iso_evidence_fixed_model or self[self._iso_evidence_model_field]
        record = self[self._iso_evidence_id_field]
        record_id = record.id if isinstance(record, models.BaseModel) else record
        target = self.env[model_name].with_context(active_test=False).browse(record_id).exists()
        if not target:
            raise UserError(
                self.env._(
                    "%(record)s no longer exists; its evidence and trail remain.",
                    record=self.reference if "reference" in self._fields else self.display_name,
                )
            )
        return {"type": "ir.actions.act_window", "res_model": model_name, "res_id": target.id, "view_mode": "form"}
