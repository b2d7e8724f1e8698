from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..tools import workflow
from .common import IsoRecordCase

APPROVAL = "iso_records.mail_activity_type_iso_approval"


def approval_users(record):
    activity_type = record.env.ref(APPROVAL)
    return record.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).user_id


@tagged("post_install", "-at_install")
class TestWhoIsAsked(IsoRecordCase):
    """An activity goes only to someone who can do what it asks."""

    def test_approval_goes_to_the_department_manager_when_he_may_approve(self):
        record = self.make_record(self.iso_user, department_id=self.production.id)
        record.action_submit()
        self.assertEqual(approval_users(record), self.production_manager)

    def test_approval_never_goes_to_the_author_even_when_he_manages_the_department(self):
        record = self.make_record(self.production_manager, department_id=self.production.id)
        record.with_user(self.production_manager).action_submit()
        asked = approval_users(record)
        self.assertEqual(len(asked), 1)
        self.assertNotEqual(asked, self.production_manager)
        self.assertTrue(asked.has_group("iso_records.group_iso_manager"))
        self.assertTrue(
            record.with_user(asked).iso_signable_by_me and ",approve," in record.with_user(asked).iso_signable_by_me
        )

    def test_department_manager_without_the_approve_right_is_skipped(self):
        plain_manager = new_test_user(self.env, "iso_plain_dept_manager", groups="iso_records.group_iso_user")
        department = self.env["hr.department"].create(
            {
                "name": "Warehouse (test)",
                "manager_id": self.env["hr.employee"].create({"name": "WH", "user_id": plain_manager.id}).id,
            }
        )
        record = self.make_record(self.iso_user, department_id=department.id)
        record.action_submit()
        asked = approval_users(record)
        self.assertEqual(len(asked), 1)
        self.assertNotEqual(asked, plain_manager)
        self.assertNotEqual(asked, self.iso_user)
        self.assertTrue(asked.has_group("iso_records.group_iso_manager"))

    def test_fallback_picks_the_least_loaded_manager(self):
        department = self.env["hr.department"].create({"name": "No manager (test)"})
        owner = self.env["hr.employee"].create({"name": "Owner without manager", "department_id": department.id})
        values = {"department_id": department.id, "owner_id": owner.id}
        first = self.make_record(self.iso_user, title="first", **values)
        first.action_submit()
        second = self.make_record(self.iso_user, title="second", **values)
        second.action_submit()
        self.assertNotEqual(approval_users(first), approval_users(second), "the load is spread")

    def test_a_confidential_document_is_sent_only_to_who_may_read_it(self):
        department = self.env["hr.department"].create({"name": "Secret (test)"})
        owner = self.env["hr.employee"].create({"name": "Secret owner", "department_id": department.id})
        record = self.make_record(
            self.iso_user, department_id=department.id, owner_id=owner.id, confidentiality="confidential"
        )
        record.action_submit()
        asked = approval_users(record)
        self.assertEqual(len(asked), 1)
        self.assertTrue(record.with_user(asked).has_access("read"))
        self.assertFalse(record.with_user(self.iso_manager).has_access("read"), "a manager of another department")
        self.assertNotEqual(asked, self.iso_manager)

    def test_one_open_request_per_document_in_review(self):
        record = self.make_record(self.iso_user, department_id=self.production.id)
        record.action_submit()
        record._iso_request_signature("approve", "again")
        self.assertEqual(len(approval_users(record)), 1)
        record.with_user(self.iso_user).action_back_to_draft()
        self.assertFalse(approval_users(record))
        record.with_user(self.iso_user).action_submit()
        self.assertEqual(len(approval_users(record)), 1)

    def test_nobody_else_may_approve_says_so_instead_of_asking_the_author(self):
        self.env.ref("iso_records.group_iso_manager").sudo().users.filtered(
            lambda user: user != self.production_manager
        ).write({"active": False})
        record = self.make_record(self.production_manager, department_id=self.production.id)
        record.with_user(self.production_manager).action_submit()
        self.assertFalse(approval_users(record))
        self.assertIn("Nobody but its authors", record.message_ids[0].body)

    def test_review_goes_to_owner_then_department_manager_then_administrators(self):
        owned = self.approved_procedure(owner_id=self.employee_of[self.iso_user].id)
        self.assertEqual(owned._iso_responsible_user(), self.iso_user)
        without_user = self.env["hr.employee"].create({"name": "No user"})
        in_production = self.approved_procedure(owner_id=without_user.id, department_id=self.production.id)
        self.assertEqual(in_production._iso_responsible_user(), self.production_manager)
        self.assertTrue(in_production.with_user(self.production_manager)._iso_may_review())
        nobody = self.approved_procedure(owner_id=without_user.id, department_id=False)
        administrators = nobody._iso_responsible_user()
        self.assertTrue(administrators)
        self.assertTrue(all(user.has_group("iso_records.group_iso_administrator") for user in administrators))
        self.assertNotIn(self.env.ref("base.user_root"), administrators, "never the system bot")

    def test_review_cron_never_asks_the_system_bot(self):
        without_user = self.env["hr.employee"].create({"name": "No user"})
        record = self.approved_procedure(owner_id=without_user.id, department_id=False)
        workflow(record.sudo()).write({"next_review_date": "2000-01-01"})
        self.env["iso.review.mixin"]._cron_schedule_periodic_reviews()
        users = (
            record.sudo()
            .activity_ids.filtered(
                lambda activity: activity.activity_type_id == self.env.ref("iso_records.mail_activity_type_iso_review")
            )
            .user_id
        )
        self.assertTrue(users)
        self.assertNotIn(self.env.ref("base.user_root"), users)
        for user in users:
            self.assertTrue(record.with_user(user)._iso_may_review())


