from odoo.tests import tagged

from .common import IsoRecordsCase

EXPECTED_TOP_CLAUSES = {
    "iso_records.standard_iso_9001_2015": ["4", "5", "6", "7", "8", "9", "10"],
    "iso_records.standard_iso_14001_2015": ["4", "5", "6", "7", "8", "9", "10"],
    "iso_records.standard_iso_27001_2022": ["4", "5", "6", "7", "8", "9", "10", "A.5", "A.6", "A.7", "A.8"],
    "iso_records.standard_iso_45001_2018": ["4", "5", "6", "7", "8", "9", "10"],
    "iso_records.standard_iso_13485_2016": ["4", "5", "6", "7", "8"],
    "iso_records.standard_iso_22000_2018": ["4", "5", "6", "7", "8", "9", "10"],
}


@tagged("post_install", "-at_install")
class TestIsoStandardData(IsoRecordsCase):
    def test_shipped_standards_and_top_level_clauses(self):
        Clause = self.env["iso.clause"].with_user(self.iso_user)
        for xmlid, expected in EXPECTED_TOP_CLAUSES.items():
            standard = self.env.ref(xmlid)
            with self.subTest(standard=standard.name):
                top = Clause.search([("standard_id", "=", standard.id), ("parent_id", "=", False)])
                self.assertEqual(top.mapped("number"), expected)
                clauses = Clause.search([("standard_id", "=", standard.id)])
                orphans = clauses.filtered(lambda c: c.level > 1 and not c.parent_id)
                self.assertFalse(orphans, f"clauses without parent: {orphans.mapped('number')}")
                self.assertTrue(all(c.title for c in clauses))

    def test_second_level_clauses_are_there(self):
        expectations = {
            "iso_records.clause_9001_7_5_3": ("7.5.3", "Control of documented information", "7.5"),
            "iso_records.clause_14001_9_2_2": ("9.2.2", "Internal audit programme", "9.2"),
            "iso_records.clause_45001_5_4": ("5.4", "Consultation and participation of workers", "5"),
            "iso_records.clause_13485_4_2_3": ("4.2.3", "Medical device file", "4.2"),
            "iso_records.clause_22000_8_5_2": ("8.5.2", None, "8.5"),
            "iso_records.clause_27001_a_5_1": ("A.5.1", "Policies for information security", "A.5"),
        }
        for xmlid, (number, title, parent_number) in expectations.items():
            clause = self.env.ref(xmlid).with_user(self.iso_user)
            with self.subTest(clause=xmlid):
                self.assertEqual(clause.number, number)
                if title:
                    self.assertEqual(clause.title, title)
                self.assertEqual(clause.parent_id.number, parent_number)

    def test_iso_27001_annex_a_has_93_controls(self):
        standard = self.env.ref("iso_records.standard_iso_27001_2022")
        controls = (
            self.env["iso.clause"]
            .with_user(self.iso_auditor)
            .search([("standard_id", "=", standard.id), ("is_annex", "=", True), ("level", "=", 2)])
        )
        self.assertEqual(len(controls), 93)
        per_theme = {
            theme: len(controls.filtered(lambda c, t=theme: c.parent_id.number == t))
            for theme in ("A.5", "A.6", "A.7", "A.8")
        }
        self.assertEqual(per_theme, {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34})

    def test_clause_name_search_by_number_and_title(self):
        Clause = self.env["iso.clause"].with_user(self.iso_user)
        found = Clause.name_search("Control of documented information")
        self.assertIn(self.env.ref("iso_records.clause_9001_7_5_3").id, [row[0] for row in found])
        clause = self.env.ref("iso_records.clause_9001_9_2_2").with_user(self.iso_user)
        self.assertTrue(clause.display_name.startswith("9.2.2 "))
