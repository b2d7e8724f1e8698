from datetime import date, timedelta

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..models.res_config_settings import DEFAULT_NC_DEADLINE_DAYS
from .common import CapaCase

TODAY = date(2026, 6, 10)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestNcTriage(CapaCase):
    """Severity x likelihood give the priority; triage sets the deadlines of that priority from Settings and
    decides whether a CAPA is required."""

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(f"iso_records.{key}", value)

    def test_priority_from_the_risk_matrix(self):
        for severity, likelihood, priority in ((2, 2, "low"), (3, 3, "medium"), (4, 3, "high"), (4, 4, "critical")):
            with self.subTest(severity=severity, likelihood=likelihood):
                nonconformity = self.make_nc(severity=severity, likelihood=likelihood)
                self.assertEqual(nonconformity.priority_score, severity * likelihood)
                self.assertEqual(nonconformity.priority, priority)

    def test_triage_sets_the_default_deadlines_of_each_priority(self):
        for severity, likelihood, priority in ((5, 5, "critical"), (4, 3, "high"), (3, 3, "medium"), (1, 1, "low")):
            with self.subTest(priority=priority):
                nonconformity = self.make_nc(severity=severity, likelihood=likelihood)
                self.assertEqual(nonconformity.priority, priority)
                nonconformity.with_user(self.iso_manager).action_triage()
                containment, root_cause, closure = DEFAULT_NC_DEADLINE_DAYS[priority]
                self.assertEqual(nonconformity.state, "triaged")
                self.assertEqual(nonconformity.triaged_date, TODAY)
                self.assertEqual(nonconformity.triaged_by_id, self.iso_manager)
                self.assertEqual(nonconformity.containment_deadline, TODAY + timedelta(days=containment))
                self.assertEqual(nonconformity.root_cause_deadline, TODAY + timedelta(days=root_cause))
                self.assertEqual(nonconformity.closure_deadline, TODAY + timedelta(days=closure))

    def test_triage_reads_the_deadlines_of_settings_and_keeps_those_set_by_hand(self):
        self.set_param("nc_critical_containment_days", 0)
        self.set_param("nc_critical_root_cause_days", 3)
        self.set_param("nc_critical_closure_days", 12)
        nonconformity = self.make_nc(severity=5, likelihood=5)
        by_hand = self.make_nc(severity=5, likelihood=5, closure_deadline=TODAY + timedelta(days=100))
        (nonconformity | by_hand).with_user(self.iso_manager).action_triage()
        self.assertEqual(nonconformity.containment_deadline, TODAY)
        self.assertEqual(nonconformity.root_cause_deadline, TODAY + timedelta(days=3))
        self.assertEqual(nonconformity.closure_deadline, TODAY + timedelta(days=12))
        self.assertEqual(by_hand.root_cause_deadline, TODAY + timedelta(days=3))
        self.assertEqual(by_hand.closure_deadline, TODAY + timedelta(days=100))

    def test_a_settings_form_sets_the_deadline_days(self):
        settings = Form(self.env["res.config.settings"])
        settings.iso_nc_medium_closure_days = 21
        settings.save().execute()
        nonconformity = self.make_nc(severity=3, likelihood=3)
        nonconformity.with_user(self.iso_manager).action_triage()
        self.assertEqual(nonconformity.closure_deadline, TODAY + timedelta(days=21))

    def test_capa_required_from_the_priority_of_settings(self):
        high = self.make_nc(severity=4, likelihood=3)
        medium = self.make_nc(severity=3, likelihood=3)
        self.assertTrue(high.capa_required)
        self.assertFalse(medium.capa_required)
        # Settings change: triage decides again with the Settings of its day.
        self.set_param("nc_capa_required_from", "medium")
        medium.with_user(self.iso_manager).action_triage()
        self.assertTrue(medium.capa_required)
        self.set_param("nc_capa_required_from", "critical")
        high.with_user(self.iso_manager).action_triage()
        self.assertFalse(high.capa_required)

    def test_only_a_manager_triages_a_new_nonconformity(self):
        nonconformity = self.make_nc()
        with self.assertRaisesRegex(UserError, "Triage: only an ISO manager"):
            nonconformity.with_user(self.iso_user).action_triage()
        with self.assertRaisesRegex(AccessError, "Triage: ISO auditors"):
            nonconformity.with_user(self.iso_auditor).action_triage()
        self.assertEqual(nonconformity.state, "new")
        nonconformity.with_user(self.iso_manager).action_triage()
        with self.assertRaisesRegex(UserError, "Triage: .* is Triaged; this step needs it to be New"):
            nonconformity.with_user(self.iso_manager).action_triage()

    def test_ratings_outside_the_matrix_are_refused(self):
        for name, value in (("severity", 0), ("severity", 6), ("likelihood", -1), ("likelihood", 9)):
            with self.subTest(field=name, value=value):
                with self.assertRaisesRegex(ValidationError, f"{name.capitalize()}: from 1 to 5 .*{value} given"):
                    self.make_nc(**{name: value})
        nonconformity = self.make_nc()
        with self.assertRaisesRegex(ValidationError, "Severity: from 1 to 5"), self.env.cr.savepoint():
            nonconformity.with_user(self.iso_user).write({"severity": 7})
        nonconformity.invalidate_recordset()
        self.assertEqual(nonconformity.severity, 3)

    def test_computed_triage_fields_are_never_written_by_a_client(self):
        nonconformity = self.make_nc(severity=5, likelihood=5)
        for values in ({"capa_required": False}, {"priority": "low"}, {"priority_score": 1}, {"is_repeat": True}):
            with self.subTest(values=values):
                with self.assertRaisesRegex(UserError, "set by the workflow"):
                    nonconformity.with_user(self.iso_manager).write(values)
        self.assertTrue(nonconformity.capa_required)
        self.assertEqual(nonconformity.priority, "critical")
        for values in ({"priority": "low"}, {"priority_score": 1}, {"is_repeat": True}):
            with self.subTest(values=values):
                with self.assertRaisesRegex(UserError, "set by the workflow"):
                    self.make_nc(user=self.iso_manager, severity=5, likelihood=5, **values)
        # An empty value passes the contract's check on creation; it is not taken either.
        created = self.make_nc(user=self.iso_manager, severity=5, likelihood=5, capa_required=False, is_repeat=False)
        self.assertTrue(created.capa_required)

    def test_overdue_is_computed_against_today_and_searchable(self):
        late = self.make_nc(closure_deadline=TODAY - timedelta(days=1))
        due_today = self.make_nc(closure_deadline=TODAY)
        closed_late = self.make_nc(closure_deadline=TODAY - timedelta(days=5))
        workflow(closed_late.sudo()).write({"state": "closed"})
        self.assertTrue(late.overdue)
        self.assertFalse(due_today.overdue)
        self.assertFalse(closed_late.overdue)
        mine = (late | due_today | closed_late).ids
        Nonconformity = self.Nonconformity.with_user(self.iso_user)
        self.assertEqual(Nonconformity.search([("id", "in", mine), ("overdue", "=", True)]), late)
        self.assertEqual(Nonconformity.search([("id", "in", mine), ("overdue", "=", False)]), due_today | closed_late)
        with freeze_time(TODAY + timedelta(days=1)):
            due_today.invalidate_recordset(["overdue"])
            self.assertTrue(due_today.overdue)
            self.assertEqual(Nonconformity.search([("id", "in", mine), ("overdue", "=", True)]), late | due_today)
        with self.assertRaisesRegex(UserError, "Overdue: only 'is set' and 'is not set'"):
            Nonconformity.search([("overdue", ">", 1)])