@tagged("post_install", "-at_install")
class TestVisibleActions(IsoRecordCase):
    """Each role is offered what it can do, rendered as that user."""

    def arch(self, user, view_type, model="iso.record"):
        view = self.env[model].with_user(user).get_views([(False, view_type)])["views"][view_type]
        return etree.fromstring(view["arch"])

    def test_auditor_is_offered_no_new_edit_or_delete(self):
        for view_type in ("form", "list", "kanban"):
            root = self.arch(self.iso_auditor, view_type)
            self.assertEqual(root.get("create"), "False", view_type)
            self.assertEqual(root.get("delete"), "False", view_type)
        self.assertEqual(self.arch(self.iso_auditor, "form").get("edit"), "False")
        self.assertIsNone(self.arch(self.iso_user, "form").get("create"))
        model = self.env["iso.record"].with_user(self.iso_auditor)
        self.assertFalse(model.has_access("create"))
        self.assertTrue(model.has_access("read"))
        with self.assertRaisesRegex(AccessError, "ISO auditors read evidence"):
            self.make_record(self.iso_auditor)

    def test_auditor_is_offered_no_new_on_any_controlled_model(self):
        for name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            self.assertFalse(self.env[name].with_user(self.iso_auditor).has_access("create"), name)

    def test_views_carry_the_fields_that_decide_what_is_offered(self):
        form = self.arch(self.iso_user, "form")
        for name in ("iso_deletable", "iso_signable_by_me"):
            self.assertTrue(form.xpath(f"//field[@name='{name}']"), name)
        self.assertTrue(self.arch(self.iso_user, "list").xpath("//field[@name='iso_deletable']"))

    def test_delete_is_offered_on_drafts_only(self):
        draft = self.make_record(self.iso_user)
        self.assertTrue(draft.with_user(self.iso_user).iso_deletable)
        self.assertFalse(draft.with_user(self.colleague).iso_deletable, "not his record")
        self.assertFalse(draft.with_user(self.iso_auditor).iso_deletable)
        draft.action_submit()
        draft.invalidate_recordset(["iso_deletable"])
        self.assertFalse(draft.with_user(self.iso_user).iso_deletable)

    def test_refusal_to_delete_a_filed_record_says_what_to_do(self):
        record = self.make_record(self.iso_user, self.calibration_type, product_id=self.product.id)
        self.sign(record.with_user(self.iso_user), self.iso_user, "file")
        self.assertEqual(record.state, "filed")
        self.assertFalse(record.with_user(self.iso_user).iso_deletable)
        with self.assertRaisesRegex(UserError, "file a corrected record"):
            record.with_user(self.iso_user).unlink()
        document = self.approved_procedure()
        with self.assertRaisesRegex(UserError, "make it obsolete"):
            document.with_user(self.iso_manager).unlink()

    def test_approve_is_not_offered_to_the_author(self):
        record = self.make_record(self.iso_manager)
        record.with_user(self.iso_manager).action_submit()
        self.assertNotIn(",approve,", record.with_user(self.iso_manager).iso_signable_by_me or "")
        self.assertIn(",approve,", record.with_user(self.approver).iso_signable_by_me)
        self.assertNotIn(",approve,", record.with_user(self.iso_user).iso_signable_by_me or "", "not a manager")
        self.assertFalse(record.with_user(self.iso_auditor).iso_signable_by_me)
        self.env["ir.config_parameter"].sudo().set_param("iso_records.allow_self_approval", "True")
        record.invalidate_recordset(["iso_signable_by_me"])
        self.assertIn(",approve,", record.with_user(self.iso_manager).iso_signable_by_me)

    def test_review_is_offered_to_who_may_review(self):
        record = self.approved_procedure(owner_id=self.employee_of[self.iso_user].id)
        self.assertTrue(record.with_user(self.iso_user).iso_may_review)
        self.assertFalse(record.with_user(self.colleague).iso_may_review)
        self.assertFalse(record.with_user(self.iso_auditor).iso_may_review)
        with self.assertRaisesRegex(UserError, "only the owner or an ISO manager"):
            record.with_user(self.colleague).action_reviewed_no_change()

    def test_risk_form_offers_review_to_its_owner_and_approval_to_managers(self):
        risk = (
            self.env["iso.risk"]
            .with_user(self.iso_manager)
            .create(
                {
                    "title": "Late calibration",
                    "likelihood": 2,
                    "severity": 3,
                    "owner_id": self.employee_of[self.iso_user].id,
                }
            )
        )
        form = self.arch(self.iso_user, "form", "iso.risk")
        for name in ("iso_may_review", "iso_signable_by_me", "iso_deletable"):
            self.assertTrue(form.xpath(f"//field[@name='{name}']"), name)
        self.assertTrue(risk.with_user(self.iso_user).iso_may_review, "the owner reviews his risk")
        self.assertFalse(risk.with_user(self.colleague).iso_may_review)
        self.assertNotIn(",approve,", risk.with_user(self.iso_user).iso_signable_by_me or "")
        self.assertIn(",approve,", risk.with_user(self.approver).iso_signable_by_me)
        waiting = self.env["iso.risk"].with_user(self.iso_user).search([("activity_user_id", "=", self.iso_user.id)])
        self.assertNotIn(risk, waiting)
        risk.sudo().activity_schedule("iso_records.mail_activity_type_iso_risk_review", user_id=self.iso_user.id)
        waiting = self.env["iso.risk"].with_user(self.iso_user).search([("activity_user_id", "=", self.iso_user.id)])
        self.assertIn(risk, waiting)


