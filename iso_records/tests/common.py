import base64
from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def hold_items(records):
    """Legal hold items keeping ``records`` (of any controlled model), as x2many commands."""
    return [Command.create({"record_ref": f"{record._name},{record.id}"}) for record in records]


def line_records(lines, model="iso.record"):
    """The records of ``model`` that disposal ``lines`` are about (those that still exist)."""
    ids = lines.filtered(lambda line: line.res_model == model).mapped("res_id")
    return lines.env[model].with_context(active_test=False).browse(ids).exists()


class IsoRecordsCase(TransactionCase):
    """One real user per ISO group, none of them a superuser or a Settings administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The test users have no time zone: give the superuser none either, so that "today" is one day
        # for everyone, also in the hour around midnight where UTC and the demo's Europe/Brussels differ.
        cls.env.user.tz = False
        cls.internal_user = new_test_user(cls.env, "iso_plain", groups="base.group_user")
        cls.iso_user = new_test_user(cls.env, "iso_user", groups="iso_records.group_iso_user")
        cls.iso_auditor = new_test_user(cls.env, "iso_auditor", groups="iso_records.group_iso_auditor")
        cls.iso_manager = new_test_user(cls.env, "iso_manager", groups="iso_records.group_iso_manager")
        cls.iso_administrator = new_test_user(
            cls.env, "iso_administrator", groups="iso_records.group_iso_administrator"
        )
        cls.standard_9001 = cls.env.ref("iso_records.standard_iso_9001_2015")
        cls.standard_14001 = cls.env.ref("iso_records.standard_iso_14001_2015")

    @contextmanager
    def refused(self, exception, pattern):
        """Refused with ``exception`` matching ``pattern``, and nothing written: Odoo's assertRaises rolls the
        call back in a savepoint, as a refused RPC call is, so what the test reads afterwards is what the
        database kept. Yields the assertRaises context (``caught.exception``)."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


class IsoRecordCase(IsoRecordsCase):
    """Departments, employees and record types around real users, plus a second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.quality = env["hr.department"].create({"name": "Quality (test)"})
        cls.production = env["hr.department"].create({"name": "Production (test)"})
        cls.colleague = new_test_user(env, "iso_colleague", groups="iso_records.group_iso_user")
        cls.approver = new_test_user(env, "iso_approver", groups="iso_records.group_iso_manager")
        cls.employee_of = {}
        for user, department in (
            (cls.iso_user, cls.production),
            (cls.colleague, cls.production),
            (cls.iso_manager, cls.quality),
            (cls.approver, cls.quality),
            (cls.iso_auditor, cls.quality),
            (cls.iso_administrator, cls.quality),
        ):
            cls.employee_of[user] = env["hr.employee"].create(
                {"name": user.name, "user_id": user.id, "department_id": department.id}
            )
        cls.production_manager = new_test_user(env, "iso_prod_manager", groups="iso_records.group_iso_manager")
        cls.employee_of[cls.production_manager] = env["hr.employee"].create(
            {"name": "Production manager", "user_id": cls.production_manager.id, "department_id": cls.production.id}
        )
        cls.production.manager_id = cls.employee_of[cls.production_manager]
        cls.procedure_type = env.ref("iso_records.record_type_procedure")
        cls.training_type = env.ref("iso_records.record_type_training_record")
        cls.calibration_type = env.ref("iso_records.record_type_calibration_certificate")
        cls.product = env["product.product"].create({"name": "Torque wrench (test)"})
        cls.supplier = env["res.partner"].create({"name": "Calibration Lab (test)", "is_company": True})

        cls.company_b = env["res.company"].create({"name": "ISO Records Test Company B"})
        cls.user_b = new_test_user(
            env,
            "iso_user_b",
            groups="iso_records.group_iso_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.product_b = env["product.product"].create({"name": "B product", "company_id": cls.company_b.id})
        cls.supplier_b = env["res.partner"].create({"name": "B supplier", "company_id": cls.company_b.id})

    def make_record(self, user, record_type=None, **values):
        values = {
            "title": "Test record",
            "record_type_id": (record_type or self.procedure_type).id,
            "body": "<p>Content</p>",
            **values,
        }
        return self.env["iso.record"].with_user(user).create(values)

    def make_attachment(self, user, content=b"certificate", name="certificate.pdf"):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": name, "datas": base64.b64encode(content), "res_model": "iso.record", "res_id": 0})
        )

    def sign(self, record, user, operation, *, password=None, reason=None, meaning=None):
        values = {
            "res_model": record._name,
            "res_id": record.id,
            "operation": operation,
            "password": password or user.login,
        }
        if reason:
            values["reason"] = reason
        values["meaning"] = meaning or record._iso_signable_operations()[operation]["meanings"][0]
        wizard = self.env["iso.signature.wizard"].with_user(user).create(values)
        return wizard.action_sign()

    def approved_procedure(self, **values):
        record = self.make_record(self.iso_user, **values)
        record.action_submit()
        self.sign(record.with_user(self.approver), self.approver, "approve")
        return record
