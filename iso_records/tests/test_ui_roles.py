from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestRoleTours(HttpCase):
    """The paths each role walks, in a real browser, as that role (never as superuser)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.procedure_type = cls.env.ref("iso_records.record_type_procedure")

    def test_employee_files_from_my_profile_and_a_product_variant(self):
        user = new_test_user(
            self.env,
            "tour_profile_employee",
            groups="base.group_user,iso_records.group_iso_user",
            password="tour_profile_employee",
            name="Profile Employee",
            tz="Europe/Brussels",  # My Profile requires a time zone before any button saves it
        )
        self.assertFalse(user.has_group("hr.group_hr_user"))
        employee = self.env["hr.employee"].create({"name": "Profile Employee", "user_id": user.id})
        hr_officer = new_test_user(self.env, "tour_hr_officer", groups="iso_records.group_iso_manager")
        self.env["iso.record"].with_user(hr_officer).create(
            {
                "title": "Forklift course by HR",
                "record_type_id": self.env.ref("iso_records.record_type_training_record").id,
                "employee_id": employee.id,
                "owner_id": False,
                "body": "<p>Passed.</p>",
            }
        )
        self.start_tour("/odoo", "iso_records_employee_profile_tour", login=user.login)
        record = self.env["iso.record"].search([("title", "=", "First aid refresher")])
        self.assertEqual(record.employee_id, employee)
        self.assertEqual(record.record_type_id, self.env.ref("iso_records.record_type_training_record"))
        self.assertEqual(record.create_uid, user)

        variant = self.env["product.product"].create({"name": "Tour Caliper", "default_code": "CAL-1"})
        self.env["iso.record"].with_user(user).create(
            {
                "title": "Caliper check",
                "record_type_id": self.env.ref("iso_records.record_type_inspection_report").id,
                "product_id": variant.id,
                "body": "<p>Within tolerance.</p>",
            }
        )
        self.start_tour(f"/odoo/product.product/{variant.id}", "iso_records_product_variant_tour", login=user.login)
        filed = self.env["iso.record"].search([("title", "=", "Caliper calibration")])
        self.assertEqual(filed.product_id, variant)
        self.assertEqual(filed.record_type_id, self.env.ref("iso_records.record_type_calibration_certificate"))

    def test_manager_finds_what_waits_for_her_and_not_approve_on_her_own(self):
        manager = new_test_user(
            self.env,
            "tour_waiting_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_waiting_manager",
            name="Waiting Manager",
        )
        department = self.env["hr.department"].create(
            {
                "name": "Tour Quality",
                "manager_id": self.env["hr.employee"].create({"name": "WM", "user_id": manager.id}).id,
            }
        )
        colleague = new_test_user(self.env, "tour_waiting_colleague", groups="iso_records.group_iso_user")
        theirs = (
            self.env["iso.record"]
            .with_user(colleague)
            .create(
                {
                    "title": "Colleague procedure",
                    "record_type_id": self.procedure_type.id,
                    "department_id": department.id,
                    "body": "<p>Steps.</p>",
                }
            )
        )
        theirs.action_submit()
        mine = (
            self.env["iso.record"]
            .with_user(manager)
            .create(
                {
                    "title": "My own procedure",
                    "record_type_id": self.procedure_type.id,
                    "department_id": department.id,
                    "body": "<p>Mine.</p>",
                }
            )
        )
        mine.action_submit()
        self.assertIn(manager, theirs.activity_ids.user_id)
        self.assertNotIn(manager, mine.activity_ids.user_id)
        self.start_tour("/odoo", "iso_records_manager_waiting_tour", login=manager.login)

    def test_auditor_opens_clause_evidence_and_is_offered_no_change(self):
        author = new_test_user(self.env, "tour_clause_author", groups="iso_records.group_iso_user")
        self.env["iso.record"].with_user(author).create(
            {
                "title": "Audit programme 2027",
                "record_type_id": self.procedure_type.id,
                "clause_ids": [(6, 0, self.env.ref("iso_records.clause_9001_9_2_2").ids)],
                "body": "<p>Every process once a year.</p>",
            }
        )
        auditor = new_test_user(
            self.env,
            "tour_clause_auditor",
            groups="base.group_user,iso_records.group_iso_auditor",
            password="tour_clause_auditor",
        )
        self.assertFalse(auditor.has_group("iso_records.group_iso_manager"))
        self.start_tour("/odoo", "iso_records_auditor_clause_tour", login=auditor.login)


@tagged("post_install", "-at_install")
class TestSmartButtonTours(HttpCase):
    """Both ISO buttons are clicked on every form that shows them."""

    def test_every_form_with_iso_buttons(self):
        user = new_test_user(
            self.env,
            "tour_buttons_user",
            groups="base.group_user,iso_records.group_iso_user",
            password="tour_buttons_user",
            name="Buttons User",
            tz="Europe/Brussels",  # My Profile requires a time zone before any button saves it
        )
        hr_officer = new_test_user(
            self.env,
            "tour_buttons_hr",
            groups="base.group_user,hr.group_hr_user,iso_records.group_iso_user",
            password="tour_buttons_hr",
        )
        me = self.env["hr.employee"].create({"name": "Buttons User", "user_id": user.id})
        colleague = self.env["hr.employee"].create({"name": "Buttons Colleague"})
        template = self.env["product.template"].create({"name": "Buttons Desk", "attribute_line_ids": []})
        variant = self.env["product.product"].create({"name": "Buttons Chair"})
        supplier = self.env["res.partner"].create({"name": "Buttons Supplier", "is_company": True})
        record_type = self.env.ref("iso_records.record_type_inspection_report")
        for link in (
            {"employee_id": me.id},
            {"employee_id": colleague.id},
            {"product_id": template.product_variant_id.id},
            {"product_id": variant.id},
            {"partner_id": supplier.id},
        ):
            self.env["iso.record"].create(
                {"title": "Smart button evidence", "record_type_id": record_type.id, "body": "<p>x</p>", **link}
            )
        before = self.env["iso.record"].search_count([])
        for path, login in (
            (f"/odoo/hr.employee.public/{colleague.id}", user.login),
            (f"/odoo/hr.employee/{colleague.id}", hr_officer.login),
            (f"/odoo/product.template/{template.id}", user.login),
            (f"/odoo/product.product/{variant.id}", user.login),
            (f"/odoo/res.partner/{supplier.id}", user.login),
            (f"/odoo/action-hr.res_users_action_my/{user.id}", user.login),
        ):
            with self.subTest(path=path):
                self.start_tour(path, "iso_records_smart_buttons_tour", login=login)
        self.assertEqual(self.env["iso.record"].search_count([]), before, "every new record was discarded")
