"""Overdue CAPA actions escalate to the manager of the CAPA owner (the contract's escalation of action
lines): one "CAPA action overdue" activity on the CAPA per action and deadline, by the daily cron; two cron
workers at once give each escalation once (the contract's two-worker test, on CAPAs)."""

from datetime import date

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.addons.iso_records_test_contract.tests import test_action_escalation as contract_escalation
from odoo.tests import freeze_time, tagged

from .common import CapaCase

OVERDUE = "iso_records_capa.mail_activity_type_capa_action_overdue"


@tagged("post_install", "-at_install")
class TestActionEscalation(CapaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The CAPA owner (iso_manager) reports to the production manager.
        cls.employee_of[cls.iso_manager].parent_id = cls.employee_of[cls.production_manager]

    def escalations(self, capa):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "iso.capa"),
                ("res_id", "=", capa.id),
                ("activity_type_id", "=", self.env.ref(OVERDUE).id),
            ]
        )

    def run_cron(self, day):
        with freeze_time(day):
            self.env.invalidate_all()
            cron = self.env.ref("iso_records.ir_cron_iso_action_escalation").sudo()
            self.assertEqual(cron.code, "model._cron_escalate_late_actions()")
            return self.env[cron.model_id.model]._cron_escalate_late_actions()

    def test_overdue_action_escalates_once_to_the_owners_manager(self):
        capa = self.make_capa(
            action_ids=[
                Command.create(
                    {"description": "Pad the table", "user_id": self.iso_user.id, "date_deadline": date(2026, 6, 30)}
                ),
                Command.create(
                    {"description": "Sort the stock", "user_id": self.colleague.id, "date_deadline": date(2026, 6, 30)}
                ),
            ]
        )
        self.run_cron("2026-07-02")
        self.assertFalse(self.escalations(capa), "a draft CAPA's actions are not escalated")
        self.force_state(capa, "action")
        pad, sort = capa.action_ids
        with freeze_time("2026-06-30"):
            sort.with_user(self.colleague).action_mark_done()
        self.run_cron("2026-07-01")
        escalation = self.escalations(capa)
        self.assertEqual(len(escalation), 1, "the open late action only")
        self.assertEqual(escalation.user_id, self.production_manager)
        self.assertEqual(escalation.date_deadline, date(2026, 6, 30))
        self.assertIn("Pad the table", escalation.summary)
        self.assertIn(self.iso_user.name, escalation.summary)
        self.assertEqual(pad.escalated_deadline, date(2026, 6, 30))
        self.run_cron("2026-07-02")
        self.assertEqual(self.escalations(capa), escalation, "once per action and deadline")
        self.assertFalse(sort.escalated_deadline)


@tagged("post_install", "-at_install")
class TestCapaActionEscalationTwoWorkers(contract_escalation.TestActionEscalationTwoWorkers):
    """The contract's two-worker escalation test, on CAPAs being carried out and their actions."""

    RECORD_MODEL = "iso.capa"
    LINE_MODEL = "iso.capa.action"
    OVERDUE_TYPE = OVERDUE

    def make_records(self, env, company, employees, late, tag):
        capas = env["iso.capa"].create(
            [
                {
                    "title": f"Escalated CAPA {index} {tag}",
                    "company_id": company.id,
                    "owner_id": employees["owner"].id,
                    "action_ids": [
                        Command.create(
                            {
                                "description": f"Action {index}.{line}",
                                "user_id": employees["doer"].user_id.id,
                                "date_deadline": late,
                            }
                        )
                        for line in range(self.LINES)
                    ],
                }
                for index in range(self.RECORDS)
            ]
        )
        workflow(capas).write({"state": "action"})
        return capas

    def delete_records(self, env, ids):
        env.cr.execute("DELETE FROM iso_capa_action WHERE capa_id = ANY(%s)", [ids])
        env.cr.execute("DELETE FROM iso_capa WHERE id = ANY(%s)", [ids])
