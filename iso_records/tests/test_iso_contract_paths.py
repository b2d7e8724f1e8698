"""Paths around the record rules, tried as an attacker would: dialogs, reports, attachments, smart
buttons, duplicates and public methods called with the wrong arguments."""

import base64
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoContractPaths(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stranger = new_test_user(cls.env, "iso_stranger", groups="iso_records.group_iso_user")
        cls.secret = cls.make_record_as(
            cls, cls.iso_administrator, confidentiality="restricted", title="Secret merger audit"
        )

    def make_record_as(self, user, **values):
        return (
            self.env["iso.record"]
            .with_user(user)
            .create(
                {"record_type_id": self.env.ref("iso_records.record_type_procedure").id, "body": "<p>x</p>", **values}
            )
        )

    def test_dialogs_reveal_nothing_of_a_record_the_caller_cannot_read(self):
        with self.assertRaises(AccessError):
            self.env["iso.signature.wizard"].with_user(self.stranger).create(
                {"res_model": "iso.record", "res_id": self.secret.id, "operation": "approve", "meaning": "approved"}
            )
        training = self.make_record(
            self.iso_administrator,
            self.training_type,
            confidentiality="restricted",
            employee_id=self.employee_of[self.colleague].id,
        )
        with self.assertRaises(AccessError):
            self.env["iso.training.evaluation.wizard"].with_user(self.iso_manager).create(
                {"record_id": training.id, "effectiveness": "effective"}
            )
        with self.assertRaises(AccessError):
            self.env["iso.signature.wizard"].with_user(self.stranger).with_context(
                default_res_model="iso.record", default_res_id=self.secret.id
            ).create({"operation": "approve", "meaning": "approved"})
        with self.assertRaisesRegex(UserError, "has no signatures"):
            self.env["iso.signature.wizard"].with_user(self.stranger).create(
                {"res_model": "res.partner", "res_id": self.supplier.id, "operation": "approve", "meaning": "approved"}
            )

    def test_trail_report_is_rendered_with_the_readers_rights(self):
        report = self.env.ref("iso_records.action_report_iso_record_trail")
        html, __ = report.with_user(self.iso_administrator)._render_qweb_html(report.report_name, self.secret.ids)
        self.assertIn(b"Secret merger audit", html)
        with self.assertRaises(AccessError):
            report.with_user(self.iso_auditor)._render_qweb_html(report.report_name, self.secret.ids)
        events = (
            self.env["iso.trail.event"]
            .with_user(self.iso_auditor)
            .search([("res_model", "=", "iso.record"), ("res_id", "=", self.secret.id)])
        )
        self.assertFalse(events, "an auditor sees nothing of the trail of a restricted record they may not read")

    def test_tombstones_of_restricted_records_stay_with_administrators(self):
        Event = self.env["iso.trail.event"]
        secret = self.make_record(self.iso_administrator, confidentiality="restricted", title="Secret draft")
        plain = self.make_record(self.iso_user, title="Plain draft")
        secret_id, plain_id = secret.id, plain.id
        secret.with_user(self.iso_administrator).unlink()
        plain.with_user(self.iso_user).unlink()

        def events(user, record_id):
            return Event.with_user(user).search([("res_model", "=", "iso.record"), ("res_id", "=", record_id)])

        self.assertEqual(events(self.iso_auditor, plain_id).mapped("event_type"), ["delete", "create"])
        self.assertFalse(events(self.iso_auditor, secret_id), "not even the title of a deleted restricted record")
        self.assertEqual(len(events(self.iso_administrator, secret_id)), 2)

    def test_an_attachment_id_is_no_way_into_another_record(self):
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.iso_administrator)
            .create(
                {
                    "name": "merger.pdf",
                    "datas": base64.b64encode(b"secret"),
                    "res_model": "iso.record",
                    "res_id": self.secret.id,
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "only attach files you can read"):
            self.make_record(self.stranger, attachment_ids=[(6, 0, attachment.ids)])
        mine = self.make_record(self.stranger)
        with self.assertRaisesRegex(AccessError, "only attach files you can read"):
            mine.write({"attachment_ids": [(4, attachment.id)]})
        self.assertFalse(mine.attachment_ids)

    def test_no_field_of_a_signed_file_changes(self):
        attachment = self.make_attachment(self.iso_user)
        record = self.make_record(self.iso_user, self.calibration_type, attachment_ids=[(6, 0, attachment.ids)])
        self.sign(record, self.iso_user, "file")
        for values in ({"public": True}, {"name": "renamed.pdf"}, {"type": "url", "url": "https://x"}, {"res_id": 1}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "signed, locked ISO record"):
                attachment.sudo().write(values)
        self.assertFalse(attachment.public)

    def test_filing_as_approved_by_its_author_is_refused(self):
        record = self.make_record(self.iso_manager, self.calibration_type)
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign(record, self.iso_manager, "file", meaning="approved")
        with self.assertRaisesRegex(UserError, "Meaning: Made obsolete does not fit File"):
            self.sign(record, self.iso_manager, "file", meaning="obsoleted")
        self.assertEqual(record.state, "draft")
        self.sign(record, self.iso_manager, "file", meaning="authored")
        self.assertEqual(record.signature_ids.meaning, "authored")

    def test_whoever_changed_the_content_does_not_approve_it(self):
        record = self.make_record(self.iso_user)
        record.with_user(self.approver).write({"body": "<p>Improved by the approver</p>"})
        record.action_submit()
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign(record.with_user(self.approver), self.approver, "approve")
        self.sign(record.with_user(self.production_manager), self.production_manager, "approve")
        self.assertEqual(record.state, "effective")

    def test_auditors_start_nothing(self):
        document = self.approved_procedure()
        with self.assertRaises(AccessError):
            document.with_user(self.iso_auditor).action_new_revision()
        with self.assertRaises(AccessError):
            self.env["iso.trail.verification"].with_user(self.iso_auditor).action_verify_now()
        self.assertFalse(self.env["iso.record"].search([("previous_record_id", "=", document.id)]))

    def test_duplicate_gives_a_new_draft(self):
        document = self.approved_procedure()
        copy = document.with_user(self.iso_manager).copy()
        self.assertEqual((copy.state, copy.revision_number, copy.author_id), ("draft", 1, self.iso_manager))
        self.assertFalse(copy.revision_id or copy.approver_id or copy.retention_until)
        self.assertNotEqual(copy.name, document.name)

    def test_held_draft_is_not_deleted_by_its_author(self):
        draft = self.make_record(self.iso_user)
        self.env["iso.legal.hold"].with_user(self.iso_administrator).create(
            {"name": "Claim", "scope": "records", "item_ids": [(0, 0, {"record_ref": f"iso.record,{draft.id}"})]}
        )
        with self.assertRaisesRegex(UserError, "under an active legal hold"):
            draft.with_user(self.iso_user).unlink()
        with self.assertRaisesRegex(UserError, "Records: choose the records"):
            self.env["iso.legal.hold"].with_user(self.iso_administrator).create({"name": "Empty", "scope": "records"})
        self.assertTrue(draft.exists())

    def test_supplier_smart_button_counts_every_kind_the_user_may_read(self):
        self.make_record(self.iso_user, self.calibration_type, partner_id=self.supplier.id)
        self.env["iso.risk"].with_user(self.iso_manager).create(
            {"title": "Late deliveries", "partner_id": self.supplier.id}
        )
        self.env["iso.risk"].with_user(self.iso_administrator).create(
            {"title": "Hidden", "partner_id": self.supplier.id, "confidentiality": "restricted"}
        )
        supplier = self.supplier.with_user(self.iso_user)
        self.assertEqual(supplier.iso_record_count, 2)
        action = supplier.action_view_iso_records()
        self.assertEqual(action["res_model"], "iso.linked.evidence")
        lines = self.env["iso.linked.evidence"].with_user(self.iso_user).search(action["domain"])
        self.assertEqual(sorted(lines.mapped("count")), [1, 1])
        risks = lines.filtered(lambda line: line.res_model == "iso.risk").action_open()
        self.assertEqual(risks["res_model"], "iso.risk")
        self.assertEqual(self.supplier.with_user(self.iso_administrator).iso_record_count, 3)

    def test_public_methods_refuse_wrong_arguments_clearly(self):
        documents = self.approved_procedure() | self.approved_procedure()
        with self.assertRaisesRegex(UserError, "one .* at a time"):
            documents.action_new_revision()
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.iso_administrator)
            .create(
                {
                    "name": "Claim",
                    "scope": "records",
                    "item_ids": [(0, 0, {"record_ref": f"iso.record,{documents[0].id}"})],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Release Reason: expected text"):
            hold.action_release(12)
        with self.assertRaisesRegex(UserError, "Heat map"):
            self.env["iso.risk"].with_user(self.iso_manager).get_heat_map(residual="yes")
        with self.assertRaisesRegex(UserError, "whole numbers"):
            self.env["iso.competence.matrix"].with_user(self.iso_manager).get_grid_data(offset="abc")
        with self.assertRaisesRegex(UserError, "Operation: .* cannot be signed"):
            documents[0]._iso_sign("launch", "approved")


@tagged("post_install", "-at_install")
class TestIsoContractRpc(HttpCase):
    """Wrong types and several records at once, over JSON-RPC: a user-facing error, never a server error."""

    def call(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        ).json()
        return response.get("error", {}).get("data", {})

    def test_wrong_calls_give_user_errors(self):
        manager = new_test_user(self.env, "rpc_manager", groups="iso_records.group_iso_manager")
        record_type = self.env.ref("iso_records.record_type_procedure")
        records = (
            self.env["iso.record"]
            .with_user(manager)
            .create([{"title": f"RPC {n}", "record_type_id": record_type.id, "body": "<p>x</p>"} for n in range(2)])
        )
        self.authenticate(manager.login, manager.login)
        for method, args, kwargs in (
            ("action_open_approve", [records.ids], {}),
            ("write", [records.ids, {"retention_until": "2000-01-01"}], {}),
            ("write", [records.ids, {"disposal_action": "delete"}], {}),
        ):
            with self.subTest(method=method, args=args):
                error = self.call("iso.record", method, args, kwargs)
                self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
        error = self.call("iso.risk", "get_heat_map", [], {"domain": "not a domain"})
        self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
        self.assertFalse(any(records.mapped("retention_until")))


@tagged("post_install", "-at_install")
class TestIsoForgedDefaults(IsoRecordCase):
    def test_a_default_in_the_context_does_not_fill_a_workflow_field(self):
        Record = self.env["iso.record"].with_user(self.iso_manager)
        record = Record.with_context(default_state="effective", default_approver_id=self.approver.id).create(
            {"title": "Forged", "record_type_id": self.procedure_type.id, "body": "<p>x</p>"}
        )
        self.assertEqual((record.state, record.approver_id), ("draft", self.env["res.users"]))
        with self.assertRaisesRegex(UserError, "State: set by the workflow"):
            Record.with_context(default_state="effective").create(
                {"title": "Forged", "record_type_id": self.procedure_type.id, "state": "effective"}
            )
        risk = self.env["iso.risk"].with_user(self.iso_manager).with_context(default_retention_until="2000-01-01")
        self.assertFalse(risk.create({"title": "Forged"}).retention_until)
