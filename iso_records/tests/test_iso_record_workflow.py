import base64
import hashlib
import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoRecordWorkflow(IsoRecordCase):
    def test_document_lifecycle_with_revision_and_signature(self):
        record = self.make_record(self.iso_user, title="Control of documents")
        self.assertEqual(record.state, "draft")
        self.assertTrue(record.name.startswith("PRO-"))
        self.assertEqual(record.owner_id, self.employee_of[self.iso_user])
        self.assertEqual(record.department_id, self.production)
        self.assertEqual(record.clause_ids, self.procedure_type.clause_ids)

        record.action_submit()
        self.assertEqual(record.state, "in_review")
        approval = record.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref("iso_records.mail_activity_type_iso_approval")
        )
        self.assertEqual(approval.user_id, self.production_manager, "the department manager is asked to approve")

        self.sign(record.with_user(self.approver), self.approver, "approve")
        self.assertEqual(record.state, "effective")
        self.assertEqual(record.approver_id, self.approver)
        revision = record.revision_id
        self.assertEqual((revision.number, revision.author_id, revision.approver_id), (1, self.iso_user, self.approver))
        signature = record.signature_ids
        self.assertEqual((signature.signer_id, signature.meaning), (self.approver, "approved"))
        self.assertEqual(signature.content_hash, revision.content_hash)
        self.assertTrue(record.next_review_date)
        self.assertFalse(record.activity_ids.filtered(lambda a: a.activity_type_id.name == "ISO: approval"))

    def test_content_hash_is_sha256_of_body_and_attachment_checksums(self):
        attachment = self.make_attachment(self.iso_user, b"scan of the certificate")
        record = self.make_record(
            self.iso_user,
            self.calibration_type,
            body="<p>Within tolerance</p>",
            attachment_ids=[(6, 0, attachment.ids)],
        )
        self.sign(record, self.iso_user, "file")
        expected = hashlib.sha256(
            json.dumps(
                {"attachments": [hashlib.sha1(b"scan of the certificate").hexdigest()], "body": record.body},
                sort_keys=True,
            ).encode()
        ).hexdigest()
        self.assertEqual(record.revision_id.content_hash, expected)
        self.assertEqual(record.signature_ids.content_hash, expected)
        self.assertTrue(record.content_matches_revision)
        manifest = json.loads(record.revision_id.attachment_manifest)
        self.assertEqual(manifest, [{"name": "certificate.pdf", "checksum": attachment.checksum}])

    def test_new_revision_supersedes_the_previous_one(self):
        first = self.approved_procedure(title="Calibration procedure")
        action = first.with_user(self.iso_user).action_new_revision()
        second = self.env["iso.record"].browse(action["res_id"]).with_user(self.iso_user)
        self.assertEqual((second.name, second.revision_number, second.state), (first.name, 2, "draft"))
        self.assertEqual(second.previous_record_id, first)
        self.assertEqual(
            first.with_user(self.iso_user).action_new_revision()["res_id"], second.id, "one draft at a time"
        )

        second.write({"body": "<p>Content, revised</p>"})
        with self.assertRaisesRegex(UserError, "Change Reason: revision 2"):
            second.action_submit()
        second.write({"change_reason": "New torque values"})
        second.action_submit()
        self.sign(second.with_user(self.approver), self.approver, "approve")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.superseded_by_id, second)
        self.assertEqual(second.state, "effective")
        self.assertEqual(second.history_revision_ids.mapped("number"), [2, 1])

    def test_operational_record_filed_without_signature_when_not_required(self):
        record = self.make_record(self.iso_user, self.training_type, employee_id=self.employee_of[self.iso_user].id)
        self.assertEqual(record.confidentiality, "confidential", "the type's default confidentiality applies")
        self.assertTrue(record.action_file())
        self.assertEqual(record.state, "filed")
        self.assertEqual(record.revision_id.number, 1)
        self.assertFalse(record.signature_ids)

    def test_operational_record_filed_with_signature(self):
        record = self.make_record(self.iso_user, self.calibration_type, product_id=self.product.id)
        action = record.action_file()
        self.assertEqual(action["res_model"], "iso.signature.wizard")
        self.assertEqual(record.state, "draft")
        self.sign(record, self.iso_user, "file")
        self.assertEqual(record.state, "filed")
        self.assertEqual(record.signature_ids.meaning, "authored")

    def test_make_obsolete_needs_a_reason_and_a_signature(self):
        record = self.approved_procedure()
        with self.assertRaisesRegex(UserError, "Reason: .*obsolete.* needs a reason"):
            self.sign(record.with_user(self.approver), self.approver, "obsolete")
        self.assertEqual(record.state, "effective")
        self.sign(record.with_user(self.approver), self.approver, "obsolete", reason="Process outsourced")
        self.assertEqual(record.state, "obsolete")
        self.assertEqual(record.signature_ids.mapped("meaning"), ["obsoleted", "approved"])
        self.assertEqual(record.signature_ids[0].reason, "Process outsourced")

    def test_users_cannot_approve_or_obsolete(self):
        record = self.make_record(self.iso_user)
        record.action_submit()
        with self.assertRaisesRegex(UserError, "only ISO Manager"):
            self.sign(record, self.colleague, "approve")
        self.assertEqual(record.state, "in_review")
        self.assertFalse(record.revision_id)


