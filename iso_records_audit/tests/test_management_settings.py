"""Settings of objectives and management reviews, and the Objectives smart buttons of the department and
employee forms, counted and opened as real non-admin users."""

from datetime import date

from odoo.addons.iso_records.tools import iso_int_param
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .management_common import ManagementCase


@tagged("post_install", "-at_install")
class TestManagementSettings(ManagementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings_administrator = new_test_user(
            cls.env, "management_settings_admin", groups="base.group_system,iso_records.group_iso_administrator"
        )
        parameters = cls.env["ir.config_parameter"].sudo()
        parameters.search(
            [
                (
                    "key",
                    "in",
                    ["iso_records.objective_measurement_due_days", "iso_records.management_review_interval_months"],
                )
            ]
        ).unlink()

    def test_settings_write_the_parameters(self):
        Settings = self.env["res.config.settings"].with_user(self.settings_administrator)
        arch = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        for name in ("iso_objective_measurement_due_days", "iso_management_review_interval_months"):
            self.assertIn(f'name="{name}"', arch)
        defaults = Settings.default_get(["iso_objective_measurement_due_days", "iso_management_review_interval_months"])
        self.assertEqual(defaults["iso_objective_measurement_due_days"], 5)
        self.assertEqual(defaults["iso_management_review_interval_months"], 12)
        self.assertEqual(iso_int_param(self.env, "objective_measurement_due_days", 5), 5)
        Settings.create({"iso_objective_measurement_due_days": 9, "iso_management_review_interval_months": 6}).execute()
        parameters = self.env["ir.config_parameter"].sudo()
        self.assertEqual(parameters.get_param("iso_records.objective_measurement_due_days"), "9")
        self.assertEqual(parameters.get_param("iso_records.management_review_interval_months"), "6")
        self.assertEqual(iso_int_param(self.env, "objective_measurement_due_days", 5), 9)
        for name in ("iso_objective_measurement_due_days", "iso_management_review_interval_months"):
            with self.subTest(name=name), self.assertRaisesRegex(ValidationError, "cannot be negative"):
                Settings.create({name: -1})

    def test_next_review_date_is_proposed_from_the_meeting_date(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.management_review_interval_months", "6")
        review = self.make_review().with_user(self.chair)
        self.assertEqual(review.next_review_date, date(2027, 6, 15))
        review.write({"date": date(2026, 11, 30)})
        self.assertEqual(review.next_review_date, date(2027, 5, 30))
        with Form(review) as form:
            form.date = date(2026, 12, 10)
            self.assertEqual(form.next_review_date, date(2027, 6, 10))
            form.next_review_date = date(2027, 9, 1)
        self.assertEqual(review.next_review_date, date(2027, 9, 1), "the proposal is only a proposal")
        given = self.make_review(next_review_date=date(2027, 3, 1))
        self.assertEqual(given.next_review_date, date(2027, 3, 1))
        self.env["ir.config_parameter"].sudo().set_param("iso_records.management_review_interval_months", "0")
        review.write({"date": date(2026, 12, 12)})
        self.assertEqual(review.next_review_date, date(2027, 9, 1), "no interval: the date stays as written")
        self.assertFalse(self.make_review().next_review_date)


@tagged("post_install", "-at_install")
class TestObjectiveSmartButtons(ManagementCase):
    """Production (with a sub-department, Packaging) has objectives of ``iso_user`` and ``colleague``: internal
    ones, a restricted one of the colleague, a cancelled one; Quality has one of the chair."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.packaging = cls.env["hr.department"].create({"name": "Packaging (test)", "parent_id": cls.production.id})
        cls.packer = new_test_user(cls.env, "objective_packer", groups="iso_records.group_iso_user")
        cls.employee_of[cls.packer] = cls.env["hr.employee"].create(
            {"name": "Packer", "user_id": cls.packer.id, "department_id": cls.packaging.id}
        )
        user_employee = cls.employee_of[cls.iso_user]
        colleague_employee = cls.employee_of[cls.colleague]
        cls.delivery = cls.make_objective(title="Delivery (buttons)")
        cls.scrap = cls.make_objective(title="Scrap (buttons)")
        cls.secret = cls.make_objective(
            title="Secret (buttons)", owner_id=colleague_employee.id, confidentiality="restricted"
        )
        cls.packaging_objective = cls.make_objective(
            title="Packaging (buttons)", owner_id=cls.employee_of[cls.packer].id
        )
        cls.cancelled = cls.make_objective(title="Cancelled (buttons)")
        cls.cancelled.action_cancel()
        cls.quality_objective = cls.make_objective(title="Quality (buttons)", owner_id=cls.employee_of[cls.chair].id)
        cls.user_employee, cls.colleague_employee = user_employee, colleague_employee

    def assertButtonOpens(self, document, expected):
        """The count of ``document``'s Objectives button equals the list its action opens, for its user."""
        action = document.action_view_iso_objectives()
        opened = self.env[action["res_model"]].with_user(document.env.user).search(action["domain"])
        self.assertEqual(opened, expected)
        self.assertEqual(document.iso_objective_count, len(expected))
        self.assertFalse(
            any(key.startswith("search_default_") for key in action.get("context", {})),
            "no default filter hides part of what the button counted",
        )
        return action

    def test_department_button_counts_what_the_user_reads(self):
        production = self.delivery | self.scrap | self.packaging_objective
        action = self.assertButtonOpens(self.production.with_user(self.iso_user), production)
        self.assertEqual(action["context"]["default_department_id"], self.production.id)
        self.assertButtonOpens(self.production.with_user(self.colleague), production | self.secret)
        self.assertButtonOpens(self.packaging.with_user(self.iso_user), self.packaging_objective)
        self.assertButtonOpens(self.quality.with_user(self.iso_auditor), self.quality_objective)
        self.assertButtonOpens(self.production.with_user(self.iso_auditor), production)
        self.assertEqual(self.production.with_user(self.internal_user).iso_objective_count, 0)

    def test_employee_button_counts_the_objectives_they_own(self):
        for model_name in ("hr.employee.public", "hr.employee"):
            with self.subTest(model=model_name):
                Employee = self.env[model_name]
                mine = Employee.with_user(self.iso_user).browse(self.user_employee.id)
                action = self.assertButtonOpens(mine, self.delivery | self.scrap)
                self.assertEqual(action["context"]["default_owner_id"], self.user_employee.id)
                theirs = Employee.with_user(self.iso_user).browse(self.colleague_employee.id)
                self.assertButtonOpens(theirs, self.Objective)
                self.assertButtonOpens(
                    Employee.with_user(self.colleague).browse(self.colleague_employee.id), self.secret
                )
        self.assertEqual(
            self.env["hr.employee.public"]
            .with_user(self.internal_user)
            .browse(self.user_employee.id)
            .iso_objective_count,
            0,
        )

    def test_buttons_open_one_document(self):
        departments = (self.production | self.quality).with_user(self.iso_user)
        employees = (
            self.env["hr.employee.public"]
            .with_user(self.iso_user)
            .browse((self.user_employee | self.colleague_employee).ids)
        )
        for documents in (departments, employees):
            with self.subTest(model=documents._name), self.assertRaises(UserError):
                documents.action_view_iso_objectives()
        self.assertEqual(departments.mapped("iso_objective_count"), [3, 1])

    def test_buttons_are_on_the_forms(self):
        for model_name in ("hr.department", "hr.employee", "hr.employee.public"):
            with self.subTest(model=model_name):
                arch = self.env[model_name].with_user(self.iso_user).get_views([(False, "form")])["views"]["form"]
                self.assertIn('name="action_view_iso_objectives"', arch["arch"])
