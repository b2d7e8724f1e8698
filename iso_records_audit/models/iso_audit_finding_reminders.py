from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param

DEFAULT_FINDING_REMINDER_DAYS = 7
DUE_ACTIVITY = "iso_records_audit.mail_activity_type_finding_due"
OVERDUE_ACTIVITY = "iso_records_audit.mail_activity_type_finding_overdue"


class IsoAuditFinding(models.Model):
    """Reminders of the findings: their responsible before the due date and once it is past."""

    _inherit = "iso.audit.finding"

    @api.model
    def _iso_remind_finding_responsibles(self, companies=None):
        """The responsible of each open finding (``_iso_responsible_user``): one activity the days of
        Settings before its due date and one once it is overdue; each once per due date, a moved due date
        gives new ones. Returns how many findings were reminded (before, overdue)."""
        today = fields.Date.context_today(self)
        horizon = today + relativedelta(
            days=iso_int_param(self.env, "finding_reminder_days", DEFAULT_FINDING_REMINDER_DAYS)
        )
        open_findings = [("state", "=", "open"), *self.env["iso.audit"]._iso_reminder_company_domain(companies)]
        reminders = (
            (
                [("due_date", ">=", today), ("due_date", "<=", horizon)],
                DUE_ACTIVITY,
                "due_reminder_date",
                lambda finding: self.env._(
                    "Finding %(finding)s is due on %(date)s", finding=finding.display_name, date=finding.due_date
                ),
            ),
            (
                [("due_date", "<", today)],
                OVERDUE_ACTIVITY,
                "overdue_reminder_date",
                lambda finding: self.env._(
                    "Finding %(finding)s is overdue since %(date)s", finding=finding.display_name, date=finding.due_date
                ),
            ),
        )
        return tuple(
            self.sudo().search([*open_findings, *due])._iso_schedule_once(activity, "due_date", given_field, summary)
            for due, activity, given_field, summary in reminders
        )
