from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.iso_records.tools import workflow
from odoo.tests import HttpCase, tagged

from .common import AuditCase


@tagged("post_install", "-at_install")
class TestAuditGenerateTour(AuditCase, HttpCase):
    def test_manager_generates_audits_and_picks_an_independent_auditor(self):
        today = fields.Date.context_today(self.Audit)
        programme = self.env["iso.audit.programme"].create(
            {
                "name": "Tour programme",
                "standard_ids": [Command.set(self.standard_9001.ids)],
                "cycle_start": today - relativedelta(months=6),
                "line_ids": [
                    Command.create(
                        {
                            "department_id": self.production.id,
                            "clause_ids": [Command.set(self.clause_8_5_1.ids)],
                            "frequency_months": 12,
                        }
                    )
                ],
            }
        )
        workflow(programme).write({"state": "active"})
        floor_auditor = self.env["hr.employee"].create(
            {"name": "Floor auditor (test)", "department_id": self.assembly.id}
        )
        self.file_auditor_training(floor_auditor, today - timedelta(days=30))

        self.start_tour("/odoo", "iso_records_audit_generate_tour", login=self.iso_manager.login)

        audit = programme.audit_ids
        self.assertEqual(len(audit), 1, "one audit generated for the line's due date")
        self.assertEqual((audit.state, audit.department_id), ("planned", self.production))
        self.assertEqual(audit.auditor_ids.employee_id, self.lead_employee)
        self.assertEqual(audit.lead_auditor_id.employee_id, self.lead_employee)
        self.assertNotIn(floor_auditor, audit.auditor_ids.employee_id)
