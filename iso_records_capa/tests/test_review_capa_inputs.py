"""Management review inputs of iso_records_capa: the nonconformities, the CAPAs and the supplier performance of
the period equal the data seeded and the list behind each line, for the same user; outside-period, other-company,
out-of-scope and unreadable records left out; constant queries."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.addons.iso_records_audit.tests.management_common import ManagementCase
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CapaCase

TODAY = "2026-12-10"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestReviewCapaInputs(ManagementCase, CapaCase):
    """A company of its own, seeded with known numbers for 2026 (the review's period)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.review_company = env["res.company"].create({"name": "Review CAPA Co (test)"})
        company_values = {"company_id": cls.review_company.id, "company_ids": [Command.set(cls.review_company.ids)]}
        cls.quality_x = env["hr.department"].create(
            {"name": "Quality CAPA X (test)", "company_id": cls.review_company.id}
        )
        cls.review_chair = new_test_user(env, "capa_chair_x", groups="iso_records.group_iso_manager", **company_values)
        cls.production_head = new_test_user(
            env, "capa_head_x", groups="iso_records.group_iso_manager", **company_values
        )
        employee = env["hr.employee"].with_company(cls.review_company)
        cls.chair_employee = employee.create(
            {"name": "CAPA chair X", "user_id": cls.review_chair.id, "department_id": cls.quality_x.id}
        )
        cls.head_employee = employee.create({"name": "CAPA head X", "user_id": cls.production_head.id})
        cls.seed_nonconformities()
        cls.seed_capas()
        cls.seed_requests()
        cls.review = cls.make_review(
            company_id=cls.review_company.id, chair_id=cls.review_chair.id, attendee_ids=[Command.set([])]
        )

    # ------------------------------------------------------------------
    # Seeds
    # ------------------------------------------------------------------
    @classmethod
    def nc(cls, detected, state="new", closed=None, company=None, **values):
        nonconformity = cls.Nonconformity.create(
            {
                "title": f"NC {detected} (test)",
                "description": "Seeded (test).",
                "date": detected,
                "company_id": (company or cls.review_company).id,
                "owner_id": cls.chair_employee.id if not company else False,
                "clause_id": cls.clause_8_4.id,
                **values,
            }
        )
        written = {"state": state}
        if closed:
            written["closed_date"] = closed
        workflow(nonconformity).write(written)
        return nonconformity

    @classmethod
    def seed_nonconformities(cls):
        """All on clause 8.4; repeats (iso_nonconformity_repeat.py) within a window of 30 days: the NC of June
        repeats the one of May 10, the one of November the restricted one of October 15; no other follows an
        earlier one (not rejected) within 30 days."""
        cls.env["ir.config_parameter"].set_param("iso_records.nc_repeat_window_days", "30")
        cls.nc1 = cls.nc(date(2026, 2, 1), "closed", date(2026, 3, 1), partner_id=cls.supplier.id)  # 28 days
        cls.nc(date(2026, 4, 1), "closed", date(2026, 4, 11))  # 10 days
        cls.nc(date(2026, 5, 10), "closed", date(2026, 6, 9))  # 30 days
        cls.nc4 = cls.nc(
            date(2026, 6, 1), "triaged", closure_deadline=date(2026, 7, 1), partner_id=cls.supplier_contact.id
        )
        cls.nc(date(2025, 10, 1), closure_deadline=date(2025, 11, 30))  # detected before, still open and overdue
        cls.nc(date(2025, 6, 1), "closed", date(2025, 7, 1))  # closed before the period
        cls.nc(date(2026, 3, 1), "rejected", partner_id=cls.supplier.id)
        cls.nc(date(2026, 3, 1), company=cls.company, partner_id=cls.supplier.id)  # another company
        cls.nc(date(2026, 3, 3), clause_id=cls.env.ref("iso_records.clause_14001_4_1").id)  # out of scope
        # Only its owner (the production head) reads it, not the chair.
        cls.restricted = cls.nc(
            date(2026, 10, 15), confidentiality="restricted", owner_id=cls.head_employee.id, partner_id=cls.supplier.id
        )
        cls.nc5 = cls.nc(
            date(2026, 11, 1), "in_progress", closure_deadline=date(2027, 1, 1), partner_id=cls.other_supplier.id
        )

    @classmethod
    def capa(cls, created, state, closed=None, company=None, **values):
        capa = cls.Capa.create(
            {
                "title": f"CAPA {created} (test)",
                "company_id": (company or cls.review_company).id,
                "owner_id": cls.chair_employee.id if not company else False,
                "verifier_id": cls.production_head.id,
                **values,
            }
        )
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE iso_capa SET create_date = %s WHERE id = %s", [f"{created} 10:00:00", capa.id])
        capa.invalidate_recordset(["create_date"])
        return capa

    @classmethod
    def check(cls, capa, checked, result):
        return workflow(cls.env["iso.capa.verification"]).create(
            {"capa_id": capa.id, "verifier_id": cls.production_head.id, "date": checked, "result": result}
        )

    @classmethod
    def seed_capas(cls):
        closed = cls.capa("2026-02-05", "closed")
        cls.check(closed, date(2026, 4, 1), "effective")
        workflow(closed).write({"state": "closed", "closed_date": date(2026, 4, 6)})  # 60 days
        checking = cls.capa("2026-05-01", "verification")
        cls.check(checking, date(2026, 8, 1), "not_effective")
        cls.check(checking, date(2026, 12, 1), False)  # pending: no result yet
        workflow(checking).write({"state": "verification", "effectiveness_due_date": date(2026, 10, 1)})
        workflow(cls.capa("2026-09-01", "action")).write({"state": "action"})
        earlier = cls.capa("2025-03-01", "closed")
        cls.check(earlier, date(2025, 5, 1), "effective")
        workflow(earlier).write({"state": "closed", "closed_date": date(2025, 6, 1)})
        workflow(cls.capa("2025-11-01", "analysis")).write({"state": "analysis"})
        cls.capa("2026-03-01", "draft", company=cls.company)

    @classmethod
    def seed_requests(cls):
        def request(deadline, **written):
            request = cls.SupplierRequest.create(
                {
                    "title": f"Request {deadline} (test)",
                    "request": "Answer (test).",
                    "company_id": cls.review_company.id,
                    "partner_id": cls.supplier.id,
                    "contact_id": cls.supplier_contact.id,
                    "deadline": deadline,
                }
            )
            workflow(request).write(written)
            return request

        request(date(2026, 3, 1), state="answered", answered_date=date(2026, 2, 20), answered_on_time=True)
        request(date(2026, 5, 1), state="sent")  # late, no answer
        request(date(2026, 6, 1), state="draft")  # never sent

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def collect(self, user):
        review = self.review.with_user(user)
        review.action_collect_inputs()
        return {line.section: line for line in review.input_ids}

    def assert_list_behind(self, line, user):
        domain = safe_eval(line.item_domain)
        self.assertEqual(self.env[line.item_model].with_user(user).search_count(domain), line.item_count, line.section)
        action = line.with_user(user).action_open_items()
        self.assertEqual(self.env[action["res_model"]].with_user(user).search_count(action["domain"]), line.item_count)

    def count_behind(self, line, user, extra):
        return self.env[line.item_model].with_user(user).search_count([*safe_eval(line.item_domain), *extra])

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_sections_in_place(self):
        keys = [spec[1] for spec in self.review._iso_review_input_sections()]
        self.assertEqual(keys[keys.index("nonconformities") + 1], "corrective_actions")
        self.assertEqual(keys[keys.index("external_providers") + 1], "supplier_performance")
        lines = self.collect(self.review_chair)
        self.assertEqual(list(lines), keys)
        for key in ("nonconformities", "corrective_actions", "supplier_performance"):
            self.assertEqual(lines[key].letter, "c")
            self.assertTrue(lines[key].has_data, key)
            self.assertFalse(lines[key].note, key)
            self.assert_list_behind(lines[key], self.review_chair)

    def test_nonconformities(self):
        line = self.collect(self.review_chair)["nonconformities"]
        chair = self.review_chair
        self.assertEqual(line.item_model, "iso.nonconformity")
        self.assertEqual(line.item_count, 7)
        self.assertEqual(
            dict(line.figures),
            {
                "Detected in the period": 6,
                "Open": 3,
                "Overdue (closure deadline passed)": 2,
                "Closed in the period": 3,
                "Rejected": 1,
                "Repeats": 2,
                "Median days to close": 28,
            },
        )
        # Each figure is a sub-list of the list behind the line.
        self.assertEqual(self.count_behind(line, chair, [("date", ">=", "2026-01-01")]), 6)
        self.assertEqual(self.count_behind(line, chair, [("state", "not in", ["closed", "rejected"])]), 3)
        self.assertEqual(
            self.count_behind(
                line, chair, [("state", "not in", ["closed", "rejected"]), ("closure_deadline", "<", TODAY)]
            ),
            2,
        )
        self.assertEqual(self.count_behind(line, chair, [("closed_date", ">=", "2026-01-01")]), 3)
        self.assertEqual(self.count_behind(line, chair, [("is_repeat", "=", True)]), 2)
        self.assertEqual(self.nc4.repeat_of_id.date, date(2026, 5, 10))
        self.assertEqual(self.nc5.repeat_of_id, self.restricted)

    def test_corrective_actions(self):
        line = self.collect(self.review_chair)["corrective_actions"]
        chair = self.review_chair
        self.assertEqual(line.item_model, "iso.capa")
        self.assertEqual(line.item_count, 4)
        self.assertEqual(
            dict(line.figures),
            {
                "Open": 3,
                "Overdue (effectiveness check)": 1,
                "Closed in the period": 1,
                "Median days to close": 60,
                "Effectiveness checks in the period": 2,
                "Effective": 1,
                "Effectiveness rate (%)": 50.0,
                "Reopened (not effective)": 1,
            },
        )
        self.assertEqual(self.count_behind(line, chair, [("state", "=", "closed")]), 1)
        self.assertEqual(self.count_behind(line, chair, [("state", "in", ["draft", "analysis", "action"])]), 2)

    def test_supplier_performance(self):
        line = self.collect(self.review_chair)["supplier_performance"]
        self.assertEqual(line.item_model, "iso.nonconformity")
        self.assertEqual(line.item_count, 3)
        figures = dict(line.figures)
        self.assertEqual(
            {label: figures[label] for label in list(figures)[:6]},
            {
                "Suppliers with nonconformities or requests": 2,
                "Nonconformities about suppliers": 3,
                "Repeat rate (%)": 66.7,
                "Requests due or answered": 2,
                "Answered on time": 1,
                "On-time rate (%)": 50.0,
            },
        )
        self.assertEqual(figures[self.supplier.display_name], "2 NC, 50.0% repeats, 1/2 requests on time")
        self.assertEqual(figures[self.other_supplier.display_name], "1 NC, 100.0% repeats, 0/0 requests on time")
        self.assertEqual(list(figures)[6], self.supplier.display_name)  # the most nonconformities first

    def test_counts_follow_the_callers_rights(self):
        """The production head owns the restricted NC: counted for them, not for the chair."""
        self.assertEqual(self.collect(self.review_chair)["nonconformities"].item_count, 7)
        head_lines = self.collect(self.production_head)
        self.assertEqual(head_lines["nonconformities"].item_count, 8)
        self.assertEqual(dict(head_lines["nonconformities"].figures)["Detected in the period"], 7)
        self.assertEqual(head_lines["supplier_performance"].item_count, 4)
        self.assertEqual(dict(head_lines["supplier_performance"].figures)["Nonconformities about suppliers"], 4)
        for key in ("nonconformities", "supplier_performance"):
            self.assert_list_behind(head_lines[key], self.production_head)

    def test_empty_period(self):
        workflow(self.review).write({"period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31)})
        lines = self.collect(self.review_chair)
        self.assertEqual(lines["nonconformities"].item_count, 0)
        self.assertEqual(dict(lines["nonconformities"].figures)["Median days to close"], 0)
        self.assertFalse(lines["corrective_actions"].has_data)
        self.assertFalse(lines["supplier_performance"].has_data)
        self.assertTrue(lines["supplier_performance"].is_missing)

    def test_constant_queries(self):
        """The three sections run as many queries (cold caches) for the data seeded as with 30 more records."""
        sections = ("nonconformities", "corrective_actions", "supplier_performance")

        def queries():
            counts = {}
            review = self.review.with_user(self.review_chair).with_context(iso_review_collection={})
            methods = {key: method for __, key, __, method in review._iso_review_input_sections()}
            for key in sections:
                self.env.flush_all()
                self.env.invalidate_all()
                self.env.registry.clear_all_caches()
                before = self.env.cr.sql_log_count
                getattr(review, methods[key])()
                counts[key] = self.env.cr.sql_log_count - before
            return counts

        few = queries()
        for index in range(10):
            self.nc(date(2026, 7, 1 + index), "closed", date(2026, 8, 1 + index), partner_id=self.other_supplier.id)
            self.nc(date(2026, 7, 1 + index), partner_id=self.supplier_contact.id)
            self.capa(f"2026-07-{1 + index:02d}", "draft")
        # 30 more records: not one query more per record (from cold caches, the core's group and rule caches
        # refill with one query more or less from one run to the next).
        for key, count in queries().items():
            self.assertLessEqual(abs(count - few[key]), 1, key)
