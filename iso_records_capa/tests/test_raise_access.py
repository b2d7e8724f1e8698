from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import RaiseCase


@tagged("post_install", "-at_install")
class TestRaiseAccess(RaiseCase):
    """Raising is no way around access: not from another company's record, not from a record the user may
    not read, and the pre-filled values carry only what the user may read."""

    def test_not_from_another_company(self):
        for document in (self.product_b, self.supplier_b):
            with self.assertRaises(AccessError):
                self.raise_from(document, self.iso_user)

    def test_not_from_a_company_one_is_not_working_in(self):
        both = new_test_user(
            self.env,
            "iso_user_ab",
            groups="iso_records.group_iso_user",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | self.company_b).ids)],
        )
        employee_b = self.env["hr.employee"].create({"name": "B employee (test)", "company_id": self.company_b.id})
        public_b = self.env["hr.employee.public"].browse(employee_b.id)
        working_in_a = public_b.with_user(both).with_context(allowed_company_ids=self.company.ids)
        with self.assertRaises(AccessError):
            working_in_a.action_raise_nonconformity()
        context = public_b.with_user(both).with_context(allowed_company_ids=self.company_b.ids)
        action = context.action_raise_nonconformity()
        self.assertEqual(action["context"]["default_company_id"], self.company_b.id)

    def test_prefill_leaves_out_what_the_user_may_not_read(self):
        # A contact of company A whose company is another company's supplier: the contact is readable, the
        # supplier is not, and is not given away by the pre-filled values.
        contact = self.env["res.partner"].create({"name": "Agent (test)", "parent_id": self.supplier_b.id})
        self.assertEqual(contact.commercial_partner_id, self.supplier_b)
        context = self.raise_from(contact, self.iso_user)["context"]
        self.assertNotIn("default_partner_id", context)
        self.assertEqual(context["default_company_id"], self.company.id)

    def test_only_iso_users_who_may_act(self):
        with self.assertRaises(AccessError):
            self.raise_from(self.product, self.internal_user)
        with self.assertRaisesRegex(AccessError, "auditors read evidence"):
            self.raise_from(self.product, self.iso_auditor)

    def test_the_action_is_not_a_way_to_other_values(self):
        """The action is built from the document alone; a client cannot pass another record through it."""
        action = self.raise_from(self.product, self.iso_user)
        self.assertEqual(set(action["context"]), {"default_company_id", "default_source", "default_product_id"})
