from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    iso_review_lead_days = fields.Integer(
        string="Review reminder (days before)",
        default=30,
        config_parameter="iso_records.review_lead_days",
        help="How many days before a document's review date its owner gets the periodic review activity.",
    )
    iso_allow_self_approval = fields.Boolean(
        string="Authors may approve their own documents",
        config_parameter="iso_records.allow_self_approval",
    )
