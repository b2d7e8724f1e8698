import io
import zipfile
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAuditPackTour(HttpCase):
    def test_manager_builds_and_downloads_an_audit_pack(self):
        manager = new_test_user(
            self.env,
            "tour_pack_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_pack_manager",
            name="Pack Manager",
        )
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_pack_sync_limit", "100000")
        attachment = (
            self.env["ir.attachment"]
            .with_user(manager)
            .create({"name": "press.txt", "raw": b"press serviced", "res_model": "iso.record", "res_id": 0})
        )
        record = (
            self.env["iso.record"]
            .with_user(manager)
            .create(
                {
                    "title": "Press maintenance (tour)",
                    "record_type_id": self.env.ref("iso_records.record_type_maintenance_record").id,
                    "body": "<p>Serviced.</p>",
                    # Yesterday in UTC: inside the tour's period (a month ago to the browser's today) in any zone.
                    "effective_date": fields.Date.today() - timedelta(days=1),
                    "attachment_ids": [Command.set(attachment.ids)],
                }
            )
        )
        record.action_file()
        self.start_tour("/odoo", "iso_records_audit_pack_tour", login=manager.login)

        pack = self.env["iso.audit.pack"].search([("requested_by_id", "=", manager.id)])
        self.assertEqual(len(pack), 1)
        self.assertEqual((pack.state, pack.clause_ids.number), ("done", "7.1.3"))
        self.authenticate(manager.login, "tour_pack_manager")
        response = self.url_open(f"/web/content/{pack.attachment_id.id}?download=true")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers.get("Content-Disposition", ""))
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        names = archive.namelist()
        self.assertIn("manifest.sha256", names)
        self.assertIn("index.pdf", names)
        self.assertTrue(any(name.endswith("press.txt") and f"({record.id})/" in name for name in names))
        manifest = archive.read("manifest.sha256").decode()
        self.assertEqual(len(manifest.splitlines()), len(names) - 1)

        # Another ISO manager cannot download it.
        new_test_user(self.env, "tour_pack_other", groups="iso_records.group_iso_manager", password="tour_pack_other")
        self.authenticate("tour_pack_other", "tour_pack_other")
        refused = self.url_open(f"/web/content/{pack.attachment_id.id}?download=true")
        self.assertNotEqual(refused.status_code, 200)


@tagged("post_install", "-at_install")
class TestAuditPackProgressTour(HttpCase):
    def test_queued_pack_shows_its_progress_and_then_its_download(self):
        manager = new_test_user(self.env, "tour_queue_manager", groups="iso_records.group_iso_manager")
        administrator = new_test_user(
            self.env,
            "tour_queue_admin",
            groups="base.group_user,base.group_system,iso_records.group_iso_administrator",
            password="tour_queue_admin",
        )
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_pack_sync_limit", "0")
        today = fields.Date.today()
        record = (
            self.env["iso.record"]
            .with_user(manager)
            .create(
                {
                    "title": "Queued pack record (tour)",
                    "record_type_id": self.env.ref("iso_records.record_type_maintenance_record").id,
                    "body": "<p>Serviced.</p>",
                    "effective_date": today - timedelta(days=1),
                }
            )
        )
        record.action_file()
        pack = (
            self.env["iso.audit.pack"]
            .with_user(manager)
            .create(
                {
                    "standard_id": self.env.ref("iso_records.standard_iso_9001_2015").id,
                    "clause_ids": [Command.set(self.env.ref("iso_records.clause_9001_7_1_3").ids)],
                    "date_from": today - timedelta(days=30),
                    "date_to": today,
                }
            )
        )
        pack.action_build()
        self.assertEqual(pack.state, "queued")
        self.start_tour(
            f"/odoo/action-iso_records.iso_audit_pack_action/{pack.id}",
            "iso_records_audit_pack_progress_tour",
            login=administrator.login,
        )
        self.assertEqual(pack.state, "done")
        self.assertIn(record.id, {int(name.split("(")[-1].split(")")[0]) for name in self.pack_folders(pack)})

    def pack_folders(self, pack):
        archive = zipfile.ZipFile(io.BytesIO(pack.attachment_id.raw))
        return {name.split("/")[2] for name in archive.namelist() if name.startswith("records/iso.record/")}
