import re

from odoo.tests import HttpCase, tagged

from .common import CapaCase

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortalAccess(CapaCase, HttpCase):
    """The supplier's portal user over HTTP: their company's requests in the list and detail, another supplier's
    and drafts 404 by URL, no ISO model over JSON-RPC, and an answer with files: too large or an executable is
    refused with a clear error and nothing is written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls.make_supplier_request(title="Own request (test)")
        cls.theirs = cls.make_supplier_request(
            title="Other supplier's request (test)", partner_id=cls.other_supplier.id, contact_id=cls.other_contact.id
        )
        (cls.own | cls.theirs).with_user(cls.iso_manager).action_send()
        cls.draft = cls.make_supplier_request(title="Draft request (test)")
        cls.nonconformity = cls.make_nc()

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def csrf_token(self, record):
        response = self.url_open(f"/my/iso/requests/{record.id}")
        self.assertEqual(response.status_code, 200)
        return CSRF.search(response.text).group(1)

    def post_answer(self, record, files=None, csrf=None, **values):
        data = {"csrf_token": csrf or self.csrf_token(self.own), **self.supplier_answer(**values)}
        return self.url_open(f"/my/iso/requests/{record.id}/answer", data=data, files=files or {}, timeout=120)

    def evidence_of(self, record):
        return self.env["ir.attachment"].sudo().search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def test_list_and_detail_show_only_own_requests(self):
        listing = self.url_open("/my/iso/requests")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Own request (test)", listing.text)
        self.assertNotIn("Other supplier's request", listing.text)
        self.assertNotIn("Draft request (test)", listing.text)
        detail = self.url_open(f"/my/iso/requests/{self.own.id}")
        self.assertEqual(detail.status_code, 200)
        self.assertIn(self.own.request, detail.text)
        self.assertIn("o_iso_answer_form", detail.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/iso/requests", home.text)
        for record in (self.theirs, self.draft):
            with self.subTest(request=record.title):
                self.assertEqual(self.url_open(f"/my/iso/requests/{record.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/iso/requests/999999999").status_code, 404)

    def test_another_suppliers_request_cannot_be_answered(self):
        response = self.post_answer(self.theirs)
        self.assertEqual(response.status_code, 404)
        self.theirs.invalidate_recordset()
        self.assertEqual(self.theirs.state, "sent")
        self.assertFalse(self.theirs.supplier_containment)
        self.assertFalse(self.evidence_of(self.theirs))

    def test_internal_records_are_not_reachable(self):
        for url in (
            f"/odoo/action-iso_records_capa.iso_nonconformity_action/{self.nonconformity.id}",
            f"/web/content/iso.supplier.request/{self.own.id}/request",
            f"/mail/view?model=iso.nonconformity&res_id={self.nonconformity.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertNotIn(self.nonconformity.description, response.text)
                self.assertNotIn(self.own.request, response.text)
        models = sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith("iso.") and not model._abstract and not model._transient
        )
        self.assertIn("iso.supplier.request", models)
        for model in models:
            with self.subTest(model=model):
                response = self.url_open(
                    "/web/dataset/call_kw",
                    data=(
                        '{"jsonrpc": "2.0", "method": "call", "params": {"model": "%s", "method": "search_read", '
                        '"args": [[]], "kwargs": {"fields": ["display_name"], "limit": 1}}}' % model
                    ),
                    headers={"Content-Type": "application/json"},
                )
                error = response.json().get("error")
                self.assertTrue(error, f"{model} answered a portal user")
                self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError", model)
        response = self.url_open(
            "/web/dataset/call_kw",
            data=(
                '{"jsonrpc": "2.0", "method": "call", "params": {"model": "iso.supplier.request", '
                '"method": "_iso_supplier_answer", "args": [[%d], {}, [], %d], "kwargs": {}}}'
                % (self.own.id, self.portal_user.id)
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertTrue(response.json().get("error"), "a private method is not callable over RPC")
        self.assertEqual(self.own.state, "sent")

    def test_evidence_files_are_not_reachable_by_id(self):
        self.own._iso_supplier_answer(
            self.supplier_answer(), [("mine.pdf", b"%PDF mine", "application/pdf")], self.portal_user
        )
        evidence = self.own.supplier_attachment_ids
        self.assertNotEqual(self.url_open(f"/web/content/{evidence.id}").status_code, 200)
        response = self.url_open(
            "/web/dataset/call_kw",
            data=(
                '{"jsonrpc": "2.0", "method": "call", "params": {"model": "ir.attachment", "method": "read", '
                '"args": [[%d], ["raw"]], "kwargs": {}}}' % evidence.id
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["error"]["data"]["name"], "odoo.exceptions.AccessError")

    def test_answer_with_a_file(self):
        csrf = self.csrf_token(self.own)
        response = self.post_answer(
            self.own, csrf=csrf, files={"evidence": ("instruction.pdf", b"%PDF-1.7 instruction", "application/pdf")}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("your answer was received", response.text)
        self.own.invalidate_recordset()
        self.assertEqual((self.own.state, self.own.answered_by_id), ("answered", self.portal_user))
        self.assertEqual(self.own.supplier_root_cause, "Packing instruction without separators.")
        self.assertEqual(self.own.supplier_attachment_ids.mapped("name"), ["instruction.pdf"])
        self.assertEqual(self.own.supplier_attachment_ids.raw, b"%PDF-1.7 instruction")
        self.assertIn("instruction.pdf", response.text)
        again = self.post_answer(self.own, csrf=csrf, supplier_containment="Second answer")
        self.assertEqual(again.status_code, 409)
        self.own.invalidate_recordset()
        self.assertNotEqual(self.own.supplier_containment, "Second answer")

    def test_sent_back_comment_is_shown_to_the_supplier(self):
        self.own._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        self.own.with_user(self.iso_manager).action_send_back("Send the photos of the new boxes.")
        detail = self.url_open(f"/my/iso/requests/{self.own.id}")
        self.assertIn("Send the photos of the new boxes.", detail.text)
        self.assertIn("o_iso_answer_form", detail.text)

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, response.text)
        self.own.invalidate_recordset()
        self.assertEqual(self.own.state, "sent")
        self.assertFalse(self.own.supplier_containment)
        self.assertFalse(self.evidence_of(self.own))

    def test_a_50_mb_upload_is_refused(self):
        self.assertEqual(self.SupplierRequest._iso_max_upload_mb(), 10)
        response = self.post_answer(
            self.own,
            files={"evidence": ("big.pdf", b"%PDF" + b"0" * (50 * 1024 * 1024), "application/pdf")},
        )
        self.assert_refused(response, "big.pdf is larger than 10 MB")

    def test_executables_are_refused(self):
        for name, content in (
            ("setup.exe", b"just text"),
            ("report.pdf", b"MZ\x90\x00\x03"),
            ("run.txt", b"#!/bin/sh"),
        ):
            with self.subTest(name=name):
                response = self.post_answer(self.own, files={"evidence": (name, content, "application/pdf")})
                self.assert_refused(response, f"{name} is a program")

    def test_an_incomplete_answer_is_refused(self):
        response = self.post_answer(
            self.own, supplier_root_cause="", files={"evidence": ("ok.pdf", b"%PDF", "application/pdf")}
        )
        self.assert_refused(response, "required to answer the request")

    def test_internal_user_has_no_portal_pages(self):
        self.authenticate(self.iso_manager.login, self.iso_manager.login)
        self.assertEqual(self.url_open(f"/my/iso/requests/{self.own.id}").status_code, 404)
        self.assertEqual(self.url_open("/my/iso/requests").status_code, 404)
