from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools import workflow
from .competence_common import IsoCompetenceCase


@tagged("post_install", "-at_install")
class TestIsoCompetenceRequirement(IsoCompetenceCase):
    def test_requirement_needs_a_training_type_or_a_document(self):
        with self.assertRaisesRegex(ValidationError, "Training Type, Document to Read: .*asks for nothing"):
            self.Requirement.create({"name": "Nothing", "department_id": self.production.id})

    def test_requirement_training_type_must_be_training_evidence(self):
        self.assertFalse(self.calibration_type.is_training)
        with self.assertRaisesRegex(ValidationError, "Training Type: .*is not training evidence"):
            self.Requirement.create({"name": "Calibration", "record_type_id": self.calibration_type.id})

    def test_requirement_document_must_be_a_controlled_document_in_force(self):
        training = self.file_training(self.user_employee, "2025-01-01")
        with self.assertRaisesRegex(ValidationError, "Document to Read: .*is an operational record"):
            self.Requirement.create({"name": "Read a record", "document_id": training.id})
        procedure = self.approved_procedure()
        procedure.action_new_revision()
        revision_2 = self.env["iso.record"].search([("previous_record_id", "=", procedure.id)])
        revision_2.change_reason = "Clearer"
        revision_2.action_submit()
        self.sign(revision_2.with_user(self.approver), self.approver, "approve")
        self.assertEqual(procedure.state, "superseded")
        with self.assertRaisesRegex(ValidationError, "Document to Read: .*is superseded; choose the revision in force"):
            self.Requirement.create({"name": "Old revision", "document_id": procedure.id})

    def test_refresher_interval_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, r"Refresher Interval \(months\): must be zero"):
            self.forklift.refresher_interval_months = -1

    def test_training_types(self):
        self.assertTrue(self.training_type.is_training, "the shipped Training Record type is training evidence")
        self.assertTrue(self.forklift_type.is_training, "operational records of the People category are")
        self.assertFalse(self.procedure_type.is_training)
        with self.assertRaisesRegex(ValidationError, "Training Evidence: .*is a controlled document type"):
            self.procedure_type.is_training = True


@tagged("post_install", "-at_install")
class TestIsoTrainingRecord(IsoCompetenceCase):
    def test_valid_to_before_valid_from_is_refused(self):
        with self.assertRaisesRegex(ValidationError, r"Valid To: .*cannot end on 2025-01-31, before its Valid From"):
            self.env["iso.record"].create(
                {
                    "title": "Backwards",
                    "record_type_id": self.forklift_type.id,
                    "employee_id": self.user_employee.id,
                    "training_valid_from": "2025-02-01",
                    "training_valid_to": "2025-01-31",
                }
            )

    def test_valid_to_is_proposed_from_the_refresher_interval(self):
        form = Form(self.env["iso.record"].with_user(self.iso_user))
        form.title = "Forklift course"
        form.record_type_id = self.forklift_type
        form.employee_id = self.user_employee
        form.training_valid_from = self.day("2025-03-10")
        self.assertEqual(form.training_valid_to, self.day("2026-03-10"), "12-month refresher of the requirement")
        form.training_valid_to = self.day("2025-12-31")
        form.body = "<p>Course</p>"
        training = form.save()
        self.assertEqual(training.training_valid_to, self.day("2025-12-31"), "the proposal can be changed")
        self.assertEqual(training.department_id, self.production, "a training belongs to the trained employee's")
        quality_employee = self.employee_of[self.iso_manager]
        other = self.file_training(quality_employee, "2025-03-10")
        self.assertFalse(other.training_valid_to, "no requirement asks Quality for forklift training")

    def test_filing_a_training_needs_the_employee_and_sets_valid_from(self):
        training = self.env["iso.record"].create(
            {"title": "Who?", "record_type_id": self.forklift_type.id, "body": "<p>Trained</p>"}
        )
        with self.assertRaisesRegex(UserError, "Employee: Filing .*needs the trained employee"):
            training.action_file()
        training.employee_id = self.user_employee
        with freeze_time("2025-04-02"):
            training.action_file()
        self.assertEqual(training.training_valid_from, self.day("2025-04-02"))
        self.assertEqual(training.training_valid_to, self.day("2026-04-02"))

    def test_effectiveness_is_evaluated_by_a_manager(self):
        training = self.file_training(self.user_employee, "2025-01-01")
        with self.assertRaisesRegex(UserError, "Effectiveness: set by the workflow"):
            training.with_user(self.iso_user).write({"training_effectiveness": "effective"})
        with self.assertRaisesRegex(UserError, "Evaluate effectiveness: only ISO managers"):
            training.with_user(self.iso_user).action_open_training_evaluation()
        wizard = (
            self.env["iso.training.evaluation.wizard"]
            .with_user(self.production_manager)
            .create({"record_id": training.id, "effectiveness": "not_effective"})
        )
        with self.assertRaisesRegex(UserError, "Effectiveness Evaluation: say why the training was not effective"):
            wizard.action_evaluate()
        with freeze_time("2025-02-01"):
            wizard.note = "Could not stack pallets at the practical check"
            wizard.action_evaluate()
        self.assertEqual(training.training_effectiveness, "not_effective")
        self.assertEqual(training.training_evaluated_by_id, self.production_manager)
        self.assertEqual(training.training_evaluation_date, self.day("2025-02-01"))
        events = self.env["iso.trail.event"].search([("res_model", "=", "iso.record"), ("res_id", "=", training.id)])
        self.assertIn("training_effectiveness", str(events.mapped("changes")))
        with freeze_time("2025-03-01"):
            self.assertEqual(self.state(self.user_employee), "missing", "a training found not effective proves nothing")


