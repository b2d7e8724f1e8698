from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestScarWorkflow(CapaCase):
    """A supplier request sent, answered, sent back with a comment, answered again and accepted; the guards of
    each step; the chatter, the e-mails to the contact and the trail of each step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.SupplierRequest)

    def trail_reasons(self, request):
        events = self.env["iso.trail.event"].search(
            [("res_model", "=", request._name), ("res_id", "=", request.id), ("event_type", "=", "state")],
            order="sequence",
        )
        return events.mapped("reason")

    def mails_to_contact(self, request):
        return request.message_ids.filtered(lambda message: self.supplier_contact in message.partner_ids)

    def test_send_answer_send_back_accept(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.scar_deadline_days", 10)
        request = self.make_supplier_request()
        manager = request.with_user(self.iso_manager)
        manager.action_send()
        self.assertEqual(request.state, "sent")
        self.assertEqual((request.date_sent, request.deadline), (self.today, self.today + timedelta(days=10)))
        self.assertEqual(len(self.mails_to_contact(request)), 1, "the contact gets the request")
        self.assertIn(request.title, self.mails_to_contact(request).subject)

        request._iso_supplier_answer(
            self.supplier_answer(), [("photo.png", b"\x89PNG data", "image/png")], self.portal_user
        )
        self.assertEqual(request.state, "answered")
        self.assertEqual((request.answered_by_id, request.answered_date), (self.portal_user, self.today))
        self.assertTrue(request.answered_on_time)
        self.assertEqual(request.supplier_attachment_ids.mapped("name"), ["photo.png"])
        self.assertEqual(request.supplier_attachment_ids.res_id, request.id)
        review = request.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("iso_records_capa.mail_activity_type_scar_review")
            )
        )
        self.assertEqual(review.user_id, self.iso_manager, "the owner is asked to review the answer")

        with self.assertRaisesRegex(UserError, "Comment for the Supplier: required"):
            manager.action_send_back()
        with self.assertRaisesRegex(UserError, "Comment for the Supplier: required"):
            manager.action_send_back("   ")
        self.assertEqual(request.state, "answered", "nothing written")
        manager.action_send_back("Show the new packing instruction.")
        self.assertEqual((request.state, request.return_count), ("sent", 1))
        self.assertEqual(request.returned_comment, "Show the new packing instruction.")
        self.assertFalse(
            request.activity_ids.filtered(lambda activity: activity.activity_type_id == review.activity_type_id)
        )
        self.assertEqual(len(self.mails_to_contact(request)), 2, "the contact is told why")
        self.assertIn("Show the new packing instruction.", self.mails_to_contact(request)[0].body)

        request._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        manager.write({"review_comment": "Attach the instruction, please."})
        manager.action_send_back()
        self.assertEqual((request.return_count, request.returned_comment), (2, "Attach the instruction, please."))
        self.assertFalse(request.review_comment)

        request._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        manager.action_accept()
        self.assertEqual((request.state, request.accepted_date), ("accepted", self.today))
        self.assertEqual(len(self.mails_to_contact(request)), 4, "sent, sent back twice, accepted")
        self.assertEqual(
            self.trail_reasons(request),
            [
                "Sent to the supplier",
                "Answered by the supplier on the portal",
                "Sent back to the supplier: Show the new packing instruction.",
                "Answered by the supplier on the portal",
                "Sent back to the supplier: Attach the instruction, please.",
                "Answered by the supplier on the portal",
                "Supplier's answer accepted",
            ],
        )
        with self.assertRaisesRegex(UserError, "locked"):
            manager.write({"title": "Changed"})

    def test_late_answer_is_not_on_time(self):
        request = self.make_supplier_request(deadline=self.today)
        request.with_user(self.iso_manager).action_send()
        self.force_state(request, "sent")
        request.sudo().deadline = self.today - timedelta(days=1)
        request._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        self.assertFalse(request.answered_on_time)

    def test_send_needs_a_portal_contact_of_the_supplier(self):
        no_contact = self.make_supplier_request(contact_id=False)
        with self.assertRaisesRegex(UserError, "Supplier Contact: .* portal user"):
            no_contact.with_user(self.iso_manager).action_send()
        without_portal = self.env["res.partner"].create({"name": "No portal (test)", "parent_id": self.supplier.id})
        request = self.make_supplier_request(contact_id=without_portal.id)
        with self.assertRaisesRegex(UserError, "Supplier Contact: .* portal user"):
            request.with_user(self.iso_manager).action_send()
        foreign = self.make_supplier_request(contact_id=self.other_contact.id)
        with self.assertRaisesRegex(UserError, "is not a contact of"):
            foreign.with_user(self.iso_manager).action_send()
        past = self.make_supplier_request(deadline=self.today - timedelta(days=1))
        with self.assertRaisesRegex(UserError, "Deadline: .* past"):
            past.with_user(self.iso_manager).action_send()
        self.assertEqual(set((no_contact | request | foreign | past).mapped("state")), {"draft"}, "nothing sent")
        self.assertFalse(self.mails_to_contact(request))

    def test_step_guards(self):
        request = self.make_supplier_request()
        manager = request.with_user(self.iso_manager)
        with self.assertRaisesRegex(UserError, "Accept: .* Draft; this step needs it to be Answered"):
            manager.action_accept()
        with self.assertRaisesRegex(UserError, "Send back: .* Answered"):
            manager.action_send_back("No")
        with self.assertRaisesRegex(UserError, "Answer: .* Sent to Supplier"):
            request._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        manager.action_send()
        with self.assertRaisesRegex(UserError, "Send to supplier: .* Draft"):
            manager.action_send()
        with self.assertRaisesRegex(
            UserError, "Containment, Why 1, Supplier's Root Cause, Supplier's Actions: required"
        ):
            request._iso_supplier_answer({}, [], self.portal_user)
        with self.assertRaisesRegex(UserError, "is a program"):
            request._iso_supplier_answer(
                self.supplier_answer(), [("report.pdf", b"MZ\x90\x00", "application/pdf")], self.portal_user
            )
        self.assertEqual(request.state, "sent")
        self.assertFalse(
            self.env["ir.attachment"].search([("res_model", "=", request._name), ("res_id", "=", request.id)])
        )
        with self.assertRaisesRegex(UserError, "State: set by the workflow|set by the workflow"):
            manager.write({"state": "accepted"})
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            manager.write({"supplier_root_cause": "Forged by the owner"})
        with self.assertRaisesRegex(UserError, "set by the workflow"):
            manager.write({"returned_comment": "Forged"})
        manager.action_cancel()
        self.assertEqual(request.state, "cancelled")
        with self.assertRaisesRegex(UserError, "Cancel: .* Cancelled"):
            manager.action_cancel()

    def test_an_iso_user_or_auditor_cannot_run_the_steps(self):
        request = self.make_supplier_request()
        with self.assertRaises(AccessError):
            request.with_user(self.iso_user).action_send()
        with self.assertRaises(AccessError):
            request.with_user(self.iso_auditor).action_send()
        self.assertEqual(request.state, "draft")

    def test_upload_checks(self):
        Request = self.SupplierRequest
        self.assertIsNone(Request._iso_upload_error("report.pdf", b"%PDF-1.7"))
        for name, content in (
            ("setup.exe", b"harmless"),
            ("tool.sh", b"echo"),
            ("report.pdf", b"MZ\x90\x00"),
            ("photo.jpg", b"\x7fELF\x02\x01"),
            ("notes.txt", b"#!/bin/sh\nrm -rf /"),
        ):
            with self.subTest(name=name):
                self.assertIn("is a program", Request._iso_upload_error(name, content))
        self.env["ir.config_parameter"].sudo().set_param("iso_records.scar_max_upload_mb", 1)
        self.assertIn("larger than 1 MB", Request._iso_upload_error("big.pdf", b"0" * (1024 * 1024 + 1)))
        self.assertIsNone(Request._iso_upload_error("fits.pdf", b"0" * (1024 * 1024)))

    def test_send_to_supplier_from_a_nonconformity_and_a_capa(self):
        nonconformity = self.make_nc(containment="Lot 42 quarantined.")
        action = nonconformity.with_user(self.iso_manager).action_send_to_supplier()
        request = self.SupplierRequest.browse(action["res_id"])
        self.assertEqual((action["res_model"], request.state), ("iso.supplier.request", "draft"))
        self.assertEqual(
            (request.nonconformity_id, request.partner_id, request.contact_id, request.product_id),
            (nonconformity, self.supplier, self.supplier_contact, self.product),
        )
        self.assertIn("arrived scratched", request.request)
        self.assertIn("Lot 42 quarantined.", request.request)
        self.assertEqual(nonconformity.supplier_request_ids, request)

        capa = self.make_capa(nonconformity, problem="Scratches at every delivery.")
        action = capa.with_user(self.iso_manager).action_send_to_supplier()
        from_capa = self.SupplierRequest.browse(action["res_id"])
        self.assertEqual(
            (from_capa.capa_id, from_capa.nonconformity_id, from_capa.partner_id, from_capa.contact_id),
            (capa, nonconformity, self.supplier, self.supplier_contact),
        )
        self.assertIn("Scratches at every delivery.", from_capa.request)
        self.assertEqual(capa.supplier_request_ids, from_capa)

        internal = self.make_nc(partner_id=False)
        with self.assertRaisesRegex(UserError, "Supplier: .* names no supplier"):
            internal.with_user(self.iso_manager).action_send_to_supplier()
        with self.assertRaises(AccessError):
            nonconformity.with_user(self.iso_user).action_send_to_supplier()

    def test_nonconformity_and_capa_list_their_requests(self):
        nonconformity = self.make_nc()
        capa = self.make_capa(nonconformity)
        self.assertEqual((nonconformity.supplier_request_count, capa.supplier_request_count), (0, 0))
        first = self.SupplierRequest.browse(
            nonconformity.with_user(self.iso_manager).action_send_to_supplier()["res_id"]
        )
        action = nonconformity.with_user(self.iso_manager).action_view_supplier_requests()
        self.assertEqual((action["view_mode"], action["res_id"]), ("form", first.id))
        second = self.SupplierRequest.browse(capa.with_user(self.iso_manager).action_send_to_supplier()["res_id"])
        nonconformity.invalidate_recordset()
        self.assertEqual((nonconformity.supplier_request_count, capa.supplier_request_count), (2, 1))
        action = nonconformity.with_user(self.iso_manager).action_view_supplier_requests()
        self.assertEqual(self.SupplierRequest.search(action["domain"]), first | second)
