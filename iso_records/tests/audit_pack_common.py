import hashlib
import io
import re
import zipfile
from datetime import timedelta

from PyPDF2 import PdfReader

from odoo import fields

FOLDER_ID = re.compile(r"^(?:documents|records/[\w.]+)/[^/]* \((\d+)\)/")


class AuditPackMixin:
    """Opening a pack's ZIP and reading what is in it, for the pack tests of every addon."""

    @classmethod
    def pack_period(cls):
        date_to = fields.Date.context_today(cls.env.user) - timedelta(days=60)
        return date_to - timedelta(days=90), date_to

    def new_pack(self, user, **values):
        date_from, date_to = self.pack_period()
        values = {
            "standard_id": self.standard_9001.id,
            "date_from": date_from,
            "date_to": date_to,
            # The test departments: the demo data's records stay out of the tests' packs.
            "department_ids": [(6, 0, self.production.ids)],
            **values,
        }
        return self.env["iso.audit.pack"].with_user(user).create(values)

    def build(self, pack):
        pack.action_build()
        self.assertEqual(pack.state, "done", pack.error)
        return pack

    def open_zip(self, pack):
        return zipfile.ZipFile(io.BytesIO(pack.sudo().attachment_id.raw))

    def packed_ids(self, archive, model="iso.record"):
        """Ids of the records of ``model`` that have a folder in the ZIP."""
        ids = set()
        for name in archive.namelist():
            match = FOLDER_ID.match(name)
            if match and (
                name.startswith(f"records/{model}/") or (model == "iso.record" and name[:10] == "documents/")
            ):
                ids.add(int(match.group(1)))
        return ids

    def assert_manifest_matches(self, archive):
        manifest = {}
        for line in archive.read("manifest.sha256").decode().splitlines():
            digest, name = line.split("  ", 1)
            manifest[name] = digest
        others = set(archive.namelist()) - {"manifest.sha256"}
        self.assertEqual(set(manifest), others, "the manifest lists every other file, and only those")
        for name in others:
            self.assertEqual(hashlib.sha256(archive.read(name)).hexdigest(), manifest[name], name)

    def index_text(self, archive):
        reader = PdfReader(io.BytesIO(archive.read("index.pdf")))
        return "\n".join(page.extract_text() for page in reader.pages)

    def export_events(self, records, pack):
        return self.env["iso.trail.event"].search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("event_type", "=", "export"),
                ("reason", "=", pack.name),
            ]
        )
