"""Tour 2: the owner of a CAPA action, a plain ISO user, opens their activities and marks the action done;
the action is done, its CAPA's other action still open."""

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestActionTour(CapaCase, HttpCase):
    def test_action_owner_marks_the_action_done_from_their_activities(self):
        today = fields.Date.context_today(self.env["iso.capa"])
        capa = self.make_capa(
            title="Tour: stop scratches at packing",
            action_ids=[
                Command.create(
                    {
                        "kind": "correction",
                        "description": "Tour: sort the scratched housings",
                        "user_id": self.iso_user.id,
                        "date_deadline": today,
                    }
                ),
                Command.create(
                    {
                        "kind": "corrective",
                        "description": "Tour: pad the packing table",
                        "user_id": self.colleague.id,
                        "date_deadline": today,
                    }
                ),
            ],
        )
        self.force_state(capa, "action")
        sort, pad = capa.action_ids
        self.assertTrue(sort.activity_id)
        self.assertFalse(self.iso_user.has_group("iso_records.group_iso_manager"), "a plain ISO user")
        self.assertFalse(self.iso_user.has_group("base.group_system"))

        self.start_tour("/odoo", "iso_capa_action_tour", login=self.iso_user.login)

        capa.invalidate_recordset()
        capa.action_ids.invalidate_recordset()
        self.assertEqual(sort.action_state, "done", "the activity done marked the action done")
        self.assertEqual(sort.date_done, today)
        self.assertFalse(sort.activity_id)
        self.assertEqual(pad.action_state, "open")
        self.assertTrue(pad.activity_id)
        self.assertEqual(capa.state, "action", "one action still open")
