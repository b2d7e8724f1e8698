from datetime import date

from freezegun import freeze_time

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError
from odoo.tests import tagged

from .audit_reminder_common import IsoAuditCase
from .management_common import ManagementCase

TODAY = "2026-04-10"  # January, February and March have ended
JANUARY, FEBRUARY, MARCH = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestObjectiveMeasures(ManagementCase, IsoAuditCase):
    """Built-in measures on seeded data of known size, in the test-only Production department (and in company
    B for a company-wide measure), so that demo data plays no part."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaint_type = cls.env.ref("iso_records.record_type_customer_complaint")
        cls.complaints = cls.make_objective(
            title="Complaints (test)", direction="at_most", target=2.0, builtin_measure="customer_complaints"
        )
        cls.compliance = cls.make_objective(title="Trained (test)", target=90.0, builtin_measure="training_compliance")
        cls.open_findings = cls.make_objective(
            title="Open findings (test)", direction="at_most", target=1.0, builtin_measure="open_findings"
        )
        cls.raised = cls.make_objective(
            title="Findings raised (test)", direction="at_most", target=1.0, builtin_measure="findings_raised"
        )
        cls.company_wide = cls.make_objective(
            title="Complaints of company B (test)",
            company_id=cls.company_b.id,
            owner_id=False,
            department_id=False,
            direction="at_most",
            target=2.0,
            builtin_measure="customer_complaints",
        )
        cls.computed = cls.complaints | cls.compliance | cls.open_findings | cls.raised | cls.company_wide
        # Complaints: January 2 in Production, 1 in Quality; none in February; March 3, and a draft.
        for day, department in (
            (date(2026, 1, 5), cls.production),
            (date(2026, 1, 31), cls.production),
            (date(2026, 1, 20), cls.quality),
            (date(2026, 3, 1), cls.production),
            (date(2026, 3, 15), cls.production),
            (date(2026, 3, 31), cls.production),
        ):
            cls.complaint(day, department).action_file()
        cls.complaint(date(2026, 3, 20), cls.production)  # draft: not filed
        cls.complaint(date(2025, 12, 31), cls.production).action_file()  # before the objective
        for day in (date(2026, 2, 3), date(2026, 2, 4), date(2026, 3, 9)):
            cls.complaint(day, cls.env["hr.department"], company=cls.company_b).action_file()
        cls.seed_trainings()
        cls.seed_findings()

    @classmethod
    def complaint(cls, day, department, company=None):
        return cls.env["iso.record"].create(
            {
                "title": f"Complaint of {day}",
                "record_type_id": cls.complaint_type.id,
                "body": "<p>Late delivery</p>",
                "effective_date": day,
                "department_id": department.id,
                "company_id": (company or cls.company).id,
                "owner_id": False,
            }
        )

    @classmethod
    def seed_trainings(cls):
        """One training requirement for the three Production employees: January 1 of 3 valid, February 1 of 3,
        March all 3."""
        requirement = cls.env["iso.competence.requirement"].create(
            {"name": "Forklift (test)", "department_id": cls.production.id, "record_type_id": cls.training_type.id}
        )
        cls.env["iso.competence.requirement"].search(
            [("id", "!=", requirement.id), ("department_id", "!=", cls.quality.id)]
        ).active = False
        for user, valid_from, valid_to in (
            (cls.iso_user, date(2025, 6, 1), date(2026, 2, 15)),  # valid in January, expired in February
            (cls.iso_user, date(2026, 3, 20), False),  # renewed in March
            (cls.colleague, date(2026, 2, 10), False),  # from February
            (cls.production_manager, date(2026, 3, 5), date(2027, 3, 4)),  # from March
        ):
            cls.env["iso.record"].create(
                {
                    "title": f"Forklift training of {user.name}",
                    "record_type_id": cls.training_type.id,
                    "employee_id": cls.employee_of[user].id,
                    "body": "<p>Passed</p>",
                    "training_valid_from": valid_from,
                    "training_valid_to": valid_to,
                }
            ).action_file()

    @classmethod
    def seed_findings(cls):
        """Production findings: raised January 15 (closed February 10), February 20 (open), March 5 (closed
        March 20), March 25 (open); one in Logistics."""
        audit = cls.under_way(cls.new_audit(start=date(2026, 1, 15)))
        logistics = cls.env["hr.department"].create({"name": "Logistics (test)"})
        other_audit = cls.under_way(cls.new_audit(start=date(2026, 1, 15), department=logistics))
        for day, closed in (
            (date(2026, 1, 15), date(2026, 2, 10)),
            (date(2026, 2, 20), False),
            (date(2026, 3, 5), date(2026, 3, 20)),
            (date(2026, 3, 25), False),
        ):
            finding = cls.raise_finding(audit, grade="observation", date=day)
            if closed:
                workflow(finding).write({"state": "closed", "closed_date": closed})
        cls.raise_finding(other_audit, grade="observation", date=date(2026, 2, 2))

    def values_of(self, objective):
        self.env.invalidate_all()
        return {(m.period_start, m.value, m.source) for m in objective.measurement_ids}

    def expect(self, objective, *values):
        return {(start, value, "computed") for start, value in values}

    @freeze_time(TODAY)
    def test_each_measure_on_seeded_data(self):
        created = self.Objective._cron_objective_measurements()
        self.assertEqual(created, 15)
        expected = {
            self.complaints: [(JANUARY, 2), (FEBRUARY, 0), (MARCH, 3)],
            self.company_wide: [(JANUARY, 0), (FEBRUARY, 2), (MARCH, 1)],
            self.compliance: [(JANUARY, 33.33), (FEBRUARY, 33.33), (MARCH, 100)],
            self.open_findings: [(JANUARY, 1), (FEBRUARY, 1), (MARCH, 2)],
            self.raised: [(JANUARY, 1), (FEBRUARY, 1), (MARCH, 2)],
        }
        for objective, values in expected.items():
            with self.subTest(objective=objective.title):
                self.assertEqual(self.values_of(objective), self.expect(objective, *values))
        self.assertFalse(self.complaints.measurement_ids.entered_by_id, "computed, entered by nobody")

    @freeze_time(TODAY)
    def test_computing_again_adds_nothing_and_keeps_what_was_entered(self):
        self.Measurement.with_user(self.iso_user).create(
            {"objective_id": self.complaints.id, "period_start": FEBRUARY, "value": 7.0}
        )
        self.assertEqual(self.Objective._cron_objective_measurements(), 14)
        self.assertEqual(self.Objective._cron_objective_measurements(), 0)
        self.assertEqual(
            self.values_of(self.complaints),
            {(JANUARY, 2.0, "computed"), (FEBRUARY, 7.0, "manual"), (MARCH, 3.0, "computed")},
        )

    def test_only_ended_periods_from_the_start_to_the_due_date(self):
        objective = self.make_objective(
            title="Short (test)",
            builtin_measure="findings_raised",
            date_start=date(2026, 2, 14),
            date_due=date(2026, 3, 10),
            direction="at_most",
            target=1.0,
        )
        with freeze_time("2026-03-31"):  # March has not ended
            objective._iso_compute_measurements()
            self.assertEqual({start for start, _v, _s in self.values_of(objective)}, {FEBRUARY})
        with freeze_time("2026-06-01"):  # April and May are after the due date
            objective._iso_compute_measurements()
            self.assertEqual({start for start, _v, _s in self.values_of(objective)}, {FEBRUARY, MARCH})

    @freeze_time(TODAY)
    def test_periods_a_held_review_covers_are_not_filled(self):
        review = self.make_review(date=date(2026, 3, 5), period_end=date(2026, 2, 28))
        workflow(review).write({"state": "held"})
        self.complaints._iso_compute_measurements()
        self.assertEqual(self.values_of(self.complaints), {(MARCH, 3.0, "computed")})

    @freeze_time(TODAY)
    def test_queries_do_not_grow_with_objectives_and_periods(self):
        (self.company_wide | self.open_findings)._iso_compute_measurements()  # warms the caches of the registry
        self.env.flush_all()
        self.env.invalidate_all()
        objectives = self.complaints | self.raised
        # At most 18 queries for 2 objectives of 3 periods as for 3 of 15, 15 and 10: one per measure, not per
        # objective or period (the trail's own, the insert and the related company's recompute included).
        with self.assertQueryCount(__system__=18):
            objectives._iso_compute_measurements()
        more = self.make_objective(title="More", builtin_measure="customer_complaints", date_start=date(2025, 1, 1))
        more |= self.make_objective(title="More 2", builtin_measure="findings_raised", date_start=date(2025, 1, 1))
        more |= self.make_objective(title="More 3", builtin_measure="customer_complaints", date_start=date(2025, 6, 1))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=18):
            more._iso_compute_measurements()
        self.assertEqual(len(more.measurement_ids), 15 + 15 + 10)

    @freeze_time(TODAY)
    def test_button_as_the_owner(self):
        result = self.complaints.with_user(self.iso_user).action_compute_measurements()
        self.assertEqual(result["params"]["message"], "3 measurement(s) computed.")
        self.assertEqual(len(self.complaints.measurement_ids), 3)

    def test_button_refuses_a_manual_or_inactive_objective(self):
        manual = self.make_objective(title="By hand (test)")
        with self.assertRaisesRegex(UserError, "entered by hand"):
            manual.with_user(self.iso_user).action_compute_measurements()
        workflow(self.complaints).write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "Compute measurements: .* is Closed"):
            self.complaints.with_user(self.iso_user).action_compute_measurements()
        self.assertFalse(self.complaints.measurement_ids)

    def test_a_measure_added_by_another_addon_is_a_method(self):
        """The dispatch: each key has its method ``_iso_measure_<key>``, found by name."""
        for key, _label in self.Objective._fields["builtin_measure"].selection:
            if key != "manual":
                with self.subTest(key=key):
                    self.assertTrue(callable(getattr(self.Objective, f"_iso_measure_{key}", None)))
