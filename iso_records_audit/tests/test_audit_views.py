"""The smart buttons of the employee, department and partner forms (counted with the user's access), and
every audit view as an ISO manager and as an ISO auditor would load it."""

from datetime import timedelta

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.tests import new_test_user, tagged

from .test_audit_access import AuditAccessCase

AUDIT_VIEWS = {
    "iso.audit": ("list", "kanban", "calendar", "form", "pivot", "search"),
    "iso.audit.finding": ("list", "form", "pivot", "graph", "search"),
    "iso.audit.programme": ("list", "form", "search"),
    "iso.audit.checklist.template": ("list", "form", "search"),
}
ACTIONS = (
    "iso_records_audit.iso_audit_action",
    "iso_records_audit.iso_audit_finding_action",
    "iso_records_audit.iso_audit_programme_action",
    "iso_records_audit.iso_audit_checklist_template_action",
)


@tagged("post_install", "-at_install")
class TestAuditSmartButtons(AuditAccessCase):
    def count(self, record, user, field_name):
        record = record.with_user(user)
        record.invalidate_recordset([field_name])
        return record[field_name]

    def test_employee_counts_each_audit_once_whatever_their_part(self):
        auditee = self.employee_of[self.auditee]
        # Process owner and auditee of the three audits, and a team member of a fourth.
        sales_audit = self.env["iso.audit"].create(
            {
                "title": "Sales audit",
                "department_id": self.sales.id,
                "date_start": self.today,
                "date_end": self.today,
                "auditor_ids": [Command.create({"role": "observer", "employee_id": auditee.id})],
            }
        )
        # Each counts what they may read: the manager of Production its confidential audit, not the restricted
        # one; the plain user the restricted one they are named on, not the confidential one.
        self.assertEqual(self.count(auditee, self.manager, "iso_audit_count"), 3)
        self.assertEqual(self.count(auditee, self.plain, "iso_audit_count"), 3)
        self.assertEqual(self.count(auditee, self.sales_manager, "iso_audit_count"), 2)
        lead = self.employee_of[self.lead]
        self.assertEqual(self.count(lead, self.plain, "iso_audit_count"), 2)
        self.assertEqual(self.count(lead, self.lead, "iso_audit_count"), 3, "the team reads its restricted audit")
        # Many employees at once (a list), counted together.
        employees = (auditee | lead | self.employee_of[self.plain]).with_user(self.manager)
        employees.invalidate_recordset(["iso_audit_count"])
        self.assertEqual(employees.mapped("iso_audit_count"), [3, 2, 0])
        action = auditee.with_user(self.manager).action_view_iso_audits()
        self.assertEqual(
            self.env["iso.audit"].with_user(self.manager).search(action["domain"]),
            self.audit | self.confidential | sales_audit,
        )
        self.assertEqual(action["context"]["default_department_id"], self.production.id)

    def test_department_counts_sub_departments_and_open_findings(self):
        assembly = self.env["hr.department"].create(
            {"name": "Assembly (audit access)", "parent_id": self.production.id}
        )
        assembly_audit = self.env["iso.audit"].create(
            {"title": "Assembly audit", "department_id": assembly.id, "date_start": self.today, "date_end": self.today}
        )
        self.assertEqual(self.count(self.production, self.manager, "iso_audit_count"), 3)
        self.assertEqual(self.count(assembly, self.manager, "iso_audit_count"), 1)
        self.assertEqual(self.count(self.production, self.plain, "iso_audit_count"), 3)
        self.assertEqual(self.count(self.production, self.sales_manager, "iso_audit_count"), 2)
        self.assertEqual(self.count(self.production, self.manager, "iso_open_finding_count"), 2)
        self.assertEqual(self.count(self.production, self.plain, "iso_open_finding_count"), 2)
        workflow(self.finding).write({"state": "closed"})
        self.assertEqual(self.count(self.production, self.plain, "iso_open_finding_count"), 1)
        self.assertEqual(self.count(self.sales, self.manager, "iso_audit_count"), 0)
        action = self.production.with_user(self.manager).action_view_iso_audits()
        self.assertIn(assembly_audit, self.env["iso.audit"].with_user(self.manager).search(action["domain"]))
        self.assertEqual(action["context"]["default_department_id"], self.production.id)
        action = self.production.with_user(self.manager).action_view_iso_open_findings()
        self.assertEqual(
            self.env["iso.audit.finding"].with_user(self.manager).search(action["domain"]),
            self.confidential_finding,
        )

    def test_partner_counts_supplier_audits_and_audits_by_the_body(self):
        supplier = self.env["res.partner"].create({"name": "Panel supplier (audit access)", "is_company": True})
        body = self.env["res.partner"].create({"name": "Certification body (audit access)", "is_company": True})
        dates = {"date_start": self.today + timedelta(days=7), "date_end": self.today + timedelta(days=8)}
        self.env["iso.audit"].create(
            [
                {"title": "Supplier audit", "audit_type": "supplier", "partner_id": supplier.id, **dates},
                {
                    "title": "Confidential supplier audit",
                    "audit_type": "supplier",
                    "partner_id": supplier.id,
                    "confidentiality": "confidential",
                    "department_id": self.sales.id,
                    **dates,
                },
                {"title": "Surveillance audit", "audit_type": "external", "body_id": body.id, **dates},
            ]
        )
        self.assertEqual(self.count(supplier, self.sales_manager, "iso_audit_count"), 2)
        self.assertEqual(self.count(supplier, self.plain, "iso_audit_count"), 1)
        self.assertEqual(self.count(body, self.plain, "iso_audit_count"), 1)
        self.assertEqual(self.count(supplier, self.administrator_b, "iso_audit_count"), 0)
        action = supplier.with_user(self.plain).action_view_iso_audits()
        self.assertEqual(action["context"], {"default_audit_type": "supplier", "default_partner_id": supplier.id})
        action = body.with_user(self.plain).action_view_iso_audits()
        self.assertEqual(action["context"], {"default_audit_type": "external", "default_body_id": body.id})
        self.assertEqual(len(self.env["iso.audit"].with_user(self.plain).search(action["domain"])), 1)

    def test_users_without_iso_access_count_nothing(self):
        hr_user = new_test_user(self.env, "audit_hr_only", groups="hr.group_hr_user")
        self.assertEqual(self.count(self.employee_of[self.auditee], hr_user, "iso_audit_count"), 0)
        self.assertEqual(self.count(self.production, hr_user, "iso_audit_count"), 0)