@tagged("post_install", "-at_install")
class TestMyRecordsAndClauses(IsoRecordCase):
    def test_my_records_include_what_is_about_me(self):
        training = self.make_record(
            self.iso_manager, self.training_type, employee_id=self.employee_of[self.iso_user].id, title="About me"
        )
        mine = self.env["iso.record"].with_user(self.iso_user).search([("iso_mine", "=", True)])
        self.assertIn(training, mine)
        trainings = self.env["iso.record"].with_user(self.iso_user).search([("iso_about_me", "=", True)])
        self.assertEqual(trainings, training)
        self.assertNotIn(training, self.env["iso.record"].with_user(self.colleague).search([("iso_mine", "=", True)]))

    def test_clause_search_includes_sub_clauses(self):
        clause_9_2 = self.env.ref("iso_records.clause_9001_9_2")
        clause_9_2_2 = self.env.ref("iso_records.clause_9001_9_2_2")
        record = self.make_record(self.iso_user, clause_ids=[(6, 0, clause_9_2_2.ids)], title="Audit programme")
        found = self.env["iso.record"].with_user(self.iso_auditor).search([("clause_ids", "child_of", clause_9_2.id)])
        self.assertIn(record, found)
        other = self.env["iso.record"].search(
            [("clause_ids", "child_of", self.env.ref("iso_records.clause_9001_8").id)]
        )
        self.assertNotIn(record, other)

    def test_clause_shows_its_evidence_with_the_readers_access(self):
        clause_9_2 = self.env.ref("iso_records.clause_9001_9_2").with_user(self.iso_auditor)
        before = clause_9_2.record_count
        self.make_record(
            self.iso_user, clause_ids=[(6, 0, self.env.ref("iso_records.clause_9001_9_2_2").ids)], title="Checklist"
        )
        restricted = self.make_record(
            self.iso_manager,
            clause_ids=[(6, 0, self.env.ref("iso_records.clause_9001_9_2_1").ids)],
            confidentiality="restricted",
        )
        clause_9_2.invalidate_recordset(["record_count"])
        self.assertEqual(clause_9_2.record_count, before + 1, "the restricted record is not counted")
        action = clause_9_2.action_view_records()
        shown = self.env["iso.record"].with_user(self.iso_auditor).search(action["domain"])
        self.assertNotIn(restricted, shown)
        self.assertEqual(len(shown), clause_9_2.record_count)
        requirement = self.env["iso.competence.requirement"].create(
            {"name": "Auditor course", "record_type_id": self.training_type.id}
        )
        self.training_type.clause_ids = [(4, self.env.ref("iso_records.clause_9001_7_2").id)]
        clause_7 = self.env.ref("iso_records.clause_9001_7").with_user(self.iso_manager)
        self.assertIn(
            requirement, self.env["iso.competence.requirement"].search(clause_7.action_view_requirements()["domain"])
        )

    def test_demo_internal_audit_procedure_serves_9_2_2(self):
        procedure = self.env.ref("iso_records.iso_record_demo_procedure_internal_audit", raise_if_not_found=False)
        if procedure:
            self.assertIn(self.env.ref("iso_records.clause_9001_9_2_2"), procedure.clause_ids)


