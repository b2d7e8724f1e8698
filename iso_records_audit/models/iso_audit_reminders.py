from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param

DEFAULT_AUDIT_REMINDER_DAYS = 7
UPCOMING_ACTIVITY = "iso_records_audit.mail_activity_type_audit_upcoming"


class IsoAudit(models.Model):
    """Reminders of the audits: the daily cron, and the lead auditor's reminder before an audit."""

    _inherit = "iso.audit"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_audit_reminders(self, companies=None):
        """Daily: the lead auditors of the coming audits, the responsibles of the findings due or overdue,
        the owners of the programmes whose lines' audits are overdue; each reminder once per date. Of
        ``companies`` only when given (every company by default). Returns how many records of each kind
        were handled."""
        return (
            self._iso_remind_lead_auditors(companies),
            *self.env["iso.audit.finding"]._iso_remind_finding_responsibles(companies),
            self.env["iso.audit.programme"]._iso_remind_overdue_lines(companies),
        )

    @api.model
    def _iso_reminder_company_domain(self, companies):
        return [("company_id", "in", companies.ids)] if companies is not None else []

    @api.model
    def _iso_remind_lead_auditors(self, companies=None):
        """One activity to the lead auditor of each planned audit that starts within the days of Settings,
        for its planned start; a moved start gives a new one. Only a lead auditor who may act is asked."""
        today = fields.Date.context_today(self)
        horizon = today + relativedelta(
            days=iso_int_param(self.env, "audit_reminder_days", DEFAULT_AUDIT_REMINDER_DAYS)
        )
        audits = self.sudo().search(
            [
                ("state", "in", ("planned", "preparation")),
                ("lead_auditor_user_id", "!=", False),
                ("date_start", ">=", today),
                ("date_start", "<=", horizon),
                *self._iso_reminder_company_domain(companies),
            ]
        )
        audits = audits.filtered(lambda audit: audit.lead_reminder_date != audit.date_start)
        leads = {audit.id: audit._iso_may_act_users(audit.lead_auditor_user_id) for audit in audits}
        # Whoever may not act is not asked, and the audit is not marked reminded: a lead auditor who
        # becomes able again (reactivated, given ISO access) is still reminded before the start.
        return audits.filtered(lambda audit: leads[audit.id])._iso_schedule_once(
            UPCOMING_ACTIVITY,
            "date_start",
            "lead_reminder_date",
            lambda audit: self.env._(
                "Audit %(audit)s starts on %(date)s", audit=audit.display_name, date=audit.date_start
            ),
            users=lambda audit: leads[audit.id],
        )
