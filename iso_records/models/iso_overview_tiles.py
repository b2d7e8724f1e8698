from odoo import api, fields, models
from odoo.tools import format_date

EVERYONE_ISO = "iso_records.group_iso_user"
MANAGER = "iso_records.group_iso_manager"


class IsoOverview(models.AbstractModel):
    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_overview_tiles(self):
        uid = self.env.uid
        controlled_models = self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        mine = [
            {
                "key": "my_to_approve",
                "section": "mine",
                "sequence": 10,
                "label": self.env._("Documents awaiting my approval"),
                "model": "iso.record",
                # The filter of the "To Approve" menu, which only ISO managers have.
                "domain": [("state", "=", "in_review")],
                "groups": MANAGER,
                "severity": "warning",
                "action": "iso_records.iso_record_action_to_approve",
            },
            {
                "key": "my_to_read",
                "section": "mine",
                "sequence": 20,
                "label": self.env._("My read-and-understood pending"),
                "model": "iso.record",
                "domain": [("acknowledgement_pending", "=", True)],
                "severity": "warning",
                "action": "iso_records.iso_record_action_to_read",
            },
            {
                "key": "my_trainings_expired",
                "section": "mine",
                "sequence": 30,
                "label": self.env._("My trainings expired"),
                "model": "iso.competence.matrix",
                "domain": [("user_id", "=", uid), ("state", "=", "expired")],
                "severity": "danger",
                "action": "iso_records.iso_competence_matrix_action_list",
            },
            {
                "key": "my_trainings_expiring",
                "section": "mine",
                "sequence": 40,
                "label": self.env._("My trainings expiring"),
                "model": "iso.competence.matrix",
                "domain": [("user_id", "=", uid), ("state", "=", "expiring")],
                "severity": "warning",
                "action": "iso_records.iso_competence_matrix_action_list",
            },
            {
                "key": "my_activities",
                "section": "mine",
                "sequence": 50,
                "label": self.env._("My open activities"),
                "model": "mail.activity",
                "domain": [("user_id", "=", uid), ("res_model", "in", controlled_models)],
                "groups": EVERYONE_ISO,
                "severity": "info",
                "action": "mail.mail_activity_action",
            },
        ]
        system = [
            {
                "key": "reviews_overdue",
                "section": "system",
                "sequence": 10,
                "label": self.env._("Reviews overdue"),
                "model": "iso.record",
                "domain": [("review_due", "=", True)],
                "severity": "danger",
                "action": "iso_records.iso_record_action",
            },
            {
                "key": "trainings_expired",
                "section": "system",
                "sequence": 20,
                "label": self.env._("Trainings expired"),
                "model": "iso.competence.matrix",
                "domain": [("state", "=", "expired")],
                "severity": "danger",
                "action": "iso_records.iso_competence_matrix_action_list",
            },
            {
                "key": "trainings_expiring",
                "section": "system",
                "sequence": 30,
                "label": self.env._("Trainings expiring"),
                "model": "iso.competence.matrix",
                "domain": [("state", "=", "expiring")],
                "severity": "warning",
                "action": "iso_records.iso_competence_matrix_action_list",
            },
            {
                "key": "acknowledgements_pending",
                "section": "system",
                "sequence": 40,
                "label": self.env._("Read-and-understood pending"),
                "model": "iso.document.acknowledgement",
                "domain": [("state", "=", "requested")],
                "severity": "warning",
                "action": "iso_records.iso_document_acknowledgement_action",
            },
            {
                "key": "retention_due",
                "section": "system",
                "sequence": 50,
                "label": self.env._("Records due for disposal"),
                "model": "iso.record",
                "domain": [("retention_due", "=", True)],
                "severity": "warning",
                "action": "iso_records.iso_record_action_retention_due",
            },
            {
                "key": "on_hold",
                "section": "system",
                "sequence": 60,
                "label": self.env._("Records on legal hold"),
                "model": "iso.record",
                "domain": [("on_hold", "=", True)],
                "severity": "info",
                "action": "iso_records.iso_record_action",
            },
            {
                "key": "risks_above_target",
                "section": "system",
                "sequence": 70,
                "label": self.env._("Risks above target"),
                "model": "iso.risk",
                "domain": [("status", "=", "needs_treatment")],
                "severity": "danger",
                "action": "iso_records.iso_risk_action",
            },
            {
                "key": "trail_verification",
                "section": "system",
                "sequence": 200,
                "label": self.env._("Last trail verification"),
                "model": "iso.trail.verification",
                "domain": [],
                "compute": "_iso_overview_last_verification",
                "action": "iso_records.iso_trail_verification_action",
            },
        ]
        return super()._iso_overview_tiles() + mine + system

    @api.model
    def _iso_overview_last_verification(self):
        """The date and result of the latest trail verification the user may read."""
        last = self.env["iso.trail.verification"].search([], limit=1, order="id desc")
        if not last:
            return {"value": self.env._("Never verified"), "severity": "danger"}
        state = dict(last._fields["state"]._description_selection(self.env))[last.state]
        verified_on = fields.Datetime.context_timestamp(self, last.verified_at).date()
        return {
            "value": f"{format_date(self.env, verified_on)} · {state}",
            "severity": "danger" if last.state == "broken" else "success",
        }
