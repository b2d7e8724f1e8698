"""The contract numbers new records of a model that names its sequence (``_iso_sequence_code``): a name left
as "/" (or not given) takes the next reference; a name given is kept."""

from odoo.tests import tagged

from .test_contract import TEST_MODEL, ContractCase


@tagged("post_install", "-at_install")
class TestSequence(ContractCase):
    def test_new_records_are_numbered_and_given_names_kept(self):
        first, second = (
            self.env[TEST_MODEL].with_user(self.iso_user).create([{"name": "/"}, {"name": "/", "note": "second"}])
        )
        self.assertRegex(first.name, r"^TST/\d{4}$")
        self.assertRegex(second.name, r"^TST/\d{4}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(self.make(self.iso_user).name, "Contract record")
