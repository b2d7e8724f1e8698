from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .management_common import ManagementCase


@tagged("post_install", "-at_install")
class TestObjectiveTrendTour(ManagementCase, HttpCase):
    def test_owner_sees_the_list_by_status_and_the_trend_chart(self):
        today = fields.Date.context_today(self.Objective)
        last_ended = today.replace(day=1) - relativedelta(months=1)
        objective = self.make_objective(
            title="Tour objective: on-time delivery",
            date_start=last_ended - relativedelta(months=3),
            date_due=today + relativedelta(months=6),
        )
        self.measure(objective, (last_ended - relativedelta(months=1), 91.0), (last_ended, 89.0))
        self.assertEqual(objective.status, "off_track")
        band = self.make_objective(
            title="Tour objective: stock accuracy",
            direction="between",
            target=97.0,
            target_max=100.0,
            date_start=last_ended - relativedelta(months=3),
            date_due=today + relativedelta(months=6),
        )
        self.measure(band, (last_ended - relativedelta(months=1), 98.0), (last_ended, 99.0))
        self.assertEqual(band.status, "on_track")
        self.start_tour(
            "/odoo/action-iso_records_audit.iso_objective_action", "iso_objective_trend_tour", login=self.iso_user.login
        )
