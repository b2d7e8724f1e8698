from odoo.exceptions import AccessError
from odoo.tests import tagged

from .competence_common import IsoCompetenceCase


@tagged("post_install", "-at_install")
class TestIsoCompetenceAccess(IsoCompetenceCase):
    """Employees see their own competence, managers also their departments' and their team's,
    auditors and administrators everyone's; every check runs as a real, non-superuser user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality_requirement = cls.Requirement.create(
            {"name": "Quality course (test)", "department_id": cls.quality.id, "record_type_id": cls.forklift_type.id}
        )
        cls.test_requirements = cls.forklift | cls.quality_requirement

    def visible_employees(self, user):
        rows = self.Matrix.with_user(user).search([("requirement_id", "in", self.test_requirements.ids)])
        return rows.employee_id.with_user(self.env.user)

    def test_who_sees_which_rows(self):
        production = self.Matrix.search([("requirement_id", "=", self.forklift.id)]).employee_id
        quality = self.Matrix.search([("requirement_id", "=", self.quality_requirement.id)]).employee_id
        self.assertIn(self.assembler, production)
        expected = {
            self.iso_user: self.user_employee,
            self.colleague: self.employee_of[self.colleague],
            self.production_manager: production,  # their department, its sub-departments and themselves
            self.iso_manager: quality,  # a manager of another department
            self.iso_auditor: production | quality,
            self.iso_administrator: production | quality,
            self.user_b: self.env["hr.employee"],
        }
        for user, employees in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self.visible_employees(user), employees)

    def test_manager_sees_their_team_in_other_departments(self):
        team_member = self.new_employee(
            "Team member (test)", department=self.quality, parent_id=self.employee_of[self.production_manager].id
        )
        self.assertIn(team_member, self.visible_employees(self.production_manager))

    def test_manager_opens_and_evaluates_the_trainings_behind_their_rows(self):
        """Confidential trainings: a cell the manager sees in the matrix opens for them."""
        team_member = self.new_employee(
            "Team member (test)", department=self.quality, parent_id=self.employee_of[self.production_manager].id
        )
        forklift, quality = self.forklift, self.quality_requirement
        cases = {
            "own department": (self.employee_of[self.colleague], forklift),
            "sub-department": (self.assembler, forklift),
            "team in another department": (team_member, quality),
        }
        for case, (employee, requirement) in cases.items():
            with self.subTest(case=case):
                training = self.file_training(employee, "2025-01-01", confidentiality="confidential")
                row = self.row(employee, requirement).with_user(self.production_manager)
                self.assertEqual(row.training_id, training)
                self.assertEqual(row.training_id.title, training.title)
                wizard = (
                    self.env["iso.training.evaluation.wizard"]
                    .with_user(self.production_manager)
                    .create({"record_id": training.id, "effectiveness": "effective"})
                )
                wizard.action_evaluate()
                self.assertEqual(training.training_effectiveness, "effective")
        quality_training = self.file_training(
            self.employee_of[self.iso_manager], "2025-01-01", confidentiality="confidential"
        )
        with self.assertRaises(AccessError):
            quality_training.with_user(self.production_manager).read(["title"])

    def test_hidden_rows_cannot_be_read_directly(self):
        colleague_row = self.row(self.employee_of[self.colleague])
        with self.assertRaises(AccessError):
            colleague_row.with_user(self.iso_user).read(["state", "training_id"])
        quality_row = self.row(self.employee_of[self.iso_manager], self.quality_requirement)
        with self.assertRaises(AccessError):
            quality_row.with_user(self.production_manager).read(["state"])
        self.assertEqual(quality_row.with_user(self.iso_auditor).read(["state"])[0]["state"], "missing")

    def test_grid_shows_only_what_the_user_may_read(self):
        grid = self.Matrix.with_user(self.iso_user).get_grid_data()
        self.assertEqual([employee["id"] for employee in grid["employees"]], self.user_employee.ids)
        self.assertEqual(grid["total"], 1)
        self.assertFalse(grid["can_export"])
        self.assertTrue(self.Matrix.with_user(self.production_manager).get_grid_data()["can_export"])

    def test_users_without_iso_group_see_nothing(self):
        with self.assertRaises(AccessError):
            self.Matrix.with_user(self.internal_user).search([])
        employee = self.user_employee.with_user(self.internal_user)
        self.assertEqual(employee.iso_competence_count, 0, "no ISO group, no count, no error")

    def test_employee_smart_button(self):
        self.file_training(self.user_employee, "2025-01-01", "2099-01-01")
        employee = self.env["hr.employee.public"].with_user(self.iso_user).browse(self.user_employee.id)
        self.assertEqual((employee.iso_competence_valid_count, employee.iso_competence_count), (1, 1))
        action = employee.action_view_iso_competence()
        self.assertEqual(action["domain"], [("employee_id", "=", self.user_employee.id)])
        colleague = self.env["hr.employee.public"].with_user(self.iso_user).browse(self.employee_of[self.colleague].id)
        self.assertEqual(colleague.iso_competence_count, 0, "a colleague's competence is not shown")
        manager_view = self.user_employee.with_user(self.production_manager)
        self.assertEqual(manager_view.iso_competence_count, 1)

    def test_only_managers_define_requirements(self):
        values = {"name": "Crane (test)", "department_id": self.production.id, "record_type_id": self.forklift_type.id}
        for user in (self.iso_user, self.iso_auditor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Requirement.with_user(user).create(values)
        requirement = self.Requirement.with_user(self.iso_manager).create(values)
        self.assertEqual(requirement.with_user(self.iso_user).name, "Crane (test)", "users read requirements")
        with self.assertRaises(AccessError):
            requirement.with_user(self.iso_user).write({"refresher_interval_months": 6})
        self.assertFalse(
            self.Requirement.with_user(self.user_b).search([("id", "=", requirement.id)]), "another company's"
        )

    def test_acknowledgements_visibility_and_own_acknowledgement_only(self):
        procedure = self.approved_procedure()
        self.Requirement.create(
            {"name": "Read (test)", "department_id": self.production.id, "document_id": procedure.id}
        )
        self.assertTrue(procedure.with_user(self.iso_user)._iso_is_locked())
        procedure.with_user(self.iso_user).action_acknowledge()  # a plain ISO user, on a locked document
        Acknowledgement = self.env["iso.document.acknowledgement"]
        mine = Acknowledgement.with_user(self.iso_user).search([("document_id", "=", procedure.id)])
        self.assertEqual(mine.employee_id, self.user_employee, "users see their own only")
        self.assertEqual(mine.state, "acknowledged")
        department = Acknowledgement.with_user(self.production_manager).search([("document_id", "=", procedure.id)])
        self.assertEqual(
            department.employee_id,
            self.user_employee | self.employee_of[self.colleague] | self.employee_of[self.production_manager],
        )
        self.assertFalse(Acknowledgement.with_user(self.iso_manager).search([("document_id", "=", procedure.id)]))
        self.assertEqual(
            len(Acknowledgement.with_user(self.iso_auditor).search([("document_id", "=", procedure.id)])), 3
        )
        colleague_request = department.filtered(lambda row: row.employee_id == self.employee_of[self.colleague])
        self.assertEqual(colleague_request.state, "requested", "acknowledging is for oneself only")

    def test_managers_and_auditors_may_export_the_matrix(self):
        self.assertTrue(self.production_manager.has_group("base.group_allow_export"))
        self.assertTrue(self.iso_auditor.has_group("base.group_allow_export"))
        self.assertFalse(self.iso_user.has_group("base.group_allow_export"))
        rows = self.Matrix.with_user(self.production_manager).search([("requirement_id", "=", self.forklift.id)])
        exported = rows.export_data(["employee_id", "requirement_id", "state", "valid_to"])["datas"]
        self.assertEqual(len(exported), len(rows))
        self.assertIn("Missing", {line[2] for line in exported})
