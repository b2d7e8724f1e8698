import io
import shutil
import unittest
from datetime import date, timedelta

from odoo.addons.iso_records.tests.test_iso_reports import page_text
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.pdf import PdfReader

from .common import CapaCase

REPORT = "iso_records_capa.report_iso_nonconformity"
WKHTMLTOPDF = shutil.which("wkhtmltopdf")


@tagged("post_install", "-at_install")
class TestNcReport(CapaCase):
    """The nonconformity report prints what was found, its containment, triage, repeats, CAPAs and closure, with
    the reader's rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.earlier = cls.make_nc(title="Earlier scratches (test)", date=date.today() - timedelta(days=20))
        cls.nonconformity = cls.make_nc(
            severity=4,
            likelihood=3,
            quantity_affected=12,
            containment="Lot 2412 quarantined.",
            containment_user_id=cls.iso_user.id,
            containment_date=date.today(),
        )
        cls.nonconformity.with_user(cls.iso_manager).action_triage()
        cls.capa = cls.make_capa(cls.nonconformity)

    def render(self, user, nonconformity=None):
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (nonconformity or self.nonconformity).ids, data={"report_type": "pdf"})
        )
        return page_text(html.decode())

    def test_report_gives_the_nonconformity_its_triage_repeats_and_capas(self):
        text = self.render(self.iso_user)
        for expected in (
            self.nonconformity.name,
            "Scratched housings (test)",
            "Housings of the last delivery arrived scratched.",
            "Torque wrench (test)",
            "Calibration Lab (test)",
            "Lot 2412 quarantined.",
            "4 x 3 = 12",
            "High",
            "Occurrence 2 of the same problem",
            self.earlier.name,
            self.capa.name,
            "Printed by",
        ):
            self.assertIn(expected, text)
        self.assertNotIn("Rejection", text)

    def test_a_rejected_nonconformity_prints_its_reason(self):
        self.earlier.with_user(self.iso_manager).action_reject("Returned samples, not a delivery.")
        text = self.render(self.iso_manager, self.earlier)
        self.assertIn("Rejection", text)
        self.assertIn("Returned samples, not a delivery.", text)

    def test_a_reader_who_cannot_read_it_cannot_print_it(self):
        self.nonconformity.with_user(self.iso_user).write({"confidentiality": "restricted"})
        for user in (self.colleague, self.user_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.render(user)
        self.assertIn(self.nonconformity.name, self.render(self.iso_administrator))

    def test_the_report_is_offered_on_the_nonconformity(self):
        action = self.env.ref("iso_records_capa.action_report_iso_nonconformity")
        self.assertEqual((action.binding_model_id.model, action.binding_type), ("iso.nonconformity", "report"))
        views = self.Nonconformity.with_user(self.iso_user).get_views([(False, "form")], {"toolbar": True})
        prints = views["views"]["form"]["toolbar"]["print"]
        self.assertIn(action.id, [item["id"] for item in prints])

    @unittest.skipUnless(WKHTMLTOPDF, "wkhtmltopdf is not installed")
    def test_the_report_prints_as_a_pdf(self):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.iso_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.nonconformity.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn(self.nonconformity.name.replace(" ", ""), text)
