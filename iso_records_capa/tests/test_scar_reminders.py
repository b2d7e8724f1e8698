from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestScarReminders(CapaCase):
    """The supplier's contact is reminded the days of Settings before the deadline and once it is past, once per
    deadline; a moved deadline reminds again; answered, draft and cancelled requests are not reminded."""

    def reminders_of(self, request, subject):
        return request.message_ids.filtered(
            lambda message: self.supplier_contact in message.partner_ids and subject in (message.subject or "")
        )

    def test_before_and_after_the_deadline_once_each(self):
        today = fields.Date.context_today(self.SupplierRequest)
        self.env["ir.config_parameter"].sudo().set_param("iso_records.scar_reminder_days", 3)
        soon = self.make_supplier_request(deadline=today + timedelta(days=2))
        later = self.make_supplier_request(deadline=today + timedelta(days=20))
        answered = self.make_supplier_request(deadline=today + timedelta(days=1))
        draft = self.make_supplier_request(deadline=today + timedelta(days=1))
        (soon | later | answered).with_user(self.iso_manager).action_send()
        answered._iso_supplier_answer(self.supplier_answer(), [], self.portal_user)
        Request = self.SupplierRequest

        self.assertEqual(Request._cron_remind_suppliers(), (1, 0))
        self.assertEqual(len(self.reminders_of(soon, "Reminder")), 1)
        self.assertEqual(soon.reminder_before_date, soon.deadline)
        self.assertFalse(self.reminders_of(later, "Reminder") | self.reminders_of(answered, "Reminder"))
        self.assertFalse(draft.message_ids.filtered(lambda message: "Reminder" in (message.subject or "")))
        self.assertEqual(Request._cron_remind_suppliers(), (0, 0), "a re-run reminds nobody twice")

        soon.sudo().deadline = today - timedelta(days=1)
        self.assertEqual(Request._cron_remind_suppliers(), (0, 1))
        self.assertEqual(len(self.reminders_of(soon, "Overdue")), 1)
        self.assertEqual(Request._cron_remind_suppliers(), (0, 0))

        soon.sudo().deadline = today + timedelta(days=1)
        self.assertEqual(Request._cron_remind_suppliers(), (1, 0), "a moved deadline reminds again")
        self.assertEqual(len(self.reminders_of(soon, "Reminder")), 2)

    def test_the_cron_runs_the_reminders(self):
        cron = self.env.ref("iso_records_capa.ir_cron_iso_scar_reminders")
        self.assertEqual(cron.code.strip(), "model._cron_remind_suppliers()")
        request = self.make_supplier_request(deadline=fields.Date.context_today(self.SupplierRequest))
        request.with_user(self.iso_manager).action_send()
        cron.method_direct_trigger()
        self.assertEqual(len(self.reminders_of(request, "Reminder")), 1)
