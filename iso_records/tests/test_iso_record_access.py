import json

from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import IsoRecordCase


@tagged("post_install", "-at_install")
class TestIsoRecordAccess(IsoRecordCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reader = cls.colleague
        # Owned by iso_user (production); one record per confidentiality level.
        cls.records = {}
        for level in ("public", "internal", "confidential", "restricted"):
            values = {"title": f"{level} record", "confidentiality": level}
            if level == "restricted":
                values["reader_user_ids"] = [(6, 0, cls.reader.ids)]
            cls.records[level] = (
                cls.env["iso.record"]
                .with_user(cls.iso_user)
                .create({"record_type_id": cls.procedure_type.id, "body": "<p>x</p>", **values})
            )
        cls.stranger = cls.env["res.users"].create(
            {
                "name": "Other production user",
                "login": "iso_stranger",
                "groups_id": [(6, 0, cls.env.ref("iso_records.group_iso_user").ids)],
            }
        )

    def visible(self, user):
        found = self.env["iso.record"].with_user(user).search([("id", "in", [r.id for r in self.records.values()])])
        return {level for level, record in self.records.items() if record in found}

    def test_read_matrix(self):
        expected = {
            self.iso_user: {"public", "internal", "confidential", "restricted"},  # owner
            self.reader: {"public", "internal", "restricted"},  # named reader, same department
            self.stranger: {"public", "internal"},
            self.production_manager: {"public", "internal", "confidential"},  # manager of the department
            self.iso_manager: {"public", "internal"},  # manager of another department
            self.iso_auditor: {"public", "internal", "confidential"},
            self.iso_administrator: {"public", "internal", "confidential", "restricted"},
            self.user_b: set(),
        }
        for user, levels in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self.visible(user), levels)

    def test_readable_and_editable_searched_true_and_false_equal_the_computed_values(self):
        """Also for a confidential record about nobody (no employee) and one about an employee, archived."""
        Record = self.env["iso.record"]
        about_employee = self.make_record(
            self.iso_user,
            title="About the colleague",
            confidentiality="confidential",
            employee_id=self.employee_of[self.colleague].id,
        )
        workflow(about_employee).write({"active": False})
        records = about_employee | Record.concat(*self.records.values())
        in_test = [("id", "in", records.ids)]
        for user in (
            self.stranger,
            self.reader,
            self.colleague,
            self.production_manager,
            self.iso_manager,
            self.iso_auditor,
        ):
            # As the user but without the rules, which would hide what the user may not read.
            as_user = Record.with_user(user).sudo().with_context(active_test=False)
            for field_name in ("iso_readable", "iso_writable"):
                computed = as_user.browse(records.ids).filtered(field_name)
                with self.subTest(user=user.login, field=field_name):
                    self.assertEqual(as_user.search(in_test + [(field_name, "=", True)]), computed)
                    self.assertEqual(as_user.search(in_test + [(field_name, "=", False)]), records - computed)
                    self.assertEqual(as_user.search(in_test + [(field_name, "!=", True)]), records - computed)
        # Through the rules, what a user reads but may not change.
        stranger = Record.with_user(self.stranger)
        self.assertEqual(
            stranger.search(in_test + [("iso_writable", "=", False)]),
            (self.records["public"] | self.records["internal"]).with_user(self.stranger),
        )

    def test_hidden_records_cannot_be_read_directly(self):
        for user, level in (
            (self.stranger, "confidential"),
            (self.iso_auditor, "restricted"),
            (self.iso_manager, "restricted"),
        ):
            with self.subTest(user=user.login, level=level), self.assertRaises(AccessError):
                self.records[level].with_user(user).read(["title", "body"])
        with self.assertRaises(AccessError):
            self.records["public"].with_user(self.user_b).read(["title"])

    def test_revisions_and_signatures_follow_the_record(self):
        record = self.records["confidential"]
        record.action_submit()
        self.sign(record.with_user(self.production_manager), self.production_manager, "approve")
        Revision = self.env["iso.record.revision"]
        self.assertEqual(
            Revision.with_user(self.production_manager).search([("record_id", "=", record.id)]),
            record.revision_id,
        )
        self.assertFalse(Revision.with_user(self.stranger).search([("record_id", "=", record.id)]))
        self.assertFalse(
            self.env["iso.signature"]
            .with_user(self.stranger)
            .search([("res_model", "=", "iso.record"), ("res_id", "=", record.id)])
        )
        self.assertTrue(
            self.env["iso.signature"]
            .with_user(self.iso_auditor)
            .search([("res_model", "=", "iso.record"), ("res_id", "=", record.id)])
        )

    def test_users_edit_only_their_own_drafts(self):
        own = self.records["internal"].with_user(self.iso_user)
        own.write({"title": "Edited by owner"})
        with self.assertRaises(AccessError):
            self.records["internal"].with_user(self.stranger).write({"title": "Edited by someone else"})
        with self.assertRaises(AccessError):
            self.records["public"].with_user(self.stranger).unlink()
        self.assertEqual(own.title, "Edited by owner")
        theirs = self.make_record(self.stranger, title="Stranger's draft")
        theirs.unlink()
        self.assertFalse(theirs.exists())

    def test_users_without_iso_group_see_nothing(self):
        with self.assertRaises(AccessError):
            self.env["iso.record"].with_user(self.internal_user).search([])

    def test_multi_company(self):
        record_b = self.make_record(self.user_b, title="Company B record")
        self.assertEqual(record_b.company_id, self.company_b)
        self.assertFalse(self.env["iso.record"].with_user(self.iso_administrator).search([("id", "=", record_b.id)]))
        with self.assertRaises(AccessError):
            self.records["public"].with_user(self.user_b).write({"title": "from B"})


@tagged("post_install", "-at_install")
class TestIsoRecordRpc(HttpCase):
    """A forged context over JSON-RPC, as a real ISO administrator, does not unlock a record."""

    def test_forged_context_over_json_rpc(self):
        env = self.env
        author = new_test_user(env, "rpc_author", groups="iso_records.group_iso_user")
        administrator = new_test_user(env, "rpc_administrator", groups="iso_records.group_iso_administrator")
        record = (
            env["iso.record"]
            .with_user(author)
            .create(
                {
                    "title": "Filed over RPC test",
                    "record_type_id": env.ref("iso_records.record_type_maintenance_record").id,
                    "body": "<p>Original</p>",
                }
            )
        )
        record.action_file()
        self.assertEqual(record.state, "filed")
        self.authenticate(administrator.login, administrator.login)
        for method, args in (
            ("write", [[record.id], {"body": "<p>Rewritten</p>"}]),
            ("write", [[record.id], {"state": "draft"}]),
            ("unlink", [[record.id]]),
        ):
            with self.subTest(method=method, args=args):
                payload = {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "iso.record",
                        "method": method,
                        "args": args,
                        "kwargs": {"context": {"iso_records_workflow": True}},
                    },
                }
                response = self.url_open(
                    "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
                ).json()
                self.assertIn("error", response)
                self.assertIn("UserError", response["error"]["data"]["name"])
        record.invalidate_recordset()
        self.assertEqual(record.body, "<p>Original</p>")
        self.assertEqual(record.state, "filed")
