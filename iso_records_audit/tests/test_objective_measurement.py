from datetime import date

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .management_common import ManagementCase


@tagged("post_install", "-at_install")
class TestObjectiveMeasurement(ManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objective = cls.make_objective()
        cls.quarterly = cls.make_objective(title="Quarterly (test)", frequency="quarterly")
        cls.weekly = cls.make_objective(title="Weekly (test)", frequency="weekly")

    def enter(self, objective=None, user=None, **values):
        return self.Measurement.with_user(user or self.iso_user).create(
            {
                "objective_id": (objective or self.objective).id,
                "period_start": date(2026, 3, 17),
                "value": 93.0,
                **values,
            }
        )

    def hold(self, **values):
        review = self.make_review(date=date(2026, 7, 10), period_end=date(2026, 6, 30), **values)
        workflow(review).write({"state": "held"})
        return review

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    def test_period_is_stored_as_its_first_day(self):
        self.assertEqual(self.enter().period_start, date(2026, 3, 1))
        self.assertEqual(self.enter(self.quarterly, period_start="2026-05-20").period_start, date(2026, 4, 1))
        weekly = self.enter(self.weekly, period_start="2026-03-19")  # a Thursday
        self.assertEqual((weekly.period_start, weekly.period_end), (date(2026, 3, 16), date(2026, 3, 22)))

    def test_moving_a_measurement_normalises_the_new_period(self):
        measurement = self.enter()
        measurement.with_user(self.iso_user).write({"period_start": "2026-04-28"})
        self.assertEqual((measurement.period_start, measurement.period_end), (date(2026, 4, 1), date(2026, 4, 30)))

    def test_one_measurement_per_period(self):
        first = self.enter()
        with self.assertRaisesRegex(ValidationError, "already has a measurement for the period of 2026-03-01"):
            self.enter(period_start=date(2026, 3, 30))
        with self.assertRaisesRegex(ValidationError, "already has a measurement for the period of 2026-04-01"):
            self.Measurement.with_user(self.iso_user).create(
                [
                    {"objective_id": self.objective.id, "period_start": day, "value": 90.0}
                    for day in ("2026-04-02", "2026-04-20")
                ]
            )
        april = self.enter(period_start=date(2026, 4, 1))
        with self.assertRaisesRegex(ValidationError, "already has a measurement for the period of 2026-03-01"):
            april.with_user(self.iso_user).write({"period_start": date(2026, 3, 5)})
        self.env.invalidate_all()
        self.assertEqual(self.objective.measurement_ids, first | april)

    def test_period_outside_the_objective_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "outside the objective's span"), self.cr.savepoint():
            self.enter(period_start=date(2025, 12, 10))
        self.env.invalidate_all()
        self.assertFalse(self.objective.measurement_ids)

    # ------------------------------------------------------------------
    # Who entered it
    # ------------------------------------------------------------------
    def test_entered_by_is_the_user_and_source_manual(self):
        measurement = self.enter()
        self.assertEqual((measurement.entered_by_id, measurement.source), (self.iso_user, "manual"))

    def test_entered_by_and_source_cannot_be_forged(self):
        for values in ({"entered_by_id": self.iso_manager.id}, {"source": "computed"}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "set by the application"):
                self.enter(**values)
        measurement = self.enter()
        # Nor through the context defaults a client may send.
        forged = (
            self.Measurement.with_user(self.iso_user)
            .with_context(default_entered_by_id=self.iso_manager.id, default_source="computed")
            .create({"objective_id": self.objective.id, "period_start": date(2026, 4, 1), "value": 90.0})
        )
        self.assertEqual((forged.entered_by_id, forged.source), (self.iso_user, "manual"))
        for values in ({"entered_by_id": self.iso_manager.id}, {"source": "computed"}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "set by the application"):
                measurement.with_user(self.iso_user).write(values)
        self.assertEqual((measurement.entered_by_id, measurement.source), (self.iso_user, "manual"))

    def test_correcting_a_computed_value_makes_it_entered_by_the_user(self):
        computed = (
            workflow(self.Measurement)
            .create(
                {
                    "objective_id": self.objective.id,
                    "period_start": date(2026, 2, 1),
                    "value": 3.0,
                    "source": "computed",
                    "entered_by_id": False,
                }
            )
            .with_env(self.env)
        )
        self.assertEqual((computed.source, computed.entered_by_id.id), ("computed", False))
        computed.with_user(self.iso_user).write({"value": 4.0, "comment": "Two complaints filed late"})
        self.assertEqual((computed.value, computed.source, computed.entered_by_id), (4.0, "manual", self.iso_user))

    # ------------------------------------------------------------------
    # Bad input over RPC
    # ------------------------------------------------------------------
    def test_value_that_is_not_a_number_is_a_clear_error(self):
        for value in ("abc", "12", None, [1], True):
            with self.subTest(value=value), self.assertRaisesRegex(ValidationError, "Value: a number is expected"):
                self.enter(value=value)
        measurement = self.enter()
        with self.assertRaisesRegex(ValidationError, "Value: a number is expected, got 'abc'"):
            measurement.with_user(self.iso_user).write({"value": "abc"})
        self.assertEqual(measurement.value, 93.0)
        with self.assertRaisesRegex(ValidationError, "Value: a number is expected"):
            self.enter(period_start=date(2026, 5, 1), value=float("nan"))

    def test_period_that_is_not_a_date_is_a_clear_error(self):
        with self.assertRaisesRegex(ValidationError, "Period: a date"):
            self.enter(period_start="next month")
        self.assertFalse(self.objective.measurement_ids)

    # ------------------------------------------------------------------
    # Frozen once a held review covers the period
    # ------------------------------------------------------------------
    def test_measurement_of_a_reviewed_period_is_frozen(self):
        measurement = self.enter()
        review = self.hold()
        self.env.invalidate_all()
        self.assertEqual(measurement.frozen_by_review_id, review)
        rule = "is frozen: the management review .* covers the period up to 2026-06-30"
        with self.assertRaisesRegex(UserError, rule):
            measurement.with_user(self.iso_user).write({"value": 99.0})
        with self.assertRaisesRegex(UserError, rule):
            measurement.with_user(self.iso_user).unlink()
        # The creation and the move are undone with the error (the request's transaction; a savepoint here).
        with self.assertRaisesRegex(UserError, rule), self.cr.savepoint():
            self.enter(period_start=date(2026, 5, 1))
        # Nor may a measurement of a later period be moved into the reviewed one.
        later = self.enter(period_start=date(2026, 8, 1), value=94.0)
        with self.assertRaisesRegex(UserError, rule), self.cr.savepoint():
            later.with_user(self.iso_user).write({"period_start": date(2026, 6, 1)})
        self.env.invalidate_all()
        self.assertEqual(
            sorted(self.objective.measurement_ids.mapped(lambda m: (m.period_start, m.value))),
            [(date(2026, 3, 1), 93.0), (date(2026, 8, 1), 94.0)],
            "nothing written",
        )
        later.with_user(self.iso_user).write({"value": 95.0})  # a period after the review stays open
        self.assertEqual(later.value, 95.0)

    def test_draft_review_freezes_nothing(self):
        measurement = self.enter()
        self.make_review(period_end=date(2026, 6, 30))
        measurement.with_user(self.iso_user).write({"value": 94.0})
        self.assertEqual(measurement.value, 94.0)

    def test_review_of_another_company_freezes_nothing(self):
        measurement = self.enter()
        review = self.make_review(
            period_end=date(2026, 6, 30),
            company_id=self.company_b.id,
            chair_id=self.user_b.id,
            attendee_ids=[],
        )
        workflow(review).write({"state": "held"})
        measurement.with_user(self.iso_user).write({"value": 94.0})
        self.assertEqual(measurement.value, 94.0)

    # ------------------------------------------------------------------
    # Evidence
    # ------------------------------------------------------------------
    def test_evidence_attachment(self):
        attachment = self.make_attachment(self.iso_user, b"delivery report", "deliveries-march.pdf")
        measurement = self.enter(attachment_ids=[(6, 0, attachment.ids)])
        self.assertEqual(measurement.attachment_ids, attachment)

    # ------------------------------------------------------------------
    # Access, as real users
    # ------------------------------------------------------------------
    def test_user_of_another_company_cannot_measure(self):
        with self.assertRaises(AccessError):
            self.enter(user=self.user_b)
        self.assertFalse(self.objective.measurement_ids)

    def test_auditor_reads_but_does_not_change(self):
        measurement = self.enter()
        as_auditor = measurement.with_user(self.iso_auditor)
        self.assertEqual(as_auditor.value, 93.0)
        with self.assertRaises(UserError):  # AccessError is one too
            as_auditor.write({"value": 50.0})
        self.assertEqual(measurement.value, 93.0)
