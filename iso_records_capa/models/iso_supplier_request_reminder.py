from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param

from .res_config_settings import DEFAULT_SCAR_REMINDER_DAYS

BEFORE_TEMPLATE = "iso_records_capa.mail_template_scar_reminder_before"
AFTER_TEMPLATE = "iso_records_capa.mail_template_scar_reminder_after"


class IsoSupplierRequest(models.Model):
    """Reminders to the supplier's contact: one e-mail the days of Settings before the deadline of a request
    waiting for its answer, one once the deadline is past; each once per deadline (a moved deadline gives new
    ones)."""

    _inherit = "iso.supplier.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_remind_suppliers(self):
        """The scheduled reminders; returns how many requests were reminded (before, after)."""
        today = fields.Date.context_today(self)
        horizon = today + relativedelta(days=iso_int_param(self.env, "scar_reminder_days", DEFAULT_SCAR_REMINDER_DAYS))
        waiting = [("state", "=", "sent"), ("deadline", "!=", False), ("contact_id", "!=", False)]
        reminders = (
            ([("deadline", ">=", today), ("deadline", "<=", horizon)], BEFORE_TEMPLATE, "reminder_before_date"),
            ([("deadline", "<", today)], AFTER_TEMPLATE, "reminder_after_date"),
        )
        return tuple(
            self.sudo()
            .search([*waiting, *due])
            ._iso_schedule_once(
                None,
                "deadline",
                given_field,
                None,
                send=lambda requests, xmlid=template: requests._iso_notify_contact(xmlid),
            )
            for due, template, given_field in reminders
        )
