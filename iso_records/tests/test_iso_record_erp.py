from odoo.tests import Form, tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoRecordErpForms(IsoRecordCase):
    def test_file_from_employee_product_and_supplier(self):
        employee = self.employee_of[self.iso_user]
        colleague = self.employee_of[self.colleague]
        cases = (
            (employee.with_user(self.iso_user), "employee_id", employee),
            (self.env["hr.employee.public"].with_user(self.iso_user).browse(colleague.id), "employee_id", colleague),
            (self.product.product_tmpl_id.with_user(self.iso_user), "product_id", self.product),
            (self.supplier.with_user(self.iso_user), "partner_id", self.supplier),
        )
        for document, field_name, linked in cases:
            with self.subTest(model=document._name):
                self.assertEqual(document.iso_record_count, 0)
                action = document.action_file_iso_record()
                self.assertEqual(action["res_model"], "iso.record")
                form = Form(self.env["iso.record"].with_user(self.iso_user).with_context(**action["context"]))
                form.title = f"Filed from {document._name}"
                form.record_type_id = self.training_type
                record = form.save()
                self.assertEqual(record[field_name], linked)
                document.invalidate_recordset(["iso_record_count"])
                self.assertEqual(document.iso_record_count, 1)
                listed = (
                    self.env["iso.record"].with_user(self.iso_user).search(document.action_view_iso_records()["domain"])
                )
                self.assertEqual(listed, record)

    def test_count_shows_only_what_the_user_may_see(self):
        employee = self.employee_of[self.colleague]
        self.make_record(self.iso_manager, employee_id=employee.id, confidentiality="restricted")
        self.make_record(self.iso_manager, employee_id=employee.id, confidentiality="internal")
        self.assertEqual(employee.with_user(self.iso_user).iso_record_count, 1)
        self.assertEqual(employee.with_user(self.iso_administrator).iso_record_count, 2)
        self.assertEqual(employee.with_user(self.internal_user).iso_record_count, 0, "no ISO group, no count, no error")

    def test_record_references_any_document(self):
        record = self.make_record(self.iso_user, res_ref=f"res.partner,{self.supplier.id}")
        self.assertEqual(record.res_ref, self.supplier)

    def test_queries_to_file_one_record_with_links(self):
        employee = self.employee_of[self.iso_user]
        values = {
            "title": "Query count",
            "record_type_id": self.training_type.id,
            "employee_id": employee.id,
            "product_id": self.product.id,
            "partner_id": self.supplier.id,
            "body": "<p>Trained</p>",
        }
        with self.with_user(self.iso_user.login):
            Record = self.env["iso.record"]
            Record.create(dict(values)).action_file()  # warm the caches
            self.env.flush_all()
            self.env.invalidate_all()
            # 6 append to the audit trail, 1 reads the retention policy, 1 reads the linked files (content the
            # trail records); a training: 1 looks up the refresher interval of the employee's competence
            # requirements, 1 reads the employee's department
            with self.assertQueryCount(iso_user=30):
                record = Record.create(dict(values))
                record.action_file()
                self.env.flush_all()
            self.assertEqual(record.state, "filed")
