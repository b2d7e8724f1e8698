import hashlib
import json
from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools import workflow
from .audit_pack_common import AuditPackMixin
from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestAuditPack(AuditPackMixin, IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.date_from, cls.date_to = cls.pack_period()
        cls.maintenance_type = env.ref("iso_records.record_type_maintenance_record")
        cls.complaint_type = env.ref("iso_records.record_type_customer_complaint")
        cls.clause_7_1 = env.ref("iso_records.clause_9001_7_1")
        cls.clause_7_5 = env.ref("iso_records.clause_9001_7_5")

    def filed(self, user, on, record_type=None, **values):
        attachment = self.make_attachment(user, content=f"log of {on}".encode(), name="log.txt")
        record = self.make_record(
            user,
            record_type or self.maintenance_type,
            title=f"Maintenance of {on}",
            effective_date=on,
            attachment_ids=[Command.set(attachment.ids)],
            **values,
        )
        record.action_file()
        return record

    def revise(self, document, user, body, effective_date):
        action = document.with_user(user).action_new_revision()
        draft = self.env["iso.record"].with_user(user).browse(action["res_id"])
        draft.write({"body": body, "change_reason": "New layout", "effective_date": effective_date})
        draft.action_submit()
        self.sign(draft.with_user(self.approver), self.approver, "approve")
        return draft

    def scope_fixture(self):
        in_period = self.date_from + timedelta(days=10)
        fixture = {
            "record": self.filed(self.iso_user, in_period),
            "outside_period": self.filed(self.iso_user, self.date_to + timedelta(days=5)),
            "other_clause": self.filed(self.iso_user, in_period, self.complaint_type),
            "other_department": self.filed(self.iso_manager, in_period),
            "confidential": self.filed(self.iso_user, in_period, confidentiality="confidential"),
            "other_company": self.env["iso.record"]
            .with_user(self.user_b)
            .create(
                {
                    "title": "B maintenance",
                    "record_type_id": self.maintenance_type.id,
                    "effective_date": in_period,
                    "body": "<p>B</p>",
                }
            ),
        }
        fixture["other_company"].action_file()
        document = self.approved_procedure(
            body="<p>Revision one</p>", effective_date=self.date_from - timedelta(days=30)
        )
        fixture["document"] = document
        fixture["revised"] = self.revise(
            document, self.iso_user, "<p>Revision two</p>", self.date_to + timedelta(days=20)
        )
        fixture["too_late"] = self.approved_procedure(
            title="Approved after the period", effective_date=self.date_to + timedelta(days=5)
        )
        return fixture

    def test_pack_holds_the_scope_and_nothing_else(self):
        fixture = self.scope_fixture()
        pack = self.build(
            self.new_pack(
                self.iso_manager,
                clause_ids=[Command.set((self.clause_7_1 | self.clause_7_5).ids)],
                department_ids=[Command.set(self.production.ids)],
            )
        )
        archive = self.open_zip(pack)
        included = fixture["record"] | fixture["document"]
        self.assertEqual(self.packed_ids(archive), set(included.ids))
        self.assertEqual(pack.record_count, 2)
        self.assertEqual(pack.file_count, len(archive.namelist()))
        self.assertEqual(pack.zip_sha256, hashlib.sha256(pack.sudo().attachment_id.raw).hexdigest())
        # Moved into the filestore at its SHA-1 path, with what Odoo would have computed from its bytes.
        attachment = pack.sudo().attachment_id
        raw = attachment.raw
        self.assertEqual(
            (attachment.checksum, attachment.file_size, attachment.mimetype),
            (hashlib.sha1(raw).hexdigest(), len(raw), "application/zip"),
        )
        self.assertEqual(attachment.store_fname, f"{attachment.checksum[:2]}/{attachment.checksum}")

        # The document as it was in force at the period's end: revision 1, not today's revision 2.
        revision = fixture["document"].revision_id
        body_name = next(name for name in archive.namelist() if name.endswith("/body.html") and "documents/" in name)
        self.assertEqual(archive.read(body_name).decode(), "<p>Revision one</p>")
        self.assertIn(" rev 1 ", body_name)
        index = self.index_text(archive)
        self.assertIn(revision.content_hash, index)
        self.assertNotIn(fixture["revised"].revision_id.content_hash, index)
        # Superseded today, but effective at the period's end: the index says what was in force then.
        self.assertEqual(fixture["document"].state, "superseded")
        self.assertIn("Effective", index)
        self.assertNotIn("Superseded", index)
        for record in included:
            self.assertIn(record.name, index)

        # The filed record with its file, as filed.
        log_name = next(name for name in archive.namelist() if name.endswith("log.txt"))
        self.assertEqual(archive.read(log_name), f"log of {self.date_from + timedelta(days=10)}".encode())
        self.assert_manifest_matches(archive)

        # The trail extract holds the included records' events, and the export is recorded for each of them.
        events = archive.read("trail/events.csv").decode().splitlines()
        self.assertTrue(any(f",iso.record,{fixture['record'].id}," in line for line in events))
        self.assertFalse(any(f",iso.record,{fixture['outside_period'].id}," in line for line in events))
        exports = self.export_events(included, pack)
        self.assertEqual(sorted(exports.mapped("res_id")), sorted(included.ids))
        self.assertEqual(set(exports.user_id.mapped("login")), {self.iso_manager.login})
        excluded = self.env["iso.record"].concat(
            *(fixture[key] for key in fixture if key not in ("record", "document"))
        )
        self.assertFalse(self.export_events(excluded.sudo(), pack))

        verification = json.loads(archive.read("trail/verification.json"))
        last = self.env["iso.trail.verification"].sudo().search([], limit=1)
        self.assertEqual(verification["anchor_hash"], last.hash if last else "none")
        scope = json.loads(archive.read("pack.json"))
        self.assertEqual(scope["counts"]["records"], 2)
        # The other addons' sources are there too, when installed, with nothing in this scope.
        self.assertEqual((scope["counts"]["sources"]["documents"], scope["counts"]["sources"]["records"]), (1, 1))
        self.assertEqual(sum(scope["counts"]["sources"].values()), 2)
        self.assertEqual(sorted(scope["clauses"]), ["7.1", "7.5"])

    def test_verification_is_packed_with_its_anchor(self):
        verification = self.env["iso.trail.verification"]._verify()
        self.filed(self.iso_user, self.date_from + timedelta(days=1))
        pack = self.build(self.new_pack(self.iso_auditor, clause_ids=[Command.set(self.clause_7_1.ids)]))
        archive = self.open_zip(pack)
        packed = json.loads(archive.read("trail/verification.json"))
        self.assertEqual((packed["anchor_hash"], packed["result"]), (verification.hash, verification.state))

    def test_large_pack_is_built_in_the_background(self):
        records = self.filed(self.iso_user, self.date_from + timedelta(days=1)) | self.filed(
            self.iso_user, self.date_from + timedelta(days=2)
        )
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_pack_sync_limit", "1")
        pack = self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_1.ids)])
        cron = self.env.ref("iso_records.ir_cron_iso_audit_pack")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        pack.action_build()
        self.assertEqual((pack.state, pack.progress_total, pack.progress), ("queued", 2, 0.0))
        self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
        progress = []
        original = type(pack)._iso_progress

        def record_progress(this, done, total, commit):
            progress.append((done, total, commit))
            return original(this, done, total, commit)

        with patch.object(type(pack), "_iso_progress", record_progress):
            self.env["iso.audit.pack"]._cron_build_queued()
        self.assertEqual(pack.state, "done")
        self.assertEqual(progress[-1], (2, 2, True))
        self.assertEqual(pack.progress, 100.0)
        self.assertEqual(self.packed_ids(self.open_zip(pack)), set(records.ids))
        message = pack.message_ids.filtered(lambda message: self.iso_manager.partner_id in message.partner_ids)
        self.assertEqual(len(message), 1)
        self.assertIn(f"/web/content/{pack.attachment_id.id}?download=true", str(message.body))
        self.assertTrue(
            message.notification_ids.filtered(lambda note: note.res_partner_id == self.iso_manager.partner_id)
        )

    def test_failed_build_leaves_the_pack_failed_with_nothing_written(self):
        record = self.filed(self.iso_user, self.date_from + timedelta(days=1))
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_pack_sync_limit", "0")
        pack = self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_1.ids)])
        pack.action_build()
        with patch.object(type(pack), "_iso_write_trail", side_effect=OSError("disk full")):
            self.env["iso.audit.pack"]._cron_build_queued()
        self.assertEqual(pack.state, "failed")
        self.assertIn("disk full", pack.error)
        self.assertFalse(pack.attachment_id)
        self.assertFalse(self.export_events(record, pack))
        # Built again, it succeeds.
        pack.action_build()
        self.env["iso.audit.pack"]._cron_build_queued()
        self.assertEqual(pack.state, "done")

    def test_packs_are_read_by_their_requester_and_administrators(self):
        pack = self.build(self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_1.ids)]))
        attachment = pack.sudo().attachment_id
        self.assertFalse(attachment.public)
        self.assertEqual((attachment.res_model, attachment.res_id), ("iso.audit.pack", pack.id))
        self.assertTrue(attachment.with_user(self.iso_manager).raw)
        for user in (self.iso_auditor, self.approver):
            with self.assertRaises(AccessError):
                pack.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                attachment.with_user(user).read(["raw"])
            self.assertFalse(self.env["iso.audit.pack"].with_user(user).search([("id", "=", pack.id)]))
        self.assertEqual(pack.with_user(self.iso_administrator).name, pack.name)
        for user in (self.iso_user, self.internal_user):
            with self.refused(AccessError, "only ISO auditors, managers and administrators"):
                self.new_pack(user)
            with self.assertRaises(AccessError):
                pack.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                attachment.with_user(user).read(["raw"])

    def test_bad_input_is_refused_and_creates_nothing(self):
        packs = self.env["iso.audit.pack"].sudo()
        before = packs.search_count([])
        department_b = self.env["hr.department"].create({"name": "B plant", "company_id": self.company_b.id})
        clause_14001 = self.env["iso.clause"].search([("standard_id", "=", self.standard_14001.id)], limit=1)
        cases = [
            ({"date_from": self.date_to, "date_to": self.date_from}, "Period: From"),
            ({"date_to": self.date_to + timedelta(days=365)}, "Period To: .* after today"),
            ({"clause_ids": [Command.set(clause_14001.ids)]}, "Clauses: .* another standard"),
            ({"department_ids": [Command.set(department_b.ids)]}, "Departments?"),
        ]
        for values, pattern in cases:
            with self.subTest(pattern=pattern), self.refused(ValidationError, pattern):
                self.new_pack(self.iso_manager, **values)
        self.assertEqual(packs.search_count([]), before)

    def test_build_fields_are_not_written_by_hand(self):
        pack = self.new_pack(self.iso_manager, state="done", record_count=5)
        self.assertEqual((pack.state, pack.record_count, pack.requested_by_id), ("draft", 0, self.iso_manager))
        with self.refused(UserError, "set by building the pack"):
            pack.write({"state": "done"})

    def test_overview_links_to_a_new_pack_for_those_who_build_packs(self):
        overview = self.env["iso.overview"]
        for user, shown in (
            (self.iso_manager, True),
            (self.iso_auditor, True),
            (self.iso_administrator, True),
            (self.iso_user, False),
        ):
            links = [link["key"] for link in overview.with_user(user).get_overview()["links"]]
            self.assertEqual("audit_pack" in links, shown, user.login)
        link = next(link for link in overview._iso_overview_links() if link["key"] == "audit_pack")
        self.assertEqual(self.env.ref(link["action"]).res_model, "iso.audit.pack")

    def test_sync_limit_is_a_setting(self):
        settings = self.env["res.config.settings"].create({"iso_audit_pack_sync_limit": 3})
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("iso_records.audit_pack_sync_limit"), "3")
        with self.refused(ValidationError, "cannot be negative"):
            self.env["res.config.settings"].create({"iso_audit_pack_sync_limit": -1})

    def test_pack_left_building_by_a_dead_worker_is_built_again(self):
        record = self.filed(self.iso_user, self.date_from + timedelta(days=3))
        pack = self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_1.ids)])
        # A worker took it, committed its first batch and died: the pack is building, and nobody holds its lock.
        workflow(pack.sudo()).write({"state": "running", "progress_done": 1, "progress_total": 2})
        self.env["iso.audit.pack"]._cron_build_queued()
        self.assertEqual(pack.state, "done")
        self.assertEqual(self.packed_ids(self.open_zip(pack)), set(record.ids))
        self.assertEqual(len(self.export_events(record, pack)), 1)

    def test_pack_is_stored_in_the_database_when_attachments_are(self):
        self.env["ir.config_parameter"].sudo().set_param("ir_attachment.location", "db")
        record = self.filed(self.iso_user, self.date_from + timedelta(days=4))
        self.assertFalse(record.revision_id.attachment_ids.store_fname)
        pack = self.build(self.new_pack(self.iso_manager, clause_ids=[Command.set(self.clause_7_1.ids)]))
        attachment = pack.sudo().attachment_id
        self.assertFalse(attachment.store_fname)
        self.assertEqual(pack.zip_sha256, hashlib.sha256(attachment.raw).hexdigest())
        archive = self.open_zip(pack)
        log_name = next(name for name in archive.namelist() if name.endswith("log.txt"))
        self.assertEqual(archive.read(log_name), f"log of {self.date_from + timedelta(days=4)}".encode())
        self.assert_manifest_matches(archive)
