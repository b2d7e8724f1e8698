"""Fixtures of the nonconformity, CAPA and supplier-request tests: the core's users and departments, a
supplier with a portal contact and a second supplier with its own, and records made the way the
application makes them."""

from datetime import date

from odoo import Command
from odoo.addons.iso_records.tests.common import IsoRecordCase
from odoo.addons.iso_records.tools import workflow
from odoo.tests import new_test_user


class CapaCase(IsoRecordCase):
    """``supplier`` (the core's Calibration Lab) has the portal contact ``supplier_contact`` with the portal
    user ``portal_user``; ``other_supplier`` has ``other_portal_user``. ``make_nc`` creates a new
    nonconformity as ``iso_user`` about ``product`` and ``supplier``; ``make_capa`` a CAPA owned by
    ``iso_manager``'s employee answering the given nonconformities."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Nonconformity = env["iso.nonconformity"]
        cls.Capa = env["iso.capa"]
        cls.Action = env["iso.capa.action"]
        cls.SupplierRequest = env["iso.supplier.request"]
        cls.clause_8_4 = env.ref("iso_records.clause_9001_8_4")
        cls.supplier_contact = env["res.partner"].create(
            {"name": "Quality contact (test)", "parent_id": cls.supplier.id, "email": "quality@lab.example.com"}
        )
        cls.portal_user = new_test_user(
            env, "iso_portal", groups="base.group_portal", partner_id=cls.supplier_contact.id
        )
        cls.other_supplier = env["res.partner"].create({"name": "Other Supplier (test)", "is_company": True})
        cls.other_contact = env["res.partner"].create(
            {"name": "Other contact (test)", "parent_id": cls.other_supplier.id, "email": "q@other.example.com"}
        )
        cls.other_portal_user = new_test_user(
            env, "iso_portal_other", groups="base.group_portal", partner_id=cls.other_contact.id
        )
        cls.verifier = cls.approver

    @classmethod
    def make_nc(cls, user=None, **values):
        return cls.Nonconformity.with_user(user or cls.iso_user).create(
            {
                "title": "Scratched housings (test)",
                "source": "supplier",
                "description": "Housings of the last delivery arrived scratched.",
                "product_id": cls.product.id,
                "partner_id": cls.supplier.id,
                "clause_id": cls.clause_8_4.id,
                "date": date.today(),
                **values,
            }
        )

    @classmethod
    def make_capa(cls, nonconformities=None, user=None, **values):
        return cls.Capa.with_user(user or cls.iso_manager).create(
            {
                "title": "Stop scratches at packing (test)",
                "owner_id": cls.employee_of[cls.iso_manager].id,
                "nonconformity_ids": [Command.set(nonconformities.ids if nonconformities else [])],
                "verifier_id": cls.verifier.id,
                **values,
            }
        )

    @classmethod
    def force_state(cls, records, state):
        """Put ``records`` in ``state`` the way the workflow does, for tests about a later step."""
        workflow(records.sudo()).write({"state": state})

    # --- supplier requests (helper D) -------------------------------------------------------
    @classmethod
    def make_supplier_request(cls, user=None, **values):
        """A draft supplier request of ``iso_manager`` to ``supplier``'s portal contact."""
        return cls.SupplierRequest.with_user(user or cls.iso_manager).create(
            {
                "title": "Scratched housings: your corrective action (test)",
                "request": "Tell us why the housings arrive scratched and what you change.",
                "partner_id": cls.supplier.id,
                "contact_id": cls.supplier_contact.id,
                "owner_id": cls.employee_of[cls.iso_manager].id,
                **values,
            }
        )

    @classmethod
    def supplier_answer(cls, **values):
        """A complete answer as the portal form sends it."""
        return {
            "supplier_containment": "Stock at our site sorted; 40 housings held.",
            "supplier_why_1": "Housings rub against each other in the box.",
            "supplier_why_2": "The box has no separators.",
            "supplier_why_3": "The packing instruction does not ask for them.",
            "supplier_root_cause": "Packing instruction without separators.",
            "supplier_actions": "Separators added to the instruction; packers trained by Friday.",
            **values,
        }

    # --- CAPA workflow helpers (helper C) -------------------------------------------------------
    @classmethod
    def add_capa_action(cls, capa, user=None, owner=None, **values):
        """An action of ``capa`` owned by ``owner`` (``iso_user`` by default), due in a week."""
        return cls.Action.with_user(user or cls.iso_manager).create(
            {
                "capa_id": capa.id,
                "kind": "corrective",
                "description": "Add foam separators at packing (test)",
                "user_id": (owner or cls.iso_user).id,
                "date_deadline": date.fromordinal(date.today().toordinal() + 7),
                **values,
            }
        )

    @classmethod
    def capa_acting(cls, user=None, owners=None, **values):
        """A CAPA of ``user`` (``iso_manager`` by default) about a new NC, analysed (5 whys, a fishbone cause,
        its root cause) and acting on one action per owner (``iso_user`` and ``colleague`` by default)."""
        user = user or cls.iso_manager
        capa = cls.make_capa(
            cls.make_nc(), user=user, owner_id=cls.employee_of[user].id, problem="Housings scratched (test)", **values
        )
        capa.action_start_analysis()
        capa.write(
            {
                "why_ids": [
                    Command.create({"sequence": 1, "question": "Why scratched?", "answer": "Parts touch in the box"}),
                    Command.create({"sequence": 2, "question": "Why touching?", "answer": "No separators"}),
                    Command.create({"sequence": 3, "question": "Why none?", "answer": "Packing spec silent"}),
                ],
                "cause_ids": [
                    Command.create({"category": "method", "cause": "Packing spec has no separators", "is_root": True}),
                    Command.create({"category": "material", "cause": "Thin cardboard"}),
                ],
                "root_cause": "The packing specification does not require separators.",
                "root_cause_category": "method",
            }
        )
        for owner in owners or (cls.iso_user, cls.colleague):
            cls.add_capa_action(capa, user=user, owner=owner, description=f"Action of {owner.name} (test)")
        capa.action_start_actions()
        return capa

    @classmethod
    def finish_capa_actions(cls, capa):
        """Each open action of ``capa`` marked done by its owner, as from their activity."""
        for line in capa.sudo().action_ids.filtered(lambda line: not line.date_done):
            line.with_user(line.user_id).action_mark_done()
        capa._iso_on_actions_done()
        return capa

    @classmethod
    def capa_verified(cls, user=None, **values):
        """A CAPA whose actions are done and whose effectiveness check found them effective: ready to close."""
        capa = cls.finish_capa_actions(cls.capa_acting(user=user, **values))
        capa.with_user(cls.verifier).action_record_effectiveness(
            "effective", "Three deliveries inspected since: no scratch.", "No repeat NC in the window."
        )
        return capa


class RaiseCase(CapaCase):
    """Helpers of the "raise from anywhere" tests: the action a document's button returns, and the
    nonconformity saved from its form as the user fills it."""

    def raise_from(self, document, user):
        action = document.with_user(user).action_raise_nonconformity()
        self.assertEqual((action["res_model"], action["view_mode"]), ("iso.nonconformity", "form"))
        return action

    def save_raised(self, action, user, title="Raised from the ERP (test)", description="Found at reception."):
        """The nonconformity saved from the form ``action`` opens, as ``user`` fills title and description."""
        from odoo.tests import Form  # noqa: PLC0415  # pylint: disable=import-outside-toplevel

        form = Form(self.env["iso.nonconformity"].with_user(user).with_context(**action["context"]))
        if not form.title:
            form.title = title
        if not form.description:
            form.description = description
        return form.save()

    def run_server_action(self, xmlid_or_action, records, user):
        action = self.env.ref(xmlid_or_action) if isinstance(xmlid_or_action, str) else xmlid_or_action
        context = {"active_model": records._name, "active_id": records[:1].id, "active_ids": records.ids}
        return action.with_user(user).with_context(**context).run()
