"""An operation that signs a content of its own (spec ``content_hash``): the dialog shows, and the signature
stores, that SHA-256 rather than the record's content hash."""

import hashlib

from odoo.tests import tagged

from .test_contract import TEST_MODEL, ContractCase


@tagged("post_install", "-at_install")
class TestSignedHash(ContractCase):
    def test_an_operation_signs_its_own_content_hash(self):
        record = self.closed(name="Sealed record")
        sealed = hashlib.sha256(b"sealed Sealed record").hexdigest()
        self.assertNotEqual(record._iso_content_hash(), sealed)
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(self.iso_user)
            .create(
                {
                    "res_model": TEST_MODEL,
                    "res_id": record.id,
                    "operation": "seal",
                    "meaning": "reviewed",
                    "password": self.passwords[self.iso_user],
                }
            )
        )
        self.assertEqual(wizard.content_hash, sealed, "the dialog shows what will be signed")
        wizard.action_sign()
        seal = record.signature_ids.filtered(lambda signature: signature.operation == "seal")
        self.assertEqual(seal.content_hash, sealed)
        close = record.signature_ids.filtered(lambda signature: signature.operation == "close")
        self.assertNotEqual(close.content_hash, sealed, "the other operations sign the record's content")
