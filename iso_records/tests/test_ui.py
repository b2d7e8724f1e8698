from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestIsoRecordsUi(HttpCase):
    def test_administrator_finds_clause_in_standard(self):
        administrator = new_test_user(
            self.env,
            "iso_tour_administrator",
            groups="base.group_user,iso_records.group_iso_administrator",
            password="iso_tour_administrator",
        )
        self.assertFalse(administrator._is_admin())
        self.start_tour("/odoo", "iso_records_standard_clause_tour", login=administrator.login)
