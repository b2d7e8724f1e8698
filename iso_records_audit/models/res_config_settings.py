from odoo import api, fields, models
from odoo.exceptions import ValidationError

AUDIT_NON_NEGATIVE_SETTINGS = (
    "iso_audit_frequency_critical",
    "iso_audit_frequency_high",
    "iso_audit_frequency_medium",
    "iso_audit_generation_months",
    "iso_audit_reminder_days",
    "iso_finding_reminder_days",
    "iso_finding_due_days_major",
    "iso_finding_due_days_minor",
    "iso_finding_due_days_observation",
    "iso_finding_due_days_improvement",
    "iso_objective_measurement_due_days",
    "iso_management_review_interval_months",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    iso_audit_frequency_critical = fields.Integer(
        string="Critical risk or major finding: every (months)",
        default=6,
        config_parameter="iso_records.audit_frequency_critical",
    )
    iso_audit_frequency_high = fields.Integer(
        string="High risk: every (months)", default=12, config_parameter="iso_records.audit_frequency_high"
    )
    iso_audit_frequency_medium = fields.Integer(
        string="Medium risk: every (months)", default=18, config_parameter="iso_records.audit_frequency_medium"
    )
    iso_audit_generation_months = fields.Integer(
        string="Generate audits for the next (months)",
        default=12,
        config_parameter="iso_records.audit_generation_months",
        help="How far ahead 'Generate audits' plans. Low risks are audited once per cycle.",
    )
    iso_audit_reminder_days = fields.Integer(
        string="Remind the lead auditor (days before)", default=7, config_parameter="iso_records.audit_reminder_days"
    )
    iso_finding_reminder_days = fields.Integer(
        string="Remind a finding's responsible (days before due)",
        default=7,
        config_parameter="iso_records.finding_reminder_days",
    )
    iso_finding_due_days_major = fields.Integer(
        string="Major nonconformity: answer within (days)",
        default=30,
        config_parameter="iso_records.finding_due_days_major",
    )
    iso_finding_due_days_minor = fields.Integer(
        string="Minor nonconformity: answer within (days)",
        default=60,
        config_parameter="iso_records.finding_due_days_minor",
    )
    iso_finding_due_days_observation = fields.Integer(
        string="Observation: answer within (days)",
        default=90,
        config_parameter="iso_records.finding_due_days_observation",
    )
    iso_finding_due_days_improvement = fields.Integer(
        string="Opportunity for improvement: answer within (days)",
        default=90,
        config_parameter="iso_records.finding_due_days_improvement",
    )

    iso_objective_measurement_due_days = fields.Integer(
        string="Measurement due (days after its period ends)",
        default=5,
        config_parameter="iso_records.objective_measurement_due_days",
        help="An objective's owner is asked for the measurement of a period this many days after it ends.",
    )
    iso_management_review_interval_months = fields.Integer(
        string="Next management review after (months)",
        default=12,
        config_parameter="iso_records.management_review_interval_months",
        help="Proposes a review's next review date this many months after its meeting date; 0 proposes none.",
    )

    @api.constrains(*AUDIT_NON_NEGATIVE_SETTINGS)
    def _check_audit_settings(self):
        for settings in self:
            for name in AUDIT_NON_NEGATIVE_SETTINGS:
                if settings[name] < 0:
                    raise ValidationError(
                        self.env._("%(setting)s: cannot be negative.", setting=self._fields[name].string)
                    )
