from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .competence_common import IsoCompetenceCase


@tagged("post_install", "-at_install")
class TestIsoCompetenceRefresher(IsoCompetenceCase):
    def refresher_activities(self, record):
        refresher = self.env.ref("iso_records.mail_activity_type_iso_refresher")
        return record.activity_ids.filtered(lambda activity: activity.activity_type_id == refresher)

    def test_refresher_activities_once_for_employee_and_manager(self):
        Requirement = self.Requirement
        training = self.file_training(self.user_employee, "2024-08-01", "2025-07-31")
        with freeze_time("2025-06-30"):  # 31 days before, Settings: 30
            Requirement._cron_competence_reminders()
            self.assertFalse(self.refresher_activities(training))
        with freeze_time("2025-07-01"):
            Requirement._cron_competence_reminders()
            activities = self.refresher_activities(training)
            self.assertEqual(activities.user_id, self.iso_user | self.production_manager, "employee and manager")
            self.assertEqual(set(activities.mapped("date_deadline")), {self.day("2025-07-31")})
            self.assertEqual(training.refresher_activity_date, self.day("2025-07-31"))
            Requirement._cron_competence_reminders()
            self.assertEqual(self.refresher_activities(training), activities, "never twice")
        with freeze_time("2025-08-05"):
            activities.filtered(lambda activity: activity.user_id == self.iso_user).action_feedback("Booked")
            Requirement._cron_competence_reminders()
            self.assertEqual(len(self.refresher_activities(training)), 1, "a done activity is not given again")
            renewed = self.file_training(self.user_employee, "2025-08-04", "2026-08-04")
            Requirement._cron_competence_reminders()
            self.assertFalse(self.refresher_activities(renewed))
            self.assertEqual(self.row(self.user_employee).training_id, renewed)
        with freeze_time("2026-07-05"):
            Requirement._cron_competence_reminders()
            self.assertEqual(self.refresher_activities(renewed).user_id, self.iso_user | self.production_manager)
            self.assertEqual(len(self.refresher_activities(training)), 1, "the old training is not reminded again")

    def test_refresher_without_users_goes_to_the_records_owner(self):
        training = self.file_training(
            self.assembler, "2024-08-01", "2025-07-31", owner_id=self.employee_of[self.approver].id
        )
        with freeze_time("2025-07-10"):
            self.Requirement._cron_competence_reminders()
        self.assertEqual(self.refresher_activities(training).user_id, self.approver)

    def test_expiry_moved_by_settings_reminds_for_the_new_date_only(self):
        training = self.file_training(self.user_employee, "2024-08-01", "2025-07-31")
        self.env["ir.config_parameter"].sudo().set_param("iso_records.competence_expiring_days", "5")
        with freeze_time("2025-07-20"):
            self.Requirement._cron_competence_reminders()
            self.assertFalse(self.refresher_activities(training))
        with freeze_time("2025-07-26"):
            self.Requirement._cron_competence_reminders()
            self.assertEqual(len(self.refresher_activities(training)), 2)


