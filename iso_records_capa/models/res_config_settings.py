from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .iso_capa import DEFAULT_EFFECTIVENESS_DAYS
from .iso_nonconformity import PRIORITIES
from .iso_supplier_request import DEFAULT_SCAR_DEADLINE_DAYS

# Days from triage to each deadline of a nonconformity, per priority: (containment, root cause, closure).
DEFAULT_NC_DEADLINE_DAYS = {
    "critical": (1, 7, 30),
    "high": (2, 14, 45),
    "medium": (5, 30, 60),
    "low": (10, 60, 90),
}
NC_DEADLINE_STEPS = ("containment", "root_cause", "closure")
DEFAULT_CAPA_REQUIRED_FROM = "high"
DEFAULT_REPEAT_WINDOW_DAYS = 180
DEFAULT_REPEAT_CAPA_COUNT = 3
DEFAULT_SCAR_REMINDER_DAYS = 3
DEFAULT_PORTAL_UPLOAD_MB = 10


def _deadline_field(priority, step, default):
    return fields.Integer(
        string=f"{dict(PRIORITIES)[priority]}: {step.replace('_', ' ')} within (days)",
        default=default,
        config_parameter=f"iso_records.nc_{priority}_{step}_days",
    )


CAPA_NON_NEGATIVE_SETTINGS = (
    *(f"iso_nc_{priority}_{step}_days" for priority in DEFAULT_NC_DEADLINE_DAYS for step in NC_DEADLINE_STEPS),
    "iso_nc_repeat_window_days",
    "iso_nc_repeat_capa_count",
    "iso_capa_effectiveness_days",
    "iso_scar_deadline_days",
    "iso_scar_reminder_days",
    "iso_scar_max_upload_mb",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    iso_nc_critical_containment_days = _deadline_field("critical", "containment", 1)
    iso_nc_critical_root_cause_days = _deadline_field("critical", "root_cause", 7)
    iso_nc_critical_closure_days = _deadline_field("critical", "closure", 30)
    iso_nc_high_containment_days = _deadline_field("high", "containment", 2)
    iso_nc_high_root_cause_days = _deadline_field("high", "root_cause", 14)
    iso_nc_high_closure_days = _deadline_field("high", "closure", 45)
    iso_nc_medium_containment_days = _deadline_field("medium", "containment", 5)
    iso_nc_medium_root_cause_days = _deadline_field("medium", "root_cause", 30)
    iso_nc_medium_closure_days = _deadline_field("medium", "closure", 60)
    iso_nc_low_containment_days = _deadline_field("low", "containment", 10)
    iso_nc_low_root_cause_days = _deadline_field("low", "root_cause", 60)
    iso_nc_low_closure_days = _deadline_field("low", "closure", 90)
    iso_nc_capa_required_from = fields.Selection(
        PRIORITIES,
        string="CAPA required from priority",
        default=DEFAULT_CAPA_REQUIRED_FROM,
        config_parameter="iso_records.nc_capa_required_from",
        help="A nonconformity of this priority or higher needs a CAPA; a lower one may be closed with its "
        "containment and a justification.",
    )
    iso_nc_repeat_window_days = fields.Integer(
        string="Repeat window (days)",
        default=DEFAULT_REPEAT_WINDOW_DAYS,
        config_parameter="iso_records.nc_repeat_window_days",
        help="An earlier nonconformity on the same product, supplier, clause or root-cause category within "
        "this many days makes a new one a repeat.",
    )
    iso_nc_repeat_capa_count = fields.Integer(
        string="CAPA required from repeat number",
        default=DEFAULT_REPEAT_CAPA_COUNT,
        config_parameter="iso_records.nc_repeat_capa_count",
        help="The Nth occurrence of the same problem within the repeat window (a nonconformity with N - 1 earlier "
        "ones) and every later one need a CAPA whatever their priority; 0 switches this rule off.",
    )
    iso_capa_effectiveness_days = fields.Integer(
        string="Effectiveness check after (days)",
        default=DEFAULT_EFFECTIVENESS_DAYS,
        config_parameter="iso_records.capa_effectiveness_days",
        help="A CAPA's effectiveness check falls due this many days after its last action is done.",
    )
    iso_scar_deadline_days = fields.Integer(
        string="Supplier answers within (days)",
        default=DEFAULT_SCAR_DEADLINE_DAYS,
        config_parameter="iso_records.scar_deadline_days",
    )
    iso_scar_reminder_days = fields.Integer(
        string="Remind the supplier (days before the deadline)",
        default=DEFAULT_SCAR_REMINDER_DAYS,
        config_parameter="iso_records.scar_reminder_days",
    )
    iso_scar_max_upload_mb = fields.Integer(
        string="Largest supplier upload (MB)",
        default=DEFAULT_PORTAL_UPLOAD_MB,
        config_parameter="iso_records.scar_max_upload_mb",
    )

    @api.constrains(*CAPA_NON_NEGATIVE_SETTINGS)
    def _check_capa_settings(self):
        for settings in self:
            for name in CAPA_NON_NEGATIVE_SETTINGS:
                if settings[name] < 0:
                    raise ValidationError(
                        self.env._("%(setting)s: cannot be negative.", setting=self._fields[name].string)
                    )
