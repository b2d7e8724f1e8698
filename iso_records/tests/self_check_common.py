"""Fixtures of the self-check tests: a company of its own, empty of demo data, where each test seeds one known
failure per check; its ISO users (real, non-admin); and a second company with a manager of its own."""

from odoo import Command
from odoo.tests import new_test_user

from .common import IsoRecordsCase


class SelfCheckCase(IsoRecordsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.SelfCheck = env["iso.self.check"]
        cls.company_c = env["res.company"].create({"name": "Self-check company (test)"})
        cls.company_b = env["res.company"].create({"name": "Self-check company B (test)"})

        def user_of(company, login, groups, **values):
            return new_test_user(
                env,
                login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                email=f"{login}@example.com",
                **values,
            )

        cls.user_c = user_of(cls.company_c, "sc_user", "iso_records.group_iso_user")
        cls.auditor_c = user_of(cls.company_c, "sc_auditor", "iso_records.group_iso_auditor")
        cls.manager_c = user_of(cls.company_c, "sc_manager", "iso_records.group_iso_manager")
        cls.admin_c = user_of(cls.company_c, "sc_admin", "iso_records.group_iso_administrator")
        cls.manager_b = user_of(cls.company_b, "sc_manager_b", "iso_records.group_iso_manager")
        cls.admin_b = user_of(cls.company_b, "sc_admin_b", "iso_records.group_iso_administrator")
        cls.department_c = env["hr.department"].create({"name": "Operations (test)", "company_id": cls.company_c.id})
        cls.owner_c = env["hr.employee"].create(
            {"name": "Process owner (test)", "company_id": cls.company_c.id, "user_id": cls.manager_c.id}
        )

    def run_checks(self, company=None, trigger="manual"):
        return self.SelfCheck._iso_run_checks(company or self.company_c, trigger=trigger)

    @staticmethod
    def line(run, key):
        lines = run.line_ids.filtered(lambda line: line.check_key == key)
        assert len(lines) == 1, f"one line of {key} in {run.name}"
        return lines

    def items(self, line, user=None):
        """What the line's items action opens for ``user`` (the company's ISO administrator by default, who
        sees everything of the company)."""
        user = user or self.admin_c
        action = line.with_user(user).action_view_items()
        return self.env[action["res_model"]].with_user(user).search(action["domain"])

    def assert_fails_once(self, run, key, item):
        line = self.line(run, key)
        self.assertEqual((line.passed, line.item_count), (False, 1), f"{key}: one failure")
        self.assertEqual(self.items(line), item, f"{key}: its items open exactly the seeded one")

    def assert_passes(self, run, key):
        line = self.line(run, key)
        self.assertEqual((line.passed, line.item_count), (True, 0), f"{key} passes once fixed")
