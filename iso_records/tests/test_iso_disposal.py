import base64
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import IsoRecordCase, hold_items, line_records


@tagged("post_install", "-at_install")
class TestIsoDisposal(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Batch = cls.env["iso.disposal.batch"]
        cls.second_administrator = new_test_user(
            cls.env, "iso_administrator_2", groups="iso_records.group_iso_administrator"
        )
        cls.archive_policy = cls.env.ref("iso_records.retention_policy_filed_5y")
        cls.env["ir.config_parameter"].set_param("iso_records.retention_grace_days", "10")
        cls.env["ir.config_parameter"].set_param("iso_records.disposal_approval", "always")
        cls.today = fields.Date.context_today(cls.env["iso.record"])

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def filed_record(self, filed_on, record_type=None, policy=None, **values):
        """A record filed on ``filed_on`` (its retention clock starts then)."""
        with freeze_time(filed_on):
            record = self.make_record(self.iso_user, record_type or self.calibration_type, **values)
            if policy:
                record.sudo().retention_policy_id = policy
            record.sudo()._iso_file()
        return record

    def policy(self, action, **values):
        return self.env["iso.retention.policy"].create(
            {
                "name": f"Test {action}",
                "duration": 1,
                "duration_unit": "years",
                "start_event": "filed",
                "action": action,
                **values,
            }
        )

    def collect(self, user=None):
        batch = self.Batch.with_user(user or self.env.user)._collect(self.company, requested_by=user)
        return batch

    def approve(self, batch, user=None):
        user = user or self.second_administrator
        wizard = (
            self.env["iso.disposal.approval.wizard"]
            .with_user(user)
            .create({"batch_id": batch.id, "password": user.login})
        )
        wizard.action_approve()
        return batch

    def disposal_events(self, records):
        return self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.record"), ("res_id", "in", records.ids), ("event_type", "=", "disposal")]
        )

    def line_records(self, batch):
        return line_records(batch.line_ids)

    # ------------------------------------------------------------------
    # collection
    # ------------------------------------------------------------------
    def test_collects_due_unheld_records_only(self):
        due = self.filed_record("2015-03-01") | self.filed_record("2015-04-01")
        within_grace = self.filed_record(self.today - timedelta(days=365 * 5 + 3))
        not_due = self.filed_record("2024-01-01")
        held = self.filed_record("2015-05-01")
        self.env["iso.legal.hold"].with_user(self.iso_administrator).create(
            {"name": "Litigation", "scope": "records", "item_ids": hold_items(held)}
        )
        batch = self.collect()
        mine = due | within_grace | not_due | held
        self.assertEqual(self.line_records(batch) & mine, due)
        self.assertEqual(batch.state, "to_approve")
        self.assertTrue(batch.approval_required)
        self.assertTrue(batch.name.startswith("DISP/"))
        line = batch.line_ids.filtered(lambda line: line.res_id == due[0].id)
        self.assertEqual(line.action, "archive")
        self.assertEqual(line.policy_id, self.archive_policy)
        self.assertEqual(line.retention_until, date(2020, 3, 1))
        self.assertEqual(line.content_hash, due[0].revision_id.content_hash)
        self.assertEqual(line.reference, due[0].display_name)
        activities = batch.activity_ids.filtered(
            lambda activity: (
                activity.activity_type_id == self.env.ref("iso_records.mail_activity_type_iso_disposal_approval")
            )
        )
        self.assertIn(self.iso_administrator, activities.user_id)
        self.assertIn(self.second_administrator, activities.user_id)
        self.assertFalse(self.collect(), "a second collection finds nothing new")

    def test_collect_button_is_for_administrators(self):
        self.filed_record("2015-03-01")
        with self.assertRaisesRegex(UserError, "only ISO administrators collect"):
            self.Batch.with_user(self.iso_manager).action_collect_now()
        action = self.Batch.with_user(self.iso_administrator).action_collect_now()
        batch = self.Batch.browse(action["params"]["next"]["res_id"])
        self.assertEqual(batch.requested_by_id, self.iso_administrator)
        nothing = self.Batch.with_user(self.iso_administrator).action_collect_now()
        self.assertEqual(nothing["tag"], "display_notification")

    def test_batches_and_lines_are_not_made_by_hand(self):
        with self.assertRaisesRegex(UserError, "collected by the retention sweep"):
            self.Batch.with_user(self.iso_administrator).create({"company_id": self.company.id})
        self.filed_record("2015-03-01")
        batch = self.collect()
        with self.assertRaisesRegex(UserError, "changes only by approving"):
            batch.with_user(self.iso_administrator).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "cannot be created by hand"):
            self.env["iso.disposal.line"].create({"batch_id": batch.id, "action": "delete"})
        with self.assertRaisesRegex(UserError, "kept as the sweep wrote them"):
            batch.line_ids.write({"state": "done"})
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            batch.unlink()
        self.assertEqual(batch.state, "to_approve")

    # ------------------------------------------------------------------
    # approval
    # ------------------------------------------------------------------
    def test_approval_is_signed_by_another_administrator(self):
        record = self.filed_record("2015-03-01")
        batch = self.Batch.browse(
            self.Batch.with_user(self.iso_administrator).action_collect_now()["params"]["next"]["res_id"]
        )
        with self.assertRaisesRegex(UserError, "collected .* and cannot also approve it"):
            self.approve(batch, self.iso_administrator)
        with self.assertRaisesRegex(UserError, "Password: the password is wrong"):
            self.env["iso.disposal.approval.wizard"].with_user(self.second_administrator).create(
                {"batch_id": batch.id, "password": "wrong"}
            )
        wizard = (
            self.env["iso.disposal.approval.wizard"].with_user(self.second_administrator).create({"batch_id": batch.id})
        )
        with self.assertRaisesRegex(UserError, "enter your password"):
            wizard.action_approve()
        self.assertEqual(batch.state, "to_approve")
        self.approve(batch)
        self.assertEqual(batch.state, "approved")
        self.assertEqual(batch.approver_id, self.second_administrator)
        self.assertEqual(len(batch.approval_hash), 64)
        self.assertFalse(
            batch.activity_ids.filtered(
                lambda activity: (
                    activity.activity_type_id == self.env.ref("iso_records.mail_activity_type_iso_disposal_approval")
                )
            )
        )
        self.assertTrue(record.active, "approving alone disposes nothing")

    def test_self_approval_allowed_by_settings(self):
        self.filed_record("2015-03-01")
        self.env["ir.config_parameter"].set_param("iso_records.disposal_self_approval", "True")
        batch = self.Batch.browse(
            self.Batch.with_user(self.iso_administrator).action_collect_now()["params"]["next"]["res_id"]
        )
        self.approve(batch, self.iso_administrator)
        self.assertEqual(batch.approver_id, self.iso_administrator)

    def test_managers_and_auditors_cannot_approve(self):
        self.filed_record("2015-03-01")
        batch = self.collect()
        with self.assertRaises(AccessError):
            self.env["iso.disposal.approval.wizard"].with_user(self.iso_manager).create(
                {"batch_id": batch.id, "password": self.iso_manager.login}
            )
        self.assertEqual(batch.with_user(self.iso_auditor).line_count, 1)
        with self.assertRaisesRegex(UserError, "only ISO administrators approve"):
            batch.with_user(self.iso_auditor).action_open_decision()
        with self.assertRaises(AccessError):
            batch.with_user(self.iso_user).read(["name"])
        with self.assertRaisesRegex(UserError, "must be approved before"):
            batch.with_user(self.iso_administrator).action_dispose_now()

    def test_rejecting_needs_a_reason_and_keeps_everything(self):
        record = self.filed_record("2015-03-01")
        batch = self.collect()
        wizard = (
            self.env["iso.disposal.approval.wizard"].with_user(self.second_administrator).create({"batch_id": batch.id})
        )
        with self.assertRaisesRegex(UserError, "Reason: rejecting a disposal needs a reason"):
            wizard.action_reject()
        wizard.reason = "Customer audit next month"
        wizard.action_reject()
        self.assertEqual(batch.state, "cancelled")
        self.assertEqual(set(batch.line_ids.mapped("state")), {"cancelled"})
        self.assertTrue(record.active)
        self.assertEqual(self.line_records(self.collect()), record, "a rejected record comes due again")

    # ------------------------------------------------------------------
    # applying
    # ------------------------------------------------------------------
    def test_archive_disposes_each_due_record_once(self):
        due = self.filed_record("2015-03-01") | self.filed_record("2015-04-01")
        not_due = self.filed_record("2024-01-01")
        batch = self.approve(self.collect())
        self.env["ir.config_parameter"].set_param("iso_records.disposal_chunk_size", "1")
        batch.with_user(self.iso_administrator).action_dispose_now()
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.done_count, len(batch.line_ids))
        self.assertFalse(due.exists().filtered("active"))
        self.assertEqual(due.mapped("disposal_action"), ["archive", "archive"])
        self.assertEqual(due.mapped("disposed_date"), [self.today, self.today])
        self.assertEqual(due.disposal_batch_id, batch)
        self.assertTrue(not_due.active)
        self.assertFalse(not_due.disposal_action)
        events = self.disposal_events(due | not_due)
        self.assertEqual(sorted(events.mapped("res_id")), sorted(due.ids))
        self.assertIn(batch.name, events[0].reason)
        self.assertIn(self.second_administrator.name, events[0].reason)
        batch._apply(commit=False)
        self.assertEqual(len(self.disposal_events(due)), 2, "running again disposes nothing twice")
        self.assertEqual(self.env["iso.trail.verification"]._verify().state, "intact")
        archived = self.env["iso.record"].search([("id", "in", due.ids)])
        self.assertFalse(archived, "archived records leave the default lists")

    def test_hold_placed_after_collection_wins(self):
        kept, disposed = self.filed_record("2015-03-01"), self.filed_record("2015-03-02")
        batch = self.collect()
        self.env["iso.legal.hold"].with_user(self.iso_administrator).create(
            {
                "name": "Regulator inquiry",
                "scope": "filter",
                "record_type_ids": [(6, 0, self.calibration_type.ids)],
                "date_from": "2015-03-01",
                "date_to": "2015-03-01",
            }
        )
        line = batch.line_ids.filtered(lambda line: line.res_id == kept.id)
        self.assertEqual(line.state, "held")
        self.approve(batch)
        batch._apply(commit=False)
        self.assertTrue(kept.active)
        self.assertFalse(self.disposal_events(kept))
        self.assertFalse(disposed.active)
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.held_count, 1)

    def test_hold_not_yet_seen_by_the_lines_is_checked_when_applying(self):
        record = self.filed_record("2015-03-01")
        batch = self.approve(self.collect())
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.iso_administrator)
            .create({"name": "Dispute", "scope": "records", "item_ids": hold_items(record)})
        )
        # A hold committed between collection and its own line update: simulate by resetting the line.
        self.env.cr.execute("UPDATE iso_disposal_line SET state = 'pending' WHERE batch_id = %s", [batch.id])
        self.env["iso.disposal.line"].invalidate_model()
        self.assertTrue(hold.held_count)
        batch._apply(commit=False)
        self.assertTrue(record.active)
        self.assertEqual(batch.line_ids.state, "held")

    def test_extended_retention_cancels_the_line(self):
        record = self.filed_record("2015-03-01")
        batch = self.approve(self.collect())
        self.archive_policy.with_user(self.iso_administrator).write({"duration": 50})
        self.assertEqual(record.retention_until, date(2065, 3, 1))
        batch._apply(commit=False)
        self.assertTrue(record.active)
        self.assertEqual(batch.line_ids.state, "cancelled")
        self.assertIn("No longer due", batch.line_ids.note)

    def test_purge_attachments_keeps_metadata_and_hashes(self):
        policy = self.policy("purge_attachments")
        attachment = self.make_attachment(self.iso_user, b"calibration values")
        record = self.filed_record("2015-03-01", policy=policy, attachment_ids=[(6, 0, attachment.ids)])
        revision = record.revision_id
        signed_hash, checksum = revision.content_hash, attachment.checksum
        with self.assertRaisesRegex(UserError, "is part of a signed, locked ISO record"):
            attachment.unlink()
        batch = self.approve(self.collect())
        batch._apply(commit=False)
        self.assertFalse(attachment.exists())
        self.assertTrue(record.active)
        self.assertEqual(record.disposal_action, "purge_attachments")
        self.assertEqual(revision.content_hash, signed_hash)
        self.assertIn(checksum, revision.attachment_manifest)
        self.assertFalse(revision.attachment_ids)
        self.assertIn(signed_hash, self.disposal_events(record).changes)

    def test_files_shared_with_a_newer_revision_are_kept(self):
        for action in ("purge_attachments", "delete"):
            with self.subTest(action=action):
                attachment = self.make_attachment(self.iso_user, f"procedure for {action}".encode())
                with freeze_time("2015-01-01"):
                    first = self.make_record(self.iso_user, attachment_ids=[(6, 0, attachment.ids)])
                    first.sudo().retention_policy_id = self.policy(action, start_event="ended")
                    first.action_submit()
                    self.sign(first.with_user(self.approver), self.approver, "approve")
                    second = self.env["iso.record"].browse(
                        first.with_user(self.iso_manager).action_new_revision()["res_id"]
                    )
                    second.with_user(self.iso_user).write({"change_reason": "Clearer steps"})
                    second.with_user(self.iso_user).action_submit()
                    self.sign(second.with_user(self.approver), self.approver, "approve")
                self.assertEqual(
                    (first.state, second.author_id, first.author_id), ("superseded", self.iso_manager, self.iso_user)
                )
                self.assertEqual(second.attachment_ids, attachment)
                self.approve(self.collect())._apply(commit=False)
                self.assertEqual(
                    first.exists().disposal_action or "deleted",
                    "purge_attachments" if action == "purge_attachments" else "deleted",
                )
                self.assertTrue(attachment.exists(), "the newer revision still uses the file")
                self.assertEqual(second.revision_id.attachment_ids, attachment)
                if action == "delete":
                    self.assertEqual((attachment.res_model, attachment.res_id), ("iso.record", second.id))

    def test_anonymise_removes_the_employee_everywhere_but_keeps_the_record(self):
        policy = self.policy("anonymise")
        employee = self.env["hr.employee"].create({"name": "Jane Departed"})
        record = self.filed_record(
            "2015-03-01",
            self.training_type,
            policy=policy,
            employee_id=employee.id,
            title="Forklift training of Jane Departed",
            body="<p>Jane Departed passed the test.</p>",
            reader_user_ids=[(6, 0, self.colleague.ids)],
        )
        revision = record.revision_id
        batch = self.approve(self.collect())
        batch._apply(commit=False)
        self.assertEqual(record.title, "Forklift training of [anonymised]")
        self.assertNotIn("Jane", record.body)
        self.assertFalse(record.employee_id)
        self.assertFalse(record.reader_user_ids)
        self.assertNotIn("Jane", revision.title + revision.body_snapshot)
        self.assertNotIn("Jane", batch.line_ids.reference)
        event = self.disposal_events(record)
        self.assertNotIn("Jane", event.reference + event.changes + event.reason)
        self.assertTrue(record.active)

    def test_departed_employees_are_anonymised_after_the_years_in_settings(self):
        employee = self.env["hr.employee"].create({"name": "Sam Leaver"})
        record = self.filed_record("2024-01-01", employee_id=employee.id, title="Inspection by Sam Leaver")
        employee.write({"departure_date": "2021-06-30"})
        self.assertFalse(self.collect(), "no anonymisation while Settings say 0 years")
        self.env["ir.config_parameter"].set_param("iso_records.anonymise_departed_years", "3")
        batch = self.collect()
        self.assertEqual(self.line_records(batch), record)
        self.assertEqual(batch.line_ids.origin, "departed")
        self.assertEqual(batch.line_ids.action, "anonymise")
        self.approve(batch)._apply(commit=False)
        self.assertEqual(record.title, "Inspection by [anonymised]")
        self.assertTrue(record.active, "the record itself is kept until its own retention ends")

    def test_delete_leaves_a_tombstone_and_a_certificate(self):
        policy = self.policy("delete")
        with freeze_time("2015-03-01"):
            record = self.make_record(self.iso_user, self.calibration_type, title="Old gauge calibration")
            record.sudo().retention_policy_id = policy
            record._iso_sign_as(self.iso_user.id, "file", "authored")
        reference, signed_hash = record.display_name, record.revision_id.content_hash
        record_id = record.id
        batch = self.approve(self.collect())
        batch._apply(commit=False)
        self.assertFalse(record.exists())
        self.assertFalse(
            self.env["iso.signature"].search([("res_model", "=", "iso.record"), ("res_id", "=", record_id)])
        )
        events = self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.record"), ("res_id", "=", record_id)], order="sequence"
        )
        self.assertEqual(events[-2:].mapped("event_type"), ["disposal", "delete"])
        self.assertIn(signed_hash, events[-2].changes)
        self.assertEqual(events[-1].reference, reference)
        self.assertEqual(self.env["iso.trail.verification"]._verify().state, "intact")
        line = batch.line_ids
        self.assertFalse(line_records(line))
        self.assertEqual((line.reference, line.content_hash, line.state), (reference, signed_hash, "done"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("iso_records.report_iso_disposal_certificate", batch.ids)[0]
            .decode()
        )
        for expected in (batch.name, reference, signed_hash, self.second_administrator.name, "Delete"):
            self.assertIn(expected, html)
        action = batch.with_user(self.iso_auditor).action_print_certificate()
        self.assertEqual(action["report_name"], "iso_records.report_iso_disposal_certificate")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("iso_records.report_iso_disposal_certificate", batch.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_policy_without_approval_is_swept_by_the_scheduled_action(self):
        policy = self.policy("archive", approval_required=False)
        record = self.filed_record("2015-03-01", policy=policy)
        self.env["ir.config_parameter"].set_param("iso_records.disposal_approval", "per_policy")
        self.Batch._cron_dispose()
        batch = record.disposal_batch_id
        self.assertEqual(batch.state, "done")
        self.assertFalse(batch.approver_id)
        self.assertFalse(record.active)
        self.assertIn("policy (no approval needed)", self.disposal_events(record).reason)

    def test_settings_can_require_approval_of_every_batch(self):
        policy = self.policy("archive", approval_required=False)
        record = self.filed_record("2015-03-01", policy=policy)
        self.Batch._cron_dispose()
        self.assertTrue(record.active)
        batch = self.Batch.search([("line_ids.res_model", "=", "iso.record"), ("line_ids.res_id", "=", record.id)])
        self.assertEqual(batch.state, "to_approve")

    # ------------------------------------------------------------------
    # reminders and settings
    # ------------------------------------------------------------------
    def test_reminders_reach_administrators_once(self):
        self.env["ir.config_parameter"].set_param("iso_records.retention_reminder_days", "60")
        policy = self.policy("archive")
        soon = self.today - timedelta(days=365) + timedelta(days=5)
        self.filed_record(soon, policy=policy)
        self.filed_record(soon + timedelta(days=1), policy=policy)
        reminder = self.env.ref("iso_records.mail_activity_type_iso_retention_reminder")
        self.env["iso.retention.policy"]._send_retention_reminders()
        self.env["iso.retention.policy"]._send_retention_reminders()
        activities = policy.activity_ids.filtered(lambda activity: activity.activity_type_id == reminder)
        self.assertEqual(
            sorted(activities.user_id.ids),
            sorted((self.iso_administrator | self.second_administrator | self.env.ref("base.user_admin")).ids),
        )
        self.assertIn("2 records", activities[0].summary)
        self.env["ir.config_parameter"].set_param("iso_records.retention_reminder_days", "0")
        activities.unlink()
        self.env["iso.retention.policy"]._send_retention_reminders()
        self.assertFalse(policy.activity_ids)

    def test_settings_refuse_negative_numbers(self):
        for name, label in (
            ("iso_retention_grace_days", "Grace days"),
            ("iso_retention_reminder_days", "Disposal reminder"),
            ("iso_anonymise_departed_years", "Anonymise departed employees"),
        ):
            with self.subTest(field=name), self.assertRaisesRegex(ValidationError, f"{label}.*must be zero or more"):
                self.env["res.config.settings"].create({name: -1})

    def test_settings_store_retention_choices(self):
        policy = self.policy("archive")
        settings = self.env["res.config.settings"].create(
            {
                "iso_default_retention_policy_id": policy.id,
                "iso_retention_grace_days": 45,
                "iso_disposal_approval": "per_policy",
                "iso_retention_reminder_days": 14,
                "iso_anonymise_departed_years": 7,
            }
        )
        settings.execute()
        get = self.env["ir.config_parameter"].get_param
        self.assertEqual(get("iso_records.retention_grace_days"), "45")
        self.assertEqual(get("iso_records.disposal_approval"), "per_policy")
        self.assertEqual(get("iso_records.anonymise_departed_years"), "7")
        self.assertEqual(self.Batch._disposal_cutoff(), self.today - timedelta(days=45))
        record_type = self.env["iso.record.type"].create({"name": "Forklift checks", "sequence_prefix": "FLC"})
        self.assertEqual(record_type.retention_policy_id, policy)
        action = self.env["res.config.settings"].create({}).action_iso_retention_per_record_type()
        self.assertEqual(action["res_model"], "iso.record.type")

    def test_settings_are_for_system_administrators(self):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.iso_administrator).create({"iso_retention_grace_days": 1})

    def test_attachment_guard_still_holds_outside_disposal(self):
        attachment = self.make_attachment(self.iso_user, b"signed")
        record = self.filed_record("2015-03-01", attachment_ids=[(6, 0, attachment.ids)])
        self.assertTrue(record.revision_id.attachment_ids)
        with self.assertRaisesRegex(UserError, "cannot be changed or deleted"):
            attachment.sudo().write({"datas": base64.b64encode(b"forged")})
