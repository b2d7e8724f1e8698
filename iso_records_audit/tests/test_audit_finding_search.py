from datetime import date

from freezegun import freeze_time

from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .audit_reminder_common import IsoAuditCase


@tagged("post_install", "-at_install")
class TestAuditFindingSearch(IsoAuditCase):
    """Searching ``overdue``, true or false, finds exactly the findings whose computed value it is."""

    @freeze_time("2026-05-15")
    def test_overdue_searched_true_and_false_equals_the_computed_value(self):
        audit = self.under_way(self.new_audit(start="2026-03-02"))
        overdue = self.raise_finding(audit, due_date=date(2026, 5, 1))
        due_later = self.raise_finding(audit, due_date=date(2026, 6, 1))
        due_today = self.raise_finding(audit, due_date=date(2026, 5, 15))
        without_due_date = self.raise_finding(audit, grade="improvement")
        without_due_date.due_date = False
        answered = self.raise_finding(audit, due_date=date(2026, 5, 1))
        closed = self.raise_finding(audit, due_date=date(2026, 5, 1))
        workflow(answered).write({"state": "answered"})
        workflow(closed).write({"state": "closed"})
        findings = overdue | due_later | due_today | without_due_date | answered | closed
        self.assertEqual(findings.filtered("overdue"), overdue)
        in_audit = [("audit_id", "=", audit.id)]
        Finding = self.Finding.with_user(self.iso_manager)
        not_overdue = findings - overdue
        for domain, expected in (
            ([("overdue", "=", True)], overdue),
            ([("overdue", "!=", False)], overdue),
            ([("overdue", "=", False)], not_overdue),
            ([("overdue", "!=", True)], not_overdue),
        ):
            with self.subTest(domain=domain):
                self.assertEqual(Finding.search(in_audit + domain), expected.with_user(self.iso_manager))
