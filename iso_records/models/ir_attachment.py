from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import in_workflow
from .iso_controlled_mixin import attachment_fields


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _iso_signed(self):
        """The first of these files that is signed content: held by a record revision, attached to a
        locked controlled record or to a line of one (or a line frozen on its own), or linked to one through
        its attachment fields."""
        if not self.ids:
            return self.browse()
        cr = self.env.cr
        cr.execute(
            "SELECT attachment_id FROM iso_record_revision_attachment_rel WHERE attachment_id = ANY(%s) LIMIT 1",
            [self.ids],
        )
        row = cr.fetchone()
        if row:
            return self.browse(row[0])
        controlled = self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        controlled += self.env["iso.controlled.mixin"]._iso_controlled_model_names("iso.controlled.line.mixin")
        links = [
            SQL(
                "SELECT %s, res_id, id FROM ir_attachment WHERE id = ANY(%s) AND res_model = %s AND res_id > 0",
                name,
                self.ids,
                name,
            )
            for name in controlled
        ]
        for name in controlled:
            model = self.env[name]
            for field_name in attachment_fields(model):
                field = model._fields[field_name]
                links.append(
                    SQL(
                        "SELECT %s, %s, %s FROM %s WHERE %s = ANY(%s)",
                        name,
                        SQL.identifier(field.column1),
                        SQL.identifier(field.column2),
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column2),
                        self.ids,
                    )
                )
        self.flush_recordset(["res_model", "res_id"])
        cr.execute(SQL(" UNION ").join(links))
        attachment_of = {}
        for model_name, record_id, attachment_id in cr.fetchall():
            attachment_of.setdefault(model_name, {}).setdefault(record_id, attachment_id)
        for model_name, by_record in attachment_of.items():
            records = self.env[model_name].sudo().with_context(active_test=False).browse(by_record).exists()
            locked = records.filtered(lambda record: record._iso_is_locked())
            if locked:
                return self.browse(by_record[locked[0].id])
        return self.browse()

    def _iso_check_not_signed(self):
        if in_workflow(self.env):
            return
        signed = self._iso_signed()
        if signed:
            raise UserError(
                self.env._(
                    "%(name)s is part of a signed, locked ISO record and cannot be changed or deleted: nothing about "
                    "the file (its content, name, type, visibility or the record it belongs to) may change.",
                    name=signed.sudo().name,
                )
            )

    def write(self, vals):
        if vals:
            self._iso_check_not_signed()
        return super().write(vals)

    def unlink(self):
        self._iso_check_not_signed()
        return super().unlink()
