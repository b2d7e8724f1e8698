from datetime import timedelta

from odoo.tests import tagged

from .test_contract import TEST_MODEL, ContractCase


@tagged("post_install", "-at_install")
class TestScheduleOnceSend(ContractCase):
    """A reminder that is not an activity (an e-mail to a supplier's contact): _iso_schedule_once with ``send``
    calls it once per record and date, creates no activity, and a moved date reminds again."""

    def test_send_is_called_once_per_date_without_activity(self):
        first, second = self.make(self.iso_user), self.make(self.iso_user)
        records = (first | second).sudo()
        records.write({"closed_on": self.today})
        sent = []
        before = self.env["mail.activity"].search_count([("res_model", "=", TEST_MODEL)])

        def remind():
            return records._iso_schedule_once(None, "closed_on", "reminded_on", None, send=sent.append)

        self.assertEqual(remind(), 2)
        self.assertEqual([batch.ids for batch in sent], [records.sorted("id").ids])
        self.assertEqual((first.reminded_on, second.reminded_on), (self.today, self.today))
        self.assertEqual(remind(), 0, "a re-run reminds nobody twice for the same date")
        self.assertEqual(len(sent), 1)
        self.assertEqual(self.env["mail.activity"].search_count([("res_model", "=", TEST_MODEL)]), before)

        first.sudo().closed_on = self.today + timedelta(days=5)
        self.assertEqual(remind(), 1, "a moved date reminds again")
        self.assertEqual(sent[-1], first)
        self.assertEqual(first.reminded_on, self.today + timedelta(days=5))
