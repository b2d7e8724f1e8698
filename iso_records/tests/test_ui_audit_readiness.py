import io
import zipfile
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAuditReadinessTour(HttpCase):
    """The issue's walk through the overview in one browser session, as a real ISO manager: the overview as the
    landing page, an overdue review, the clause evidence map and a clause's evidence, an audit pack built and
    downloaded."""

    def test_manager_from_the_overview_to_a_downloaded_audit_pack(self):
        Record = self.env["iso.record"]
        demo_overdue = Record.search([("review_due", "=", True)])
        self.env.cr.execute(
            "UPDATE iso_record SET next_review_date = %s WHERE id = ANY(%s)", [date(2099, 1, 1), demo_overdue.ids]
        )
        Record.invalidate_model(["next_review_date"])
        self.env["ir.config_parameter"].sudo().set_param("iso_records.audit_pack_sync_limit", "100000")
        author = new_test_user(self.env, "tour_ready_author", groups="iso_records.group_iso_user")
        approver = new_test_user(self.env, "tour_ready_approver", groups="iso_records.group_iso_manager")
        manager = new_test_user(
            self.env,
            "tour_ready_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_ready_manager",
            name="Readiness Manager",
        )
        self.assertFalse(manager._is_admin())
        procedure_type = self.env.ref("iso_records.record_type_procedure")
        with freeze_time("2020-01-06"):
            overdue = Record.with_user(author).create(
                {
                    "title": "Readiness overdue procedure",
                    "record_type_id": procedure_type.id,
                    "body": "<p>Old</p>",
                    "clause_ids": [Command.set(self.env.ref("iso_records.clause_9001_8_5_1").ids)],
                }
            )
            overdue.action_submit()
            overdue._iso_sign_as(approver.id, "approve", "approved")
        clause = self.env.ref("iso_records.clause_9001_7_5_3")
        document = Record.with_user(author).create(
            {
                "title": "Readiness document control",
                "record_type_id": procedure_type.id,
                "body": "<p>How documents are approved and kept.</p>",
                "clause_ids": [Command.set(clause.ids)],
            }
        )
        document.action_submit()
        document._iso_sign_as(approver.id, "approve", "approved")
        self.assertEqual(document.state, "effective")
        tiles = {
            tile["key"]: tile
            for section in self.env["iso.overview"].with_user(manager).get_overview()["sections"]
            for tile in section["tiles"]
        }
        self.assertEqual(tiles["reviews_overdue"]["count"], 1, "the tour expects the one overdue review")

        self.start_tour("/odoo", "iso_records_audit_readiness_tour", login=manager.login)

        pack = self.env["iso.audit.pack"].search([("requested_by_id", "=", manager.id)])
        self.assertEqual(len(pack), 1, "the tour built one pack")
        self.assertEqual((pack.state, pack.standard_id, pack.clause_ids), ("done", clause.standard_id, clause))
        archive = zipfile.ZipFile(io.BytesIO(pack.attachment_id.raw))
        self.assertTrue(
            any(name.startswith("documents/") and f"({document.id})/body.html" in name for name in archive.namelist()),
            "the 7.5.3 document is in the pack",
        )
        self.assertFalse(
            any(name.startswith("documents/") and f"({overdue.id})/" in name for name in archive.namelist()),
            "a document of another clause is not",
        )
        exported = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.record"), ("res_id", "=", document.id), ("event_type", "=", "export")]
        )
        self.assertEqual(exported.mapped("user_id"), manager, "the export is in the document's trail")
