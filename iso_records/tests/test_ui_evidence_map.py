from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEvidenceMapTour(HttpCase):
    def test_manager_opens_a_clause_from_the_evidence_map(self):
        manager = new_test_user(
            self.env,
            "tour_map_manager",
            groups="base.group_user,iso_records.group_iso_manager",
            password="tour_map_manager",
            name="Map Manager",
        )
        author = new_test_user(self.env, "tour_map_author", groups="iso_records.group_iso_user")
        self.assertFalse(manager._is_admin())
        clause = self.env.ref("iso_records.clause_9001_7_5_3")
        document = (
            self.env["iso.record"]
            .with_user(author)
            .create(
                {
                    "title": "Control of documented information (tour)",
                    "record_type_id": self.env.ref("iso_records.record_type_procedure").id,
                    "body": "<p>How documents are approved, distributed and kept.</p>",
                    "clause_ids": [Command.set(clause.ids)],
                }
            )
        )
        document.action_submit()
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(manager)
            .create(
                {
                    "res_model": "iso.record",
                    "res_id": document.id,
                    "operation": "approve",
                    "password": "tour_map_manager",
                    "meaning": document._iso_signable_operations()["approve"]["meanings"][0],
                }
            )
        )
        wizard.action_sign()
        self.assertEqual(document.state, "effective")
        rows = {
            row["code"]: row
            for row in self.env["iso.clause"].with_user(manager).get_evidence_map(clause.standard_id.id)["rows"]
        }
        self.assertGreaterEqual(rows["7.5.3"]["counts"]["documents"], 1)
        self.assertTrue(any(row["gap"] for row in rows.values()), "the tour looks for a gap row")
        self.start_tour("/odoo", "iso_records_evidence_map_tour", login=manager.login)
