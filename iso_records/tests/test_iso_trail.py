import json

from psycopg2 import errors

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoTrail(IsoRecordCase):
    def events(self, record):
        return self.env["iso.trail.event"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="sequence"
        )

    def verify(self):
        return self.env["iso.trail.verification"]._verify()

    def raw(self, query, params=None):
        with mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.cr.execute(query, params)

    def test_lifecycle_is_recorded_with_field_changes_and_reasons(self):
        record = self.make_record(self.iso_user, title="Handling of returns")
        record.write({"title": "Handling of customer returns"})
        record.action_submit()
        self.sign(record.with_user(self.approver), self.approver, "approve")
        events = self.events(record)
        self.assertEqual(events.mapped("event_type"), ["create", "change", "state", "state", "signature"])
        self.assertEqual(events.mapped("sequence"), [1, 2, 3, 4, 5])
        self.assertEqual(
            [event.user_id.login for event in events], [self.iso_user.login] * 3 + [self.approver.login] * 2
        )
        self.assertEqual(events[0].employee_name, self.iso_user.name)
        change = json.loads(events[1].changes)
        self.assertEqual(
            change,
            [{"field": "title", "label": "Title", "old": "Handling of returns", "new": "Handling of customer returns"}],
        )
        self.assertEqual(events[2].reason, "Submitted for review")
        self.assertIn(
            {"field": "state", "label": "State", "old": "in_review", "new": "effective"}, json.loads(events[3].changes)
        )
        self.assertEqual(events[3].reason, "Approved as revision 1")
        self.assertEqual(json.loads(events[4].changes)[0]["new"]["content_hash"], record.revision_id.content_hash)
        self.assertEqual(events[1].previous_hash, events[0].hash)
        self.assertTrue(all(event.reference.startswith(record.name) for event in events))
        self.assertEqual(self.verify().state, "intact")

    def test_no_context_or_sudo_path_skips_the_trail(self):
        record = self.make_record(self.iso_user)
        forged = {
            "tracking_disable": True,
            "iso_trail_skip": True,
            "iso_records_workflow": True,
            "mail_notrack": True,
            "iso_trail_reason": "forged",
        }
        record.with_context(**forged).write({"title": "Forged context"})
        record.sudo().write({"title": "Through sudo"})
        changes = [json.loads(event.changes)[0]["new"] for event in self.events(record)[1:]]
        self.assertEqual(changes, ["Forged context", "Through sudo"])

    def test_database_refuses_update_delete_and_truncate(self):
        record = self.make_record(self.iso_user)
        event = self.events(record)
        for query in (
            "UPDATE iso_trail_event SET reason = 'rewritten' WHERE id = %s",
            "DELETE FROM iso_trail_event WHERE id = %s",
        ):
            with self.subTest(query=query), self.assertRaises(errors.InsufficientPrivilege):
                self.raw(query, [event.id])
        with self.assertRaises(errors.InsufficientPrivilege):
            self.raw("TRUNCATE iso_trail_event CASCADE")
        with self.assertRaisesRegex(UserError, "append-only"):
            event.sudo().write({"reason": "rewritten"})
        with self.assertRaisesRegex(UserError, "append-only"):
            event.sudo().unlink()
        with self.assertRaisesRegex(UserError, "cannot be created by hand"):
            self.env["iso.trail.event"].sudo().create({"res_model": "iso.record", "res_id": 1})
        self.assertEqual(self.verify().state, "intact")

    def test_trigger_is_installed_on_every_upgrade(self):
        self.env["iso.trail.event"].init()  # what an upgrade runs
        self.cr.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'iso_trail_event'::regclass AND NOT tgisinternal ORDER BY 1"
        )
        self.assertEqual(
            [row[0] for row in self.cr.fetchall()], ["iso_trail_event_append_only", "iso_trail_event_no_truncate"]
        )

    def disable_trigger(self):
        self.cr.execute("ALTER TABLE iso_trail_event DISABLE TRIGGER iso_trail_event_append_only")

    def test_payload_changed_with_the_trigger_disabled_is_reported(self):
        record = self.make_record(self.iso_user)
        record.write({"title": "Second"})
        event = self.events(record)[1]
        self.disable_trigger()
        self.cr.execute(
            "UPDATE iso_trail_event SET changes = replace(changes, 'Second', 'Forged') WHERE id = %s", [event.id]
        )
        result = self.verify()
        self.assertEqual(result.state, "broken")
        self.assertEqual(result.broken_event_id, event.id)
        self.assertIn("does not match its hash", result.problem)

    def test_a_deleted_event_is_reported(self):
        record = self.make_record(self.iso_user)
        record.write({"title": "Second"})
        record.write({"title": "Third"})
        middle = self.events(record)[1]
        self.disable_trigger()
        self.cr.execute("DELETE FROM iso_trail_event WHERE id = %s", [middle.id])
        result = self.verify()
        self.assertEqual(result.state, "broken")
        self.assertIn("missing", result.problem)

    def test_reordered_or_inserted_events_are_reported(self):
        record = self.make_record(self.iso_user)
        record.write({"title": "Second"})
        record.write({"title": "Third"})
        events = self.events(record)
        self.disable_trigger()
        self.cr.execute("UPDATE iso_trail_event SET sequence = -sequence WHERE id IN %s", [tuple(events[1:].ids)])
        self.cr.execute("UPDATE iso_trail_event SET sequence = 2 WHERE id = %s", [events[2].id])
        self.cr.execute("UPDATE iso_trail_event SET sequence = 3 WHERE id = %s", [events[1].id])
        self.assertEqual(self.verify().state, "broken")

    def test_deleting_the_end_of_a_chain_after_a_verification_is_reported(self):
        record = self.make_record(self.iso_user)
        record.write({"title": "Last words"})
        self.assertEqual(self.verify().state, "intact")
        self.disable_trigger()
        self.cr.execute("DELETE FROM iso_trail_event WHERE id = %s", [self.events(record)[-1].id])
        result = self.verify()
        self.assertEqual(result.state, "broken")
        self.assertIn("no longer match the verification", result.problem)

    def test_a_broken_trail_gives_administrators_an_activity(self):
        record = self.make_record(self.iso_user)
        self.disable_trigger()
        self.cr.execute("UPDATE iso_trail_event SET reason = 'x' WHERE id = %s", [self.events(record).id])
        result = self.verify()
        self.assertIn(self.iso_administrator, result.activity_ids.user_id)
        self.assertNotIn(self.iso_auditor, result.activity_ids.user_id)

    def test_each_anchor_is_sent_outside_the_database(self):
        self.make_record(self.iso_user)
        result = self.verify()
        message = self.env["mail.message"].search(
            [
                ("model", "=", "iso.trail.verification"),
                ("res_id", "=", result.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(len(message), 1)
        self.assertIn(result.hash, message.body)
        self.assertIn(self.iso_administrator.partner_id, message.partner_ids)
        self.assertNotIn(self.iso_auditor.partner_id, message.partner_ids)

    def test_verification_results_cannot_be_rewritten(self):
        result = self.verify()
        with self.assertRaises(errors.InsufficientPrivilege):
            self.raw("UPDATE iso_trail_verification SET state = 'intact' WHERE id = %s", [result.id])
        with self.assertRaisesRegex(UserError, "kept as they were recorded"):
            result.sudo().write({"state": "broken"})

    def test_events_outlive_the_record(self):
        record = self.make_record(self.iso_user, title="Short-lived draft")
        record_id, reference = record.id, record.display_name
        record.unlink()
        events = self.env["iso.trail.event"].search([("res_model", "=", "iso.record"), ("res_id", "=", record_id)])
        self.assertEqual(events.mapped("event_type"), ["delete", "create"])
        self.assertEqual(events[0].reference, reference)
        self.assertEqual(self.verify().state, "intact")

    def test_exports_are_recorded(self):
        record = self.make_record(self.iso_user)
        exported = record.with_user(self.iso_auditor).export_data(["name", "title"])
        self.assertEqual(exported["datas"], [[record.name, record.title]])
        event = self.events(record)[-1]
        self.assertEqual((event.event_type, event.user_id), ("export", self.iso_auditor))

    def test_reviews_are_recorded(self):
        record = self.approved_procedure()
        record.with_user(self.iso_user).action_reviewed_no_change()
        self.assertEqual(self.events(record)[-1].event_type, "review")

    def test_only_auditors_and_administrators_read_the_trail(self):
        record = self.make_record(self.iso_user)
        for user in (self.iso_user, self.iso_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["iso.trail.event"].with_user(user).search([])
            self.assertEqual(record.with_user(user).trail_event_count, 0)
        for user in (self.iso_auditor, self.iso_administrator):
            with self.subTest(user=user.login):
                self.assertEqual(record.with_user(user).trail_event_count, 1)
                action = record.with_user(user).action_view_trail()
                self.assertEqual(
                    self.env["iso.trail.event"].with_user(user).search(action["domain"]), self.events(record)
                )
        with self.assertRaises(AccessError):
            self.env["iso.trail.verification"].with_user(self.iso_manager).search([])

    def test_pdf_extract_lists_the_events(self):
        record = self.approved_procedure(title="Trail extract procedure")
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.iso_auditor)
            ._render_qweb_html("iso_records.report_iso_record_trail", record.ids)
        )
        html = html.decode()
        self.assertIn("Audit trail", html)
        self.assertIn("Approved as revision 1", html)
        self.assertIn(record.revision_id.content_hash, html)
        self.assertIn(self.events(record)[-1].hash[:16], html)


@tagged("post_install", "-at_install")
class TestIsoTrailRpc(HttpCase):
    def test_forged_context_over_json_rpc_is_still_recorded(self):
        user = new_test_user(self.env, "trail_rpc_user", groups="iso_records.group_iso_user")
        record = (
            self.env["iso.record"]
            .with_user(user)
            .create(
                {
                    "title": "Before RPC",
                    "record_type_id": self.env.ref("iso_records.record_type_procedure").id,
                }
            )
        )
        self.authenticate(user.login, user.login)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "iso.record",
                "method": "write",
                "args": [[record.id], {"title": "After RPC"}],
                "kwargs": {"context": {"tracking_disable": True, "iso_trail_skip": True, "iso_records_workflow": True}},
            },
        )
        events = self.env["iso.trail.event"].search([("res_model", "=", "iso.record"), ("res_id", "=", record.id)])
        self.assertEqual(events.mapped("event_type"), ["change", "create"])
        self.assertEqual(json.loads(events[0].changes)[0]["new"], "After RPC")
