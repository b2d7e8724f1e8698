from odoo.tests import HttpCase, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestPortalTour(CapaCase, HttpCase):
    def test_supplier_answers_with_a_file_and_the_owner_sends_it_back(self):
        request = self.make_supplier_request(
            title="Tour request: scratched housings",
            request="The housings of delivery 42 arrive scratched: contain, find the cause, act.",
        )
        request.with_user(self.iso_manager).action_send()
        self.assertTrue(self.portal_user.share)
        self.assertFalse(self.iso_manager.has_group("base.group_system"))

        self.start_tour("/my", "iso_capa_portal_answer_tour", login=self.portal_user.login)

        request.invalidate_recordset()
        self.assertEqual((request.state, request.answered_by_id), ("answered", self.portal_user))
        self.assertEqual(request.supplier_why_3, "The packing instruction does not ask for them.")
        self.assertEqual(request.supplier_root_cause, "Packing instruction without separators.")
        evidence = request.supplier_attachment_ids
        self.assertEqual(evidence.mapped("name"), ["packing_instruction.txt"])
        self.assertIn(b"separators between housings", evidence.raw)

        self.start_tour(
            "/odoo/action-iso_records_capa.iso_supplier_request_action",
            "iso_capa_portal_send_back_tour",
            login=self.iso_manager.login,
        )

        request.invalidate_recordset()
        self.assertEqual((request.state, request.return_count), ("sent", 1))
        self.assertEqual(request.returned_comment, "Send the photos of the new boxes.")
        self.assertFalse(request.review_comment)
