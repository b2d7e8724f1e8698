"""Retraining and document-change actions: started once when their CAPA starts acting on them (or when added
to an acting CAPA); a retraining creates or refreshes the competence requirement of the people concerned,
shown in the competence matrix, and asks them; a document change starts a new revision of its document."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CapaCase

RETRAINING_ACTIVITY = "iso_records_capa.mail_activity_type_capa_retraining"


@tagged("post_install", "-at_install")
class TestActionKinds(CapaCase):
    def retraining(self, **values):
        return {
            "kind": "retraining",
            "description": "Retrain the packers on handling housings",
            "user_id": self.iso_user.id,
            "date_deadline": date(2026, 6, 30),
            "employee_ids": [Command.set([self.employee_of[self.iso_user].id, self.employee_of[self.colleague].id])],
            **values,
        }

    def retraining_activities(self, capa):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "iso.capa"),
                ("res_id", "=", capa.id),
                ("activity_type_id", "=", self.env.ref(RETRAINING_ACTIVITY).id),
            ]
        )

    def matrix(self, requirement):
        return self.env["iso.competence.matrix"].search([("requirement_id", "=", requirement.id)])

    def test_retraining_creates_the_requirement_shown_in_the_matrix_and_asks_the_people(self):
        capa = self.make_capa(action_ids=[Command.create(self.retraining(training_type_id=self.training_type.id))])
        action = capa.action_ids
        self.assertFalse(action.requirement_id, "nothing starts before the CAPA acts")
        self.force_state(capa, "action")
        requirement = action.requirement_id
        self.assertTrue(requirement)
        self.assertEqual(requirement.record_type_id, self.training_type)
        self.assertEqual(requirement.employee_ids, self.employee_of[self.iso_user] | self.employee_of[self.colleague])
        rows = self.matrix(requirement)
        self.assertEqual(rows.employee_id, requirement.employee_ids, "the matrix shows the people concerned")
        self.assertEqual(set(rows.mapped("state")), {"missing"}, "until they file the training")
        asked = self.retraining_activities(capa)
        self.assertEqual(asked.user_id, self.iso_user | self.colleague)
        self.assertEqual(set(asked.mapped("date_deadline")), {date(2026, 6, 30)})
        self.assertTrue(action.retraining_asked_date)

        # Started once: a later change of the action asks nobody again.
        action.with_user(self.iso_manager).write({"date_deadline": date(2026, 7, 15)})
        self.assertEqual(self.retraining_activities(capa), asked)
        self.assertEqual(action.requirement_id, requirement)

    def test_retraining_refreshes_the_requirement_named(self):
        requirement = self.env["iso.competence.requirement"].create(
            {
                "name": "Handling housings",
                "record_type_id": self.training_type.id,
                "employee_ids": [Command.set(self.employee_of[self.iso_user].ids)],
                "active": False,
            }
        )
        capa = self.make_capa()
        self.force_state(capa, "action")
        # Added to an acting CAPA: started at once.
        action = self.Action.with_user(self.iso_manager).create(
            {"capa_id": capa.id, **self.retraining(requirement_id=requirement.id)}
        )
        self.assertEqual(action.requirement_id, requirement)
        self.assertTrue(requirement.active, "refreshed: in force again")
        self.assertEqual(requirement.employee_ids, self.employee_of[self.iso_user] | self.employee_of[self.colleague])
        self.assertEqual(self.matrix(requirement).employee_id, requirement.employee_ids)
        self.assertEqual(self.retraining_activities(capa).user_id, self.iso_user | self.colleague)

    def test_retraining_without_people_or_training_is_refused(self):
        capa = self.make_capa(
            action_ids=[Command.create(self.retraining(employee_ids=[], training_type_id=self.training_type.id))]
        )
        with self.assertRaisesRegex(UserError, "People Concerned of retraining .* is empty"):
            capa.action_ids._iso_check_action_ready("Start actions")
        with self.assertRaisesRegex(UserError, "People Concerned"):
            self.force_state(capa, "action")
        self.assertFalse(self.env["iso.competence.requirement"].search([("name", "like", capa.name)]))
        other = self.make_capa()
        self.force_state(other, "action")
        # Odoo's assertRaises rolls the refused creation back, as the request would be.
        with self.assertRaises(UserError) as refused:
            self.Action.with_user(self.iso_manager).create({"capa_id": other.id, **self.retraining()})
        self.assertRegex(str(refused.exception), "needs a Competence Requirement to refresh or the Training Type")
        other.invalidate_recordset()
        self.assertFalse(other.action_ids, "nothing written")

    def test_retraining_on_a_requirement_not_concerning_the_people_is_refused(self):
        requirement = self.env["iso.competence.requirement"].create(
            {"name": "Quality team only", "record_type_id": self.training_type.id, "department_id": self.quality.id}
        )
        capa = self.make_capa(action_ids=[Command.create(self.retraining(requirement_id=requirement.id))])
        with self.assertRaisesRegex(UserError, "does not concern .*iso_user"):
            capa.action_ids._iso_check_action_ready("Start actions")

    def test_document_change_starts_a_new_revision_once(self):
        procedure = self.approved_procedure(title="Packing housings")
        capa = self.make_capa(
            action_ids=[
                Command.create(
                    {
                        "kind": "document_change",
                        "description": "Add padding to the packing procedure",
                        "user_id": self.iso_user.id,
                        "date_deadline": date(2026, 6, 30),
                        "document_id": procedure.id,
                    }
                )
            ]
        )
        self.force_state(capa, "action")
        action = capa.action_ids
        revision = action.revision_record_id
        self.assertTrue(revision)
        self.assertEqual(revision.previous_record_id, procedure)
        self.assertEqual(revision.state, "draft")
        self.assertEqual(revision.revision_number, procedure.revision_number + 1)
        self.assertEqual(revision.author_id, self.iso_user, "the action's owner writes it")
        self.assertEqual(procedure.state, "effective", "the revision in force stays until the new one is approved")
        action.with_user(self.iso_manager).write({"date_deadline": date(2026, 7, 15)})
        self.assertEqual(
            self.env["iso.record"].search_count([("previous_record_id", "=", procedure.id)]), 1, "started once"
        )
        with self.assertRaisesRegex(UserError, "New Revision: set by the activity"):
            action.with_user(self.iso_manager).write({"revision_record_id": procedure.id})

    def test_document_change_needs_a_document_in_force(self):
        draft = self.make_record(self.iso_user, title="Not approved yet")
        capa = self.make_capa(
            action_ids=[
                Command.create(
                    {
                        "kind": "document_change",
                        "description": "Change it",
                        "user_id": self.iso_user.id,
                        "date_deadline": date(2026, 6, 30),
                        "document_id": draft.id,
                    }
                )
            ]
        )
        with self.assertRaisesRegex(UserError, "Document to Change of Change it must be a controlled document"):
            capa.action_ids._iso_check_action_ready("Start actions")
        with self.assertRaisesRegex(UserError, "Document to Change"):
            self.force_state(capa, "action")
        self.assertFalse(self.env["iso.record"].search([("previous_record_id", "=", draft.id)]))
