from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.iso_nonconformity_raise import DATA_RAISE_MODELS, RAISE_ACTION_PREFIX
from .common import RaiseCase


@tagged("post_install", "-at_install")
class TestRaiseServerAction(RaiseCase):
    """ "Raise nonconformity" in the Action menu: bound to the documents of the apps this addon depends on by
    its data, and to the business apps installed (purchase, inventory, manufacturing, maintenance) by the
    synchronisation run at install and at every registry load, without depending on them. The test database
    has none of those apps: the synchronisation is proven on a business model that is installed
    (departments), the way it binds purchase orders."""

    def patch_optional_models(self, names):
        return patch.object(type(self.Nonconformity), "_iso_optional_raise_models", lambda model: list(names))

    def raise_actions(self, model_name):
        return self.env["ir.actions.server"].search(
            [("binding_model_id.model", "=", model_name), ("code", "like", "_iso_raise_action")]
        )

    def test_bound_to_the_dependency_documents(self):
        for model_name in DATA_RAISE_MODELS:
            action = self.raise_actions(model_name)
            self.assertEqual(len(action), 1, model_name)
            self.assertEqual(action.binding_view_types, "list,form")
            self.assertEqual(action.groups_id, self.env.ref("iso_records.group_iso_user"))

    def test_runs_as_the_user_on_a_product(self):
        action = self.run_server_action(
            "iso_records_capa.action_raise_nonconformity_product_product", self.product, self.iso_user
        )
        self.assertEqual(action["res_model"], "iso.nonconformity")
        self.assertEqual(action["context"]["default_product_id"], self.product.id)
        nonconformity = self.save_raised(action, self.iso_user)
        self.assertEqual(nonconformity.product_id, self.product)

    def test_one_document_at_a_time(self):
        products = self.product | self.env["product.product"].create({"name": "Caliper (test)"})
        with self.assertRaisesRegex(UserError, "works on one"):
            self.run_server_action(
                "iso_records_capa.action_raise_nonconformity_product_product", products, self.iso_user
            )

    def test_needs_the_iso_user_group(self):
        with self.assertRaisesRegex(AccessError, "enough access rights"):
            self.run_server_action(
                "iso_records_capa.action_raise_nonconformity_res_partner", self.supplier, self.internal_user
            )

    def test_synchronisation_binds_an_installed_business_model(self):
        self.assertFalse(self.raise_actions("hr.department"))
        # A model of an app that is not installed (as purchase.order is in the test database) is left alone.
        with self.patch_optional_models(["hr.department", "iso.not.installed"]):
            self.Nonconformity._iso_sync_raise_actions()
            action = self.raise_actions("hr.department")
            self.assertEqual(len(action), 1)
            self.assertEqual(action.groups_id, self.env.ref("iso_records.group_iso_user"))
            xmlid = f"iso_records_capa.{RAISE_ACTION_PREFIX}hr_department"
            self.assertEqual(self.env.ref(xmlid), action)
            # Idempotent: run again (a restart, a second worker), nothing is added.
            self.Nonconformity._iso_sync_raise_actions()
            self.assertEqual(self.raise_actions("hr.department"), action)
        self.assertFalse(self.raise_actions("iso.not.installed"))

        result = self.run_server_action(action, self.quality, self.iso_user)
        context = result["context"]
        self.assertEqual(context["default_res_ref"], f"hr.department,{self.quality.id}")
        self.assertEqual(context["default_company_id"], self.company.id)
        self.assertEqual(context["default_source"], "internal")
        nonconformity = self.save_raised(result, self.iso_user)
        self.assertEqual(nonconformity.res_ref, self.quality)
        # The document links back to it in its chatter, by reference.
        note = self.quality.message_ids[:1]
        self.assertIn(nonconformity.name, note.body)
        self.assertIn(f'data-oe-id="{nonconformity.id}"', note.body)
        self.assertEqual((note.author_id, note.subtype_id), (self.iso_user.partner_id, self.env.ref("mail.mt_note")))

    def test_no_note_on_a_document_the_user_may_not_read(self):
        self.make_nc(res_ref=f"res.partner,{self.supplier_b.id}")
        self.assertFalse(self.supplier_b.message_ids.filtered(lambda message: "raised about" in (message.body or "")))

    def test_synchronisation_forgets_actions_of_uninstalled_models(self):
        with self.patch_optional_models(["hr.department"]):
            self.Nonconformity._iso_sync_raise_actions()
            action = self.raise_actions("hr.department")
            # Uninstalling an app deletes its models' actions (cascade): the entry left behind is removed.
            action.unlink()
            with self.patch_optional_models([]):
                self.Nonconformity._iso_sync_raise_actions()
            entries = self.env["ir.model.data"].search(
                [("module", "=", "iso_records_capa"), ("name", "=", f"{RAISE_ACTION_PREFIX}hr_department")]
            )
            self.assertFalse(entries)