@tagged("post_install", "-at_install")
class TestIsoRecordBadInput(IsoRecordCase):
    def test_approving_without_body_or_attachment(self):
        record = self.make_record(self.iso_user, body=False)
        with self.assertRaisesRegex(UserError, "neither a body nor an attachment"):
            record.action_submit()
        self.assertEqual(record.state, "draft")

    def test_approver_must_not_be_the_author(self):
        record = self.make_record(self.iso_manager)
        record.action_submit()
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign(record, self.iso_manager, "approve")
        self.assertEqual(record.state, "in_review")
        self.assertFalse(
            self.env["iso.signature"].search([("res_model", "=", "iso.record"), ("res_id", "=", record.id)])
        )

    def test_author_cannot_be_set_to_someone_else(self):
        with self.assertRaisesRegex(UserError, "Author: set by the workflow"):
            self.make_record(self.iso_manager, author_id=self.colleague.id)
        record = self.make_record(self.iso_manager)
        self.assertEqual(record.author_id, self.iso_manager, "the author is whoever creates the record")
        with self.assertRaisesRegex(UserError, "Author: set by the workflow"):
            record.write({"author_id": self.colleague.id})
        record.action_submit()
        with self.assertRaisesRegex(UserError, "Signer: .* wrote or changed the content"):
            self.sign(record, self.iso_manager, "approve")

    def test_uploaded_files_follow_the_record_access(self):
        attachment = self.make_attachment(self.iso_user, b"work instruction scan")
        self.assertFalse(attachment.res_id)
        record = self.make_record(self.iso_user, attachment_ids=[(6, 0, attachment.ids)])
        self.assertEqual((attachment.res_model, attachment.res_id), ("iso.record", record.id))
        self.assertEqual(attachment.with_user(self.colleague).datas, attachment.datas, "internal: colleagues read it")
        record.write({"confidentiality": "restricted"})
        attachment.invalidate_recordset()
        with self.assertRaises(AccessError):
            attachment.with_user(self.colleague).datas  # noqa: B018

    def test_self_approval_when_the_administrator_allows_it(self):
        self.env["ir.config_parameter"].sudo().set_param("iso_records.allow_self_approval", "True")
        record = self.make_record(self.iso_manager)
        record.action_submit()
        self.sign(record, self.iso_manager, "approve")
        self.assertEqual(record.state, "effective")

    def test_wrong_password_signs_nothing(self):
        record = self.make_record(self.iso_user)
        record.action_submit()
        with self.assertRaisesRegex(UserError, "Password: the password is wrong"):
            self.sign(record.with_user(self.approver), self.approver, "approve", password="not-my-password")
        with self.assertRaisesRegex(UserError, "Password: enter your password"):
            self.env["iso.signature.wizard"].with_user(self.approver).create(
                {"res_model": "iso.record", "res_id": record.id, "operation": "approve", "meaning": "approved"}
            ).action_sign()
        self.assertEqual(record.state, "in_review")
        self.assertFalse(record.signature_ids)
        self.assertFalse(self.env["iso.signature.wizard"].search([]).filtered("password_verified"))

    def test_password_guessing_is_throttled(self):
        guesser = new_test_user(self.env, "iso_guesser", groups="iso_records.group_iso_manager")
        self.addCleanup(self.forget_failures, guesser.id)  # they are committed on purpose
        record = self.make_record(self.iso_user)
        record.action_submit()
        for __ in range(5):
            with self.assertRaisesRegex(UserError, "Password: the password is wrong"):
                self.sign(record.with_user(guesser), guesser, "approve", password="guess")
        with self.assertRaisesRegex(UserError, "Password: too many wrong passwords"):
            self.sign(record.with_user(guesser), guesser, "approve")
        self.assertEqual(record.state, "in_review")
        self.sign(record.with_user(self.production_manager), self.production_manager, "approve")
        self.assertEqual(record.state, "effective", "another signer is not affected")

    def forget_failures(self, user_id):
        with self.env.registry.cursor() as cr:
            cr.execute("DELETE FROM iso_signature_failure WHERE user_id = %s", [user_id])

    def test_password_is_never_stored(self):
        record = self.make_record(self.iso_user)
        record.action_submit()
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(self.approver)
            .create(
                {
                    "res_model": "iso.record",
                    "res_id": record.id,
                    "operation": "approve",
                    "meaning": "approved",
                    "password": self.approver.login,
                }
            )
        )
        self.env.flush_all()
        self.env.cr.execute("SELECT * FROM iso_signature_wizard WHERE id = %s", [wizard.id])
        row = self.env.cr.dictfetchone()
        self.assertNotIn("password", row)
        self.assertNotIn(self.approver.login, [value for value in row.values() if isinstance(value, str)])

    def test_another_users_verified_dialog_cannot_be_reused(self):
        record = self.make_record(self.iso_user)
        record.action_submit()
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(self.approver)
            .create(
                {
                    "res_model": "iso.record",
                    "res_id": record.id,
                    "operation": "approve",
                    "meaning": "approved",
                    "password": self.approver.login,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "Password: enter your password"):
            wizard.with_user(self.iso_manager).action_sign()
        self.assertEqual(record.state, "in_review")

    def test_draft_cannot_jump_to_effective(self):
        record = self.make_record(self.iso_user)
        for user in (self.iso_user, self.iso_manager, self.iso_administrator):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "State: set by the workflow"):
                record.with_user(user).write({"state": "effective"})
        with self.assertRaisesRegex(UserError, "State: set by the workflow"):
            self.make_record(self.iso_manager, state="effective")
        with self.assertRaisesRegex(UserError, "Approved by: set by the workflow"):
            self.make_record(self.iso_manager, approver_id=self.approver.id)
        with self.assertRaisesRegex(UserError, "Approve: .* is Draft"):
            self.sign(record.with_user(self.approver), self.approver, "approve")
        self.assertEqual(record.state, "draft")

    def test_locked_record_refuses_changes_from_every_caller(self):
        record = self.approved_procedure()
        for user in (self.iso_manager, self.approver, self.iso_administrator):
            for values in ({"body": "<p>changed</p>"}, {"title": "changed"}, {"attachment_ids": [(5,)]}):
                with self.subTest(user=user.login, values=values), self.assertRaisesRegex(UserError, "is locked"):
                    record.with_user(user).write(values)
        with self.assertRaisesRegex(UserError, "is locked"):
            record.sudo().write({"body": "<p>changed by sudo</p>"})
        forged = {"iso_records_workflow": True}
        with self.assertRaisesRegex(UserError, "is locked"):
            record.with_user(self.iso_administrator).with_context(**forged).write({"body": "<p>forged</p>"})
        with self.assertRaisesRegex(UserError, "State: set by the workflow"):
            record.with_user(self.iso_administrator).with_context(**forged).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            record.with_user(self.iso_administrator).unlink()
        self.assertEqual(record.body, "<p>Content</p>")
        self.assertTrue(record.content_matches_revision)
        record.with_user(self.approver).message_post(body="Discussion stays open on locked records")

    def test_revisions_and_signatures_are_immutable(self):
        record = self.approved_procedure()
        for target in (record.revision_id, record.signature_ids):
            with self.assertRaisesRegex(UserError, "immutable"):
                target.sudo().write({"content_hash": "0" * 64})
            with self.assertRaisesRegex(UserError, "immutable"):
                target.sudo().unlink()
        with self.assertRaisesRegex(UserError, "Revisions are created by approving"):
            self.env["iso.record.revision"].sudo().create(
                {
                    "record_id": record.id,
                    "name": record.name,
                    "number": 9,
                    "title": "fake",
                    "company_id": record.company_id.id,
                    "effective_date": "2020-01-01",
                    "content_hash": "x",
                }
            )
        with self.assertRaisesRegex(UserError, "Signatures are given through the signature dialog"):
            self.env["iso.signature"].sudo().with_context(iso_records_workflow=True).create(
                {
                    "res_model": "iso.record",
                    "res_id": record.id,
                    "operation": "approve",
                    "company_id": record.company_id.id,
                    "signer_id": self.approver.id,
                    "signer_name": "x",
                    "meaning": "approved",
                    "signed_at": "2020-01-01",
                    "content_hash": "x",
                }
            )
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["iso.signature"].with_user(self.iso_manager).create(
                {"res_model": "iso.record", "res_id": record.id}
            )

    def test_signed_attachments_cannot_be_changed_or_deleted(self):
        attachment = self.make_attachment(self.iso_user)
        record = self.make_record(self.iso_user, self.calibration_type, attachment_ids=[(6, 0, attachment.ids)])
        self.sign(record, self.iso_user, "file")
        with self.assertRaisesRegex(UserError, "is part of a signed, locked ISO record"):
            attachment.sudo().write({"datas": base64.b64encode(b"forged")})
        with self.assertRaisesRegex(UserError, "is part of a signed, locked ISO record"):
            attachment.sudo().unlink()
        self.assertTrue(record.content_matches_revision)

    def test_review_interval_must_be_positive_for_documents(self):
        for months in (0, -6):
            with (
                self.subTest(months=months),
                self.assertRaisesRegex(ValidationError, "Review Interval: .* at least one month"),
            ):
                self.env["iso.record.type"].with_user(self.iso_administrator).create(
                    {
                        "name": "Bad",
                        "kind": "document",
                        "sequence_prefix": f"BAD{months}",
                        "review_interval_months": months,
                    }
                )
        with self.assertRaisesRegex(ValidationError, "Review Interval"):
            self.procedure_type.with_user(self.iso_administrator).write({"review_interval_months": 0})

    def test_links_to_another_companys_product_or_supplier(self):
        for values, label in (
            ({"product_id": self.product_b.id}, "Product"),
            ({"partner_id": self.supplier_b.id}, "Supplier"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(UserError, f"(?s)Incompatible companies.*“{label}”"),
            ):
                with self.cr.savepoint():
                    self.make_record(self.iso_user, **values)
        self.assertFalse(self.env["iso.record"].search([("title", "=", "Test record")]))

    def test_auditors_write_nothing(self):
        record = self.make_record(self.iso_user)
        with self.assertRaisesRegex(AccessError, "ISO auditors read evidence"):
            self.make_record(self.iso_auditor)
        with self.assertRaises(AccessError):
            record.with_user(self.iso_auditor).write({"title": "audited"})
        with self.assertRaises(AccessError):
            record.with_user(self.iso_auditor).unlink()
        self.assertEqual(record.with_user(self.iso_auditor).title, "Test record")
