from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import iso_int_param, workflow

RETENTION_START_EVENTS = [
    ("filed", "Filed"),
    ("effective", "Approved (effective)"),
    ("ended", "Superseded or obsolete"),
    ("closed", "Closed"),
    ("employee_departed", "Employee departed"),
    ("product_archived", "Product archived"),
    ("supplier_ended", "Supplier relationship ended"),
]
RETENTION_ACTIONS = [
    ("archive", "Archive"),
    ("purge_attachments", "Purge attachments, keep metadata and hashes"),
    ("anonymise", "Anonymise personal data"),
    ("delete", "Delete, leaving a tombstone in the audit trail"),
]
DURATION_UNITS = [("days", "Days"), ("months", "Months"), ("years", "Years")]


class IsoRetentionPolicy(models.Model):
    _name = "iso.retention.policy"
    _description = "ISO Retention Policy"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to share the policy between companies.")
    duration = fields.Integer(required=True, default=5)
    duration_unit = fields.Selection(DURATION_UNITS, required=True, default="years")
    start_event = fields.Selection(
        RETENTION_START_EVENTS,
        string="Clock starts when",
        required=True,
        help="The event that starts the retention period of a record.",
    )
    action = fields.Selection(RETENTION_ACTIONS, string="At the end", required=True, default="archive")
    approval_required = fields.Boolean(
        string="Disposal needs approval", default=True, help="An ISO administrator signs each disposal batch."
    )
    legal_basis = fields.Text(help="Why this long: the law, contract or standard clause that asks for it.")
    record_type_ids = fields.One2many("iso.record.type", "retention_policy_id", string="Record Types")
    model_ids = fields.Many2many(
        "ir.model",
        string="Default for",
        domain=lambda self: [("model", "in", self.env["iso.controlled.mixin"]._iso_controlled_model_names())],
        help="Kinds of ISO record (risks, audits, nonconformities...) that take this policy when created. "
        "ISO records take the policy of their record type; other kinds without one take the Settings default.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("start_event"):
                raise ValidationError(
                    self.env._("Clock starts when: a retention policy needs the event that starts its clock.")
                )
        return super().create(vals_list)

    def write(self, vals):
        if "start_event" in vals and not vals["start_event"]:
            raise ValidationError(
                self.env._("Clock starts when: a retention policy needs the event that starts its clock.")
            )
        result = super().write(vals)
        if {"duration", "duration_unit"} & set(vals):
            self._recompute_retention_until()
        return result

    def _recompute_retention_until(self):
        """A new period applies to every record already counting under the policy and not yet disposed,
        of every controlled model."""
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            records = (
                self.env[model_name]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [
                        ("retention_policy_id", "in", self.ids),
                        ("retention_start_date", "!=", False),
                        ("disposed_date", "=", False),
                    ]
                )
            )
            for (policy, start), group in records.grouped(
                lambda record: (record.retention_policy_id, record.retention_start_date)
            ).items():
                until = policy._retention_until(start)
                workflow(
                    group.filtered(lambda record, until=until: record.retention_until != until),
                    self.env._("Retention policy %s changed", policy.name),
                ).write({"retention_until": until})

    @api.constrains("duration")
    def _check_duration(self):
        for policy in self:
            if policy.duration <= 0:
                raise ValidationError(
                    self.env._(
                        "Duration: the retention period of %(policy)s must be positive (got %(duration)s).",
                        policy=policy.name,
                        duration=policy.duration,
                    )
                )

    @api.depends("duration", "duration_unit", "start_event")
    def _compute_display_name(self):
        units = dict(DURATION_UNITS)
        events = dict(RETENTION_START_EVENTS)
        for policy in self:
            policy.display_name = self.env._(
                "%(name)s (%(duration)s %(unit)s after %(event)s)",
                name=policy.name,
                duration=policy.duration,
                unit=units.get(policy.duration_unit, "").lower(),
                event=events.get(policy.start_event, "").lower(),
            )

    def _retention_until(self, start_date):
        """The last day a record must be kept when its clock started on ``start_date``."""
        self.ensure_one()
        if not start_date:
            return False
        return start_date + relativedelta(**{self.duration_unit: self.duration})

    @api.model
    def _send_retention_reminders(self):
        """Tell ISO administrators, per policy, how many records reach disposal within the lead days.
        One open reminder per policy and administrator: the next one comes after it is done."""
        lead_days = iso_int_param(self.env, "retention_reminder_days", 30)
        if not lead_days:
            return
        cutoff = self.env["iso.disposal.batch"]._disposal_cutoff()
        horizon = cutoff + timedelta(days=lead_days)
        self.env.flush_all()
        coming = {}
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            self.env.cr.execute(
                SQL(
                    """SELECT retention_policy_id, count(*), min(retention_until) FROM %s
                        WHERE retention_until >= %s AND retention_until < %s AND disposed_date IS NULL
                        GROUP BY retention_policy_id""",
                    SQL.identifier(self.env[model_name]._table),
                    cutoff,
                    horizon,
                )
            )
            for policy_id, count, first in self.env.cr.fetchall():
                if policy_id:
                    total, earliest = coming.get(policy_id, (0, first))
                    coming[policy_id] = (total + count, min(earliest, first))
        if not coming:
            return
        activity_type = self.env.ref("iso_records.mail_activity_type_iso_retention_reminder")
        administrators = self.env["iso.trail.verification"]._administrators()
        grace = iso_int_param(self.env, "retention_grace_days", 30)
        for policy in self.sudo().browse(list(coming)):
            count, first = coming[policy.id]
            reminded = policy.activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).user_id
            for user in administrators - reminded:
                policy.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    date_deadline=first + timedelta(days=grace + 1),
                    summary=self.env._(
                        "%(count)s records reach the end of retention under %(policy)s from %(date)s",
                        count=count,
                        policy=policy.name,
                        date=first,
                    ),
                    note=self.env._(
                        "Place a legal hold on any of them that must be kept longer; "
                        "the others will be collected for disposal."
                    ),
                )
