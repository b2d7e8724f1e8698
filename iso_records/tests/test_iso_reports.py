import io
import re
import shutil
import unittest

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import format_datetime
from odoo.tools.pdf import PdfReader

from .common import IsoRecordCase

TRAIL_REPORT = "iso_records.report_iso_record_trail"
CERTIFICATE_REPORT = "iso_records.report_iso_disposal_certificate"
BRUSSELS = "Europe/Brussels"
TIME = "yyyy-MM-dd HH:mm:ss"
WKHTMLTOPDF = shutil.which("wkhtmltopdf")


def page_text(html):
    """The words of a rendered report, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@tagged("post_install", "-at_install")
class TestIsoReports(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iso_auditor.tz = BRUSSELS
        company_b = {"company_id": cls.company_b.id, "company_ids": [(6, 0, cls.company_b.ids)]}
        cls.auditor_b = new_test_user(
            cls.env, "iso_auditor_b", groups="iso_records.group_iso_auditor", tz=BRUSSELS, **company_b
        )
        cls.administrator_b = new_test_user(
            cls.env, "iso_administrator_b", groups="iso_records.group_iso_administrator", **company_b
        )

    def render(self, report, records, user):
        """The HTML the PDF is made from (report_type "pdf": with the layout's page numbers)."""
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(report, records.ids, data={"report_type": "pdf"})
        )
        return html.decode()

    def brussels(self, value):
        return format_datetime(self.env, value, tz=BRUSSELS, dt_format=TIME)

    def trail(self, record):
        return self.env["iso.trail.event"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="sequence"
        )

    def assert_company_layout(self, html, user, printed_at):
        self.assertIn(self.env.company.name, html)
        self.assertIn('<span class="page"></span> / <span class="topage"></span>', html)
        self.assertIn(
            f"Printed by {user.name} on {printed_at}. Times are in the {BRUSSELS} time zone.", page_text(html)
        )

    # ------------------------------------------------------------------
    # the audit trail extract
    # ------------------------------------------------------------------
    def test_trail_extract_reads_as_an_auditor_expects(self):
        record = self.approved_procedure(title="Handling of customer returns")
        verification = self.env["iso.trail.verification"]._verify()
        with freeze_time("2026-07-01 10:00:00"):
            html = self.render(TRAIL_REPORT, record, self.iso_auditor)
        self.assert_company_layout(html, self.iso_auditor, "2026-07-01 12:00:00")
        text = page_text(html)
        events = self.trail(record)
        for event in events:
            self.assertIn(event.hash, html)
            self.assertEqual(len(event.hash), 64)
        self.assertIn(events[-1].previous_hash, html)
        self.assertIn(record.revision_id.content_hash, html)
        for label in (
            "State: Draft → In Review",
            "State: In Review → Effective",
            "Confidentiality: Internal",
            "Type: Procedure",
            "Kind ISO Record",
            "Meaning: Approved",
            self.brussels(events[0].event_time),
        ):
            self.assertIn(label, text)
        for technical in ("in_review", "→ effective", ": internal", "(approved)", "iso.record", "sha256:None"):
            self.assertNotIn(technical, text)
        self.assertIn(f"Intact on {self.brussels(verification.verified_at)},", text)
        self.assertIn(verification.hash, html)
        self.assertIn("It covers every event listed below.", text)

    def test_trail_extract_says_which_events_the_verification_does_not_cover(self):
        record = self.make_record(self.iso_user, title="Before verification")
        self.env["iso.trail.verification"]._verify()
        record.write({"title": "After verification"})
        text = page_text(self.render(TRAIL_REPORT, record, self.iso_administrator))
        self.assertIn("1 of the events below came after it: the next verification covers them.", text)
        self.assertIn("Title: Before verification → After verification", text)

    def test_no_trail_extract_of_a_record_the_reader_may_not_read(self):
        restricted = self.make_record(self.iso_user, title="Restricted procedure", confidentiality="restricted")
        with self.assertRaises(AccessError):
            self.render(TRAIL_REPORT, restricted, self.iso_auditor)
        with self.assertRaises(AccessError):
            self.render(TRAIL_REPORT, restricted, self.user_b)
        # The owner reads the record, but the trail is the auditors' and administrators'.
        with self.assertRaisesRegex(AccessError, "only ISO auditors and administrators read the audit trail"):
            self.render(TRAIL_REPORT, restricted, self.iso_user)
        self.assertIn(self.trail(restricted).hash, self.render(TRAIL_REPORT, restricted, self.iso_administrator))

    # ------------------------------------------------------------------
    # trail events on screen
    # ------------------------------------------------------------------
    def test_trail_event_is_named_by_its_record_kind_and_time(self):
        record = self.make_record(self.iso_user, title="Draft to delete")
        reference = record.display_name
        record.unlink()
        deleted = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.record"), ("res_id", "=", record.id), ("event_type", "=", "delete")]
        )
        # The record is gone: the name comes from the event's own columns.
        event = deleted.with_user(self.iso_auditor)
        self.assertEqual(event.display_name, f"{reference} · Deleted · {self.brussels(deleted.event_time)}")
        self.env["iso.trail.event"]._append(
            [{"res_model": "iso.record", "res_id": record.id, "reference": "", "event_type": "export"}]
        )
        unnamed = self.trail(record)[-1].with_user(self.iso_auditor)
        self.assertTrue(unnamed.display_name.startswith(f"ISO Record #{record.id} · Exported · "))

    def test_trail_event_changes_read_in_labels(self):
        record = self.make_record(self.iso_user, title="Labelled", confidentiality="confidential")
        record.action_submit()
        created, submitted = self.trail(record).with_user(self.iso_auditor)
        self.assertIn("Confidentiality: Confidential", created.changes_display)
        self.assertIn("State: Draft", created.changes_display)
        self.assertEqual(submitted.changes_display, "State: Draft → In Review")

    # ------------------------------------------------------------------
    # the disposal certificate
    # ------------------------------------------------------------------
    def disposed_batch(self):
        """A done batch of company B (no demo record in it): one internal and one restricted record,
        both filed in 2015 and archived at the end of a one-year retention."""
        company = self.company_b
        policy = self.env["iso.retention.policy"].create(
            {
                "name": "One year then archive",
                "duration": 1,
                "duration_unit": "years",
                "start_event": "filed",
                "action": "archive",
            }
        )
        records = self.env["iso.record"]
        with freeze_time("2015-03-01"):
            for confidentiality in ("internal", "restricted"):
                record = self.make_record(
                    self.user_b,
                    self.calibration_type,
                    title=f"{confidentiality} gauge",
                    body=f"<p>Calibration of the {confidentiality} gauge</p>",
                    confidentiality=confidentiality,
                )
                record.sudo().retention_policy_id = policy
                record._iso_sign_as(self.user_b.id, "file", "authored")
                records |= record
        batch = self.env["iso.disposal.batch"].with_company(company)._collect(company)
        self.assertEqual(batch.line_ids.mapped("res_id"), records.ids)
        batch.with_user(self.administrator_b)._approve("End of retention")
        batch._apply(commit=False)
        self.assertEqual(batch.state, "done")
        return batch, records

    def test_disposal_certificate_reads_as_an_auditor_expects(self):
        batch, (internal, restricted) = self.disposed_batch()
        internal_line, restricted_line = batch.line_ids.sorted("res_id")
        auditor = self.auditor_b
        with freeze_time("2026-01-15 10:00:00"):
            html = self.render(CERTIFICATE_REPORT, batch, auditor)
        self.assertIn(self.company_b.name, html)
        self.assertIn('<span class="page"></span> / <span class="topage"></span>', html)
        text = page_text(html)
        self.assertIn(f"Printed by {auditor.name} on 2026-01-15 11:00:00. Times are in the {BRUSSELS}", text)
        self.assertIn(batch.approval_hash, html)
        self.assertIn(internal_line.content_hash, html)
        self.assertEqual(len(internal_line.content_hash), 64)
        for label in ("ISO Record: Calibration Certificate", "Archive", "Done", "One year then archive", internal.name):
            self.assertIn(label, text)
        for technical in ("iso.record", ">archive<", ">done<"):
            self.assertNotIn(technical, html)
        # The restricted record is kept from the auditor, and the certificate says it is incomplete.
        self.assertNotIn(restricted.name, text)
        self.assertNotIn(restricted_line.content_hash, html)
        self.assertIn("Disposed records left out of this copy: 1.", text)
        complete = page_text(self.render(CERTIFICATE_REPORT, batch, self.administrator_b))
        self.assertIn(restricted.name, complete)
        self.assertNotIn("left out of this copy", complete)
        with self.assertRaises(AccessError):
            self.render(CERTIFICATE_REPORT, batch, self.iso_auditor)  # not in company B
        with self.assertRaises(AccessError):
            self.render(CERTIFICATE_REPORT, batch, self.user_b)  # an ISO user reads no disposal batch

    @unittest.skipUnless(WKHTMLTOPDF, "wkhtmltopdf is not installed")
    def test_trail_extract_renders_as_a_real_pdf(self):
        record = self.approved_procedure(title="Printed procedure")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.iso_auditor)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(TRAIL_REPORT, record.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        self.assertGreaterEqual(len(reader.pages), 1)
        # Hashes print in full, wrapped across lines (only the monospace text extracts reliably: the
        # body font may be embedded without a text map).
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn(record.revision_id.content_hash, text)
        for event in self.trail(record):
            self.assertIn(event.hash, text)
