"""The 18.0.1.2.0 migration: files uploaded on checklist lines before lines attached their files."""

import base64
import importlib.util
from datetime import date
from pathlib import Path

from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .management_common import ManagementCase

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.2.0" / "post-line_files.py"


def run_migration(cr):
    spec = importlib.util.spec_from_file_location("iso_records_audit_line_files", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.migrate(cr, "18.0.1.1.0")


@tagged("post_install", "-at_install")
class TestLineFilesMigration(ManagementCase):
    def test_files_of_checklist_lines_are_attached_to_their_line(self):
        audit = workflow(self.env["iso.audit"]).create(
            {"title": "Migration audit (test)", "date_start": date(2026, 3, 2), "date_end": date(2026, 3, 3)}
        )
        line = self.env["iso.audit.line"].create({"audit_id": audit.id, "question": "Are records kept?"})
        Attachment = self.env["ir.attachment"]
        uploaded = Attachment.create({"name": "photo.txt", "raw": b"station 3", "res_model": "iso.audit.line"})
        elsewhere = Attachment.create(
            {"name": "other.txt", "datas": base64.b64encode(b"x"), "res_model": "res.partner", "res_id": 1}
        )
        # As 18.0.1.1.0 left them: linked to the line, still unattached.
        self.env.cr.execute(
            "INSERT INTO iso_audit_line_attachment_rel (line_id, attachment_id) VALUES (%s, %s), (%s, %s)",
            [line.id, uploaded.id, line.id, elsewhere.id],
        )
        self.env.cr.execute("UPDATE ir_attachment SET res_id = 0 WHERE id = %s", [uploaded.id])
        self.env.invalidate_all()
        self.assertEqual((uploaded.res_model, uploaded.res_id), ("iso.audit.line", 0))

        run_migration(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual((uploaded.res_model, uploaded.res_id), ("iso.audit.line", line.id))
        self.assertEqual((elsewhere.res_model, elsewhere.res_id), ("res.partner", 1), "attached elsewhere: kept")
        run_migration(self.env.cr)
        self.env.invalidate_all()
        self.assertEqual(uploaded.res_id, line.id, "a second run changes nothing")
