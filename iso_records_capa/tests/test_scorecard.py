"""The supplier scorecard: NCs per period, requests answered on time, repeat rate; equal to the data seeded,
a contact's records counted for its company, other suppliers, other companies, rejected NCs and requests not
yet due left out; the caller's rights; constant queries; the page on the supplier form."""

from datetime import date

from freezegun import freeze_time

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import CapaCase

TODAY = "2026-06-15"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestSupplierScorecard(CapaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Repeats (iso_nonconformity_repeat.py) on the supplier only, within 30 days: the NCs of 2025-12-31,
        # 2026-01-10, 02-03 and 02-20 follow each other within 30 days, so the last three are repeats; 05-05 is
        # not (the rejected one repeats nothing and is nobody's earlier one); the contact's is another partner.
        cls.env["ir.config_parameter"].set_param("iso_records.nc_repeat_window_days", "30")
        cls.ncs = cls.Nonconformity
        for day in (date(2026, 1, 10), date(2026, 2, 3), date(2026, 2, 20), date(2026, 5, 5)):
            cls.ncs |= cls.make_nc(date=day)
        # Raised against the supplier's contact: counts for the supplier.
        cls.ncs |= cls.make_nc(date=date(2026, 3, 1), partner_id=cls.supplier_contact.id)
        rejected = cls.make_nc(date=date(2026, 3, 2))
        cls.force_state(rejected, "rejected")
        cls.make_nc(date=date(2025, 12, 31))  # before the period
        cls.make_nc(date=date(2026, 3, 3), partner_id=cls.other_supplier.id)
        cls.make_nc(date=date(2026, 3, 4), partner_id=False)
        cls.nc_b = cls.Nonconformity.with_user(cls.user_b).create(
            {
                "title": "B (test)",
                "description": "B",
                "date": date(2026, 3, 5),
                "partner_id": cls.supplier.id,
                "company_id": cls.company_b.id,
            }
        )
        # Requests: two answered on time, one answered late, one late unanswered, one not yet due, one draft.
        cls.request(date(2026, 2, 1), answered=date(2026, 1, 30), on_time=True)
        cls.request(date(2026, 3, 1), answered=date(2026, 2, 28), on_time=True, state="accepted")
        cls.request(date(2026, 3, 10), answered=date(2026, 3, 20), on_time=False)
        cls.request(date(2026, 5, 1))  # late, no answer
        cls.request(date(2026, 6, 20))  # sent, not yet due: not late yet
        cls.request(date(2026, 4, 1), state="draft")
        cls.request(date(2026, 4, 2), state="cancelled")
        cls.request(date(2026, 4, 3), partner=cls.other_supplier, answered=date(2026, 4, 1), on_time=True)

    @classmethod
    def request(cls, deadline, answered=None, on_time=False, state=None, partner=None):
        request = cls.SupplierRequest.with_user(cls.iso_manager).create(
            {
                "title": f"Request {deadline} (test)",
                "request": "Answer the nonconformity (test).",
                "partner_id": (partner or cls.supplier).id,
                "contact_id": cls.supplier_contact.id if not partner else cls.other_contact.id,
                "deadline": deadline,
            }
        )
        values = {"state": state or ("answered" if answered else "sent")}
        if answered:
            values.update({"answered_date": answered, "answered_on_time": on_time})
        workflow(request.sudo()).write(values)
        return request

    @classmethod
    def make_nc(cls, user=None, **values):
        """A nonconformity about the supplier alone: no product nor clause to repeat on."""
        return super().make_nc(user=user, **{"product_id": False, "clause_id": False, **values})

    def scorecard(self, user, partners=None, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)):
        partners = (partners or self.supplier).with_user(user)
        return partners._iso_supplier_scorecard(date_from, date_to)

    def test_scorecard_equals_the_data(self):
        scores = self.scorecard(self.iso_manager, self.supplier | self.other_supplier | self.supplier_contact)
        self.assertEqual(
            scores[self.supplier.id],
            {
                "nc_count": 5,
                "request_count": 4,
                "answered_on_time": 2,
                "on_time_rate": 50.0,
                "repeat_count": 3,
                "repeat_rate": 60.0,
            },
        )
        # A contact shows its company's scorecard.
        self.assertEqual(scores[self.supplier_contact.id], scores[self.supplier.id])
        other = scores[self.other_supplier.id]
        self.assertEqual((other["nc_count"], other["request_count"], other["answered_on_time"]), (1, 1, 1))
        self.assertEqual(other["on_time_rate"], 100.0)

    def test_per_period(self):
        by_month = self.supplier.with_user(self.iso_manager)._iso_supplier_scorecard_by_period(
            date(2026, 1, 1), date(2026, 12, 31), "month"
        )[self.supplier.id]
        self.assertEqual(
            {month: values["nc_count"] for month, values in by_month.items() if values["nc_count"]},
            {date(2026, 1, 1): 1, date(2026, 2, 1): 2, date(2026, 3, 1): 1, date(2026, 5, 1): 1},
        )
        self.assertEqual(by_month[date(2026, 2, 1)]["repeat_rate"], 100.0)
        self.assertEqual(by_month[date(2026, 3, 1)]["request_count"], 2)
        self.assertEqual(by_month[date(2026, 3, 1)]["answered_on_time"], 1)
        quarter = self.supplier.with_user(self.iso_manager)._iso_supplier_scorecard_by_period(
            date(2026, 1, 1), date(2026, 12, 31), "quarter"
        )[self.supplier.id]
        self.assertEqual(quarter[date(2026, 1, 1)]["nc_count"], 4)
        # A narrower period counts less.
        february = self.scorecard(self.iso_manager, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
        self.assertEqual(february[self.supplier.id]["nc_count"], 2)
        self.assertEqual(february[self.supplier.id]["request_count"], 1)

    def test_the_callers_rights(self):
        # A confidential NC of Quality is not the Production user's to read, and is not counted for them.
        self.make_nc(date=date(2026, 4, 4), confidentiality="restricted", user=self.iso_manager)
        self.assertEqual(self.scorecard(self.iso_manager)[self.supplier.id]["nc_count"], 6)
        self.assertEqual(self.scorecard(self.iso_user)[self.supplier.id]["nc_count"], 5)
        # Company B's user sees company B's NC only, and no request.
        score_b = self.scorecard(self.user_b)[self.supplier.id]
        self.assertEqual((score_b["nc_count"], score_b["request_count"]), (1, 0))
        # Without an ISO group: no access to the models, an empty scorecard, no error.
        self.assertEqual(
            self.scorecard(self.internal_user)[self.supplier.id], self.env["res.partner"]._iso_empty_score()
        )
        # The auditor reads it all.
        self.assertEqual(self.scorecard(self.iso_auditor)[self.supplier.id]["request_count"], 4)

    def test_company_and_domain_scope(self):
        scores = self.supplier._iso_supplier_scorecard(date(2026, 1, 1), date(2026, 12, 31), company=self.company_b)
        self.assertEqual(scores[self.supplier.id]["nc_count"], 1)
        scores = self.supplier._iso_supplier_scorecard(
            date(2026, 1, 1), date(2026, 12, 31), company=self.company, nc_domain=[("is_repeat", "=", False)]
        )
        self.assertEqual(scores[self.supplier.id]["nc_count"], 2)

    def test_constant_queries(self):
        """As many queries for one supplier with 5 NCs as for three suppliers with 35."""
        partners = self.supplier | self.other_supplier | self.other_contact

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.scorecard(self.iso_manager, partners)
            return self.env.cr.sql_log_count - before

        self.scorecard(self.iso_manager, partners)  # warm the ormcaches of rules
        few = queries()
        for index in range(10):
            self.make_nc(date=date(2026, 4, 1 + index))
            self.make_nc(date=date(2026, 4, 1 + index), partner_id=self.other_supplier.id)
            self.make_nc(date=date(2026, 4, 1 + index), partner_id=self.other_contact.id)
            self.request(date(2026, 4, 1 + index), answered=date(2026, 4, 1), on_time=True)
        self.env.flush_all()
        self.assertEqual(queries(), few)
        # Two grouped queries and the partners they name; the rest is the user, employee and departments the
        # confidentiality rules read from a cold cache.
        self.assertLessEqual(few, 10)

    def test_supplier_form_page(self):
        supplier = self.supplier.with_user(self.iso_manager)
        # The last 12 months: July 2025 to today, the NC of 2025-12-31 included, the request not yet due not.
        self.assertEqual(supplier.iso_scorecard_nc_count, 6)
        self.assertEqual(supplier.iso_scorecard_request_count, 4)
        self.assertEqual(supplier.iso_scorecard_on_time_rate, 50.0)
        self.assertEqual(supplier.iso_scorecard_repeat_rate, 50.0)
        html = str(supplier.iso_scorecard_html)
        self.assertIn("February 2026", html)
        self.assertIn("<td>2</td>", html)
        action = supplier.action_view_iso_scorecard_nonconformities()
        self.assertEqual(self.Nonconformity.with_user(self.iso_manager).search_count(action["domain"]), 6)
        self.assertIn("July 2025", html)
        self.assertNotIn("June 2025", html)
        form = Form(self.supplier.with_user(self.iso_manager))
        self.assertEqual(form.iso_scorecard_nc_count, 6)
        # A partner without NCs nor requests, and a new one, have an empty scorecard.
        self.assertFalse(
            self.env["res.partner"].create({"name": "Nothing (test)"}).with_user(self.iso_user).iso_scorecard_html
        )
        self.assertEqual(self.env["res.partner"].with_user(self.iso_user).new({}).iso_scorecard_nc_count, 0)

    def test_page_only_for_iso_users(self):
        Partner = self.env["res.partner"]
        arch = Partner.with_user(self.iso_user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="iso_supplier_scorecard"', arch)
        self.assertIn('name="iso_scorecard_html"', arch)
        arch = Partner.with_user(self.internal_user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("iso_scorecard", arch)
        # The fields themselves are the ISO users' too: refused to others over RPC.
        with self.assertRaises(AccessError):
            self.supplier.with_user(self.internal_user).read(["iso_scorecard_nc_count"])
