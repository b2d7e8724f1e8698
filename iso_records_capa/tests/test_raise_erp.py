from odoo.tests import new_test_user, tagged

from .common import RaiseCase


@tagged("post_install", "-at_install")
class TestRaiseFromErp(RaiseCase):
    """Raise nonconformity on the product, supplier and employee forms: the form of a new nonconformity
    pre-filled from the document, and the count of those about it on the document."""

    def test_product_template_prefills_its_variant(self):
        template = self.product.product_tmpl_id
        action = self.raise_from(template, self.iso_user)
        context = action["context"]
        self.assertEqual(context["default_product_id"], self.product.id)
        self.assertEqual(context["default_source"], "product")
        self.assertEqual(context["default_company_id"], self.company.id)
        self.assertNotIn("default_res_ref", context)
        self.assertNotIn("default_partner_id", context)
        nonconformity = self.save_raised(action, self.iso_user)
        self.assertEqual((nonconformity.product_id, nonconformity.product_tmpl_id), (self.product, template))
        self.assertEqual((nonconformity.source, nonconformity.state), ("product", "new"))
        self.assertEqual(nonconformity.owner_id, self.employee_of[self.iso_user])
        self.assertEqual(template.with_user(self.iso_user).nonconformity_count, 1)
        self.assertEqual(self.product.with_user(self.iso_user).nonconformity_count, 1)
        listed = template.with_user(self.iso_user).action_view_nonconformities()
        self.assertEqual(self.env["iso.nonconformity"].search(listed["domain"]), nonconformity)

    def test_multi_variant_template_is_the_other_document(self):
        attribute = self.env["product.attribute"].create(
            {"name": "Size (test)", "value_ids": [(0, 0, {"name": "S"}), (0, 0, {"name": "L"})]}
        )
        template = self.env["product.template"].create(
            {
                "name": "Gloves (test)",
                "attribute_line_ids": [
                    (0, 0, {"attribute_id": attribute.id, "value_ids": [(6, 0, attribute.value_ids.ids)]})
                ],
            }
        )
        self.assertEqual(template.product_variant_count, 2)
        context = self.raise_from(template, self.iso_user)["context"]
        self.assertNotIn("default_product_id", context)
        self.assertEqual(context["default_res_ref"], f"product.template,{template.id}")

    def test_variant_counts_its_own_nonconformities(self):
        other = self.env["product.product"].create({"name": "Caliper (test)"})
        self.save_raised(self.raise_from(self.product, self.iso_user), self.iso_user)
        self.assertEqual(self.product.with_user(self.iso_user).nonconformity_count, 1)
        self.assertEqual(other.with_user(self.iso_user).nonconformity_count, 0)

    def test_supplier_contact_raises_on_the_supplier(self):
        action = self.raise_from(self.supplier_contact, self.iso_user)
        self.assertEqual(action["context"]["default_partner_id"], self.supplier.id)
        self.assertEqual(action["context"]["default_source"], "supplier")
        nonconformity = self.save_raised(action, self.iso_user)
        self.assertEqual(nonconformity.partner_id, self.supplier)
        self.assertEqual(self.supplier.with_user(self.iso_user).nonconformity_count, 1)
        self.assertEqual(self.other_supplier.with_user(self.iso_user).nonconformity_count, 0)

    def test_employee_and_public_employee(self):
        employee = self.employee_of[self.colleague]
        hr_officer = new_test_user(self.env, "iso_hr_officer", groups="iso_records.group_iso_user,hr.group_hr_user")
        action = self.raise_from(employee, hr_officer)
        self.assertEqual(action["context"]["default_employee_id"], employee.id)
        self.assertEqual(action["context"]["default_source"], "internal")
        # A user without HR rights sees the public form of the employee: same id, same nonconformity.
        public = self.env["hr.employee.public"].browse(employee.id)
        public_action = self.raise_from(public, self.iso_user)
        self.assertEqual(public_action["context"], action["context"])
        nonconformity = self.save_raised(public_action, self.iso_user)
        self.assertEqual(nonconformity.employee_id, employee)
        self.assertEqual(public.with_user(self.iso_user).nonconformity_count, 1)
        self.assertEqual(employee.with_user(hr_officer).nonconformity_count, 1)

    def test_counts_leave_out_what_the_user_may_not_read(self):
        self.make_nc()
        restricted = self.make_nc(user=self.colleague, confidentiality="restricted")
        self.assertEqual(restricted.partner_id, self.supplier)
        self.assertEqual(self.supplier.with_user(self.iso_user).nonconformity_count, 1)
        self.assertEqual(self.supplier.with_user(self.colleague).nonconformity_count, 2)
        self.assertEqual(self.supplier.with_user(self.iso_administrator).nonconformity_count, 2)
        # Another company's user reads none of company A's nonconformities about the shared product.
        self.assertEqual(self.product.with_user(self.user_b).nonconformity_count, 0)
        # A user without ISO rights gets no count (and no button: the views ask for the ISO user group).
        self.assertEqual(self.product.with_user(self.internal_user).nonconformity_count, 0)

    def test_counts_take_the_same_queries_for_one_product_or_many(self):
        products = self.env["product.product"].create([{"name": f"Part {index} (test)"} for index in range(30)])
        for product in products[:10]:
            self.make_nc(product_id=product.id)

        def queries_to_count(records):
            records = records.with_user(self.iso_user)
            records.invalidate_recordset(["nonconformity_count"])
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            records.mapped("nonconformity_count")
            return self.env.cr.sql_log_count - before

        self.assertEqual(sum(products.with_user(self.iso_user).mapped("nonconformity_count")), 10)
        self.assertEqual(queries_to_count(products), queries_to_count(products[:1]))
