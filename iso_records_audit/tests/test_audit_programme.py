from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import HttpCase, TransactionCase

CYCLE_START = date(2026, 1, 1)


class ProgrammeFixtures:
    """Departments, risks, programmes and audits of the tests below."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.manager = new_test_user(env, "prog_manager", groups="iso_records.group_iso_manager")
        cls.user = new_test_user(env, "prog_user", groups="iso_records.group_iso_user")
        cls.standard = env.ref("iso_records.standard_iso_9001_2015")
        cls.clause = {
            number: env["iso.clause"].search([("standard_id", "=", cls.standard.id), ("number", "=", number)])
            for number in ("8", "8.4", "8.4.1", "8.4.2", "9", "9.2", "9.2.1", "7.5")
        }
        Department = env["hr.department"]
        cls.operations = Department.create({"name": "Operations (programme test)"})
        cls.moulding = Department.create({"name": "Moulding (programme test)", "parent_id": cls.operations.id})
        cls.departments = Department.create([{"name": f"Department {index} (programme test)"} for index in range(30)])
        cls.other_company = env["res.company"].create({"name": "Other company (programme test)"})

    # ------------------------------------------------------------------
    # Fixtures
    # ------------------------------------------------------------------
    def make_risk(self, likelihood, severity, **values):
        return self.env["iso.risk"].create(
            {"title": "Programme test risk", "likelihood": likelihood, "severity": severity, **values}
        )

    def make_programme(self, lines, active=True, cycle_start=CYCLE_START):
        programme = self.env["iso.audit.programme"].create(
            {
                "name": "Internal audit programme (test)",
                "standard_ids": [Command.set(self.standard.ids)],
                "cycle_start": cycle_start,
                "line_ids": [Command.create(values) for values in lines],
            }
        )
        if active:
            programme._iso_sign_as(self.manager.id, "approve", "approved")
            self.assertEqual(programme.state, "active")
        return programme

    def make_audit(self, line, start, state="closed", grades=(), *, clauses=None, finding_clause=None):
        """An audit of ``line`` started on ``start``, brought to ``state`` with findings of ``grades``."""
        clauses = clauses if clauses is not None else line.clause_ids
        audit = self.env["iso.audit"].create(
            {
                "title": "Programme test audit",
                "programme_id": line.programme_id.id,
                "programme_line_id": line.id,
                "department_id": line.department_id.id,
                "standard_ids": [Command.set(self.standard.ids)],
                "clause_ids": [Command.set(clauses.ids)],
                "date_start": start,
                "date_end": start,
            }
        )
        if grades:
            workflow(audit).write({"state": "fieldwork"})
            self.env["iso.audit.finding"].create(
                [
                    {
                        "audit_id": audit.id,
                        "grade": grade,
                        "clause_id": (finding_clause or clauses[:1]).id,
                        "evidence": "Seen on site",
                        "date": start,
                    }
                    for grade in grades
                ]
            )
        if state == "cancelled":
            audit.cancel_reason = "Postponed"
            audit.action_cancel()
        elif state != audit.state:
            workflow(audit).write({"state": state})
        self.assertEqual(audit.state, state)
        return audit

    @freeze_time("2026-06-30")
    def coverage_programme(self):
        """8.4 and 9.2 planned; 8.4 audited (closed, a minor on 8.4.2) in Q1 2026; 9.2 planned in Q3; a major
        outside the cycle and one in a cancelled audit that do not count."""
        programme = self.make_programme(
            [
                {"department_id": self.departments[0].id, "clause_ids": [Command.set(self.clause["8.4"].ids)]},
                {"department_id": self.departments[1].id, "clause_ids": [Command.set(self.clause["9.2"].ids)]},
            ]
        )
        purchasing, internal_audit = programme.line_ids
        self.make_audit(
            purchasing, date(2026, 2, 10), grades=("minor", "positive"), finding_clause=self.clause["8.4.2"]
        )
        self.make_audit(purchasing, date(2025, 6, 1), grades=("major",), finding_clause=self.clause["8.4.1"])
        self.make_audit(
            purchasing, date(2026, 3, 1), state="cancelled", grades=("major",), finding_clause=self.clause["8.4.1"]
        )
        self.make_audit(internal_audit, date(2026, 8, 3), state="planned")
        return programme


@tagged("post_install", "-at_install")
class TestAuditProgramme(ProgrammeFixtures, TransactionCase):
    """Programme lines: frequency from the register's risks and the last audit's findings, due dates and
    overdue lines; "Generate audits"; the clause coverage of the cycle, as a list and as the grid."""

    # ------------------------------------------------------------------
    # Frequency
    # ------------------------------------------------------------------
    def test_frequency_follows_the_highest_risk_of_each_level(self):
        cases = [(None, False, 36), ((1, 1), "low", 36), ((3, 3), "medium", 18), ((2, 5), "high", 12)]
        cases.append(((4, 4), "critical", 6))
        lines = []
        for index, (scores, _level, _months) in enumerate(cases):
            department = self.departments[index]
            if scores:
                self.make_risk(*scores, department_id=department.id)
                self.make_risk(1, 1, department_id=department.id)
            lines.append({"department_id": department.id})
        programme = self.make_programme(lines)
        for line, (_scores, level, months) in zip(programme.line_ids, cases, strict=True):
            with self.subTest(level=level):
                self.assertEqual(line.risk_level, level)
                self.assertEqual(line.proposed_frequency_months, months)
                self.assertEqual(line.effective_frequency_months, months)
        programme.line_ids[0].frequency_months = 3
        self.assertEqual(programme.line_ids[0].effective_frequency_months, 3, "the line's own frequency wins")
        self.assertEqual(programme.line_ids[0].proposed_frequency_months, 36)

    def test_which_risks_count(self):
        self.make_risk(2, 5, department_id=self.moulding.id)  # high, in a sub-department
        self.make_risk(4, 4, process="PURCHASING")  # critical, by process, another case
        archived = self.make_risk(4, 4, department_id=self.operations.id)
        archived.active = False
        self.make_risk(4, 4, department_id=self.operations.id, kind="opportunity")
        self.make_risk(4, 4, process="Purchasing", company_id=self.other_company.id)
        self.make_risk(5, 5, department_id=self.departments[5].id, residual_likelihood=1, residual_severity=2)
        programme = self.make_programme(
            [
                {"department_id": self.operations.id},
                {"process": "purchasing "},
                {"department_id": self.departments[5].id},
                {"department_id": self.departments[6].id, "process": "Nothing"},
            ]
        )
        self.assertEqual(
            programme.line_ids.mapped("risk_level"),
            ["high", "critical", "low", False],
            "sub-departments count, the process matches whatever its case, residual when assessed; archived risks, "
            "opportunities and other companies' risks do not",
        )

    def test_major_finding_in_the_last_audit_means_six_months(self):
        programme = self.make_programme(
            [{"department_id": self.departments[0].id, "clause_ids": [self.clause["9.2"].id]}]
        )
        line = programme.line_ids
        self.assertEqual(line.proposed_frequency_months, 36)
        first = self.make_audit(line, date(2026, 3, 2), grades=("minor", "major", "observation"))
        line.invalidate_recordset()
        self.assertEqual(
            (line.last_audit_id, line.last_audit_date, line.last_grade), (first, date(2026, 3, 2), "major")
        )
        self.assertEqual(line.proposed_frequency_months, 6)
        self.assertEqual(line.next_due_date, date(2026, 9, 2), "six months after the last audit")
        self.make_audit(line, date(2026, 4, 1), state="fieldwork", grades=("observation",))
        line.invalidate_recordset()
        self.assertEqual(line.last_audit_id, first, "only a closed audit is the last audit")
        second = self.make_audit(line, date(2026, 9, 1), grades=("minor", "positive"))
        line.invalidate_recordset()
        self.assertEqual((line.last_audit_id, line.last_grade), (second, "minor"))
        self.assertEqual(line.proposed_frequency_months, 36, "a minor finding keeps the risk's frequency")

    def test_settings_override_the_frequencies(self):
        self.make_risk(4, 4, department_id=self.departments[0].id)
        self.make_risk(2, 5, department_id=self.departments[1].id)
        self.make_risk(3, 3, department_id=self.departments[2].id)
        programme = self.make_programme([{"department_id": self.departments[index].id} for index in range(3)])
        self.env["res.config.settings"].create(
            {"iso_audit_frequency_critical": 4, "iso_audit_frequency_high": 9, "iso_audit_frequency_medium": 15}
        ).execute()
        self.assertEqual(self.env["ir.config_parameter"].get_param("iso_records.audit_frequency_critical"), "4")
        programme.line_ids.invalidate_recordset()
        self.assertEqual(programme.line_ids.mapped("proposed_frequency_months"), [4, 9, 15])
        self.env["ir.config_parameter"].set_param("iso_records.audit_frequency_critical", 0)
        programme.line_ids.invalidate_recordset()
        self.assertEqual(programme.line_ids[0].proposed_frequency_months, 6, "0 (unset): the default")

    @freeze_time("2026-08-01")
    def test_next_due_date_and_overdue(self):
        self.make_risk(4, 4, department_id=self.departments[0].id)
        programme = self.make_programme(
            [{"department_id": self.departments[0].id}, {"department_id": self.departments[1].id}]
        )
        critical, low = programme.line_ids
        self.assertEqual(critical.next_due_date, date(2026, 7, 1), "cycle start + 6 months")
        self.assertEqual(low.next_due_date, date(2028, 12, 31), "once per cycle: due by the cycle end")
        self.assertTrue(critical.overdue)
        self.assertFalse(low.overdue)
        Line = self.env["iso.audit.programme.line"]
        self.assertEqual(Line.search([("overdue", "=", True), ("programme_id", "=", programme.id)]), critical)
        self.assertEqual(Line.search([("overdue", "=", False), ("programme_id", "=", programme.id)]), low)
        self.assertEqual(programme.overdue_line_count, 1)
        self.make_audit(critical, date(2026, 8, 20), state="planned")
        critical.invalidate_recordset()
        self.assertFalse(critical.overdue, "an audit planned for the due date: no longer overdue")
        programme.line_ids.audit_ids.write({"state": "cancelled"})
        critical.invalidate_recordset()
        self.assertTrue(critical.overdue, "a cancelled audit plans nothing")
        draft = self.make_programme([{"department_id": self.departments[0].id}], active=False)
        self.assertFalse(draft.line_ids.overdue, "a draft programme has nothing overdue")

    # ------------------------------------------------------------------
    # Generate audits
    # ------------------------------------------------------------------
    def critical_and_other_lines(self):
        for index, scores in enumerate(((4, 4), (2, 5), (3, 3), (1, 1))):
            self.make_risk(*scores, department_id=self.departments[index].id)
        owner = self.env["hr.employee"].create({"name": "Process owner (programme test)"})
        return self.make_programme(
            [
                {
                    "department_id": self.departments[0].id,
                    "process": "Moulding",
                    "process_owner_id": owner.id,
                    "clause_ids": [Command.set([self.clause["8.4"].id, self.clause["9.2"].id])],
                },
                {"department_id": self.departments[1].id, "clause_ids": [Command.set([self.clause["7.5"].id])]},
                {"department_id": self.departments[2].id},
                {"department_id": self.departments[3].id},
            ]
        )

    @freeze_time("2026-01-01")
    def test_generation_plans_the_coming_period_once(self):
        programme = self.critical_and_other_lines()
        critical, high, medium, low = programme.line_ids
        result = programme.with_user(self.manager).action_generate_audits()
        audits = programme.audit_ids.sorted(lambda audit: (audit.programme_line_id.sequence, audit.date_start))
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("3 planned audit(s) created", result["params"]["message"])
        self.assertEqual(result["params"]["next"]["domain"], [("id", "in", audits.ids)])
        self.assertEqual(
            [(audit.programme_line_id, audit.date_start) for audit in audits.sorted("date_start")],
            [(critical, date(2026, 7, 1)), (critical, date(2027, 1, 1)), (high, date(2027, 1, 1))],
            "critical every 6 months, high every 12, within the next 12 months; medium (18) and low (36) later",
        )
        first = audits.filtered(lambda audit: audit.programme_line_id == critical)[:1]
        self.assertEqual(first.state, "planned")
        self.assertEqual(first.department_id, self.departments[0])
        self.assertEqual(first.process, "Moulding")
        self.assertEqual(first.process_owner_id, critical.process_owner_id)
        self.assertEqual(first.clause_ids, critical.clause_ids)
        self.assertEqual(first.standard_ids, self.standard)
        self.assertEqual(first.date_end, first.date_start)
        self.assertEqual(first.programme_id, programme)
        self.assertFalse(medium.audit_ids | low.audit_ids)

        again = programme.with_user(self.manager).action_generate_audits()
        self.assertEqual(len(programme.audit_ids), 3, "a second run plans nothing more")
        self.assertEqual(again["params"]["type"], "info")
        self.assertIn("No audit to create", again["params"]["message"])

        high.audit_ids.with_user(self.manager).write({"cancel_reason": "Moved to the next cycle"})
        high.audit_ids.with_user(self.manager).action_cancel()
        programme.with_user(self.manager).action_generate_audits()
        self.assertEqual(len(high.audit_ids.filtered(lambda audit: audit.state == "planned")), 1)
        self.assertEqual(len(programme.audit_ids), 4, "a cancelled audit's slot is planned again")

    @freeze_time("2026-01-01")
    def test_generation_horizon_and_cycle_end(self):
        programme = self.critical_and_other_lines()
        self.env["ir.config_parameter"].set_param("iso_records.audit_generation_months", 6)
        programme.action_generate_audits()
        self.assertEqual(programme.audit_ids.mapped("date_start"), [date(2026, 7, 1)])
        self.env["ir.config_parameter"].set_param("iso_records.audit_generation_months", 120)
        programme.action_generate_audits()
        critical, high, medium, low = programme.line_ids
        self.assertEqual(
            critical.audit_ids.sorted("date_start").mapped("date_start"),
            [date(2026, 7, 1), date(2027, 1, 1), date(2027, 7, 1), date(2028, 1, 1), date(2028, 7, 1)],
            "six-monthly, not beyond the cycle end (2028-12-31)",
        )
        self.assertEqual(high.audit_ids.mapped("date_start"), [date(2027, 1, 1), date(2028, 1, 1)])
        self.assertEqual(medium.audit_ids.mapped("date_start"), [date(2027, 7, 1)], "2028-01-01 + 18 is after")
        self.assertEqual(low.audit_ids.mapped("date_start"), [date(2028, 12, 31)], "once per cycle: by its end")

    @freeze_time("2027-02-15")
    def test_overdue_due_dates_are_caught_up_once_from_today(self):
        programme = self.critical_and_other_lines()
        critical = programme.line_ids[0]
        self.assertTrue(critical.overdue, "due 2026-07-01 and 2027-01-01, never audited")
        programme.action_generate_audits()
        self.assertEqual(
            critical.audit_ids.sorted("date_start").mapped("date_start"),
            [date(2027, 2, 15), date(2027, 7, 1), date(2028, 1, 1)],
            "one audit today for the two due dates passed, then every six months",
        )
        critical.invalidate_recordset()
        self.assertFalse(critical.overdue)
        programme.action_generate_audits()
        self.assertEqual(len(critical.audit_ids), 3, "and a second run plans nothing more")

    def test_generation_refused_when_draft_or_not_manager(self):
        programme = self.critical_and_other_lines()
        draft = self.make_programme([{"department_id": self.departments[0].id}], active=False)
        with self.assertRaisesRegex(UserError, "Generate audits: .* is Draft; this step needs it to be Active"):
            draft.with_user(self.manager).action_generate_audits()
        with self.assertRaisesRegex(AccessError, "only ISO managers may generate audits"):
            programme.with_user(self.user).action_generate_audits()
        self.assertFalse(programme.audit_ids | draft.audit_ids)

    @freeze_time("2026-01-01")
    def test_generation_queries_are_constant_per_audit(self):
        for index in range(4):
            self.make_risk(4, 4, department_id=self.departments[index].id)

        def queries(line_count):
            programme = self.make_programme(
                [
                    {
                        "department_id": self.departments[index % 4].id,
                        "clause_ids": [Command.set(self.clause["9.2"].ids)],
                    }
                    for index in range(line_count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            programme.with_user(self.manager).action_generate_audits()
            self.env.flush_all()
            self.assertEqual(len(programme.audit_ids), 2 * line_count)
            return self.env.cr.sql_log_count - before

        queries(1)  # warm-up: caches of the first call
        one, eleven, twenty_one = queries(1), queries(11), queries(21)
        self.assertEqual(twenty_one - eleven, eleven - one, "each audit generated costs the same queries")
        self.assertLessEqual((eleven - one) / 20, 12, f"queries per audit: {(eleven - one) / 20}")

    # ------------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------------
    def coverage_rows(self, programme):
        rows = self.env["iso.audit.clause.coverage"].search([("programme_id", "=", programme.id)])
        return {row.clause_id.number: row for row in rows}

    def test_coverage_rows(self):
        programme = self.coverage_programme()
        rows = self.coverage_rows(programme)
        clauses = self.env["iso.clause"].search([("standard_id", "=", self.standard.id)])
        self.assertEqual(len(rows), len(clauses), "one row per clause of the standard, sub-clauses included")

        def shown(number):
            row = rows[number]
            return (row.planned, row.gap, row.audited, row.last_audit_date, row.result, row.nonconformity_count)

        self.assertEqual(shown("8.4"), (True, False, True, date(2026, 2, 10), "minor", 1))
        self.assertEqual(shown("8.4.2"), (True, False, True, date(2026, 2, 10), "minor", 1))
        self.assertEqual(shown("8.4.1"), (True, False, True, date(2026, 2, 10), "conform", 0))
        self.assertEqual(shown("9.2"), (True, False, False, False, False, 0), "planned, not audited yet")
        self.assertEqual(shown("9.2.1"), (True, False, False, False, False, 0))
        self.assertEqual(shown("8"), (False, True, False, False, "minor", 1), "a finding of a sub-clause; a gap")
        self.assertEqual(shown("7.5"), (False, True, False, False, False, 0))
        Coverage = self.env["iso.audit.clause.coverage"]
        mine = [("programme_id", "=", programme.id)]
        planned = clauses.search([("id", "child_of", (self.clause["8.4"] | self.clause["9.2"]).ids)])
        gaps = Coverage.search([*mine, ("gap", "=", True)])
        self.assertEqual(gaps.clause_id, clauses - planned)
        self.assertEqual(
            sorted(Coverage.search([*mine, ("has_nonconformity", "=", True)]).clause_id.mapped("number")),
            ["8", "8.4", "8.4.2"],
        )
        self.assertEqual(programme.coverage_gap_count, len(clauses - planned))
        action = programme.action_view_coverage()
        self.assertEqual(Coverage.search(action["domain"]), Coverage.search(mine))

    def test_coverage_is_read_as_its_programme(self):
        programme = self.coverage_programme()
        other_user = new_test_user(
            self.env,
            "prog_other_company",
            groups="iso_records.group_iso_manager",
            company_id=self.other_company.id,
            company_ids=[Command.set(self.other_company.ids)],
        )
        Coverage = self.env["iso.audit.clause.coverage"]
        self.assertTrue(Coverage.with_user(self.user).search_count([("programme_id", "=", programme.id)]))
        self.assertFalse(Coverage.with_user(other_user).search_count([("programme_id", "=", programme.id)]))

    def test_grid_equals_the_coverage_rows(self):
        programme = self.coverage_programme()
        coverage = self.env["iso.audit.clause.coverage"].search([("programme_id", "=", programme.id)])
        grid = programme.with_user(self.user).get_coverage_grid(limit=200)
        self.assertEqual(grid["total"], len(coverage))
        self.assertEqual(
            [{key: value for key, value in clause.items() if key != "cells"} for clause in grid["clauses"]],
            [row._iso_row_values() for row in coverage[:200]],
        )
        page = programme.get_coverage_grid(offset=10, limit=10)
        self.assertEqual([clause["id"] for clause in page["clauses"]], coverage[10:20].ids)
        self.assertEqual(len(grid["periods"]), 12, "three years of quarters")
        self.assertEqual(grid["periods"][0], {"start": "2026-01-01", "end": "2026-03-31", "label": "2026 Q1"})
        cells = {clause["number"]: clause["cells"] for clause in grid["clauses"]}
        self.assertEqual(cells["8.4"][:4], ["minor", False, False, False], "closed in Q1 with a minor on 8.4.2")
        self.assertEqual(cells["8.4.1"][0], "conform")
        self.assertEqual(cells["9.2"][:4], [False, False, "planned", False], "an open audit in Q3")
        self.assertEqual(set(cells["7.5"]), {"gap"})
        halves = programme.get_coverage_grid(limit=5, period="half")
        self.assertEqual([period["label"] for period in halves["periods"]][:2], ["2026 H1", "2026 H2"])
        with self.assertRaisesRegex(UserError, "Period"):
            programme.get_coverage_grid(period="month")
        with self.assertRaisesRegex(UserError, "offset and limit are whole numbers"):
            programme.get_coverage_grid(offset="ten")

    def test_grid_first_page_in_a_few_queries(self):
        programme = self.coverage_programme()
        programme.with_user(self.user).get_coverage_grid()  # the user's groups and rules, cached from here on
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        programme.with_user(self.user).get_coverage_grid()
        self.assertLessEqual(self.env.cr.sql_log_count - before, 10, "rows, count, cells, clauses and programme")

    def test_open_grid_action(self):
        programme = self.coverage_programme()
        action = programme.action_open_coverage_grid()
        self.assertEqual((action["tag"], action["params"]), ("iso_audit_coverage_grid", {"programme_id": programme.id}))


@tagged("post_install", "-at_install")
class TestAuditProgrammeTour(ProgrammeFixtures, HttpCase):
    def test_coverage_grid_tour(self):
        programme = self.coverage_programme()
        self.start_tour(
            f"/odoo/iso.audit.programme/{programme.id}", "iso_audit_coverage_grid_tour", login="prog_manager"
        )
