from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    iso_audit_pack_sync_limit = fields.Integer(
        string="Audit packs built at once up to",
        default=200,
        config_parameter="iso_records.audit_pack_sync_limit",
        help="A pack with more records than this is built in the background, with its progress shown; "
        "its requester gets a message when it is ready.",
    )

    @api.constrains("iso_audit_pack_sync_limit")
    def _check_iso_audit_pack_sync_limit(self):
        for settings in self:
            if settings.iso_audit_pack_sync_limit < 0:
                raise ValidationError(
                    self.env._("Audit packs built at once up to: the number of records cannot be negative.")
                )
