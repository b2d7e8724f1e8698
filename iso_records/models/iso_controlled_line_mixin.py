from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression as Domain

from ..tools import CREATING, CREATING_KEY, in_workflow
from .iso_controlled_mixin import (
    _trail_value,
    attach_uploaded_files,
    attachment_fields,
    check_linked_attachments,
    check_linked_records,
)

# Columns of a line that say nothing about its content.
LINE_TECHNICAL_FIELDS = {"id", "create_uid", "create_date", "write_uid", "write_date", "display_name"}


class IsoControlledLineMixin(models.AbstractModel):
    """A line of a controlled record: a checklist line of an audit, a member of its team, a line of a
    programme. The line is part of its record's content, so it follows that record everywhere: who may
    read and change it (the record's confidentiality policy and companies), the lock (no line of a closed
    record changes, whoever calls), auditors' read-only access, the trail (each change is an event of the
    record), what a signature of the record signs, and its files (attached to the line, linked only by
    who may read them, frozen with the line). A model declares ``_iso_parent_field``, the required
    many2one to its record, and the same three short rules as a controlled model."""

    _name = "iso.controlled.line.mixin"
    _description = "ISO Controlled Record Line"

    # The many2one (required, ondelete cascade) to the controlled record the line belongs to.
    _iso_parent_field = None

    iso_readable = fields.Boolean(
        string="Readable by Me", compute="_compute_iso_line_access", search="_search_iso_readable"
    )
    iso_writable = fields.Boolean(
        string="Editable by Me", compute="_compute_iso_line_access", search="_search_iso_writable"
    )

    @api.model
    def _iso_parent_model(self):
        return self.env[self._fields[self._iso_parent_field].comodel_name]

    def _iso_parents(self):
        return self.sudo()[self._iso_parent_field].with_env(self.env)

    @api.model
    def _iso_line_access_domain(self, mode, in_sql=False):
        parent_model = self._iso_parent_model()
        return [
            (
                self._iso_parent_field,
                "any",
                Domain.AND(
                    [
                        [("company_id", "in", self.env.companies.ids)],
                        parent_model._iso_access_domain(mode, in_sql=in_sql),
                    ]
                ),
            )
        ]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_line_access(self):
        readable = self.filtered_domain(self._iso_line_access_domain("read"))
        writable = self.filtered_domain(self._iso_line_access_domain("write"))
        for line in self:
            line.iso_readable = line in readable
            line.iso_writable = line in writable

    def _search_iso_readable(self, operator, value):
        wanted = self._iso_parent_model()._iso_boolean_search(self.env._("Readable by Me"), operator, value)
        domain = self._iso_line_access_domain("read", in_sql=True)
        return domain if wanted else ["!", *domain]

    def _search_iso_writable(self, operator, value):
        wanted = self._iso_parent_model()._iso_boolean_search(self.env._("Editable by Me"), operator, value)
        domain = self._iso_line_access_domain("write", in_sql=True)
        return domain if wanted else ["!", *domain]

    # ------------------------------------------------------------------
    # The record's lock and auditors' read-only access hold for its lines
    # ------------------------------------------------------------------
    def _iso_check_parents_open(self, parents):
        if in_workflow(self.env):
            return
        parents._iso_check_auditor_writes_nothing()
        locked = parents.filtered(lambda parent: parent._iso_is_locked())
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is locked: its %(lines)s cannot be changed once it is %(state)s.",
                    record=locked[0].display_name,
                    lines=self._description,
                    state=locked[0]._iso_locked_state_label(),
                )
            )

    def _iso_line_frozen_reason(self):
        """Why this line is frozen on its own, whatever its record's state (a measurement whose period a held
        review covers, an input of a held review), or False; a line model overrides it."""
        self.ensure_one()
        return False

    def _iso_is_locked(self):
        """Whether the line's files are frozen: its record is locked or the line is frozen on its own."""
        self.ensure_one()
        return self._iso_parents()._iso_is_locked() or bool(self._iso_line_frozen_reason())

    def _iso_check_lines_unfrozen(self):
        if in_workflow(self.env):
            return
        for line in self:
            reason = line._iso_line_frozen_reason()
            if reason:
                raise UserError(
                    self.env._("%(line)s is frozen: %(reason)s", line=line.sudo().display_name, reason=reason)
                )

    @api.model
    def _iso_line_content_fields(self):
        """What a line says: its stored fields but the technical ones and the link to its record."""
        return [
            name
            for name, field in self._fields.items()
            if field.store
            and name not in LINE_TECHNICAL_FIELDS
            and name != self._iso_parent_field
            and field.type not in ("one2many", "binary")
        ]

    def _iso_line_snapshot(self):
        """{line id: {field: value}} as the trail and the record's content hash keep it."""
        names = self._iso_line_content_fields()
        return {line.id: {name: _trail_value(line._fields[name], line[name]) for name in names} for line in self.sudo()}

    def _iso_log_on_parents(self, old, new):
        """One trail event per record whose lines changed, naming the lines and their old and new values."""
        changes = {}
        label = self._description
        for line_id in sorted(set(old) | set(new)):
            before, after = old.get(line_id), new.get(line_id)
            if before == after:
                continue
            parent_id = (after or before)["__parent"]
            changes.setdefault(parent_id, []).append(
                {
                    "field": self._name,
                    "label": label,
                    "old": {k: v for k, v in (before or {}).items() if k != "__parent"} or None,
                    "new": {k: v for k, v in (after or {}).items() if k != "__parent"} or None,
                }
            )
        if changes:
            parents = self._iso_parent_model().sudo().browse(list(changes))
            parents._iso_trail_log("change", changes)

    def _iso_line_state(self):
        snapshot = self._iso_line_snapshot()
        for line in self.sudo():
            snapshot[line.id]["__parent"] = line[self._iso_parent_field].id
        return snapshot

    @api.model_create_multi
    def create(self, vals_list):
        parent_ids = {vals.get(self._iso_parent_field) for vals in vals_list if vals.get(self._iso_parent_field)}
        self._iso_check_parents_open(self._iso_parent_model().browse(parent_ids))
        check_linked_records(self, vals_list)
        check_linked_attachments(self, vals_list)
        lines = super().create(vals_list)
        # A line created where it would be frozen is refused: the creation is rolled back with the error.
        lines._iso_check_lines_unfrozen()
        creating = self.env.context.get(CREATING_KEY)
        if not (creating and creating[0] is CREATING and creating[1] == self._iso_parent_model()._name):
            lines._iso_log_on_parents({}, lines._iso_line_state())
        if any(attachment_fields(self) & set(vals) for vals in vals_list):
            attach_uploaded_files(lines)
        return lines

    def write(self, vals):
        parents = self._iso_parents()
        if self._iso_parent_field in vals:
            parents |= self._iso_parent_model().browse(vals[self._iso_parent_field])
        self._iso_check_parents_open(parents)
        self._iso_check_lines_unfrozen()
        check_linked_records(self, [vals])
        check_linked_attachments(self, [vals])
        old = self._iso_line_state()
        result = super().write(vals)
        # Nor may a change move a line to where it is frozen (a measurement into a frozen period).
        self._iso_check_lines_unfrozen()
        self._iso_log_on_parents(old, self._iso_line_state())
        if attachment_fields(self) & set(vals):
            attach_uploaded_files(self)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_parent_locked(self):
        self._iso_check_parents_open(self._iso_parents())
        self._iso_check_lines_unfrozen()

    def unlink(self):
        old = self._iso_line_state()
        result = super().unlink()
        self._iso_log_on_parents(old, {})
        return result