@tagged("post_install", "-at_install")
class TestIsoCompetenceMatrix(IsoCompetenceCase):
    def assert_search_agrees(self, employees, requirement=None):
        """Each row's computed state is found by the state search, and by no other state's."""
        requirement = requirement or self.forklift
        rows = self.Matrix.search([("employee_id", "in", employees.ids), ("requirement_id", "=", requirement.id)])
        for state in ("valid", "expiring", "expired", "missing"):
            found = self.Matrix.search([("id", "in", rows.ids), ("state", "=", state)])
            self.assertEqual(found, rows.filtered(lambda row, state=state: row.state == state), state)
            others = self.Matrix.search([("id", "in", rows.ids), ("state", "!=", state)])
            self.assertEqual(others, rows - found, f"not {state}")

    @freeze_time("2025-06-01")
    def test_matrix_states(self):
        employees = {name: self.new_employee(f"{name} (test)") for name in ("missing", "valid", "expiring", "expired")}
        self.file_training(employees["valid"], "2025-01-01", "2026-01-01")
        self.file_training(employees["expiring"], "2024-07-01", "2025-06-20")
        self.file_training(employees["expired"], "2024-05-31", "2025-05-31")
        for name, employee in employees.items():
            self.assertEqual(self.state(employee), name)
        self.assert_search_agrees(self.env["hr.employee"].concat(*employees.values()))
        row = self.row(employees["expiring"])
        self.assertEqual(row.valid_to, self.day("2025-06-20"))
        self.assertEqual(row.department_id, self.production)

    @freeze_time("2025-06-01")
    def test_which_training_counts(self):
        employee = self.new_employee("Driver (test)")
        old = self.file_training(employee, "2023-01-01", "2024-01-01")
        self.assertEqual(self.row(employee).training_id, old)
        self.assertEqual(self.state(employee), "expired")
        draft = self.env["iso.record"].create(
            {
                "title": "Not filed",
                "record_type_id": self.forklift_type.id,
                "employee_id": employee.id,
                "training_valid_from": "2025-05-01",
                "training_valid_to": "2026-05-01",
            }
        )
        self.file_training(employee, "2025-05-01", "2026-05-01", record_type=self.first_aid_type)
        self.assertEqual(self.state(employee), "expired", "neither a draft nor another kind of training counts")
        draft.body = "<p>Done</p>"
        draft.action_file()
        self.assertEqual(self.row(employee).training_id, draft, "the latest training counts")
        self.assertEqual(self.state(employee), "valid")
        self.file_training(employee, "2025-05-15")  # no Valid To: its Valid From plus the 12-month refresher
        self.assertEqual(self.row(employee).valid_to, self.day("2026-05-15"))

    @freeze_time("2025-06-01")
    def test_refresher_interval_dates_a_training_without_valid_to(self):
        employee = self.new_employee("Without end (test)")
        training = self.env["iso.record"].create(
            {
                "title": "Old course",
                "record_type_id": self.forklift_type.id,
                "employee_id": employee.id,
                "body": "<p>x</p>",
                "effective_date": "2024-05-01",
            }
        )
        training.action_file()
        training.invalidate_recordset()
        self.assertEqual(training.training_valid_from, self.day("2024-05-01"))
        self.assertEqual(self.row(employee).valid_to, self.day("2025-05-01"))
        self.assertEqual(self.state(employee), "expired")
        self.forklift.refresher_interval_months = 0
        self.assertEqual(self.state(employee), "expired", "the Valid To proposed at filing stays")
        workflow(training).write({"training_valid_to": False})
        self.assertEqual(self.state(employee), "valid", "no Valid To and no refresher: it does not expire")
        self.forklift.refresher_interval_months = 12
        self.assertEqual(self.row(employee).valid_to, self.day("2025-05-01"), "Valid From plus the refresher")
        self.assertEqual(self.state(employee), "expired")

    def test_who_a_requirement_applies_to(self):
        driver = self.new_employee("Job driver (test)", department=self.quality, job_id=self.driver_job.id)
        other_job = self.new_employee("Other job (test)", department=self.quality)
        by_job = self.Requirement.create(
            {"name": "Drivers", "job_id": self.driver_job.id, "record_type_id": self.forklift_type.id}
        )
        rows = self.Matrix.search([("requirement_id", "=", by_job.id)])
        self.assertEqual(rows.employee_id, driver)
        production = self.Matrix.search([("requirement_id", "=", self.forklift.id)]).employee_id
        self.assertIn(self.assembler, production, "sub-departments too")
        self.assertIn(self.user_employee, production)
        self.assertNotIn(other_job, production)
        self.forklift.include_subdepartments = False
        self.assertNotIn(self.assembler, self.Matrix.search([("requirement_id", "=", self.forklift.id)]).employee_id)
        both = self.Requirement.create(
            {
                "name": "Production drivers",
                "job_id": self.driver_job.id,
                "department_id": self.production.id,
                "record_type_id": self.forklift_type.id,
            }
        )
        self.assertFalse(self.Matrix.search([("requirement_id", "=", both.id)]), "job and department must both match")
        self.user_employee.active = False
        self.assertFalse(self.row(self.user_employee), "former employees leave the matrix")
        self.forklift.active = False
        self.assertFalse(self.Matrix.search([("requirement_id", "=", self.forklift.id)]))
        company_b_employee = self.env["hr.employee"].create(
            {"name": "B driver", "company_id": self.company_b.id, "job_id": self.driver_job.id}
        )
        self.assertFalse(self.row(company_b_employee, by_job), "a requirement applies in its own company")

    def test_named_employees_narrow_a_requirement(self):
        named = self.new_employee("Named (test)")
        other = self.new_employee("Not named (test)")
        outside = self.new_employee("Named elsewhere (test)", department=self.quality)
        requirement = self.Requirement.create(
            {
                "name": "Named drivers (test)",
                "department_id": self.production.id,
                "record_type_id": self.forklift_type.id,
                "employee_ids": [(6, 0, (named | outside).ids)],
            }
        )
        self.Matrix.invalidate_model()
        rows = self.Matrix.search([("requirement_id", "=", requirement.id)])
        self.assertEqual(rows.employee_id, named, "only the named employees within the department")
        self.assertEqual(self.state(named, requirement), "missing")
        self.assertFalse(self.row(other, requirement))
        self.assertIn(other, self.Matrix.search([("requirement_id", "=", self.forklift.id)]).employee_id)
        self.assertEqual(requirement.employee_count, 1)
        requirement.employee_ids = [(4, other.id)]
        self.assertTrue(self.row(other, requirement), "naming an employee adds them to the matrix")
        requirement.employee_ids = [(5, 0, 0)]
        self.Matrix.invalidate_model()
        everyone = self.Matrix.search([("requirement_id", "=", requirement.id)]).employee_id
        self.assertTrue(named | other <= everyone, "no named employee: the whole scope again")
        self.assertNotIn(outside, everyone)

    def test_document_requirement_appears_when_the_document_takes_effect(self):
        procedure = self.make_record(self.iso_user, title="Forklift safety rules")
        requirement = self.Requirement.create(
            {"name": "Forklift safety rules read", "department_id": self.production.id, "document_id": procedure.id}
        )
        self.assertFalse(self.Matrix.search([("requirement_id", "=", requirement.id)]), "nothing to read yet")
        procedure.action_submit()
        self.sign(procedure.with_user(self.approver), self.approver, "approve")
        self.assertEqual(self.state(self.user_employee, requirement), "missing")
        both = self.Requirement.create(
            {
                "name": "Forklift course and rules",
                "department_id": self.production.id,
                "record_type_id": self.forklift_type.id,
                "document_id": procedure.id,
            }
        )
        self.file_training(self.user_employee, "2025-01-01", "2099-01-01")
        self.assertEqual(self.state(self.user_employee, both), "missing", "trained, but the rules not yet read")
        procedure.with_user(self.iso_user).action_acknowledge()
        self.assertEqual(self.state(self.user_employee, both), "valid")
        self.assertEqual(self.state(self.user_employee, requirement), "valid")

    def test_states_follow_today(self):
        employee = self.new_employee("Dated (test)")
        self.file_training(employee, "2024-08-01", "2025-07-31")
        for today, state in (
            ("2025-06-30", "valid"),  # 31 days before
            ("2025-07-01", "expiring"),  # 30 days before (Settings: 30)
            ("2025-07-31", "expiring"),  # last day
            ("2025-08-01", "expired"),
        ):
            with self.subTest(today=today), freeze_time(today):
                self.assertEqual(self.state(employee), state)
                self.assert_search_agrees(employee)
        self.env["ir.config_parameter"].sudo().set_param("iso_records.competence_expiring_days", "10")
        with freeze_time("2025-07-15"):
            self.assertEqual(self.state(employee), "valid", "16 days before, 10 days in Settings")
        with freeze_time("2025-07-21"):
            self.assertEqual(self.state(employee), "expiring")

    def test_state_search_rejects_unknown_values(self):
        with self.assertRaisesRegex(UserError, "Status: soon is not a status"):
            self.Matrix.search([("state", "=", "soon")])
        with self.assertRaisesRegex(UserError, "Status: search with is"):
            self.Matrix.search([("state", "ilike", "val")])

    @freeze_time("2025-06-01")
    def test_grid_data(self):
        employees = self.env["hr.employee"].concat(
            *(self.new_employee(f"Grid {index:02d} (test)") for index in range(5))
        )
        self.file_training(employees[0], "2024-06-01", "2025-05-01")
        first_aid = self.Requirement.create(
            {"name": "First aid (test)", "department_id": self.assembly.id, "record_type_id": self.first_aid_type.id}
        )
        grid = self.Matrix.with_user(self.iso_auditor).get_grid_data(department_id=self.production.id, limit=3)
        self.assertEqual(
            grid["total"], len(self.Matrix.search([("department_id", "child_of", self.production.id)]).employee_id)
        )
        self.assertEqual(len(grid["employees"]), 3)
        self.assertEqual(
            [column["id"] for column in grid["requirements"]], [first_aid.id, self.forklift.id], "by sequence, name"
        )
        page = self.Matrix.with_user(self.iso_auditor).get_grid_data(search="Grid 0", limit=2, offset=0)
        self.assertEqual([employee["name"] for employee in page["employees"]], ["Grid 00 (test)", "Grid 01 (test)"])
        cell = page["cells"][employees[0].id][self.forklift.id]
        self.assertEqual((cell["state"], cell["valid_to"]), ("expired", "2025-05-01"))
        self.assertEqual(page["cells"][employees[1].id][self.forklift.id]["state"], "missing")
        self.assertNotIn(first_aid.id, page["cells"][employees[0].id], "first aid is for Assembly only")
        gaps = self.Matrix.with_user(self.iso_auditor).get_grid_data(search="Grid", gaps_only=True)
        self.assertEqual(gaps["total"], 5)

    def test_grid_query_count(self):
        for index in range(30):
            self.new_employee(f"Counted {index:02d} (test)")
        with self.with_user(self.production_manager.login):
            Matrix = self.env["iso.competence.matrix"]
            Matrix.get_grid_data()
            self.env.invalidate_all()
            with self.assertQueryCount(iso_prod_manager=10):  # whatever the number of employees and requirements
                grid = Matrix.get_grid_data()
        self.assertGreater(len(grid["employees"]), 30)
