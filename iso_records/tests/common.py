from odoo.tests import TransactionCase, new_test_user


class IsoRecordsCase(TransactionCase):
    """One real user per ISO group, none of them a superuser or a Settings administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal_user = new_test_user(cls.env, "iso_plain", groups="base.group_user")
        cls.iso_user = new_test_user(cls.env, "iso_user", groups="iso_records.group_iso_user")
        cls.iso_auditor = new_test_user(cls.env, "iso_auditor", groups="iso_records.group_iso_auditor")
        cls.iso_manager = new_test_user(cls.env, "iso_manager", groups="iso_records.group_iso_manager")
        cls.iso_administrator = new_test_user(
            cls.env, "iso_administrator", groups="iso_records.group_iso_administrator"
        )
        cls.standard_9001 = cls.env.ref("iso_records.standard_iso_9001_2015")
        cls.standard_14001 = cls.env.ref("iso_records.standard_iso_14001_2015")
