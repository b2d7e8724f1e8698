from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .management_common import ManagementCase

TODAY = "2026-06-10"  # a Wednesday: June is the current period, May and April the last two ended ones
APRIL, MAY, JUNE, JULY = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)
AT_LEAST = {"direction": "at_least", "target": 95.0}
AT_MOST = {"direction": "at_most", "target": 2.0}
BETWEEN = {"direction": "between", "target": 20.0, "target_max": 25.0}

# (case, objective values, (period start, value) pairs, expected status, expected trend)
CASES = [
    ("at least: meets, improving", AT_LEAST, [(APRIL, 90), (MAY, 96)], "on_track", "improving"),
    ("at least: meets, stable within the tolerance", AT_LEAST, [(APRIL, 96), (MAY, 96.5)], "on_track", "stable"),
    ("at least: meets, worsening", AT_LEAST, [(APRIL, 97), (MAY, 96)], "at_risk", "worsening"),
    ("at least: misses, improving", AT_LEAST, [(APRIL, 85), (MAY, 90)], "at_risk", "improving"),
    ("at least: misses, stable", AT_LEAST, [(APRIL, 90), (MAY, 90.2)], "off_track", "stable"),
    ("at least: misses, worsening", AT_LEAST, [(APRIL, 90), (MAY, 88)], "off_track", "worsening"),
    ("at most: meets, improving", AT_MOST, [(APRIL, 3), (MAY, 1)], "on_track", "improving"),
    ("at most: meets, stable", AT_MOST, [(APRIL, 2), (MAY, 2)], "on_track", "stable"),
    ("at most: meets, worsening", AT_MOST, [(APRIL, 1), (MAY, 2)], "at_risk", "worsening"),
    ("at most: misses, improving", AT_MOST, [(APRIL, 5), (MAY, 3)], "at_risk", "improving"),
    ("at most: misses, worsening", AT_MOST, [(APRIL, 3), (MAY, 4)], "off_track", "worsening"),
    ("between: inside, stable", BETWEEN, [(APRIL, 22), (MAY, 24)], "on_track", "stable"),
    ("between: inside from below, improving", BETWEEN, [(APRIL, 18), (MAY, 21)], "on_track", "improving"),
    ("between: below, nearer the band", BETWEEN, [(APRIL, 17), (MAY, 19)], "at_risk", "improving"),
    ("between: above, nearer the band", BETWEEN, [(APRIL, 30), (MAY, 26)], "at_risk", "improving"),
    ("between: leaving the band", BETWEEN, [(APRIL, 24), (MAY, 27)], "off_track", "worsening"),
    ("between: below, as far", BETWEEN, [(APRIL, 18), (MAY, 18)], "off_track", "stable"),
    ("one measurement meeting the target", AT_LEAST, [(MAY, 96)], "on_track", False),
    ("one measurement missing it", AT_LEAST, [(MAY, 90)], "off_track", False),
    ("the current period counts", AT_LEAST, [(MAY, 90), (JUNE, 97)], "on_track", "improving"),
    ("a period to come does not count", AT_LEAST, [(MAY, 96), (JULY, 50)], "on_track", False),
    ("only the second-to-last ended period measured", AT_LEAST, [(APRIL, 96)], "on_track", False),
    ("no measurement", AT_LEAST, [], "no_data", False),
    (
        "stale: none for the last two ended periods",
        AT_LEAST,
        [(date(2026, 2, 1), 90), (date(2026, 3, 1), 97)],
        "no_data",
        False,
    ),
    (
        "ended objective keeps its last status",
        {**AT_LEAST, "date_due": date(2026, 3, 31)},
        [(date(2026, 2, 1), 90), (date(2026, 3, 1), 97)],
        "on_track",
        "improving",
    ),
    (
        "weekly: last week but one measured",
        {**AT_LEAST, "frequency": "weekly"},
        [(date(2026, 5, 25), 96)],
        "on_track",
        False,
    ),
    ("weekly: stale", {**AT_LEAST, "frequency": "weekly"}, [(date(2026, 5, 18), 96)], "no_data", False),
    (
        "quarterly: last quarter but one measured",
        {**AT_LEAST, "frequency": "quarterly"},
        [(date(2025, 10, 1), 90)],
        "off_track",
        False,
    ),
    ("quarterly: stale", {**AT_LEAST, "frequency": "quarterly"}, [(date(2025, 7, 1), 90)], "no_data", False),
]


