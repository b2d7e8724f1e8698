from unittest.mock import patch

from odoo import Command
from odoo.sql_db import Cursor
from odoo.tests import tagged

from .audit_reminder_common import IsoAuditCase


@tagged("post_install", "-at_install")
class TestAuditFindingsRepeat(IsoAuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first_audit = cls.under_way(cls.new_audit("First production audit", start="2026-01-12"))
        cls.earlier = cls.raise_finding(cls.first_audit, "8.5.1", date="2026-01-12")
        cls.second_audit = cls.under_way(cls.new_audit("Second production audit", start="2026-07-06"))

    def again(self, clause="8.5.1", grade="minor", audit=None, **values):
        return self.raise_finding(audit or self.second_audit, clause, grade, date="2026-07-06", **values)

    def test_minor_nonconformity_again_on_the_same_clause_and_department_is_a_repeat(self):
        self.assertFalse(self.earlier.is_repeat)
        finding = self.again()
        self.assertTrue(finding.is_repeat)
        self.assertEqual(finding.repeat_of_id, self.earlier, "names the earlier one")
        major = self.again(grade="major")
        self.assertEqual(major.repeat_of_id, self.earlier, "a major after a minor is a repeat too")
        self.assertFalse(self.earlier.is_repeat, "the earlier one is not a repeat of the later")

    def test_repeat_names_the_latest_earlier_nonconformity(self):
        middle_audit = self.under_way(self.new_audit("Middle audit", start="2026-04-06"))
        middle = self.raise_finding(middle_audit, "8.5.1", date="2026-04-06")
        self.assertEqual(middle.repeat_of_id, self.earlier)
        self.assertEqual(self.again().repeat_of_id, middle)

    def test_same_audit_is_not_a_repeat(self):
        self.assertFalse(self.raise_finding(self.first_audit, "8.5.1", date="2026-01-12").is_repeat)

    def test_outside_the_window_is_not_a_repeat(self):
        old_audit = self.under_way(self.new_audit("Old audit", start="2022-06-01"))
        old = self.raise_finding(old_audit, "8.5.2", date="2022-06-01")
        self.assertFalse(self.again("8.5.2").is_repeat, "without a programme: the last 3 years")
        within = self.raise_finding(
            self.under_way(self.new_audit("Audit within 3 years", start="2023-08-01")), "8.5.2", date="2023-08-01"
        )
        self.assertEqual(within.repeat_of_id, old)
        programme = self.env["iso.audit.programme"].create(
            {
                "name": "Cycle 2025-2027 (test)",
                "standard_ids": [Command.set(self.standard_9001.ids)],
                "cycle_start": "2025-09-01",
            }
        )
        in_cycle = self.new_audit("Audit in the cycle", start="2026-07-06", programme_id=programme.id)
        self.under_way(in_cycle)
        before_cycle = self.under_way(self.new_audit("Audit before the cycle", start="2025-03-03"))
        self.raise_finding(before_cycle, "8.5.3", date="2025-03-03")
        self.assertFalse(self.again("8.5.3", audit=in_cycle).is_repeat, "before the programme's cycle")
        self.assertEqual(self.again("8.5.1", audit=in_cycle).repeat_of_id, self.earlier, "within the cycle")

    def test_another_clause_or_department_is_not_a_repeat(self):
        self.assertFalse(self.again("8.5.2").is_repeat, "another clause")
        self.assertFalse(self.again("8.5").is_repeat, "the parent clause is another clause")
        quality_audit = self.under_way(
            self.new_audit(
                "Quality audit",
                start="2026-07-06",
                department=self.env["hr.department"].create({"name": "Purchasing (test)"}),
            )
        )
        self.assertFalse(self.again(audit=quality_audit).is_repeat, "another department")

    def test_observations_are_not_repeats(self):
        observation = self.again(grade="observation")
        self.assertFalse(observation.is_repeat, "an observation is not a repeat")
        earlier_observation = self.raise_finding(self.first_audit, "8.5.4", "observation", date="2026-01-12")
        self.assertFalse(self.again("8.5.4").is_repeat, "an earlier observation makes no repeat")
        self.assertFalse(earlier_observation.is_repeat)

    def test_changing_the_clause_or_grade_re_evaluates(self):
        finding = self.again("8.5.2")
        self.assertFalse(finding.is_repeat)
        finding.clause_id = self.clause("8.5.1")
        self.assertEqual(finding.repeat_of_id, self.earlier)
        finding.with_user(self.lead_user).clause_id = self.clause("8.5.3")  # the audit team, a real user
        self.assertFalse(finding.repeat_of_id)
        finding.clause_id = self.clause("8.5.1")
        finding.grade = "observation"
        self.assertFalse(finding.is_repeat, "no longer a nonconformity: no longer a repeat")
        finding.grade = "minor"
        self.assertEqual(finding.repeat_of_id, self.earlier)
        self.earlier.grade = "improvement"
        self.assertFalse(finding.is_repeat, "the earlier one is no longer a nonconformity")
        self.earlier.grade = "major"
        self.assertEqual(finding.repeat_of_id, self.earlier)
        self.earlier.clause_id = self.clause("8.5.2")
        self.assertFalse(finding.is_repeat, "the earlier one is now on another clause")

    def test_detection_is_one_query_for_a_batch(self):
        batch = self.Finding.create([self.finding_values(self.second_audit, "8.5.1", date="2026-07-06")] * 20)
        self.assertEqual(batch.repeat_of_id, self.earlier)
        self.assertTrue(all(batch.mapped("is_repeat")))
        counts = {}
        for findings in (batch[:1], batch):
            self.env.flush_all()
            self.env.cr.execute("UPDATE iso_audit_finding SET repeat_of_id = NULL WHERE id = ANY(%s)", [findings.ids])
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            findings._iso_mark_repeats()
            self.env.flush_all()
            counts[len(findings)] = self.env.cr.sql_log_count - before
            self.assertEqual(findings.repeat_of_id, self.earlier)
        self.assertEqual(counts[20], counts[1], f"the same queries for 1 and for 20 findings: {counts}")

    def test_creating_findings_runs_the_detection_once_per_batch(self):
        execute = Cursor.execute
        detections = []

        def counting(cr, query, *args, **kwargs):
            if "DISTINCT ON (new.id) new.id, earlier.id" in str(query):
                detections.append(query)
            return execute(cr, query, *args, **kwargs)

        for size in (1, 20):
            detections.clear()
            with patch.object(Cursor, "execute", counting):
                batch = self.Finding.create([self.finding_values(self.second_audit, "8.5.1", date="2026-07-06")] * size)
            self.assertEqual(len(detections), 1, f"one detection query for {size} finding(s)")
            self.assertEqual(batch.repeat_of_id, self.earlier)
