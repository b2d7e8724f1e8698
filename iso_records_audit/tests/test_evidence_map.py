from datetime import timedelta

from odoo import Command, fields
from odoo.addons.iso_records.tools import workflow
from odoo.tests import tagged

from .common import AuditCase

AUDIT_COLUMNS = ("audits", "objectives", "findings_open")
SEEDED_CLAUSES = ("7", "7.5", "7.5.3", "8", "8.5", "8.5.1", "8.5.2")


@tagged("post_install", "-at_install")
class TestEvidenceMapAudit(AuditCase):
    def evidence_rows(self, user):
        data = self.env["iso.clause"].with_user(user).get_evidence_map(self.standard_9001.id)
        return data, {row["code"]: row for row in data["rows"]}

    def make_objective(self, state, clauses):
        objective = self.env["iso.objective"].create(
            {
                "title": f"Traceability of assembly ({state}, test)",
                "measure": "Lots traced to their work order",
                "unit": "%",
                "direction": "at_least",
                "target": 99.0,
                "frequency": "monthly",
                "date_start": self.today - timedelta(days=30),
                "date_due": self.today + timedelta(days=300),
                "owner_id": self.employee_of[self.iso_user].id,
                "clause_ids": [Command.set(clauses.ids)],
            }
        )
        workflow(objective).write({"state": state})
        return objective

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.clause_7_5_3 = cls.env.ref("iso_records.clause_9001_7_5_3")

    def seed(self):
        """An audit held now on 7.5, 8.5.1 and 8.5.2, one held 400 days ago and one only planned; an open
        minor finding and an open positive point on 7.5.3; an active and a draft objective on 7.5.3."""
        held = self.audit_in("fieldwork")
        old = self.audit_in("fieldwork", title="Old audit (test)")
        workflow(old).write({"actual_date_start": self.today - timedelta(days=400)})
        self.make_audit(title="Planned audit (test)")
        self.raise_finding(held, clause_id=self.clause_7_5_3.id)
        self.raise_finding(held, clause_id=self.clause_7_5_3.id, grade="positive", evidence="Clear labels.")
        self.make_objective("active", self.clause_7_5_3)
        self.make_objective("draft", self.clause_7_5_3)

    def test_audit_columns_count_what_they_say(self):
        data, before = self.evidence_rows(self.iso_manager)
        self.assertTrue(set(AUDIT_COLUMNS) <= {column["key"] for column in data["columns"]})
        self.assertEqual(
            {column["key"]: column["covers"] for column in data["columns"] if column["key"] in AUDIT_COLUMNS},
            {"audits": True, "objectives": True, "findings_open": False},
        )
        self.seed()
        _data, after = self.evidence_rows(self.iso_manager)

        def added(code, key):
            return after[code]["counts"][key] - before[code]["counts"][key]

        self.assertEqual(
            {code: added(code, "audits") for code in ("7", "7.5", "7.5.3", "8.5", "8.5.1", "8.5.2", "9")},
            {"7": 1, "7.5": 1, "7.5.3": 0, "8.5": 1, "8.5.1": 1, "8.5.2": 1, "9": 0},
            "the audit held now, once per clause; not the old nor the planned one",
        )
        self.assertEqual(
            {code: added(code, "findings_open") for code in ("7", "7.5", "7.5.3", "8.5")},
            {"7": 1, "7.5": 1, "7.5.3": 1, "8.5": 0},
            "the minor finding rolls up; the positive point does not flag",
        )
        self.assertEqual(
            {code: added(code, "objectives") for code in ("7", "7.5", "7.5.3", "6.2")},
            {"7": 1, "7.5": 1, "7.5.3": 1, "6.2": 0},
            "the active objective, not the draft",
        )
        self.assertTrue(after["7.5.3"]["flagged"])
        self.assertFalse(after["7.5.3"]["gap"], "the active objective covers it")

    def test_audits_of_the_active_programme_are_the_cycle(self):
        """An audit of the active programme counts however old, being of the current cycle; one of a closed
        programme (an earlier cycle) does not."""
        _data, before = self.evidence_rows(self.iso_manager)
        programmes = self.env["iso.audit.programme"].create(
            [
                {"name": f"{state} cycle (test)", "standard_ids": [Command.set(self.standard_9001.ids)]}
                for state in ("active", "closed")
            ]
        )
        for programme, state in zip(programmes, ("active", "closed"), strict=True):
            workflow(programme).write({"state": state})
            audit = self.audit_in("fieldwork", title=f"Audit of the {state} programme (test)")
            audit.programme_id = programme
            workflow(audit).write({"actual_date_start": self.today - timedelta(days=400)})
        _data, after = self.evidence_rows(self.iso_manager)
        self.assertEqual(after["8.5.1"]["counts"]["audits"] - before["8.5.1"]["counts"]["audits"], 1)

    def test_open_finding_flags_without_covering(self):
        _data, before = self.evidence_rows(self.iso_manager)
        clause = next(row for row in before.values() if row["gap"] and not row["flagged"])
        audit = self.audit_in("fieldwork", clause_ids=[Command.set(self.clause_7_5.ids)])
        self.raise_finding(audit, clause_id=clause["id"])
        _data, after = self.evidence_rows(self.iso_manager)
        self.assertEqual((after[clause["code"]]["gap"], after[clause["code"]]["flagged"]), (True, True))

    def test_each_cell_counts_the_list_it_opens_for_each_role(self):
        self.seed()
        for user in (self.iso_user, self.iso_manager, self.iso_auditor, self.iso_administrator, self.user_b):
            data, _rows = self.evidence_rows(user)
            clauses = self.env["iso.clause"].with_user(user)
            # The clauses the seeded evidence is on, and their parents: enough to show the roll-up.
            for row in (row for row in data["rows"] if row["code"] in SEEDED_CLAUSES):
                for column in data["columns"]:
                    action = clauses.open_evidence_cell(row["id"], column["key"])
                    listed = self.env[action["res_model"]].with_user(user).search_count(action["domain"])
                    self.assertEqual(
                        row["counts"][column["key"]], listed, f"{user.login}: {row['code']} / {column['key']}"
                    )
        _data, rows_b = self.evidence_rows(self.user_b)
        self.assertEqual(rows_b["7.5.3"]["counts"]["findings_open"], 0, "company B does not see company A's")
