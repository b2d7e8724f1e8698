from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import IsoRecordsCase


@tagged("post_install", "-at_install")
class TestIsoStandardAccess(IsoRecordsCase):
    def test_users_are_not_superusers(self):
        for user in (self.iso_user, self.iso_auditor, self.iso_manager, self.iso_administrator):
            self.assertFalse(user._is_superuser())
            self.assertFalse(user._is_admin(), f"{user.login} must not be a Settings administrator")

    def test_group_chain(self):
        self.assertTrue(self.iso_auditor.has_group("iso_records.group_iso_user"))
        self.assertFalse(self.iso_auditor.has_group("iso_records.group_iso_manager"))
        self.assertTrue(self.iso_manager.has_group("iso_records.group_iso_user"))
        self.assertFalse(self.iso_manager.has_group("iso_records.group_iso_auditor"))
        self.assertTrue(self.iso_administrator.has_group("iso_records.group_iso_manager"))
        self.assertTrue(self.iso_administrator.has_group("iso_records.group_iso_user"))
        self.assertFalse(self.internal_user.has_group("iso_records.group_iso_user"))

    def test_every_iso_group_reads_standards_and_clauses(self):
        for user in (self.iso_user, self.iso_auditor, self.iso_manager, self.iso_administrator):
            standard = self.standard_9001.with_user(user)
            self.assertEqual(standard.name, "ISO 9001:2015")
            clause = (
                self.env["iso.clause"]
                .with_user(user)
                .search([("standard_id", "=", standard.id), ("number", "=", "9.2.2")])
            )
            self.assertEqual(len(clause), 1, f"{user.login} must find clause 9.2.2")
            self.assertEqual(clause.parent_id.number, "9.2")

    def test_users_without_iso_group_cannot_read(self):
        with self.assertRaises(AccessError):
            self.env["iso.standard"].with_user(self.internal_user).search([])
        with self.assertRaises(AccessError):
            self.env["iso.clause"].with_user(self.internal_user).search([])

    def test_only_administrators_edit_standards(self):
        for user in (self.iso_user, self.iso_auditor, self.iso_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.standard_9001.with_user(user).write({"title": "Changed"})
                with self.assertRaises(AccessError):
                    self.env["iso.standard"].with_user(user).create(
                        {"name": "ISO 50001:2018", "code": "ISO 50001", "edition_year": 2018, "title": "Energy"}
                    )
                with self.assertRaises(AccessError):
                    self.standard_14001.with_user(user).unlink()
        self.assertEqual(self.standard_9001.title, "Quality management systems — Requirements")

        standard = (
            self.env["iso.standard"]
            .with_user(self.iso_administrator)
            .create({"name": "ISO 50001:2018", "code": "ISO 50001", "edition_year": 2018, "title": "Energy management"})
        )
        standard.write({"title": "Energy management systems — Requirements with guidance for use"})
        self.assertEqual(standard.create_uid, self.iso_administrator)
        standard.unlink()
        self.assertFalse(standard.exists())

    def test_only_administrators_edit_clauses(self):
        clause = self.env.ref("iso_records.clause_9001_9_2_2")
        for user in (self.iso_user, self.iso_auditor, self.iso_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    clause.with_user(user).write({"title": "Changed"})
                with self.assertRaises(AccessError):
                    self.env["iso.clause"].with_user(user).create(
                        {"standard_id": self.standard_9001.id, "number": "10.4", "title": "Extra"}
                    )
                with self.assertRaises(AccessError):
                    clause.with_user(user).unlink()
        self.assertTrue(clause.exists())

        new_clause = (
            self.env["iso.clause"]
            .with_user(self.iso_administrator)
            .create({"standard_id": self.standard_9001.id, "number": "10.4", "title": "Extra"})
        )
        self.assertEqual(new_clause.parent_id, self.env.ref("iso_records.clause_9001_10"))
        new_clause.write({"description": "<p>How we meet it</p>"})
        new_clause.unlink()

    def test_archived_standards_are_hidden_with_their_clauses(self):
        standard = self.standard_14001.with_user(self.iso_administrator)
        standard.action_archive()
        Standard = self.env["iso.standard"].with_user(self.iso_user)
        Clause = self.env["iso.clause"].with_user(self.iso_user)
        self.assertNotIn(standard, Standard.search([]))
        self.assertFalse(Clause.search([("standard_id", "=", standard.id)]))
        self.assertIn(standard, Standard.with_context(active_test=False).search([]))
        standard.action_unarchive()
        self.assertTrue(Clause.search([("standard_id", "=", standard.id)]))
