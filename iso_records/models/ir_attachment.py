from odoo import models
from odoo.exceptions import UserError

from .iso_controlled_mixin import WORKFLOW, WORKFLOW_KEY

CONTENT_FIELDS = {"datas", "raw", "db_datas", "store_fname", "checksum", "file_size", "res_model", "res_id"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _iso_check_not_signed(self):
        """Files that an approved or filed ISO revision holds are part of signed content."""
        if not self.ids or self.env.context.get(WORKFLOW_KEY) is WORKFLOW:
            return
        self.env.cr.execute(
            "SELECT attachment_id FROM iso_record_revision_attachment_rel WHERE attachment_id IN %s LIMIT 1",
            [tuple(self.ids)],
        )
        row = self.env.cr.fetchone()
        if row:
            attachment = self.browse(row[0]).sudo()
            raise UserError(
                self.env._(
                    "%(name)s belongs to an approved or filed ISO record revision and cannot be changed or deleted.",
                    name=attachment.name,
                )
            )

    def write(self, vals):
        if CONTENT_FIELDS & set(vals):
            self._iso_check_not_signed()
        return super().write(vals)

    def unlink(self):
        self._iso_check_not_signed()
        return super().unlink()
