from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IsoRecordsCase


@tagged("post_install", "-at_install")
class TestIsoClauseConstraints(IsoRecordsCase):
    def setUp(self):
        super().setUp()
        self.Clause = self.env["iso.clause"].with_user(self.iso_administrator)
        self.clause_count = self.Clause.search_count([])

    def assert_nothing_written(self):
        self.assertEqual(self.Clause.search_count([]), self.clause_count)

    def test_duplicate_number_in_a_standard(self):
        with self.assertRaisesRegex(ValidationError, r"Number: ISO 9001:2015 already has a clause 9\.2\.2"):
            self.Clause.create({"standard_id": self.standard_9001.id, "number": "9.2.2", "title": "Again"})
        self.assert_nothing_written()

    def test_duplicate_number_with_spaces_is_still_a_duplicate(self):
        with self.assertRaises(ValidationError):
            self.Clause.create({"standard_id": self.standard_9001.id, "number": " 9.2.2 ", "title": "Again"})
        self.assert_nothing_written()

    def test_duplicate_number_in_one_batch(self):
        with self.assertRaisesRegex(ValidationError, "already has a clause 11"):
            self.Clause.create(
                [
                    {"standard_id": self.standard_9001.id, "number": "11", "title": "One"},
                    {"standard_id": self.standard_9001.id, "number": "11", "title": "Two"},
                ]
            )
        self.assert_nothing_written()

    def test_renumbering_onto_an_existing_number(self):
        clause = self.env.ref("iso_records.clause_9001_10_3").with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, r"already has a clause 10\.2"):
            clause.write({"number": "10.2"})
        self.assertEqual(clause.number, "10.3")

    def test_database_refuses_duplicates_below_the_orm(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.cr.execute(
                "INSERT INTO iso_clause (standard_id, number, title, active) VALUES (%s, '9.2.2', "
                """'{"en_US": "Raw"}', true)""",
                [self.standard_9001.id],
            )

    def test_same_number_in_another_standard_is_fine(self):
        clause = self.Clause.create({"standard_id": self.standard_14001.id, "number": "11", "title": "Extra"})
        other = self.Clause.create({"standard_id": self.standard_9001.id, "number": "11", "title": "Extra"})
        self.assertNotEqual(clause.standard_id, other.standard_id)

    def test_parent_in_another_standard(self):
        foreign_parent = self.env.ref("iso_records.clause_14001_9_2")
        with self.assertRaisesRegex(ValidationError, "Parent Clause: .* belongs to ISO 14001:2015"):
            self.Clause.create(
                {
                    "standard_id": self.standard_9001.id,
                    "number": "9.2.3",
                    "title": "Cross",
                    "parent_id": foreign_parent.id,
                }
            )
        self.assert_nothing_written()

    def test_rewriting_the_same_standard_and_number_is_not_a_move(self):
        # What a module upgrade does when it reloads the shipped clauses.
        parent = self.env.ref("iso_records.clause_9001_9_2").with_user(self.iso_administrator)
        parent.write({"standard_id": self.standard_9001.id, "number": "9.2", "title": "Internal audit"})
        family = parent | parent.child_ids
        family.write({"standard_id": self.standard_9001.id})
        self.assertEqual(parent.child_ids.mapped("number"), ["9.2.1", "9.2.2"])

    def test_moving_a_clause_with_its_sub_clauses(self):
        theme = self.env.ref("iso_records.clause_27001_a_5").with_user(self.iso_administrator)
        extra = (
            self.env["iso.standard"]
            .with_user(self.iso_administrator)
            .create({"name": "ISO/IEC 27002:2022", "code": "ISO/IEC 27002", "edition_year": 2022, "title": "Controls"})
        )
        family = theme | theme.child_ids
        family.write({"standard_id": extra.id})
        self.assertEqual(len(self.Clause.search([("standard_id", "=", extra.id)])), 38)
        self.assertEqual(theme.child_ids.standard_id, extra)

    def test_moving_a_parent_away_from_its_children(self):
        theme = self.env.ref("iso_records.clause_27001_a_5").with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, "has sub-clauses in ISO/IEC 27001:2022"):
            theme.write({"standard_id": self.standard_9001.id})
        self.assertEqual(theme.standard_id.name, "ISO/IEC 27001:2022")
        control = self.env.ref("iso_records.clause_27001_a_5_1").with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, "Parent Clause: A.5 Organizational controls belongs to"):
            control.write({"standard_id": self.standard_9001.id})
        self.assertEqual(control.standard_id, theme.standard_id)

    def test_empty_number(self):
        for number in ("", "   ", False):
            with self.subTest(number=number):
                with self.assertRaisesRegex(ValidationError, "Number: a clause needs a number"):
                    self.Clause.create({"standard_id": self.standard_9001.id, "number": number, "title": "Empty"})
        with self.assertRaisesRegex(ValidationError, "Number: a clause needs a number"):
            self.Clause.create({"standard_id": self.standard_9001.id, "title": "No number at all"})
        clause = self.env.ref("iso_records.clause_9001_9_2_2").with_user(self.iso_administrator)
        with self.assertRaisesRegex(ValidationError, "Number: a clause needs a number"):
            clause.write({"number": ""})
        self.assertEqual(clause.number, "9.2.2")
        self.assert_nothing_written()

    def test_malformed_number(self):
        for number in ("9..2", "nine", "9.2.", "a.5.1", "9.2 2"):
            with self.subTest(number=number):
                with self.assertRaisesRegex(ValidationError, "is not a clause number"):
                    self.Clause.create({"standard_id": self.standard_9001.id, "number": number, "title": "Bad"})
        self.assert_nothing_written()

    def test_cycle(self):
        parent = self.env.ref("iso_records.clause_9001_9_2").with_user(self.iso_administrator)
        child = self.env.ref("iso_records.clause_9001_9_2_2")
        with self.assertRaisesRegex(ValidationError, "Parent Clause: 9.2.2 .* cannot be its own ancestor"):
            parent.write({"parent_id": child.id})
        with self.assertRaisesRegex(ValidationError, "cannot be its own ancestor"):
            parent.write({"parent_id": parent.id})
        self.assertEqual(parent.parent_id.number, "9")

    def test_parent_follows_number_and_order_is_natural(self):
        clause = self.Clause.create({"standard_id": self.standard_9001.id, "number": "9.2.10", "title": "Tenth"})
        self.assertEqual(clause.parent_id, self.env.ref("iso_records.clause_9001_9_2"))
        self.assertEqual(clause.level, 3)
        numbers = self.Clause.search([("parent_id", "=", clause.parent_id.id)]).mapped("number")
        self.assertEqual(numbers, ["9.2.1", "9.2.2", "9.2.10"])
        top = self.Clause.search([("standard_id", "=", self.standard_9001.id), ("parent_id", "=", False)])
        self.assertEqual(top.mapped("number"), ["4", "5", "6", "7", "8", "9", "10"])

    def test_invalid_edition_year(self):
        with self.assertRaisesRegex(ValidationError, "Edition: 1900 is not a valid edition year"):
            self.env["iso.standard"].with_user(self.iso_administrator).create(
                {"name": "ISO 1:1900", "code": "ISO 1", "edition_year": 1900, "title": "Old"}
            )

    def test_duplicate_standard_reference(self):
        with self.assertRaisesRegex(ValidationError, "Reference: a standard named ISO 9001:2015 already exists"):
            self.env["iso.standard"].with_user(self.iso_administrator).create(
                {"name": "ISO 9001:2015", "code": "ISO 9001", "edition_year": 2015, "title": "Copy"}
            )