@tagged("post_install", "-at_install")
class TestFilingFromForms(IsoRecordCase):
    def test_product_variant_buttons_work(self):
        variant = self.product.with_user(self.iso_user)
        self.make_record(self.iso_user, self.calibration_type, product_id=self.product.id)
        self.assertEqual(variant.iso_record_count, 1)
        action = variant.action_view_iso_records()
        self.assertEqual(
            self.env["iso.record"].with_user(self.iso_user).search(action["domain"]).product_id, self.product
        )
        self.assertEqual(variant.action_file_iso_record()["context"], {"default_product_id": self.product.id})

    def test_my_profile_buttons_open_my_employee(self):
        me = self.iso_user.with_user(self.iso_user)
        self.assertTrue(me.iso_profile_buttons)
        self.assertEqual(
            me.action_file_iso_record()["context"], {"default_employee_id": self.employee_of[self.iso_user].id}
        )
        nobody = new_test_user(self.env, "iso_no_employee", groups="iso_records.group_iso_user")
        nobody.employee_ids.unlink()
        self.assertFalse(nobody.with_user(nobody).iso_profile_buttons)
        with self.assertRaisesRegex(UserError, "has no employee"):
            nobody.with_user(nobody).action_file_iso_record()
        plain = self.internal_user.with_user(self.internal_user)
        self.assertFalse(plain.iso_profile_buttons, "not an ISO user")

    def test_types_fitting_the_form_come_first(self):
        types = self.env["iso.record.type"].with_user(self.iso_user)
        from_employee = [
            name for _id, name in types.with_context(iso_filed_from="hr.employee").name_search("", limit=20)
        ]
        inspection = self.env.ref("iso_records.record_type_inspection_report").name
        training = self.env.ref("iso_records.record_type_training_record").name
        policy = self.env.ref("iso_records.record_type_policy").name
        self.assertLess(from_employee.index(training), from_employee.index(policy))
        self.assertLess(from_employee.index(inspection), from_employee.index(policy))
        plain = [name for _id, name in types.name_search("", limit=20)]
        self.assertLess(plain.index(policy), plain.index(inspection), "without a source, the usual order")
        from_product = [
            name for _id, name in types.with_context(iso_filed_from="product.product").name_search("", limit=3)
        ]
        self.assertIn(self.env.ref("iso_records.record_type_calibration_certificate").name, from_product)
        from_supplier = types.with_context(iso_filed_from="res.partner").name_search("", limit=1)
        self.assertEqual(from_supplier[0][1], self.env.ref("iso_records.record_type_supplier_evaluation").name)
        self.assertEqual(
            len(types.with_context(iso_filed_from="res.partner").name_search("", limit=100)),
            len(types.name_search("", limit=100)),
        )

    def test_other_document_offers_business_documents_only(self):
        offered = dict(self.env["iso.record"]._selection_linked_document())
        self.assertIn("hr.employee", offered)
        for technical in ("ir.attachment", "mail.message", "res.users", "iso.record", "mail.thread", "res.groups"):
            self.assertNotIn(technical, offered)
        self.assertLess(len(offered), 60)
