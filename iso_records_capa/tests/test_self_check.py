from datetime import timedelta

from odoo import Command, fields
from odoo.addons.iso_records.tests.self_check_common import SelfCheckCase
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError
from odoo.tests import tagged

CAPA_CHECKS = ("capa_closed_not_effective", "capa_action_overdue", "supplier_request_overdue")


@tagged("post_install", "-at_install")
class TestSelfCheckCapa(SelfCheckCase):
    """The checks of corrective action; the closed CAPA without an effective verification can only be forced in
    SQL, which proves the check looks."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        yesterday = fields.Date.today() - timedelta(days=1)
        company = {"company_id": cls.company_c.id}
        Capa = env["iso.capa"]
        cls.unverified = Capa.create(
            {
                **company,
                "title": "Closed in SQL (test)",
                "owner_id": cls.owner_c.id,
                "root_cause": "No separators in the packing instruction.",
                "root_cause_category": "method",
            }
        )
        workflow(cls.unverified).write({"state": "verification"})
        cls.acting = Capa.create({**company, "title": "Acting (test)", "owner_id": cls.owner_c.id})
        cls.late_action = env["iso.capa.action"].create(
            {
                "capa_id": cls.acting.id,
                "description": "Separators at packing (test)",
                "user_id": cls.manager_c.id,
                "date_deadline": yesterday,
            }
        )
        workflow(cls.acting).write({"state": "action"})
        supplier = env["res.partner"].create({"name": "Castings (test)", "is_company": True})
        cls.late_request = env["iso.supplier.request"].create(
            {
                **company,
                "title": "Scratched castings (test)",
                "request": "Your corrective action, please.",
                "partner_id": supplier.id,
                "contact_id": env["res.partner"].create({"name": "Contact (test)", "parent_id": supplier.id}).id,
                "owner_id": cls.owner_c.id,
            }
        )
        workflow(cls.late_request).write({"state": "sent", "date_sent": yesterday, "deadline": yesterday})

    def force_closed_in_sql(self, capa):
        self.env.flush_all()
        self.env.cr.execute("UPDATE iso_capa SET state = 'closed' WHERE id = %s", [capa.id])
        capa.invalidate_recordset(["state"])

    def test_closing_without_an_effective_verification_is_refused(self):
        with self.refused(UserError, "no effective verification"):
            self.unverified.with_user(self.manager_c).action_open_close()
        self.assert_passes(self.run_checks(), "capa_closed_not_effective")

    def test_each_check_fails_once_and_passes_once_fixed(self):
        self.force_closed_in_sql(self.unverified)
        run = self.run_checks()
        self.assert_fails_once(run, "capa_closed_not_effective", self.unverified)
        self.assert_fails_once(run, "capa_action_overdue", self.late_action)
        self.assert_fails_once(run, "supplier_request_overdue", self.late_request)
        self.assertEqual(self.line(run, "supplier_request_overdue").clause, "ISO 9001 8.4")

        workflow(self.unverified).write(
            {
                "verification_ids": [
                    Command.create({"verifier_id": self.admin_c.id, "result": "effective", "date": fields.Date.today()})
                ]
            }
        )
        workflow(self.late_action).write({"date_done": fields.Date.today()})
        workflow(self.late_request).write({"deadline": fields.Date.today() + timedelta(days=7)})
        fixed = self.run_checks()
        for key in CAPA_CHECKS:
            self.assert_passes(fixed, key)

    def test_a_not_effective_verification_does_not_count(self):
        workflow(self.unverified).write(
            {"verification_ids": [Command.create({"verifier_id": self.admin_c.id, "result": "not_effective"})]}
        )
        self.force_closed_in_sql(self.unverified)
        self.assert_fails_once(self.run_checks(), "capa_closed_not_effective", self.unverified)
