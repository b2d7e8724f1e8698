from odoo import api, fields, models

PROGRAMME_OVERDUE_ACTIVITY = "iso_records_audit.mail_activity_type_programme_overdue"


class IsoAuditProgramme(models.Model):
    """Reminders of the programme: its owner when the audit of one of its lines is overdue.

    Programme lines are lines of a controlled record, not controlled records: they have no chatter, no
    activities and no workflow fields. The reminder is given on the programme, to its responsible
    (``_iso_responsible_user``), for the latest due date of its overdue lines, naming those lines:
    each line falling overdue on a later date than the last one reminded gives one new activity."""

    _inherit = "iso.audit.programme"
    _iso_workflow_only = ("overdue_reminder_date",)

    overdue_reminder_date = fields.Date(
        readonly=True, copy=False, help="The latest due date of an overdue line the owner was reminded of."
    )

    @api.model
    def _iso_remind_overdue_lines(self, companies=None):
        Line = self.env["iso.audit.programme.line"].sudo()
        if "next_due_date" not in Line._fields:
            # The lines' due dates come with the programme's frequency (issue 13, helper B); until then
            # no line can be overdue. Remove this guard once they are merged.
            return 0
        today = fields.Date.context_today(self)
        lines = Line.search(
            [
                ("programme_id.state", "=", "active"),
                ("next_due_date", "!=", False),
                ("next_due_date", "<", today),
                *self.env["iso.audit"]._iso_reminder_company_domain(companies),
            ]
        ).filtered("overdue")
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
