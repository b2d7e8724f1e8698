"""Retention a user can see happen: clocks that start on the day of their event, record types without a
policy flagged, a collection that says what it did, the Records Due list, and the demo's disposal batch."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..tools import iso_int_param
from .common import IsoRecordCase, line_records


@tagged("post_install", "-at_install")
class TestIsoRetentionUi(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Batch = cls.env["iso.disposal.batch"]
        cls.filed_5y = cls.env.ref("iso_records.retention_policy_filed_5y")
        cls.env["ir.config_parameter"].set_param("iso_records.retention_grace_days", "10")
        cls.env["ir.config_parameter"].set_param("iso_records.default_retention_policy_id", "")
        cls.today = fields.Date.context_today(cls.env["iso.record"])

    def filed(self, effective_date=None, company=None, title="Filed test record"):
        values = {"title": title, "effective_date": effective_date} if effective_date else {"title": title}
        if company:
            values["company_id"] = company.id
        # A user of the main company files there; the superuser files in another company.
        record = self.make_record(self.env.user if company else self.iso_user, self.calibration_type, **values)
        record._iso_file()
        return record

    def collect_everything_due(self):
        """Take out whatever is due already (demo data), so that a test sees only its own records."""
        self.Batch._collect(self.company)

    # ------------------------------------------------------------------
    # 1. The clock starts on the day of the event
    # ------------------------------------------------------------------
    def test_filed_record_clock_starts_on_its_effective_date(self):
        effective = self.today - relativedelta(months=7)
        record = self.make_record(self.iso_user, self.calibration_type, effective_date=effective)
        self.sign(record, self.iso_user, "file")
        self.assertEqual(record.state, "filed")
        self.assertEqual(record._iso_retention_event_date("filed"), effective)
        self.assertEqual(record.retention_start_date, effective, "not the day it was filed")
        self.assertEqual(record.retention_until, effective + relativedelta(years=5))
        undated = self.make_record(self.iso_user, self.calibration_type)
        self.sign(undated, self.iso_user, "file")
        self.assertEqual(undated.retention_start_date, self.today, "no effective date: filed today, starts today")

    def test_superseded_document_clock_starts_when_the_next_revision_takes_effect(self):
        first = self.approved_procedure(effective_date=self.today - relativedelta(years=2))
        second = self.env["iso.record"].browse(first.with_user(self.iso_user).action_new_revision()["res_id"])
        next_effective = self.today - timedelta(days=10)
        second.with_user(self.iso_user).write({"change_reason": "Update", "effective_date": next_effective})
        second.with_user(self.iso_user).action_submit()
        self.sign(second.with_user(self.approver), self.approver, "approve")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.retention_start_date, next_effective)
        self.assertEqual(first.retention_until, next_effective + relativedelta(years=3))

    def test_obsolete_document_clock_starts_when_it_is_made_obsolete(self):
        document = self.approved_procedure(effective_date=self.today - relativedelta(years=2))
        self.sign(document.with_user(self.approver), self.approver, "obsolete", reason="Process dropped")
        self.assertEqual(document.state, "obsolete")
        self.assertFalse(document._iso_retention_event_date("ended"), "no date of its own")
        self.assertEqual(document.retention_start_date, self.today)

    def test_explicit_start_date_wins_over_the_records_date(self):
        employee = self.employee_of[self.colleague]
        record = self.make_record(
            self.iso_user, self.training_type, employee_id=employee.id, effective_date=self.today - timedelta(days=90)
        )
        record.action_file()
        departure = self.today - timedelta(days=30)
        employee.write({"departure_date": departure})
        self.assertEqual(record.retention_start_date, departure)

    def test_demo_clocks_start_on_the_demo_records_dates(self):
        caliper = self.env.ref("iso_records.iso_record_demo_calibration_caliper", raise_if_not_found=False)
        if not caliper:
            self.skipTest("demo data not installed")
        self.assertEqual(caliper.retention_start_date, caliper.effective_date)
        self.assertLess(caliper.effective_date, caliper.create_date.date(), "dated before the install")
        superseded = self.env.ref("iso_records.iso_record_demo_procedure_calibration")
        self.assertEqual(superseded.state, "superseded")
        self.assertEqual(superseded.retention_start_date, superseded.superseded_by_id.effective_date)

    # ------------------------------------------------------------------
    # 2. Record types without a retention policy are flagged
    # ------------------------------------------------------------------
    def test_record_type_without_policy_is_flagged_and_filtered(self):
        Type = self.env["iso.record.type"].with_user(self.iso_administrator)
        bare = Type.create({"name": "Ladder inspection (test)", "sequence_prefix": "LADT"})
        kept = Type.create(
            {"name": "Crane inspection (test)", "sequence_prefix": "CRNT", "retention_policy_id": self.filed_5y.id}
        )
        self.assertTrue(bare.without_retention_policy)
        self.assertFalse(kept.without_retention_policy)
        flagged = Type.search([("without_retention_policy", "=", True)])
        self.assertIn(bare, flagged)
        self.assertNotIn(kept, flagged)
        self.assertIn(kept, Type.search([("without_retention_policy", "=", False)]))
        self.assertIn(kept, Type.search([("without_retention_policy", "!=", True)]))
        with self.assertRaisesRegex(UserError, "Without Retention Policy: only 'is set' and 'is not set'"):
            Type.search([("without_retention_policy", "in", [True])])
        bare.retention_policy_id = self.filed_5y
        self.assertFalse(bare.without_retention_policy)
        self.assertNotIn(bare, Type.search([("without_retention_policy", "=", True)]))

    def test_settings_default_policy_is_given_to_new_types_so_they_are_not_flagged(self):
        self.env["ir.config_parameter"].set_param("iso_records.default_retention_policy_id", str(self.filed_5y.id))
        record_type = (
            self.env["iso.record.type"]
            .with_user(self.iso_administrator)
            .create({"name": "Boiler check (test)", "sequence_prefix": "BOIT"})
        )
        self.assertEqual(record_type.retention_policy_id, self.filed_5y)
        self.assertFalse(record_type.without_retention_policy)

    def test_demo_training_types_have_a_policy(self):
        forklift = self.env.ref("iso_records.record_type_demo_forklift_training", raise_if_not_found=False)
        if not forklift:
            self.skipTest("demo data not installed")
        first_aid = self.env.ref("iso_records.record_type_demo_first_aid_training")
        employment = self.env.ref("iso_records.retention_policy_employment_5y")
        self.assertEqual((forklift | first_aid).retention_policy_id, employment)
        self.assertEqual(self.env.ref("iso_records.iso_record_demo_forklift_keith").retention_policy_id, employment)
        flagged = self.env["iso.record.type"].search([("without_retention_policy", "=", True)])
        shipped = [xmlid for xmlid in flagged.get_external_id().values() if xmlid.startswith("iso_records.")]
        self.assertFalse(shipped, "every type of the data and the demo has a policy")

    def test_a_setting_of_zero_is_kept_as_zero(self):
        """Odoo drops an integer setting of 0, which brings the default back; ours mean "off" at 0."""
        params = self.env["ir.config_parameter"].sudo()
        settings = Form(self.env["res.config.settings"])
        settings.iso_retention_reminder_days = 0
        settings.save().execute()
        self.assertEqual(params.get_param("iso_records.retention_reminder_days"), "0")
        self.assertEqual(iso_int_param(self.env, "retention_reminder_days", 30), 0)
        self.assertEqual(self.env["res.config.settings"].create({}).iso_retention_reminder_days, 0)
        settings = Form(self.env["res.config.settings"])
        settings.iso_retention_reminder_days = 12
        settings.save().execute()
        self.assertEqual(iso_int_param(self.env, "retention_reminder_days", 30), 12)

    def test_settings_count_the_types_without_policy_and_open_them(self):
        settings = self.env["res.config.settings"].create({})
        before = settings.iso_record_type_without_policy_count
        self.env["iso.record.type"].create(
            [{"name": f"Unkept {n} (test)", "sequence_prefix": f"UNK{n}"} for n in range(2)]
        )
        # As the Settings form loads it (its onchange), not only as the ORM computes it.
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.iso_record_type_without_policy_count, before + 2)
        self.assertEqual(
            settings.iso_record_type_without_policy_text, f"{before + 2} record types have no retention policy"
        )
        settings = settings.save()
        action = settings.action_iso_record_types_without_policy()
        self.assertEqual(action["res_model"], "iso.record.type")
        self.assertEqual(action["context"], {"search_default_without_retention_policy": 1})
        arch = etree.fromstring(
            self.env["iso.record.type"]
            .with_user(self.iso_administrator)
            .get_views([(action["views"][0][0], "list"), (False, "search")])["views"]["search"]["arch"]
        )
        self.assertTrue(arch.xpath("//filter[@name='without_retention_policy']"))

    def test_one_type_without_policy_reads_in_the_singular(self):
        flagged = self.env["iso.record.type"].search([("without_retention_policy", "=", True)])
        flagged.retention_policy_id = self.filed_5y
        self.env["iso.record.type"].create({"name": "Unkept (test)", "sequence_prefix": "UNKS"})
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.iso_record_type_without_policy_text, "1 record type has no retention policy")

    def test_record_type_form_warns_and_offers_to_set_the_policy(self):
        Type = self.env["iso.record.type"].with_user(self.iso_administrator)
        form = etree.fromstring(Type.get_views([(False, "form")])["views"]["form"]["arch"])
        [banner] = form.xpath("//div[contains(@class, 'alert-warning')]")
        self.assertEqual(banner.get("invisible"), "not id or retention_policy_id")
        self.assertTrue(banner.xpath(".//button[@name='action_open_retention_policy']"))
        listing = etree.fromstring(Type.get_views([(False, "list")])["views"]["list"]["arch"])
        self.assertEqual(listing.get("decoration-warning"), "without_retention_policy")
        bare = Type.create({"name": "Forklift check (test)", "sequence_prefix": "FLCT"})
        action = bare.action_open_retention_policy()
        self.assertEqual((action["res_model"], action["res_id"], action["target"]), ("iso.record.type", bare.id, "new"))
        dialog = etree.fromstring(Type.get_views([(action["views"][0][0], "form")])["views"]["form"]["arch"])
        self.assertTrue(dialog.xpath("//field[@name='retention_policy_id'][@required='1']"))
        with self.assertRaises(UserError):
            (bare | self.calibration_type).with_user(self.iso_administrator).action_open_retention_policy()

    # ------------------------------------------------------------------
    # 3. Collecting says what it did
    # ------------------------------------------------------------------
    def test_collect_with_nothing_due_says_so(self):
        self.collect_everything_due()
        action = self.Batch.with_user(self.iso_administrator).action_collect_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "Nothing is due for disposal today.")
        self.assertIs(action["params"]["sticky"], False)
        self.assertNotIn("next", action["params"])

    def test_collect_says_how_many_records_batches_and_lines_and_opens_the_batch(self):
        self.collect_everything_due()
        old = self.today - relativedelta(years=6)
        records = self.filed(old, title="Old gauge A") | self.filed(old, title="Old gauge B")
        self.filed(self.today - relativedelta(years=1), title="Recent gauge")
        action = self.Batch.with_user(self.iso_administrator).action_collect_now()
        params = action["params"]
        self.assertEqual(params["message"], "Collected 2 records into 1 disposal batch (2 lines).")
        self.assertIs(params["sticky"], False)
        self.assertEqual(params["type"], "success")
        batch = self.Batch.browse(params["next"]["res_id"])
        self.assertEqual((params["next"]["res_model"], params["next"]["views"]), (batch._name, [(False, "form")]))
        self.assertEqual(line_records(batch.line_ids), records)
        self.assertEqual(batch.requested_by_id, self.iso_administrator)

    def test_collect_one_record_reads_in_the_singular(self):
        self.collect_everything_due()
        self.filed(self.today - relativedelta(years=6))
        action = self.Batch.with_user(self.iso_administrator).action_collect_now()
        self.assertEqual(action["params"]["message"], "Collected 1 record into 1 disposal batch (1 line).")

    def test_collect_in_every_selected_company(self):
        self.collect_everything_due()
        self.Batch._collect(self.company_b)
        self.iso_administrator.company_ids = [Command.link(self.company_b.id)]
        old = self.today - relativedelta(years=6)
        for title in ("Gauge of A", "Other gauge of A"):
            self.filed(old, title=title)
        self.filed(old, company=self.company_b, title="Gauge of B")
        Batch = self.Batch.with_user(self.iso_administrator).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        )
        params = Batch.action_collect_now()["params"]
        self.assertEqual(params["message"], "Collected 3 records into 2 disposal batches (3 lines).")
        batches = self.Batch.search(params["next"]["domain"])
        self.assertEqual(batches.company_id, self.company | self.company_b)
        self.assertEqual(params["next"]["views"], [(False, "list"), (False, "form")])

    def test_collect_buttons_of_records_due_and_settings(self):
        self.collect_everything_due()
        with self.assertRaisesRegex(UserError, "only ISO administrators collect"):
            self.env["iso.record"].with_user(self.iso_manager).action_collect_due_records()
        self.filed(self.today - relativedelta(years=6))
        action = self.env["iso.record"].with_user(self.iso_administrator).action_collect_due_records()
        self.assertEqual(action["params"]["message"], "Collected 1 record into 1 disposal batch (1 line).")
        action = self.env["res.config.settings"].create({}).action_iso_collect_due_records()
        self.assertEqual(action["params"]["message"], "Nothing is due for disposal today.")

    # ------------------------------------------------------------------
    # 5. Records Due
    # ------------------------------------------------------------------
    def test_records_due_list_for_an_iso_administrator(self):
        administrator = self.iso_administrator
        self.assertFalse(administrator._is_superuser() or administrator._is_admin())
        action = (
            self.env["ir.actions.act_window"]
            .with_user(administrator)
            ._for_xml_id("iso_records.iso_record_action_retention_due")
        )
        views = (
            self.env["iso.record"]
            .with_user(administrator)
            .get_views([(action["view_id"][0], "list"), (action["search_view_id"][0], "search")])["views"]
        )
        listing = etree.fromstring(views["list"]["arch"])
        self.assertEqual(listing.get("create"), "0")
        self.assertEqual(listing.xpath("//field[@name='retention_until']/@string"), ["Retention Until"])
        for name in ("retention_action", "on_hold", "retention_policy_id", "retention_collectable"):
            self.assertTrue(listing.xpath(f"//field[@name='{name}']"), name)
        self.assertTrue(listing.xpath("//header/button[@name='action_collect_due_records']"))
        search = etree.fromstring(views["search"]["arch"])
        for name in ("retention_due", "retention_collectable", "retention_due_soon", "on_hold", "not_on_hold"):
            self.assertTrue(search.xpath(f"//filter[@name='{name}']"), name)
        self.assertIn("search_default_retention_due", action["context"])
        auditor_list = etree.fromstring(
            self.env["iso.record"]
            .with_user(self.iso_auditor)
            .get_views([(action["view_id"][0], "list")])["views"]["list"]["arch"]
        )
        self.assertFalse(auditor_list.xpath("//button[@name='action_collect_due_records']"), "auditors only read")

    def test_due_and_ready_for_disposal_filters(self):
        ready = self.filed(self.today - relativedelta(years=5, days=20))
        in_grace = self.filed(self.today - relativedelta(years=5, days=3))
        soon = self.filed(self.today - relativedelta(years=5) + timedelta(days=40))
        Record = self.env["iso.record"].with_user(self.iso_administrator)
        due = Record.search([("retention_due", "=", True)])
        collectable = Record.search([("retention_collectable", "=", True)])
        self.assertIn(ready, due)
        self.assertIn(in_grace, due)
        self.assertNotIn(soon, due)
        self.assertIn(ready, collectable)
        self.assertNotIn(in_grace, collectable, "within the grace days")
        self.assertNotIn(ready, Record.search([("retention_collectable", "=", False)]))
        self.assertEqual((ready.retention_collectable, in_grace.retention_collectable), (True, False))
        self.assertEqual(ready.retention_action, "archive")
        batch = self.Batch._collect(self.company)
        self.assertIn(ready, line_records(batch.line_ids))
        self.assertNotIn(in_grace, line_records(batch.line_ids))
        batch._approve_as(self.iso_administrator.id, "Test: retention over")
        self.assertEqual((batch.state, batch.approver_id), ("approved", self.iso_administrator))
        batch.sudo()._apply(commit=False)
        ready = ready.with_context(active_test=False)
        ready.invalidate_recordset()
        self.assertTrue(ready.disposed_date)
        self.assertFalse(ready.retention_due, "disposed of: no longer due")
        self.assertNotIn(ready, Record.with_context(active_test=False).search([("retention_due", "=", True)]))

    # ------------------------------------------------------------------
    # 4. The demo's disposal batch
    # ------------------------------------------------------------------
    def test_demo_has_an_approved_batch_with_its_certificate(self):
        old = self.env.ref("iso_records.iso_record_demo_disposal_inspection_lot_12", raise_if_not_found=False)
        if not old:
            self.skipTest("demo data not installed")
        old = old.with_context(active_test=False)
        batch = old.disposal_batch_id
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.approver_id, self.env.ref("base.user_admin"))
        self.assertEqual(len(batch.approval_hash), 64)
        self.assertEqual(batch.done_count, 3)
        self.assertFalse(old.active, "archived as the policy says")
        self.assertEqual(old.retention_start_date, old.effective_date)
        report = batch.with_user(self.iso_auditor).action_print_certificate()
        self.assertEqual(report["report_name"], "iso_records.report_iso_disposal_certificate")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("iso_records.action_report_iso_disposal_certificate", batch.ids)[0]
            .decode()
        )
        self.assertIn("Final Inspection, Large Desk, Lot 12", html)


@tagged("post_install", "-at_install")
class TestIsoRetentionCollectTour(HttpCase):
    def test_administrator_collects_due_records_and_opens_the_demo_batch(self):
        if not self.env.ref("iso_records.iso_record_demo_disposal_inspection_lot_12", raise_if_not_found=False):
            self.skipTest("demo data not installed")
        administrator = new_test_user(
            self.env,
            "tour_iso_collector",
            groups="base.group_user,iso_records.group_iso_administrator",
            password="tour_iso_collector",
            name="Tour ISO Collector",
        )
        self.assertFalse(administrator._is_admin())
        company = self.env.company
        self.env["iso.disposal.batch"]._collect(company)
        record = self.env["iso.record"].create(
            {
                "title": "Tour inspection filed six years ago",
                "record_type_id": self.env.ref("iso_records.record_type_inspection_report").id,
                "body": "<p>Lot accepted.</p>",
                "effective_date": fields.Date.today() - relativedelta(years=6),
            }
        )
        record._iso_file()
        self.assertTrue(record.retention_collectable)
        self.start_tour(
            "/odoo/action-iso_records.iso_record_action_retention_due",
            "iso_records_retention_collect_tour",
            login=administrator.login,
        )
        batch = self.env["iso.disposal.batch"].search([("requested_by_id", "=", administrator.id)])
        self.assertEqual(line_records(batch.line_ids), record)
        self.assertEqual(batch.state, "to_approve")
