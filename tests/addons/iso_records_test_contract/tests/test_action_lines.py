"""Action lines (iso.action.line.mixin) on the test-only iso.test.controlled.action: one activity on the
record per open line while the record acts on them (verified or closed), kept in step with the line, done
both ways; owners who cannot act are refused. As real users; dates under frozen time."""

import re
from datetime import date

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_contract import TEST_MODEL, ContractCase

ACTION_MODEL = "iso.test.controlled.action"
ACTIVITY_TYPE = "iso_records_test_contract.mail_activity_type_test_action"


@tagged("post_install", "-at_install")
class TestActionLines(ContractCase):
    def setUp(self):
        super().setUp()
        self.activity_type = self.env.ref(ACTIVITY_TYPE)

    def activities_of(self, record):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", TEST_MODEL),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def with_actions(self, *actions):
        return self.make(
            self.iso_user,
            action_ids=[Command.create({"name": name, **values}) for name, values in actions],
        )

    def test_activities_start_when_the_record_acts_and_follow_the_line(self):
        record = self.with_actions(
            ("Fix the jig", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}),
            ("Think about it", {}),
        )
        self.assertFalse(self.activities_of(record), "a draft record has no activities for its actions")
        with self.assertRaisesRegex(UserError, "Think about it of Contract record has no Owner and Deadline"):
            self.verified(record)
        self.assertEqual(record.state, "draft", "nothing written")
        self.assertFalse(self.activities_of(record))

        record.action_ids[1].with_user(self.iso_user).write(
            {"user_id": self.iso_user.id, "date_deadline": date(2026, 7, 31)}
        )
        self.verified(record)
        fix, think = record.action_ids
        activities = self.activities_of(record)
        self.assertEqual(len(activities), 2)
        self.assertEqual(fix.activity_id.user_id, self.colleague)
        self.assertEqual(fix.activity_id.date_deadline, date(2026, 6, 30))
        self.assertEqual(fix.activity_id.summary, "Test action: Fix the jig")
        self.assertEqual((fix.activity_id.res_model, fix.activity_id.res_id), (TEST_MODEL, record.id))
        self.assertEqual(think.activity_id.user_id, self.iso_user)

        # Owner and deadline changed: the same activity follows.
        activity = fix.activity_id
        fix.with_user(self.iso_user).write({"user_id": self.iso_user.id, "date_deadline": date(2026, 8, 15)})
        self.assertEqual(fix.activity_id, activity)
        self.assertEqual((activity.user_id, activity.date_deadline), (self.iso_user, date(2026, 8, 15)))
        self.assertEqual(len(self.activities_of(record)), 2)

        # While acting, a line needs its owner and deadline at once.
        with self.assertRaisesRegex(UserError, "Later of Contract record has no Deadline"):
            self.env[ACTION_MODEL].with_user(self.iso_user).create(
                {"record_id": record.id, "name": "Later", "user_id": self.iso_user.id}
            )
        with self.assertRaisesRegex(UserError, "Fix the jig of Contract record has no Owner"):
            fix.with_user(self.iso_user).write({"user_id": False})
        self.assertEqual(fix.user_id, self.iso_user, "nothing written")
        self.assertEqual(len(record.action_ids), 2)

        # A line added while acting gets its activity; a removed one takes its activity with it.
        extra = (
            self.env[ACTION_MODEL]
            .with_user(self.iso_user)
            .create(
                {
                    "record_id": record.id,
                    "name": "Extra",
                    "user_id": self.colleague.id,
                    "date_deadline": date(2026, 9, 1),
                }
            )
        )
        self.assertEqual(len(self.activities_of(record)), 3)
        extra_activity = extra.activity_id
        extra.with_user(self.iso_user).unlink()
        self.assertFalse(extra_activity.exists())
        self.assertEqual(len(self.activities_of(record)), 2)

    def test_done_both_ways(self):
        record = self.with_actions(
            ("One", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}),
            ("Two", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}),
        )
        self.verified(record)
        one, two = record.action_ids
        with freeze_time("2026-06-10 09:00:00"):
            # The owner marks the activity done in the chatter: the line is done.
            one.activity_id.with_user(self.colleague).action_feedback(feedback="Jig fixed")
            self.assertEqual(one.date_done, date(2026, 6, 10))
            self.assertFalse(one.activity_id)
            # The owner marks the line done: its activity is done, once.
            activity = two.activity_id
            two.with_user(self.colleague).action_mark_done()
            self.assertEqual(two.date_done, date(2026, 6, 10))
            self.assertFalse(activity.exists())
        done_messages = record.message_ids.filtered(lambda message: message.mail_activity_type_id == self.activity_type)
        self.assertEqual(len(done_messages), 2, "one 'done' message per action, no loop")
        self.assertFalse(self.activities_of(record))
        self.assertEqual(record.action_ids.mapped("action_state"), ["done", "done"])
        with self.assertRaisesRegex(UserError, "Two was already done on 2026-06-10"):
            two.with_user(self.colleague).action_mark_done()

    def test_a_locked_record_keeps_its_actions_doable_by_their_owner_only(self):
        record = self.with_actions(("Train", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}))
        self.close(record)
        line = record.action_ids
        self.assertTrue(line.activity_id, "a closed record still acts on its actions")
        with self.assertRaisesRegex(UserError, "is locked"):
            line.with_user(self.iso_user).write({"date_deadline": date(2026, 12, 31)})
        outsider = new_test_user(self.env, "contract_outsider", groups="iso_records.group_iso_user")
        with self.assertRaisesRegex(AccessError, "Train is .*'s action; only they"):
            line.with_user(outsider).action_mark_done()
        with self.assertRaisesRegex(AccessError, "ISO auditors"):
            line.with_user(self.auditor).action_mark_done()
        self.assertFalse(line.date_done)
        line.with_user(self.colleague).action_mark_done()
        self.assertTrue(line.date_done)

    def test_owners_who_cannot_act_are_refused(self):
        other_company = self.env["res.company"].create({"name": "Contract Other Company"})
        foreigner = new_test_user(
            self.env,
            "contract_foreigner",
            groups="iso_records.group_iso_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        plain = new_test_user(self.env, "contract_plain", groups="base.group_user")
        record = self.with_actions(("Act", {"user_id": self.auditor.id, "date_deadline": date(2026, 6, 30)}))
        line = record.action_ids
        # A draft may name anyone; the owner is checked when the record starts acting on its lines.
        with self.assertRaisesRegex(UserError, f"Owner: {re.escape(self.auditor.name)} cannot act"):
            self.verified(record)
        self.assertEqual(record.state, "draft", "nothing written")
        self.assertFalse(self.activities_of(record))
        line.with_user(self.iso_user).write({"user_id": self.colleague.id})
        self.verified(record)
        activity = line.activity_id
        for user in (self.auditor, foreigner, plain):
            refused = f"Owner: {re.escape(user.name)} cannot act"
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, refused):
                line.with_user(self.iso_user).write({"user_id": user.id})
            self.assertEqual(line.user_id, self.colleague, "nothing written")
            self.assertEqual(activity.user_id, self.colleague)
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, refused):
                self.env[ACTION_MODEL].with_user(self.iso_user).create(
                    {"record_id": record.id, "name": "More", "user_id": user.id, "date_deadline": date(2026, 6, 30)}
                )
        self.assertEqual(record.action_ids, line)

    def test_an_owner_who_can_no_longer_act_is_refused_when_the_record_acts(self):
        record = self.with_actions(("Act", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}))
        self.colleague.active = False
        with self.assertRaisesRegex(UserError, f"Owner: {re.escape(self.colleague.name)} cannot act"):
            self.verified(record)
        self.assertEqual(record.state, "draft")
        self.assertFalse(self.activities_of(record))

    def test_activity_and_done_date_are_the_workflows(self):
        record = self.with_actions(("Act", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}))
        line = record.action_ids
        for values in ({"date_done": "2026-01-01"}, {"activity_id": 1}):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "never written directly"):
                line.with_user(self.iso_user).write(values)
            with self.subTest(values=values), self.assertRaisesRegex(UserError, "never written directly"):
                self.env[ACTION_MODEL].with_user(self.iso_user).create({"record_id": record.id, "name": "X", **values})
        self.assertFalse(line.date_done)
        with self.assertRaisesRegex(UserError, "Mark done: Contract record is draft; its actions are not tracked yet"):
            line.with_user(self.colleague).action_mark_done()

    def test_open_late_done_against_today(self):
        record = self.with_actions(
            ("Soon", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}),
            ("Past", {"user_id": self.colleague.id, "date_deadline": date(2026, 5, 31)}),
            ("Done", {"user_id": self.colleague.id, "date_deadline": date(2026, 5, 31)}),
        )
        self.verified(record)
        soon, past, done = record.action_ids
        with freeze_time("2026-06-15 12:00:00"):
            done.with_user(self.colleague).action_mark_done()
            lines = record.action_ids.with_user(self.iso_user)
            lines.invalidate_recordset(["action_state"])
            self.assertEqual(lines.mapped("action_state"), ["open", "late", "done"])
            Action = self.env[ACTION_MODEL].with_user(self.iso_user)
            mine = [("record_id", "=", record.id)]
            self.assertEqual(Action.search([*mine, ("action_state", "=", "late")]), past)
            self.assertEqual(Action.search([*mine, ("action_state", "=", "open")]), soon)
            self.assertEqual(Action.search([*mine, ("action_state", "!=", "open")]), past | done)
        with freeze_time("2026-07-01 12:00:00"):
            lines.invalidate_recordset(["action_state"])
            self.assertEqual(lines.mapped("action_state"), ["late", "late", "done"])

    def test_a_state_change_back_removes_the_activities(self):
        record = self.with_actions(("Act", {"user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}))
        self.verified(record)
        activity = record.action_ids.activity_id
        self.assertTrue(activity)
        workflow(record).write({"state": "draft"})
        self.assertFalse(activity.exists())
        self.assertFalse(record.action_ids.activity_id)
