from odoo import api, fields, models
from odoo.exceptions import ValidationError

DISPOSAL_APPROVAL = [
    ("always", "Always: an administrator signs every disposal batch"),
    ("per_policy", "As each retention policy says"),
]

NON_NEGATIVE_SETTINGS = (
    "iso_review_lead_days",
    "iso_retention_grace_days",
    "iso_retention_reminder_days",
    "iso_anonymise_departed_years",
    "iso_competence_expiring_days",
)


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
    iso_default_retention_policy_id = fields.Many2one(
        "iso.retention.policy",
        string="Default retention policy",
        config_parameter="iso_records.default_retention_policy_id",
        help="Given to new record types; each record type can have its own (Retention per record type).",
    )
    iso_record_type_without_policy_count = fields.Integer(compute="_compute_iso_record_types_without_policy")
    iso_record_type_without_policy_text = fields.Char(compute="_compute_iso_record_types_without_policy")
    iso_retention_grace_days = fields.Integer(
        string="Grace days",
        default=30,
        config_parameter="iso_records.retention_grace_days",
        help="Days after the end of retention before a record is collected for disposal.",
    )
    iso_disposal_approval = fields.Selection(
        DISPOSAL_APPROVAL,
        string="Disposal approval",
        default="always",
        config_parameter="iso_records.disposal_approval",
    )
    iso_disposal_self_approval = fields.Boolean(
        string="Whoever collects a batch may approve it",
        config_parameter="iso_records.disposal_self_approval",
        help="Off by default: a batch collected by hand is approved by another ISO administrator.",
    )
    iso_retention_reminder_days = fields.Integer(
        string="Disposal reminder (days before)",
        default=30,
        config_parameter="iso_records.retention_reminder_days",
        help="ISO administrators are told this many days ahead how many records each policy will dispose; "
        "0 sends no reminders.",
    )
    iso_anonymise_departed_years = fields.Integer(
        string="Anonymise departed employees after (years)",
        default=0,
        config_parameter="iso_records.anonymise_departed_years",
        help="Removes a former employee's name and link from the ISO records about them this many years "
        "after their departure; 0 keeps them until each record's own retention ends.",
    )
    iso_competence_expiring_days = fields.Integer(
        string="Training expiring within (days)",
        default=30,
        config_parameter="iso_records.competence_expiring_days",
        help="A training that expires within this many days shows as expiring in the competence matrix; "
        "the employee and their manager then get a refresher activity.",
    )

    iso_risk_medium_from = fields.Integer(
        string="Medium from score",
        default=5,
        config_parameter="iso_records.risk_medium_from",
        help="A risk scored likelihood x severity at or above this is medium.",
    )
    iso_risk_high_from = fields.Integer(
        string="High from score", default=10, config_parameter="iso_records.risk_high_from"
    )
    iso_risk_critical_from = fields.Integer(
        string="Critical from score", default=16, config_parameter="iso_records.risk_critical_from"
    )

    @api.constrains("iso_risk_medium_from", "iso_risk_high_from", "iso_risk_critical_from")
    def _check_iso_risk_thresholds(self):
        for settings in self:
            medium, high, critical = (
                settings.iso_risk_medium_from,
                settings.iso_risk_high_from,
                settings.iso_risk_critical_from,
            )
            if not 1 < medium < high < critical <= 25:
                raise ValidationError(
                    self.env._(
                        "Risk matrix: the thresholds must rise within the 1-25 score: 1 < medium (%(medium)s) "
                        "< high (%(high)s) < critical (%(critical)s) <= 25.",
                        medium=medium,
                        high=high,
                        critical=critical,
                    )
                )

    def set_values(self):
        before = self.env["iso.risk"]._thresholds()
        result = super().set_values()
        self._iso_store_zero_settings()
        if self.env["iso.risk"]._thresholds() != before:
            self.env["iso.risk"]._recompute_levels()
        return result

    def _iso_store_zero_settings(self):
        """Odoo stores an integer setting of 0 as no parameter at all, which brings its default back; an
        ISO Records setting of 0 means something ("no reminders", "rule off"), so it is stored as "0"."""
        params = self.env["ir.config_parameter"].sudo()
        for name, field in self._fields.items():
            parameter = getattr(field, "config_parameter", None) or ""
            if field.type == "integer" and parameter.startswith("iso_records.") and self[name] == 0:
                params.set_param(parameter, "0")

    @api.constrains(*NON_NEGATIVE_SETTINGS)
    def _check_iso_non_negative(self):
        for settings in self:
            for name in NON_NEGATIVE_SETTINGS:
                if settings[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: must be zero or more (got %(value)s).",
                            field=self._fields[name].string,
                            value=settings[name],
                        )
                    )

    @api.depends("company_id")
    def _compute_iso_record_types_without_policy(self):
        count = self.env["iso.record.type"].search_count([("without_retention_policy", "=", True)])
        text = (
            self.env._("1 record type has no retention policy")
            if count == 1
            else self.env._("%s record types have no retention policy", count)
        )
        for settings in self:
            settings.iso_record_type_without_policy_count = count
            settings.iso_record_type_without_policy_text = text

    def action_iso_record_types_without_policy(self):
        action = self.action_iso_retention_per_record_type()
        action["context"] = {"search_default_without_retention_policy": 1}
        return action

    def action_iso_collect_due_records(self):
        self.execute()
        return self.env["iso.disposal.batch"].action_collect_now()

    def action_iso_retention_per_model(self):
        self.execute()
        return self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_retention_policy_action")

    def action_iso_retention_per_record_type(self):
        self.execute()
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_record_type_action_retention")
        return action
