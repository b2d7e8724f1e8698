"""The demo data of iso_records_capa, read as the ISO manager who runs it (Sharlene Rhodes): each story is in
the state the demo says, reached by the workflow (triage, the portal answer, the effectiveness check, the
signed closure), not written."""

import unittest
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, tagged


def skip_without_demo(env):
    if not env["ir.module.module"].search([("name", "=", "iso_records_capa")]).demo:
        raise unittest.SkipTest("iso_records_capa is installed without its demo data")


@tagged("post_install", "-at_install")
class TestCapaDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        skip_without_demo(cls.env)
        cls.manager = cls.env.ref("iso_records.user_iso_manager")
        cls.iso_user = cls.env.ref("iso_records.user_iso_user")
        cls.marc = cls.env.ref("base.user_demo")
        cls.admin = cls.env.ref("base.user_admin")
        cls.portal_user = cls.env.ref("iso_records_capa.user_supplier_quality")
        cls.today = fields.Date.context_today(cls.env["iso.capa"])

    def as_manager(self, xmlid):
        """The record as the ISO manager reads it."""
        return self.env.ref(xmlid).with_user(self.manager)

    def test_supplier_portal_user(self):
        user = self.portal_user
        self.assertEqual(user.login, "supplier.quality")
        self.assertTrue(user.share)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_user"))
        self.assertEqual(user.partner_id.commercial_partner_id, self.env.ref("base.res_partner_4"))
        # Its password is its login, as for the other demo users.
        user.with_user(user)._check_credentials(
            {"login": "supplier.quality", "password": "supplier.quality", "type": "password"},
            {"interactive": False},
        )

    def test_nonconformities_triaged_by_the_manager(self):
        for xmlid in (
            "iso_records_capa.iso_nonconformity_demo_gas_lifts",
            "iso_records_capa.iso_nonconformity_demo_gas_lifts_repeat",
            "iso_records_capa.iso_nonconformity_demo_varnish_runs",
        ):
            nonconformity = self.as_manager(xmlid)
            self.assertEqual(nonconformity.triaged_by_id, self.manager, xmlid)
            self.assertEqual(nonconformity.triaged_date, self.today, xmlid)
            self.assertNotEqual(nonconformity.name, "/", xmlid)
            self.assertTrue(
                nonconformity.containment_deadline
                and nonconformity.root_cause_deadline
                and nonconformity.closure_deadline,
                xmlid,
            )
            self.assertFalse(nonconformity.overdue, xmlid)
        first = self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts")
        self.assertEqual((first.state, first.priority, first.capa_required), ("in_progress", "medium", False))

    def test_repeat_marked_by_the_repeat_detection(self):
        first = self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts")
        repeat = self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts_repeat")
        self.assertFalse(first.is_repeat)
        self.assertEqual(first.repeat_count, 0)
        self.assertTrue(repeat.is_repeat)
        self.assertEqual(repeat.repeat_of_id, first)
        self.assertEqual(repeat.repeat_ids, first)
        self.assertEqual(repeat.repeat_count, 1)
        self.assertLessEqual(repeat.date - first.date, timedelta(days=repeat._iso_repeat_window_days()))
        self.assertEqual(repeat.priority, "high")
        self.assertTrue(repeat.capa_required)
        self.assertEqual(repeat.state, "in_progress")
        # The closed varnish nonconformity repeats nothing and is repeated by nothing.
        varnish = self.as_manager("iso_records_capa.iso_nonconformity_demo_varnish_runs")
        self.assertFalse(varnish.is_repeat)
        self.assertNotIn(varnish, (first | repeat).repeat_ids)

    def test_supplier_request_accepted(self):
        request = self.as_manager("iso_records_capa.iso_supplier_request_demo_gas_lifts")
        self.assertEqual(request.state, "accepted")
        self.assertEqual(request.nonconformity_id, self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts"))
        self.assertEqual(request.contact_id, self.portal_user.partner_id)
        self.assertEqual(request.date_sent, self.today)
        self.assertEqual(request.answered_by_id, self.portal_user)
        self.assertTrue(request.answered_on_time)
        self.assertEqual(request.accepted_date, self.today)
        self.assertEqual(request.return_count, 0)
        self.assertIn("hardness check", request.supplier_root_cause)
        self.assertEqual(request.supplier_attachment_ids.mapped("name"), ["load_test_ready_mat.txt"])
        self.assertFalse(request.activity_ids.filtered(lambda activity: activity.user_id == self.manager))

    def test_supplier_request_sent_back_then_answered_again(self):
        request = self.as_manager("iso_records_capa.iso_supplier_request_demo_gas_lifts_repeat")
        self.assertEqual(request.state, "answered")
        self.assertEqual(request.return_count, 1)
        self.assertIn("Operator error is not a root cause", request.returned_comment)
        # The second answer replaced the first.
        self.assertIn("not enforced", request.supplier_root_cause)
        self.assertTrue(request.supplier_why_3)
        self.assertEqual(request.answered_by_id, self.portal_user)
        self.assertEqual(request.supplier_attachment_ids.mapped("name"), ["seal_hardness_checks.txt"])
        # The owner is asked to review the new answer.
        review = request.activity_ids.filtered(lambda activity: activity.user_id == self.manager)
        self.assertEqual(len(review), 1)
        self.assertGreater(request.deadline, self.today)

    def test_capa_in_progress(self):
        capa = self.as_manager("iso_records_capa.iso_capa_demo_gas_lifts")
        self.assertEqual(capa.state, "action")
        self.assertEqual(
            capa.nonconformity_ids,
            self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts")
            | self.as_manager("iso_records_capa.iso_nonconformity_demo_gas_lifts_repeat"),
        )
        self.assertEqual(capa.why_ids.mapped("sequence"), [1, 2, 3, 4, 5])
        self.assertTrue(all(capa.why_ids.mapped("answer")))
        self.assertGreaterEqual(len(set(capa.cause_ids.mapped("category"))), 3)
        self.assertTrue(capa.cause_ids.filtered("is_root"))
        self.assertTrue(capa.root_cause)
        self.assertEqual(capa.root_cause_category, "method")
        states = {
            xmlid: self.env.ref(f"iso_records_capa.iso_capa_action_demo_gas_lifts_{xmlid}").action_state
            for xmlid in ("receipt", "instruction", "rig")
        }
        self.assertEqual(states, {"receipt": "done", "instruction": "open", "rig": "late"})
        for action in capa.action_ids:
            self.assertTrue(action.user_id and action.date_deadline, action.display_name)
        done = self.env.ref("iso_records_capa.iso_capa_action_demo_gas_lifts_receipt")
        self.assertEqual(done.date_done, self.today)
        # Each open action is an activity of its owner on the CAPA; the one done is not.
        open_actions = capa.action_ids.filtered(lambda action: not action.date_done)
        self.assertEqual(len(open_actions), 2)
        for action in open_actions:
            self.assertEqual(action.activity_id.user_id, action.user_id)
            self.assertEqual(action.activity_id.res_id, capa.id)
        self.assertFalse(done.activity_id)
        self.assertFalse(capa.verification_ids)
        self.assertFalse(capa._iso_verifier_conflict())

    def test_capa_closed_effective(self):
        capa = self.as_manager("iso_records_capa.iso_capa_demo_varnish")
        self.assertEqual(capa.state, "closed")
        self.assertEqual(capa.closed_by_id, self.manager)
        self.assertEqual(capa.owner_user_id, self.manager)
        self.assertTrue(all(capa.action_ids.mapped("date_done")))
        self.assertEqual(capa.action_ids.user_id, self.iso_user | self.marc)
        self.assertEqual(capa.effectiveness_due_date, self.today + timedelta(days=capa.effectiveness_days))
        check = capa.verification_ids
        self.assertEqual(len(check), 1)
        self.assertEqual((check.result, check.verifier_id, check.date), ("effective", self.admin, self.today))
        self.assertTrue(check.evidence)
        self.assertEqual(check.repeat_count, 0)
        # Independent: the verifier owns neither the CAPA nor an action.
        self.assertNotIn(check.verifier_id, capa.owner_user_id | capa.action_ids.user_id)
        signatures = (
            self.env["iso.signature"]
            .sudo()
            .search([("res_model", "=", "iso.capa"), ("res_id", "=", capa.id), ("operation", "=", "close")])
        )
        self.assertEqual(len(signatures), 1)
        self.assertEqual((signatures.signer_id, signatures.meaning), (self.manager, "closed"))
        self.assertFalse(capa.activity_ids)
        nonconformity = self.as_manager("iso_records_capa.iso_nonconformity_demo_varnish_runs")
        self.assertEqual(nonconformity.capa_ids, capa)
        self.assertEqual(nonconformity.state, "closed")
        self.assertEqual(nonconformity.closed_by_id, self.manager)
        self.assertTrue(nonconformity.capa_required)


@tagged("post_install", "-at_install")
class TestCapaDemoPortal(HttpCase):
    def test_supplier_reads_its_requests_on_the_portal(self):
        skip_without_demo(self.env)
        accepted = self.env.ref("iso_records_capa.iso_supplier_request_demo_gas_lifts")
        answered = self.env.ref("iso_records_capa.iso_supplier_request_demo_gas_lifts_repeat")
        # The demo password is the login.
        self.authenticate("supplier.quality", "supplier.quality")
        listing = self.url_open("/my/iso/requests")
        self.assertEqual(listing.status_code, 200)
        self.assertIn(accepted.name, listing.text)
        self.assertIn(answered.name, listing.text)
        detail = self.url_open(f"/my/iso/requests/{answered.id}")
        self.assertEqual(detail.status_code, 200)
        # Its second answer, the one waiting for review, with its evidence.
        self.assertIn("not enforced: a soft batch passed on the night shift", detail.text)
        self.assertIn("seal_hardness_checks.txt", detail.text)
        self.assertNotIn("Operator error.", detail.text)
