"""Fixtures of the objective and management review tests: the chair (the core's ISO manager), attendees
with employees, objectives and reviews made the way the application makes them."""

from datetime import date

from odoo import Command
from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.addons.iso_records.tools import workflow
from odoo.addons.iso_records_audit.models.iso_management_review import FROZEN_STATES


def set_aside_held_reviews(env):
    """The demo data holds a review of the months before its install: it would freeze the fixtures' periods of
    2026. The test's transaction sets the held and closed reviews aside (cancelled) and rolls that back."""
    workflow(env["iso.management.review"].search([("state", "in", FROZEN_STATES)])).write({"state": "cancelled"})


class ManagementCase(IsoRecordCase):
    """``chair`` is the core's ``iso_manager`` (Quality); ``attendees`` the employees of the ISO manager and
    the production manager. ``make_objective`` creates an active objective owned by ``iso_user``'s employee
    (Production); ``make_review`` a draft review of 2026 of the main company, 9001 in scope. The demo's held
    reviews are set aside, so that only the tests' own reviews freeze anything."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        set_aside_held_reviews(env)
        cls.Objective = env["iso.objective"]
        cls.Measurement = env["iso.objective.measurement"]
        cls.Review = env["iso.management.review"]
        cls.chair = cls.iso_manager
        cls.attendees = cls.employee_of[cls.iso_manager] | cls.employee_of[cls.production_manager]

    @classmethod
    def make_objective(cls, **values):
        objective = cls.Objective.create(
            {
                "title": "On-time delivery (test)",
                "measure": "Orders delivered on the promised date",
                "unit": "%",
                "direction": "at_least",
                "target": 95.0,
                "baseline": 88.0,
                "frequency": "monthly",
                "date_start": date(2026, 1, 1),
                "date_due": date(2026, 12, 31),
                "owner_id": cls.employee_of[cls.iso_user].id,
                **values,
            }
        )
        workflow(objective).write({"state": "active"})
        return objective

    @classmethod
    def measure(cls, objective, *values_by_period):
        """Measurements of ``objective``: (period start, value) pairs."""
        return cls.Measurement.create(
            [{"objective_id": objective.id, "period_start": start, "value": value} for start, value in values_by_period]
        )

    @classmethod
    def make_review(cls, **values):
        return cls.Review.create(
            {
                "title": "Management review 2026 (test)",
                "date": date(2026, 12, 15),
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 12, 31),
                "chair_id": cls.chair.id,
                "attendee_ids": [Command.set(cls.attendees.ids)],
                "standard_ids": [Command.set(cls.standard_9001.ids)],
                **values,
            }
        )
