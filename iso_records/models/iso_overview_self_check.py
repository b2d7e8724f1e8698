from odoo import api, fields, models

from .iso_overview import MANAGERS_AUDITORS

SELF_CHECK_READERS = f"{MANAGERS_AUDITORS},iso_records.group_iso_administrator"
# The lowest score of each colour of the tile.
SCORE_INFO = 90.0
SCORE_WARNING = 70.0


class IsoOverview(models.AbstractModel):
    """The self-check on the overview: the last score, its trend over the months and a link to the runs."""

    _inherit = "iso.overview"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _iso_overview_tiles(self):
        return [
            *super()._iso_overview_tiles(),
            {
                "key": "self_check_score",
                "section": "system",
                "sequence": 900,
                "label": self.env._("Self-check score"),
                "model": "iso.self.check",
                "domain": [("company_id", "in", self.env.companies.ids)],
                "groups": SELF_CHECK_READERS,
                "action": "iso_records.iso_self_check_action",
                "compute": "_iso_overview_self_check_score",
            },
        ]

    @api.model
    def _iso_overview_charts(self):
        return [
            *super()._iso_overview_charts(),
            {
                "key": "self_check_score",
                "title": self.env._("Self-check score"),
                "sequence": 900,
                "section": "system",
                "groups": SELF_CHECK_READERS,
                "method": "_iso_overview_self_check_trend",
            },
        ]

    @api.model
    def _iso_overview_links(self):
        return [
            *super()._iso_overview_links(),
            {
                "key": "self_check",
                "label": self.env._("Self-Check"),
                "sequence": 40,
                "action": "iso_records.iso_self_check_action",
                "groups": SELF_CHECK_READERS,
            },
        ]

    @api.model
    def _iso_overview_self_check_score(self):
        last = self.env["iso.self.check"].search([("company_id", "in", self.env.companies.ids)], limit=1)
        if not last:
            return {"value": self.env._("Not run yet"), "severity": "warning"}
        if last.score >= SCORE_INFO:
            severity = "info"
        elif last.score >= SCORE_WARNING:
            severity = "warning"
        else:
            severity = "danger"
        when = fields.Date.to_string(fields.Datetime.context_timestamp(self, last.run_at).date())
        return {"value": self.env._("%(score)s%% on %(date)s", score=last.score, date=when), "severity": severity}

    @api.model
    def _iso_overview_self_check_trend(self):
        trend = self.env["iso.self.check"]._iso_score_trend()
        return {
            "kind": "line",
            "labels": [point["month"] for point in trend],
            "series": [{"label": self.env._("Score"), "values": [point["score"] for point in trend]}],
            "unit": "%",
        }
