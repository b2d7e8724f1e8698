from datetime import date

from odoo.tests import new_test_user

from .common import IsoRecordCase


class IsoCompetenceCase(IsoRecordCase):
    """IsoRecordCase plus a forklift training type, a sub-department of Production, a driver job
    and a forklift requirement for Production (and its sub-departments) with a 12-month refresher."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Matrix = env["iso.competence.matrix"]
        cls.Requirement = env["iso.competence.requirement"]
        cls.forklift_type = env["iso.record.type"].create(
            {
                "name": "Forklift training (test)",
                "kind": "record",
                "category": "people",
                "sequence_prefix": "TFLT",
                "approval_required": False,
            }
        )
        cls.first_aid_type = env["iso.record.type"].create(
            {
                "name": "First aid training (test)",
                "kind": "record",
                "category": "people",
                "sequence_prefix": "TFAT",
                "approval_required": False,
            }
        )
        cls.assembly = env["hr.department"].create({"name": "Assembly (test)", "parent_id": cls.production.id})
        cls.driver_job = env["hr.job"].create({"name": "Driver (test)"})
        cls.assembler = env["hr.employee"].create({"name": "Assembler (test)", "department_id": cls.assembly.id})
        cls.user_employee = cls.employee_of[cls.iso_user]
        cls.user_employee.parent_id = cls.employee_of[cls.production_manager]
        cls.forklift = cls.Requirement.create(
            {
                "name": "Forklift driving (test)",
                "department_id": cls.production.id,
                "record_type_id": cls.forklift_type.id,
                "refresher_interval_months": 12,
            }
        )

    def file_training(self, employee, valid_from, valid_to=None, record_type=None, **values):
        training = self.env["iso.record"].create(
            {
                "title": f"Training of {employee.name}",
                "record_type_id": (record_type or self.forklift_type).id,
                "employee_id": employee.id,
                "body": "<p>Trained</p>",
                "training_valid_from": valid_from,
                **({"training_valid_to": valid_to} if valid_to is not None else {}),
                **values,
            }
        )
        training.action_file()
        return training

    def row(self, employee, requirement=None):
        self.Matrix.invalidate_model()  # a view: its rows change with the trainings and requirements
        return self.Matrix.search(
            [("employee_id", "=", employee.id), ("requirement_id", "=", (requirement or self.forklift).id)]
        )

    def state(self, employee, requirement=None):
        row = self.row(employee, requirement)
        row.invalidate_recordset()
        return row.state

    def new_employee(self, name, department=None, user=False, **values):
        if user:
            values["user_id"] = new_test_user(self.env, name, groups="iso_records.group_iso_user").id
        return self.env["hr.employee"].create(
            {"name": name, "department_id": (department or self.production).id, **values}
        )

    @staticmethod
    def day(text):
        return date.fromisoformat(text)
