import csv
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import split_every

from ..tools import workflow

# Records read, described and written per batch (and per progress commit in the background).
BATCH_SIZE = 500
# Bytes copied at a time from the filestore into the ZIP, and from the ZIP into its hashes.
CHUNK_SIZE = 1 << 20
TRAIL_COLUMNS = (
    "event_id",
    "time_utc",
    "model",
    "record_id",
    "reference",
    "event",
    "changes",
    "reason",
    "user",
    "employee",
    "sequence",
    "previous_hash",
    "hash",
)
UNSAFE_NAME = re.compile(r"[^\w.\- ]+")


def safe_name(text, fallback="file"):
    """A file or folder name that is the same on every system: no slashes, no control characters."""
    cleaned = UNSAFE_NAME.sub("_", text or "").strip(" .")[:80]
    return cleaned or fallback


class _HashedZip:
    """A ZIP being written to a temporary file, with the SHA-256 of each file as it is written; the manifest
    lines wait in a temporary file of their own, not in memory."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True)
        self.manifest = tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n")
        self.count = 0

    def write_chunks(self, name, chunks):
        digest = hashlib.sha256()
        with self.zip.open(name, "w", force_zip64=True) as entry:
            for chunk in chunks:
                digest.update(chunk)
                entry.write(chunk)
        # sha256sum's format: the digest, two spaces (text mode), the path.
        self.manifest.write(f"{digest.hexdigest()}  {name}\n")
        self.count += 1
        return digest.hexdigest()

    def write_bytes(self, name, data):
        return self.write_chunks(name, [data])

    def write_manifest(self, name):
        """The manifest itself, last, copied from its temporary file; it lists every other file."""
        self.manifest.seek(0)
        with self.zip.open(name, "w", force_zip64=True) as entry:
            while chunk := self.manifest.read(CHUNK_SIZE):
                entry.write(chunk.encode())
        self.count += 1

    def close(self):
        self.zip.close()
        self.manifest.close()


def file_chunks(path):
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            yield chunk


class IsoAuditPack(models.Model):
    _inherit = "iso.audit.pack"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # What a record looks like in the pack
    # ------------------------------------------------------------------
    def _iso_audit_pack_describe(self, source, records):
        """One dict per record: its index row (reference, title, revision, state, approver, signature time,
        content hash), the file of its content and its attachments (sudo: the record's access was checked by
        the search that found it)."""
        if records._name == "iso.record":
            return self._iso_audit_pack_describe_revisions(records)
        content = (
            getattr(self, source["content"])(records)
            if source.get("content")
            else self._iso_audit_pack_default_content(records)
        )
        signatures = self._iso_audit_pack_last_signatures(records)
        attachments = self._iso_audit_pack_attachments(records)
        states = dict(records._fields["state"]._description_selection(self.env)) if "state" in records._fields else {}
        described = []
        for record in records:
            signature = signatures.get(record.id)
            body = content[record.id]
            described.append(
                {
                    "record": record,
                    "reference": record["name"] if "name" in record._fields and record["name"] else str(record.id),
                    "title": record.display_name,
                    "revision": "",
                    "state": states.get(record["state"], "") if states else "",
                    "approver": signature.signer_name if signature else "",
                    "signed_at": signature.signed_at if signature else False,
                    "content_hash": body.get("hash") or (signature.content_hash if signature else ""),
                    "content_name": body["name"],
                    "content": body["data"],
                    "attachments": attachments.get(record.id, self.env["ir.attachment"].sudo()),
                }
            )
        return described

    def _iso_audit_pack_describe_revisions(self, records):
        """Documents and operational records as their revision: the body and files that were approved or
        filed, not what the record holds today."""
        revisions = records.sudo().revision_id
        signatures = {}
        for signature in (
            self.env["iso.signature"].sudo().search([("revision_id", "in", revisions.ids)], order="signed_at, id")
        ):
            signatures[signature.revision_id.id] = signature
        states = dict(records._fields["state"]._description_selection(self.env))
        described = []
        for record in records:
            revision = record.sudo().revision_id
            signature = signatures.get(revision.id)
            described.append(
                {
                    "record": record,
                    "reference": record.name,
                    "title": revision.title or record.title,
                    "revision": str(revision.number or record.revision_number),
                    # A document is packed as the revision in force at the period's end: it was effective then,
                    # whatever it is today (superseded by a later revision, say).
                    "state": states["effective"] if record.kind == "document" else states.get(record.state, ""),
                    "approver": revision.approver_id.name or (signature.signer_name if signature else ""),
                    "signed_at": signature.signed_at if signature else False,
                    "content_hash": revision.content_hash or "",
                    "content_name": "body.html",
                    "content": (revision.body_snapshot or "").encode(),
                    "attachments": revision.attachment_ids,
                }
            )
        return described

    def _iso_audit_pack_default_content(self, records):
        """A record's fields as JSON: the audited fields as the trail stores them, and its texts in full."""
        names = set(records._iso_trail_field_names())
        names.update(
            name
            for name, field in records._fields.items()
            if field.store and field.type in ("html", "text") and not name.startswith(("message_", "activity_"))
        )
        names = sorted(names)
        snapshot = records.sudo()._iso_trail_snapshot([name for name in names if records._fields[name].type != "html"])
        content = {}
        for record in records:
            values = dict(snapshot[record.id])
            for name in names:
                if records._fields[name].type == "html":
                    values[name] = record.sudo()[name] or ""
            data = json.dumps(
                {"model": record._name, "id": record.id, "reference": record.display_name, "fields": values},
                indent=1,
                sort_keys=True,
                default=str,
                ensure_ascii=False,
            ).encode()
            content[record.id] = {"name": "content.json", "data": data, "hash": ""}
        return content

    def _iso_audit_pack_last_signatures(self, records):
        signatures = {}
        for signature in (
            self.env["iso.signature"]
            .sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)], order="signed_at, id")
        ):
            signatures[signature.res_id] = signature
        return signatures

    def _iso_audit_pack_attachments(self, records):
        """{record id: attachments}: the files attached to the record and those its attachment fields link."""
        attachments = self.env["ir.attachment"].sudo()
        by_record = {}
        for attachment in attachments.search([("res_model", "=", records._name), ("res_id", "in", records.ids)]):
            by_record[attachment.res_id] = by_record.get(attachment.res_id, attachments) | attachment
        for name in records._iso_attachment_fields():
            for record in records.sudo():
                if record[name]:
                    by_record[record.id] = by_record.get(record.id, attachments) | record[name]
        return by_record

    # ------------------------------------------------------------------
    # The ZIP
    # ------------------------------------------------------------------
    def _iso_build(self, commit):
        """Write the ZIP of this pack (as the requester: call it on ``_as_requester()``), store it as the
        pack's attachment, record the export in the trail of each record included and mark the pack done,
        all in the last transaction. ``commit``: commit the progress after each batch (background)."""
        self.ensure_one()
        self._iso_check_pack_access()
        scope = self._iso_audit_pack_scope()
        total = sum(len(records) for __, records in scope)
        self._iso_progress(0, total, commit)
        filestore = self.env["ir.attachment"]._filestore()
        os.makedirs(filestore, exist_ok=True)
        handle, path = tempfile.mkstemp(prefix="iso-audit-pack-", suffix=".zip", dir=filestore)
        os.close(handle)
        try:
            counts, files = self._iso_write_zip(path, scope, total, commit)
            self._iso_store_zip(path, counts, files)
        finally:
            if os.path.exists(path):
                os.unlink(path)
        reason = self.name
        for __, records in scope:
            records._iso_trail_log("export", reason=reason)
        url = f"/web/content/{self.sudo().attachment_id.id}?download=true"
        self._iso_notify_requester(
            Markup("%s <a href='%s'>%s</a>")
            % (
                self.env._(
                    "The audit pack %(pack)s is ready: %(records)s records, %(files)s files.",
                    pack=self.name,
                    records=counts["records"],
                    files=files,
                ),
                url,
                self.env._("Download it"),
            )
        )

    def _iso_write_zip(self, path, scope, total, commit):
        archive = _HashedZip(path)
        counts = {"records": 0, "sources": {}}
        included = {}
        with tempfile.TemporaryFile(mode="w+", newline="", encoding="utf-8") as index_rows:
            index_writer = csv.writer(index_rows)
            try:
                for source, records in scope:
                    counts["sources"][source["key"]] = len(records)
                    for batch_ids in split_every(BATCH_SIZE, records.ids):
                        batch = records.browse(batch_ids)
                        for item in self._iso_audit_pack_describe(source, batch):
                            self._iso_write_item(archive, source, item)
                            index_writer.writerow(self._iso_index_row(item))
                        included.setdefault(records._name, []).extend(batch_ids)
                        counts["records"] += len(batch)
                        batch.invalidate_recordset()
                        self._iso_progress(counts["records"], total, commit)
                self._iso_write_trail(archive, included)
                archive.write_bytes("trail/verification.json", self._iso_verification_json())
                index_rows.seek(0)
                archive.write_chunks("index.pdf", self._iso_index_pdf(csv.reader(index_rows), counts))
                # pack.json counts itself and the manifest.
                pack_json = json.dumps(self._iso_pack_json(counts, archive.count + 2), indent=1).encode()
                archive.write_bytes("pack.json", pack_json)
                archive.write_manifest("manifest.sha256")
                files = archive.count
            finally:
                archive.close()
        return counts, files

    def _iso_write_item(self, archive, source, item):
        record = item["record"]
        if source["kind"] == "document":
            folder = f"documents/{safe_name(item['reference'])} rev {item['revision']} ({record.id})"
        else:
            folder = f"records/{record._name}/{safe_name(item['reference'])} ({record.id})"
        item["folder"] = folder
        archive.write_bytes(f"{folder}/{item['content_name']}", item["content"])
        for attachment in item["attachments"]:
            name = f"{folder}/files/{attachment.id} {safe_name(attachment.name)}"
            if attachment.store_fname:
                archive.write_chunks(name, file_chunks(attachment._full_path(attachment.store_fname)))
            else:
                archive.write_bytes(name, attachment.raw or b"")

    def _iso_index_row(self, item):
        signed_at = item["signed_at"]
        return [
            item["reference"],
            item["title"],
            item["record"]._description,
            item["revision"],
            item["state"],
            item["approver"],
            fields.Datetime.to_string(signed_at) if signed_at else "",
            item["content_hash"],
            item["folder"],
        ]

    def _iso_write_trail(self, archive, included):
        """The trail of the included records, chain by chain, read a batch of records at a time."""

        def rows():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(TRAIL_COLUMNS)
            cr = self.env.cr
            for model_name, ids in included.items():
                for batch_ids in split_every(BATCH_SIZE * 4, ids):
                    cr.execute(
                        """SELECT event.id, to_char(event.event_time, 'YYYY-MM-DD"T"HH24:MI:SS.US'), event.res_model,
                                  event.res_id, event.reference, event.event_type, event.changes, event.reason,
                                  partner.name, event.employee_name, event.sequence, event.previous_hash, event.hash
                             FROM iso_trail_event event
                        LEFT JOIN res_users users ON users.id = event.user_id
                        LEFT JOIN res_partner partner ON partner.id = users.partner_id
                            WHERE event.res_model = %s AND event.res_id = ANY(%s)
                         ORDER BY event.res_id, event.sequence""",
                        [model_name, list(batch_ids)],
                    )
                    writer.writerows(cr.fetchall())
                    yield buffer.getvalue().encode()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue().encode()

        archive.write_chunks("trail/events.csv", rows())

    def _iso_verification_json(self):
        verification = self.env["iso.trail.verification"].sudo().search([], limit=1)
        if not verification:
            values = {"date": "none", "result": "none", "anchor_hash": "none"}
        else:
            values = {
                "date": fields.Datetime.to_string(verification.verified_at),
                "result": verification.state,
                "anchor_hash": verification.hash,
                "events_checked": verification.events_checked,
                "max_event_id": verification.max_event_id,
                "problem": verification.problem or "",
            }
        return json.dumps(values, indent=1).encode()

    def _iso_pack_json(self, counts, files):
        return {
            "reference": self.name,
            "company": self.company_id.name,
            "standard": self.standard_id.display_name,
            "clauses": self.clause_ids.mapped("number") or "all",
            "period": {"from": str(self.date_from), "to": str(self.date_to)},
            "departments": self.department_ids.sudo().mapped("name") or "all",
            "requested_by": self.requested_by_id.name,
            "built_at": fields.Datetime.to_string(fields.Datetime.now()),
            "counts": {**counts, "files": files},
        }

    def _iso_store_zip(self, path, counts, files):
        """Make the finished ZIP the pack's attachment without reading it into memory: moved into the
        filestore at its SHA-1 path; read as bytes only when attachments are kept in the database."""
        sha1 = hashlib.sha1()
        sha256 = hashlib.sha256()
        for chunk in file_chunks(path):
            sha1.update(chunk)
            sha256.update(chunk)
        checksum = sha1.hexdigest()
        size = os.path.getsize(path)
        attachments = self.env["ir.attachment"].sudo()
        values = {
            "name": f"{safe_name(self.name)}.zip",
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/zip",
            "type": "binary",
            "public": False,
        }
        if attachments._storage() != "file":
            with open(path, "rb") as stream:
                attachment = attachments.create({**values, "raw": stream.read()})
        else:
            fname = f"{checksum[:2]}/{checksum}"
            full_path = attachments._full_path(fname)
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            if os.path.exists(full_path):
                os.unlink(path)
            else:
                os.replace(path, full_path)
                attachments._mark_for_gc(fname)
            attachment = attachments.create(values)
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE ir_attachment SET store_fname = %s, checksum = %s, file_size = %s WHERE id = %s",
                [fname, checksum, size, attachment.id],
            )
            attachment.invalidate_recordset()
        previous = self.sudo().attachment_id
        workflow(self.sudo()).write(
            {
                "state": "done",
                "error": False,
                "attachment_id": attachment.id,
                "zip_sha256": sha256.hexdigest(),
                "record_count": counts["records"],
                "file_count": files,
                "progress_done": counts["records"],
                "done_date": fields.Datetime.now(),
            }
        )
        previous.unlink()
