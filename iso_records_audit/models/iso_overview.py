from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_overview_charts import QUALITY_SYSTEM_GROUPS
from odoo.tools import SQL

from .iso_management_review import FROZEN_STATES

EVERYONE_ISO = "iso_records.group_iso_user"
# How far ahead the "audits coming" tiles look.
AUDIT_HORIZON_DAYS = 30
AUDIT_DONE_STATES = ("closed", "cancelled")


class IsoOverview(models.AbstractModel):
    """The tiles and charts of audits, findings, objectives and management reviews on the overview."""

    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    def _iso_audits_coming_domain(self):
        today = fields.Date.context_today(self)
        return [
            ("state", "not in", AUDIT_DONE_STATES),
            ("date_start", ">=", today),
            ("date_start", "<=", today + timedelta(days=AUDIT_HORIZON_DAYS)),
        ]

    @api.model
    def _iso_overview_tiles(self):
        uid = self.env.uid
        held_outputs = [("review_state", "in", FROZEN_STATES)]
        system = [
            {
                "key": "audits_coming",
                "section": "system",
                "sequence": 110,
                "label": self.env._("Audits in the next 30 days"),
                "model": "iso.audit",
                "domain": self._iso_audits_coming_domain(),
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "info",
                "action": "iso_records_audit.iso_audit_action",
            },
            {
                "key": "findings_open",
                "section": "system",
                "sequence": 120,
                "label": self.env._("Findings open"),
                "model": "iso.audit.finding",
                "domain": [("state", "=", "open")],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "warning",
                "action": "iso_records_audit.iso_audit_finding_action",
            },
            {
                "key": "findings_overdue",
                "section": "system",
                "sequence": 130,
                "label": self.env._("Findings overdue"),
                "model": "iso.audit.finding",
                "domain": [("overdue", "=", True)],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_audit.iso_audit_finding_action",
            },
            {
                "key": "objectives_off_track",
                "section": "system",
                "sequence": 140,
                "label": self.env._("Objectives off track"),
                "model": "iso.objective",
                "domain": [("state", "=", "active"), ("status", "=", "off_track")],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_audit.iso_objective_action",
            },
            {
                "key": "review_outputs_overdue",
                "section": "system",
                "sequence": 150,
                "label": self.env._("Management review outputs overdue"),
                "model": "iso.management.review.output",
                "domain": [*held_outputs, ("action_state", "=", "late")],
                "groups": QUALITY_SYSTEM_GROUPS,
                "severity": "danger",
                "action": "iso_records_audit.iso_management_review_output_action",
            },
        ]
        mine = [
            {
                "key": "my_audits_coming",
                "section": "mine",
                "sequence": 110,
                "label": self.env._("My audits in the next 30 days"),
                "model": "iso.audit",
                "domain": [*self._iso_audits_coming_domain(), ("team_user_ids", "in", [uid])],
                "groups": EVERYONE_ISO,
                "severity": "info",
                "action": "iso_records_audit.iso_audit_action",
            },
            {
                "key": "my_findings_open",
                "section": "mine",
                "sequence": 120,
                "label": self.env._("My open findings"),
                "model": "iso.audit.finding",
                "domain": [("state", "=", "open"), ("owner_user_id", "=", uid)],
                "groups": EVERYONE_ISO,
                "severity": "warning",
                "action": "iso_records_audit.iso_audit_finding_action",
            },
            {
                "key": "my_review_outputs_open",
                "section": "mine",
                "sequence": 130,
                "label": self.env._("My management review outputs open"),
                "model": "iso.management.review.output",
                "domain": [*held_outputs, ("user_id", "=", uid), ("action_state", "in", ("open", "late"))],
                "groups": EVERYONE_ISO,
                "severity": "warning",
                "action": "iso_records_audit.iso_management_review_output_action",
            },
        ]
        return super()._iso_overview_tiles() + system + mine

    @api.model
    def _iso_overview_charts(self):
        return [
            *super()._iso_overview_charts(),
            {
                "key": "objectives_status",
                "title": self.env._("Objectives status"),
                "sequence": 40,
                "groups": QUALITY_SYSTEM_GROUPS,
                "section": "system",
                "method": "_iso_chart_objectives_status",
            },
        ]

    @api.model
    def _iso_chart_objectives_status(self):
        """The active objectives the user may read per status, in one query: each status is the objective's
        own status search, so the chart and the list's filters agree."""
        objectives = self.env["iso.objective"]
        visible = objectives._search([("state", "=", "active")])
        statuses = objectives._fields["status"]._description_selection(self.env)
        row = self.env.execute_query(
            SQL(
                "SELECT %s FROM %s WHERE %s",
                SQL(", ").join(
                    SQL("COUNT(*) FILTER (WHERE %s)", objectives._where_calc([("status", "=", status)]).where_clause)
                    for status, __ in statuses
                ),
                visible.from_clause,
                visible.where_clause,
            )
        )[0]
        return {
            "kind": "bar",
            "labels": [label for __, label in statuses],
            "series": [{"label": self.env._("Objectives"), "values": list(row)}],
            "unit": self.env._("objectives"),
        }
