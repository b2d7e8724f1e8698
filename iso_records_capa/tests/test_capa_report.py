import io
import re
import shutil
import unittest

from odoo.addons.iso_records_audit.tests.test_audit_report import page_text
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.pdf import PdfReader

from .common import CapaCase

REPORT = "iso_records_capa.report_iso_capa_8d"
WKHTMLTOPDF = shutil.which("wkhtmltopdf")


@tagged("post_install", "-at_install")
class TestCapa8dReport(CapaCase):
    """The 8D report of a closed CAPA, D1 to D8, from its own data, in the company layout."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        capa = cls.capa_acting(team_user_ids=[(6, 0, (cls.iso_user | cls.colleague).ids)])
        nonconformity = capa.nonconformity_ids.with_user(cls.iso_user)
        nonconformity.write(
            {
                "containment": "Batch 42 quarantined and sorted.",
                "containment_user_id": cls.iso_user.id,
                "quantity_affected": 120,
            }
        )
        cls.add_capa_action(capa, kind="preventive", description="Separators in every packing spec (test)")
        cls.finish_capa_actions(capa)
        capa.with_user(cls.verifier).action_record_effectiveness(
            "effective", "Three deliveries inspected since: no scratch.", "No repeat NC in the window."
        )
        capa.write(
            {
                "prevention": "The packing spec template now has a separators section.",
                "recognition": "Thanks to the packing team for the quick sort.",
            }
        )
        cls.signature = cls.sign(cls, capa, cls.iso_manager, "close", reason="Effective, closing.")
        cls.capa = capa

    def render(self, user, capa=None):
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (capa or self.capa).ids, data={"report_type": "pdf"})
        )
        return html.decode()

    def test_the_8d_report_of_a_closed_capa(self):
        capa = self.capa
        self.assertEqual(capa.state, "closed")
        html = self.render(self.iso_manager)
        text = page_text(html)
        self.assertIn(self.env.company.name, html)
        self.assertIn('<span class="page"></span> / <span class="topage"></span>', html)
        self.assertRegex(text, r"Printed by .+ on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.")
        headings = re.findall(r"<h4>(D\d [^<]+)</h4>", html)
        self.assertEqual(
            headings,
            [
                "D1 Team",
                "D2 Problem",
                "D3 Containment",
                "D4 Root cause",
                "D5 Corrective actions chosen",
                "D6 Actions implemented and effectiveness",
                "D7 Preventing recurrence",
                "D8 Recognition and closure",
            ],
        )
        nonconformity = capa.nonconformity_ids
        for expected in (
            f"8D report {capa.name}",
            "Stage Closed",
            f"Owner {self.employee_of[self.iso_manager].name}",
            f"Verifier {self.verifier.name}",
            "Housings scratched (test)",
            nonconformity.display_name,
            "Quantity affected: 120.00",
            f"{nonconformity.name}: Batch 42 quarantined and sorted.",
            "Why scratched?: Parts touch in the box",
            "Why none?: Packing spec silent",
            "Method Packing spec has no separators (confirmed)",
            "Material Thin cardboard",
            "Root cause (Method): The packing specification does not require separators.",
            f"Action of {self.iso_user.name}",
            "Separators in every packing spec (test)",
            "Three deliveries inspected since: no scratch.",
            "No repeat NC in the window.",
            "Repeats found: 0",
            "The packing spec template now has a separators section.",
            "Thanks to the packing team for the quick sort.",
            "Close CAPA",
            self.signature_hash(),
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)
        # The preventive action is in D7, not in D5.
        d5, d7 = text.split("D5 Corrective actions chosen")[1].split("D7 Preventing recurrence")
        self.assertNotIn("Separators in every packing spec", d5)
        self.assertIn("Separators in every packing spec", d7)

    def signature_hash(self):
        return (
            self.env["iso.signature"]
            .search([("res_model", "=", "iso.capa"), ("res_id", "=", self.capa.id)])
            .content_hash
        )

    def test_a_capa_in_progress_says_what_is_missing(self):
        capa = self.make_capa(self.make_nc())
        text = page_text(self.render(self.iso_manager, capa))
        for expected in (
            "Stage New",
            "No containment recorded.",
            "not found yet.",
            "No action yet.",
            "Not checked yet.",
            "Not signed yet.",
        ):
            with self.subTest(expected=expected):
                self.assertIn(expected, text)

    def test_the_report_follows_the_reader_access(self):
        capa = self.make_capa(self.make_nc(), confidentiality="restricted")
        with self.assertRaises(AccessError):
            self.render(self.colleague, capa)

    def test_the_print_button(self):
        action = self.capa.with_user(self.iso_user).action_print_8d()
        self.assertEqual((action["type"], action["report_name"]), ("ir.actions.report", REPORT))

    @unittest.skipUnless(WKHTMLTOPDF, "wkhtmltopdf is not installed")
    def test_the_pdf_prints(self):
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.iso_manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.capa.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        self.assertGreaterEqual(len(reader.pages), 1)
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn("D8Recognitionandclosure", text)
        self.assertIn(self.signature_hash(), text)