@tagged("post_install", "-at_install")
class TestAuditViews(AuditAccessCase):
    def test_every_audit_view_loads_for_managers_and_auditors(self):
        for user in (self.manager, self.iso_auditor):
            for model_name, view_types in AUDIT_VIEWS.items():
                with self.subTest(user=user.login, model=model_name):
                    result = self.env[model_name].with_user(user).get_views([(False, view) for view in view_types])
                    self.assertEqual(set(result["views"]), set(view_types))
            for xmlid in ACTIONS:
                with self.subTest(user=user.login, action=xmlid):
                    action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(xmlid)
                    model = self.env[action["res_model"]].with_user(user)
                    search_view = action.get("search_view_id") or [False]
                    result = model.get_views([*action["views"], (search_view[0], "search")])
                    self.assertEqual(
                        set(result["views"]), {view_type for _id, view_type in action["views"]} | {"search"}
                    )
                    model.web_search_read([], {"display_name": {}}, limit=10)

    def test_views_show_the_data(self):
        """The kanban groups by stage, the findings pivot and graph by grade, department, clause and month."""
        Audit = self.env["iso.audit"].with_user(self.iso_auditor)
        kanban = Audit.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn('default_group_by="state"', kanban)
        fixture = [("id", "in", (self.audit | self.confidential | self.restricted).ids)]
        groups = Audit.web_read_group(fixture, ["state"], ["state"])
        self.assertIn("fieldwork", [group["state"] for group in groups["groups"]])
        Finding = self.env["iso.audit.finding"].with_user(self.iso_auditor)
        for groupby in (["grade"], ["department_id"], ["clause_id"], ["date:month"], ["department_id", "grade"]):
            with self.subTest(groupby=groupby):
                groups = Finding.read_group([("audit_id", "in", fixture[0][2])], ["__count"], groupby, lazy=False)
                self.assertEqual(sum(group["__count"] for group in groups), 2, "the confidential and internal ones")
        calendar = Audit.get_views([(False, "calendar")])["views"]["calendar"]["arch"]
        self.assertIn('date_start="date_start"', calendar)

    def test_erp_forms_and_settings_load(self):
        for user in (self.plain, self.manager, self.iso_auditor):
            with self.subTest(user=user.login):
                for model_name, field_name in (
                    ("hr.employee", "iso_audit_count"),
                    ("hr.department", "iso_audit_count"),
                    ("res.partner", "iso_audit_count"),
                ):
                    arch = self.env[model_name].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
                    self.assertIn(f'name="{field_name}"', arch, f"{model_name}: the Audits button")
        administrator = new_test_user(
            self.env, "audit_settings_admin", groups="base.group_system,iso_records.group_iso_administrator"
        )
        arch = self.env["res.config.settings"].with_user(administrator).get_views([(False, "form")])["views"]["form"]
        for name in ("iso_audit_frequency_critical", "iso_finding_due_days_major", "iso_finding_reminder_days"):
            self.assertIn(f'name="{name}"', arch["arch"])
        settings = self.env["res.config.settings"].with_user(administrator).create({"iso_finding_due_days_major": 21})
        settings.execute()
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param("iso_records.finding_due_days_major"), "21")
