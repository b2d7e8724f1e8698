"""CAPA actions and their "CAPA action" activities, both ways, as real users: each open action of an acting
CAPA has one activity on the CAPA for its owner and deadline; the activity marked done marks the action
done and the action marked done marks its activity done; the last action done moves the CAPA on."""

from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CapaCase

ACTION_ACTIVITY = "iso_records_capa.mail_activity_type_capa_action"


@tagged("post_install", "-at_install")
class TestActionSync(CapaCase):
    def capa_with_actions(self):
        return self.make_capa(
            action_ids=[
                Command.create(
                    {
                        "kind": "correction",
                        "description": "Sort the scratched housings",
                        "user_id": self.iso_user.id,
                        "date_deadline": date(2026, 6, 30),
                    }
                ),
                Command.create(
                    {
                        "kind": "corrective",
                        "description": "Pad the packing table",
                        "user_id": self.colleague.id,
                        "date_deadline": date(2026, 7, 15),
                    }
                ),
            ]
        )

    def activities_of(self, capa):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "iso.capa"),
                ("res_id", "=", capa.id),
                ("activity_type_id", "=", self.env.ref(ACTION_ACTIVITY).id),
            ]
        )

    def test_actions_get_their_activities_when_the_capa_acts(self):
        capa = self.capa_with_actions()
        self.assertFalse(self.activities_of(capa), "a draft CAPA's actions have no activities")
        self.force_state(capa, "action")
        sort, pad = capa.action_ids
        self.assertEqual(len(self.activities_of(capa)), 2)
        self.assertEqual((sort.activity_id.user_id, sort.activity_id.date_deadline), (self.iso_user, date(2026, 6, 30)))
        self.assertEqual(pad.activity_id.user_id, self.colleague)
        self.assertIn("Correction: Sort the scratched housings", sort.activity_id.summary)
        self.assertIn(capa.name, sort.activity_id.summary)

        # The deadline moves: the same activity follows.
        activity = pad.activity_id
        pad.with_user(self.iso_manager).write({"date_deadline": date(2026, 7, 31)})
        self.assertEqual(pad.activity_id, activity)
        self.assertEqual(activity.date_deadline, date(2026, 7, 31))

        # An action added while acting needs its owner and deadline at once.
        with self.assertRaisesRegex(UserError, "no Deadline"):
            self.Action.with_user(self.iso_manager).create(
                {"capa_id": capa.id, "description": "Later", "user_id": self.iso_user.id}
            )

    def test_activity_done_by_its_owner_marks_the_action_done(self):
        capa = self.capa_with_actions()
        self.force_state(capa, "action")
        sort, pad = capa.action_ids
        sort.activity_id.with_user(self.iso_user).action_feedback(feedback="Sorted, 12 rejected")
        self.assertTrue(sort.date_done)
        self.assertEqual(sort.action_state, "done")
        self.assertFalse(pad.date_done, "the other action stays open")
        self.assertEqual(self.activities_of(capa), pad.activity_id)
        self.assertEqual(capa.state, "action", "one action still open")

    def test_action_marked_done_marks_its_activity_done(self):
        capa = self.capa_with_actions()
        self.force_state(capa, "action")
        sort, pad = capa.action_ids
        activity = pad.activity_id
        with self.assertRaises(AccessError):
            pad.with_user(self.iso_user).action_mark_done()  # not theirs, and they may not change the CAPA
        self.assertFalse(pad.date_done)
        pad.with_user(self.colleague).action_mark_done()
        self.assertTrue(pad.date_done)
        self.assertFalse(activity.exists().active if activity.exists() else False, "its activity is done")
        self.assertEqual(self.activities_of(capa), sort.activity_id)
        with self.assertRaisesRegex(UserError, "already done"):
            pad.with_user(self.colleague).action_mark_done()
        with self.assertRaisesRegex(UserError, "Done on: set by the activity"):
            sort.with_user(self.iso_manager).write({"date_done": date(2026, 6, 1)})

    def test_last_action_done_moves_the_capa_on(self):
        capa = self.capa_with_actions()
        self.force_state(capa, "action")
        sort, pad = capa.action_ids
        moved_on = []

        def on_actions_done(capas):
            moved_on.append(capas)

        with patch.object(type(capa), "_iso_on_actions_done", on_actions_done, create=True):
            sort.with_user(self.iso_user).action_mark_done()
            self.assertFalse(moved_on, "one action still open")
            pad.activity_id.with_user(self.colleague).action_feedback()
        self.assertEqual(moved_on, [capa], "the last action done moves its CAPA on, once")

    def test_actions_of_a_capa_not_acting_cannot_be_marked_done(self):
        capa = self.capa_with_actions()
        with self.assertRaisesRegex(UserError, "its actions are not tracked yet"):
            capa.action_ids[0].with_user(self.iso_user).action_mark_done()
        self.assertFalse(capa.action_ids[0].date_done)