@tagged("post_install", "-at_install")
class TestIsoDocumentAcknowledgement(IsoCompetenceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.read_type = cls.env.ref("iso_records.mail_activity_type_iso_read")

    def read_activities(self, record, user=None):
        activities = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search(
                [
                    ("res_model", "=", "iso.record"),
                    ("res_id", "=", record.id),
                    ("activity_type_id", "=", self.read_type.id),
                ]
            )
        )
        return activities.filtered(lambda activity: not user or activity.user_id == user)

    def new_revision(self, record, reason="Pedestrian zones added"):
        record.with_user(self.iso_user).action_new_revision()
        draft = self.env["iso.record"].search([("previous_record_id", "=", record.id)])
        draft.with_user(self.iso_user).write({"change_reason": reason, "body": f"<p>{reason}</p>"})
        draft.with_user(self.iso_user).action_submit()
        self.sign(draft.with_user(self.approver), self.approver, "approve")
        return draft

    def test_acknowledgement_flow_on_revision(self):
        readers = self.iso_user | self.colleague | self.production_manager  # Production's users
        revision_1 = self.approved_procedure(title="Forklift safety rules")
        requirement = self.Requirement.create(
            {"name": "Forklift rules read", "department_id": self.production.id, "document_id": revision_1.id}
        )
        open_1 = self.read_activities(revision_1)
        self.assertEqual(open_1.user_id, readers, "each employee concerned with a user is asked once")
        self.assertTrue(revision_1.with_user(self.iso_user).acknowledgement_pending)
        self.assertFalse(revision_1.with_user(self.iso_manager).acknowledgement_pending, "not in Production")
        self.assertEqual(self.state(self.user_employee, requirement), "missing")
        self.assertEqual(self.state(self.assembler, requirement), "missing", "no user: not asked, still missing")

        with freeze_time("2025-03-03 09:30:00"):
            acknowledgement = self.env["iso.document.acknowledgement"].with_user(self.iso_user)._acknowledge(revision_1)
        self.assertEqual(acknowledgement.state, "acknowledged")
        self.assertEqual(acknowledgement.revision_id, revision_1.revision_id)
        self.assertEqual(acknowledgement.employee_id, self.user_employee)
        self.assertEqual(acknowledgement.user_id, self.iso_user)
        self.assertEqual(str(acknowledgement.acknowledged_at), "2025-03-03 09:30:00")
        self.assertTrue(acknowledgement.requested_at)
        self.assertFalse(self.read_activities(revision_1, self.iso_user).active, "the activity is done")
        self.assertEqual(self.state(self.user_employee, requirement), "valid")
        self.assertEqual(self.row(self.user_employee, requirement).acknowledgement_id, acknowledgement)
        events = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.record"), ("res_id", "=", revision_1.id), ("event_type", "=", "acknowledge")]
        )
        self.assertEqual(len(events), 1)
        with self.assertRaisesRegex(UserError, "already read and understood .* on 2025-03-03"):
            revision_1.with_user(self.iso_user).action_acknowledge()

        revision_2 = self.new_revision(revision_1)
        self.assertEqual(revision_1.state, "superseded")
        self.assertEqual(requirement.document_id, revision_2, "the requirement follows the revision in force")
        self.assertFalse(self.read_activities(revision_1, self.colleague), "requests to read rev. 1 are withdrawn")
        self.assertEqual(self.read_activities(revision_2).user_id, readers)
        self.assertEqual(self.state(self.user_employee, requirement), "missing", "rev. 2 not yet read")
        with self.assertRaisesRegex(UserError, "not a controlled document in force"):
            revision_1.with_user(self.colleague).action_acknowledge()
        revision_2.with_user(self.iso_user).action_acknowledge()
        self.assertEqual(self.state(self.user_employee, requirement), "valid")
        history = self.env["iso.document.acknowledgement"].search([("employee_id", "=", self.user_employee.id)])
        self.assertEqual(history.mapped("revision_number"), [2, 1], "each revision's acknowledgement is kept")

        # Dismissing the activity is not reading: the matrix still shows the gap, and nobody is asked twice.
        self.read_activities(revision_2, self.colleague).action_feedback("Later")
        self.Requirement._cron_competence_reminders()
        self.assertEqual(len(self.read_activities(revision_2, self.colleague)), 1, "never twice")
        self.assertEqual(self.state(self.employee_of[self.colleague], requirement), "missing")

    def test_new_employees_are_asked_by_the_cron(self):
        procedure = self.approved_procedure()
        self.Requirement.create({"name": "Read", "department_id": self.production.id, "document_id": procedure.id})
        newcomer = self.new_employee("iso_newcomer", user=True)
        self.assertFalse(self.read_activities(procedure, newcomer.user_id))
        asked, __ = self.Requirement._cron_competence_reminders()
        self.assertEqual(asked, 1)
        self.assertEqual(len(self.read_activities(procedure, newcomer.user_id)), 1)
        self.assertEqual(self.Requirement._cron_competence_reminders(), (0, 0), "idempotent")

    def test_obsolete_document_withdraws_its_read_requests(self):
        procedure = self.approved_procedure()
        requirement = self.Requirement.create(
            {"name": "Read", "department_id": self.production.id, "document_id": procedure.id}
        )
        self.assertTrue(self.read_activities(procedure).filtered("active"))
        self.sign(procedure.with_user(self.approver), self.approver, "obsolete", reason="Process stopped")
        self.assertFalse(self.read_activities(procedure).filtered("active"))
        self.assertFalse(self.Matrix.search([("requirement_id", "=", requirement.id)]), "nothing left to read")

    def test_acknowledgements_are_immutable(self):
        procedure = self.approved_procedure()
        acknowledgement = self.env["iso.document.acknowledgement"].with_user(self.iso_user)._acknowledge(procedure)
        for user in (self.iso_user, self.iso_administrator):
            Acknowledgement = self.env["iso.document.acknowledgement"].with_user(user)
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):  # an AccessError is a UserError
                    acknowledgement.with_user(user).write({"acknowledged_at": "2020-01-01 00:00:00"})
                with self.assertRaises(UserError):  # an AccessError is a UserError
                    acknowledgement.with_user(user).unlink()
                with self.assertRaises(UserError):  # an AccessError is a UserError
                    Acknowledgement.create(
                        {
                            "employee_id": self.employee_of[self.colleague].id,
                            "document_id": procedure.id,
                            "revision_id": procedure.revision_id.id,
                            "company_id": procedure.company_id.id,
                        }
                    )
        with self.assertRaisesRegex(UserError, "read-and-understood records are made by the employee's own button"):
            acknowledgement.write({"acknowledged_at": "2020-01-01 00:00:00"})  # even as superuser

    def test_acknowledging_needs_an_employee_in_the_documents_company(self):
        procedure = self.approved_procedure()
        with self.assertRaisesRegex(UserError, "you have no employee in"):
            procedure.with_user(
                new_test_user(self.env, "iso_no_employee", groups="iso_records.group_iso_user")
            ).action_acknowledge()
