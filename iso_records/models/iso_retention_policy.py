from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
        return super().write(vals)

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