@tagged("post_install", "-at_install")
class TestObjectiveStatus(ManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objectives = {}
        for case, values, measurements, _status, _trend in CASES:
            objective = cls.make_objective(title=case, date_start=date(2025, 1, 1), **values)
            cls.measure(objective, *measurements)
            cls.objectives[case] = objective
        cls.all_objectives = cls.Objective.browse([objective.id for objective in cls.objectives.values()])

    def statuses(self):
        self.env.invalidate_all()
        return {case: (objective.status, objective.trend) for case, objective in self.objectives.items()}

    @freeze_time(TODAY)
    def test_status_and_trend_of_each_case(self):
        statuses = self.statuses()
        for case, _values, _measurements, status, trend in CASES:
            with self.subTest(case=case):
                self.assertEqual(statuses[case], (status, trend))

    @freeze_time(TODAY)
    def test_last_value_and_period_are_those_of_the_latest_period_started(self):
        self.env.invalidate_all()
        objective = self.objectives["a period to come does not count"]
        self.assertEqual((objective.last_value, objective.last_period_start), (96.0, MAY))
        none = self.objectives["no measurement"]
        self.assertEqual((none.last_value, none.last_period_start), (0.0, False))

    @freeze_time(TODAY)
    def test_search_finds_what_the_status_says(self):
        statuses = self.statuses()
        for status in ("on_track", "at_risk", "off_track", "no_data"):
            expected = {self.objectives[case] for case, (got, _trend) in statuses.items() if got == status}
            with self.subTest(status=status):
                domain = [("id", "in", self.all_objectives.ids)]
                self.assertEqual(set(self.Objective.search([*domain, ("status", "=", status)])), expected)
                self.assertEqual(
                    set(self.Objective.search([*domain, ("status", "!=", status)])),
                    set(self.all_objectives) - expected,
                )
        both = self.Objective.search(
            [("id", "in", self.all_objectives.ids), ("status", "in", ["at_risk", "off_track"])]
        )
        self.assertEqual(
            set(both),
            {self.objectives[case] for case, (got, _t) in statuses.items() if got in ("at_risk", "off_track")},
        )

    @freeze_time(TODAY)
    def test_search_is_one_query_whatever_the_number_of_objectives(self):
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.Objective.search([("status", "=", "off_track")])
        more = self.make_objective(title="One more")
        self.measure(more, (MAY, 10))
        self.env.flush_all()
        with self.assertQueryCount(1):
            found = self.Objective.search([("status", "=", "off_track")])
        self.assertIn(more, found)

    @freeze_time(TODAY)
    def test_search_in_the_list_filters_as_an_iso_user(self):
        """The Off track filter of the list, as the owner sees it (a real non-admin user)."""
        self.env.invalidate_all()
        off_track = self.Objective.with_user(self.iso_user).search([("status", "=", "off_track")])
        self.assertIn(self.objectives["at least: misses, worsening"], off_track)
        self.assertNotIn(self.objectives["at least: meets, improving"], off_track)
        self.assertEqual(
            {objective.status for objective in off_track.filtered(lambda o: o in self.all_objectives)}, {"off_track"}
        )

    def test_status_follows_today(self):
        objective = self.objectives["at least: misses, worsening"]
        with freeze_time(TODAY):
            self.env.invalidate_all()
            self.assertEqual(objective.status, "off_track")
        with freeze_time("2026-07-15"):  # June and May ended: May is still recent
            self.env.invalidate_all()
            self.assertEqual(objective.status, "off_track")
        with freeze_time("2026-08-03"):  # July and June ended unmeasured
            self.env.invalidate_all()
            self.assertEqual(objective.status, "no_data")
            self.assertIn(objective, self.Objective.search([("status", "=", "no_data")]))

    def test_bad_status_in_a_search_is_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "Status: late is not a status"):
            self.Objective.search([("status", "=", "late")])

    @freeze_time(TODAY)
    def test_trend_chart_has_the_measurements_and_the_target(self):
        self.env.invalidate_all()
        chart = self.objectives["between: leaving the band"].trend_chart
        self.assertEqual(
            chart,
            {
                "points": [["2026-04-01", 24.0], ["2026-05-01", 27.0]],
                "direction": "between",
                "target": 20.0,
                "target_max": 25.0,
                "unit": "%",
            },
        )
