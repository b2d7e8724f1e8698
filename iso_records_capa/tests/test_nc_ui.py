from datetime import date

from odoo.tests import HttpCase, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestNcTriageTour(CapaCase, HttpCase):
    def test_manager_triages_starts_and_closes_from_the_kanban(self):
        nonconformity = self.make_nc(
            user=self.iso_manager,
            title="Tour NC: torn labels",
            severity=1,
            likelihood=2,
            containment="The roll was removed from the line.",
            containment_user_id=self.iso_manager.id,
            containment_date=date.today(),
        )
        self.assertFalse(self.iso_manager.has_group("iso_records.group_iso_administrator"))
        self.start_tour("/odoo", "iso_capa_nc_triage_tour", login=self.iso_manager.login)
        nonconformity.invalidate_recordset()
        self.assertEqual(nonconformity.state, "closed")
        self.assertEqual(nonconformity.triaged_by_id, self.iso_manager)
        self.assertTrue(nonconformity.closure_deadline)
        self.assertEqual(
            nonconformity.closure_justification, "One roll of labels, replaced at the line; no CAPA needed."
        )
