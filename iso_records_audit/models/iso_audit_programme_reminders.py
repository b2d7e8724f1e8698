from odoo import api, fields, models

PROGRAMME_OVERDUE_ACTIVITY = "iso_records_audit.mail_activity_type_programme_overdue"


class IsoAuditProgramme(models.Model):
    """Reminders of the programme: its owner when the audit of one of its lines is overdue.

    Programme lines are lines of a controlled record, not controlled records: they have no chatter, no
    activities and no workflow fields. The reminder is given on the programme, to its responsible
    (``_iso_responsible_user``), for the latest due date of its overdue lines, naming those lines:
    each line falling overdue on a later date than the last one reminded gives one new activity."""

    _inherit = "iso.audit.programme"  # pylint: disable=consider-merging-classes-inherited
    _iso_workflow_only = ("overdue_reminder_date",)

    overdue_reminder_date = fields.Date(
        readonly=True, copy=False, help="The latest due date of an overdue line the owner was reminded of."
    )

    @api.model
    def _iso_remind_overdue_lines(self, companies=None):
        """The owner of each active programme with overdue lines (next due date passed, no audit planned):
        one activity for the latest due date of those lines, naming them."""
        lines = (
            self.env["iso.audit.programme.line"]
            .sudo()
            .search([("overdue", "=", True), *self.env["iso.audit"]._iso_reminder_company_domain(companies)])
        )
        overdue = lines.grouped("programme_id")
        latest = {programme.id: max(overdue[programme].mapped("next_due_date")) for programme in overdue}
        programmes = (
            self.sudo()
            .browse(latest)
            .filtered(
                lambda programme: (
                    not programme.overdue_reminder_date or programme.overdue_reminder_date < latest[programme.id]
                )
            )
        )
        return programmes._iso_schedule_once(
            PROGRAMME_OVERDUE_ACTIVITY,
            lambda programme: latest[programme.id],
            "overdue_reminder_date",
            lambda programme: self.env._(
                "Audit programme %(programme)s: the audit of %(lines)s is overdue",
                programme=programme.display_name,
                lines=", ".join(
                    f"{line.display_name} ({line.next_due_date})" for line in overdue[programme].sorted("next_due_date")
                ),
            ),
        )
