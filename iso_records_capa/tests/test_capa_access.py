"""Who reads and changes nonconformities, CAPAs, supplier requests and the CAPA's lines (5-whys, fishbone
causes, actions, effectiveness checks), as real users: the owner, a colleague, ISO managers, the auditor (reads,
changes nothing), another company, restricted and confidential records, a user without ISO group; and the same
over JSON-RPC."""

import json
from datetime import date, timedelta

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CapaCase

LINE_MODELS = ("iso.capa.why", "iso.capa.cause", "iso.capa.action", "iso.capa.verification")
CAPA_MODELS = ("iso.nonconformity", "iso.capa", "iso.supplier.request", *LINE_MODELS)


class CapaAccessCase(CapaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nc = cls.make_nc()  # iso_user's, of Production, internal
        cls.confidential_nc = cls.make_nc(title="Confidential (test)", confidentiality="confidential")
        cls.restricted_nc = cls.make_nc(user=cls.iso_manager, title="Restricted (test)", confidentiality="restricted")
        cls.capa = cls.make_capa(cls.nc)  # iso_manager's, of Quality
        cls.restricted_capa = cls.make_capa(title="Restricted CAPA (test)", confidentiality="restricted")
        cls.lines_of = {capa: cls.make_lines(capa) for capa in (cls.capa, cls.restricted_capa)}
        cls.request = cls.SupplierRequest.with_user(cls.iso_manager).create(
            {
                "title": "Answer the scratches (test)",
                "request": "Containment, root cause and actions (test).",
                "nonconformity_id": cls.nc.id,
                "partner_id": cls.supplier.id,
                "contact_id": cls.supplier_contact.id,
            }
        )

    @classmethod
    def make_lines(cls, capa):
        capa = capa.with_user(cls.iso_manager)
        deadline = date.today() + timedelta(days=10)
        capa.write(
            {
                "why_ids": [Command.create({"question": "Why scratched?", "answer": "No protective film."})],
                "cause_ids": [Command.create({"category": "method", "cause": "Packing without film"})],
                "action_ids": [
                    Command.create(
                        {"description": "Add film (test)", "user_id": cls.iso_user.id, "date_deadline": deadline}
                    )
                ],
            }
        )
        # Checks are written by the CAPA's workflow only (created when its last action is done).
        verification = workflow(cls.env["iso.capa.verification"].with_user(cls.iso_manager)).create(
            {"capa_id": capa.id, "verifier_id": cls.verifier.id, "due_date": deadline}
        )
        return {
            "iso.capa.why": capa.why_ids,
            "iso.capa.cause": capa.cause_ids,
            "iso.capa.action": capa.action_ids,
            "iso.capa.verification": verification,
        }

    def reads(self, user, record):
        """Whether ``user`` reads ``record``; searching and reading must agree."""
        Model = self.env[record._name].with_user(user)
        if not Model.has_access("read"):
            return False
        found = bool(Model.search_count([("id", "=", record.id)]))
        self.assertEqual(found, record.with_user(user).has_access("read"), f"{record._name} {user.login}")
        return found


@tagged("post_install", "-at_install")
class TestCapaAccess(CapaAccessCase):
    def test_owner_changes_their_nonconformity_a_colleague_reads_it(self):
        self.nc.with_user(self.iso_user).write({"containment": "Sorted the delivery (test)."})
        self.assertTrue(self.reads(self.colleague, self.nc))
        with self.assertRaises(AccessError):
            self.nc.with_user(self.colleague).write({"containment": "Not mine (test)."})
        with self.assertRaises(AccessError):
            self.nc.with_user(self.colleague).unlink()
        self.assertEqual(self.nc.containment, "Sorted the delivery (test).")
        # Users raise nonconformities but delete none (managers do).
        with self.assertRaises(AccessError):
            self.make_nc().with_user(self.iso_user).unlink()

    def test_workflow_fields_are_refused_to_everyone(self):
        for user in (self.iso_user, self.iso_manager, self.iso_administrator):
            for record, field, value in (
                (self.nc, "state", "closed"),
                (self.nc, "repeat_count", 3),
                (self.capa, "state", "closed"),
                (self.capa, "reopen_count", 0),
                (self.request, "state", "accepted"),
                (self.request, "answered_on_time", True),
            ):
                with self.subTest(user=user.login, model=record._name, field=field), self.assertRaises(UserError):
                    record.with_user(user).write({field: value})
        self.assertEqual((self.nc.state, self.capa.state, self.request.state), ("new", "draft", "draft"))

    def test_users_create_no_capa_nor_supplier_request(self):
        with self.assertRaises(AccessError):
            self.make_capa(user=self.iso_user)
        with self.assertRaises(AccessError):
            self.SupplierRequest.with_user(self.iso_user).create({"title": "x", "request": "x"})
        with self.assertRaises(AccessError):
            self.request.with_user(self.iso_user).write({"title": "Changed (test)"})
        self.assertTrue(self.reads(self.iso_user, self.request))

    def test_managers_change_what_they_read(self):
        self.nc.with_user(self.iso_manager).write({"severity": 4})
        self.assertEqual(self.nc.severity, 4)
        # A confidential NC of Production: its department's manager reads it, Quality's does not.
        self.assertTrue(self.reads(self.production_manager, self.confidential_nc))
        self.assertFalse(self.reads(self.approver, self.confidential_nc))
        self.assertTrue(self.reads(self.iso_user, self.confidential_nc), "its author")
        self.assertFalse(self.reads(self.colleague, self.confidential_nc))
        with self.assertRaises(AccessError):
            self.confidential_nc.with_user(self.approver).write({"severity": 1})

    def test_auditor_reads_and_changes_nothing(self):
        auditor = self.iso_auditor
        readable = [self.nc, self.confidential_nc, self.capa, self.request, *self.lines_of[self.capa].values()]
        for record in readable:
            self.assertTrue(self.reads(auditor, record), record._name)
        for record in (self.restricted_nc, self.restricted_capa, *self.lines_of[self.restricted_capa].values()):
            self.assertFalse(self.reads(auditor, record), record._name)
        for record, values in (
            (self.nc, {"containment": "x"}),
            (self.capa, {"root_cause": "x"}),
            (self.lines_of[self.capa]["iso.capa.why"], {"answer": "x"}),
            (self.lines_of[self.capa]["iso.capa.action"], {"description": "x"}),
        ):
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(auditor).write(values)
        with self.assertRaises(AccessError):
            self.make_nc(user=auditor)
        with self.assertRaises(AccessError):
            self.env["iso.capa.why"].with_user(auditor).create({"capa_id": self.capa.id, "answer": "x"})

    def test_restricted_records_and_their_lines(self):
        for user in (self.iso_user, self.colleague, self.approver, self.production_manager):
            self.assertFalse(self.reads(user, self.restricted_nc), user.login)
            self.assertFalse(self.reads(user, self.restricted_capa), user.login)
            for model, line in self.lines_of[self.restricted_capa].items():
                self.assertFalse(self.reads(user, line), f"{model} {user.login}")
        for user in (self.iso_manager, self.iso_administrator):
            self.assertTrue(self.reads(user, self.restricted_nc), user.login)
            for line in self.lines_of[self.restricted_capa].values():
                self.assertTrue(self.reads(user, line), f"{line._name} {user.login}")
        with self.assertRaises(AccessError):
            self.restricted_nc.with_user(self.iso_user).read(["title"])
        self.restricted_capa.with_user(self.iso_manager).write({"reader_user_ids": [Command.link(self.colleague.id)]})
        self.assertTrue(self.reads(self.colleague, self.restricted_capa), "a named reader")
        self.assertTrue(self.reads(self.colleague, self.lines_of[self.restricted_capa]["iso.capa.action"]))

    def test_lines_follow_their_capa(self):
        lines = self.lines_of[self.capa]
        # Every ISO user reads an internal CAPA's lines; only who may change the CAPA changes them.
        for line in lines.values():
            self.assertTrue(self.reads(self.colleague, line), line._name)
        for model in ("iso.capa.why", "iso.capa.cause"):
            with self.subTest(model=model), self.assertRaises(AccessError):
                lines[model].with_user(self.colleague).write({"sequence": 99})
        with self.assertRaises(AccessError):
            self.env["iso.capa.why"].with_user(self.colleague).create({"capa_id": self.capa.id, "answer": "x"})
        self.env["iso.capa.why"].with_user(self.iso_manager).create({"capa_id": self.capa.id, "answer": "Mine"})
        self.assertEqual(len(self.capa.why_ids), 2)

    def test_another_company_sees_nothing(self):
        user_b = self.user_b
        for record in (self.nc, self.capa, self.request, *self.lines_of[self.capa].values()):
            self.assertFalse(self.reads(user_b, record), record._name)
            with self.subTest(model=record._name), self.assertRaises(AccessError):
                record.with_user(user_b).read(["id"])
        nc_b = self.Nonconformity.with_user(user_b).create(
            {"title": "B (test)", "description": "B", "company_id": self.company_b.id}
        )
        self.assertFalse(self.reads(self.iso_user, nc_b))
        self.assertEqual(self.Nonconformity.with_user(user_b).search([]), nc_b)

    def test_users_without_iso_group_see_nothing(self):
        for user in (self.internal_user, self.portal_user):
            for model in CAPA_MODELS:
                Model = self.env[model].with_user(user)
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    Model.search([])
            with self.assertRaises(AccessError):
                self.nc.with_user(user).read(["title"])
            with self.assertRaises(AccessError):
                self.make_nc(user=user)


@tagged("post_install", "-at_install")
class TestCapaAccessRpc(HttpCase, CapaAccessCase):
    """The same rules through /web/dataset/call_kw as logged-in users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rpc_user = new_test_user(cls.env, "capa_rpc_user", groups="iso_records.group_iso_user")

    def call(self, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        }
        return self.url_open(
            "/web/dataset/call_kw", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        ).json()

    def assert_refused(self, response, error="AccessError"):
        self.assertIn("error", response, response.get("result"))
        self.assertIn(error, response["error"]["data"]["name"])

    def test_iso_user_over_rpc(self):
        self.authenticate(self.rpc_user.login, self.rpc_user.login)
        found = self.call(
            "iso.nonconformity",
            "search_read",
            [[("id", "in", [self.nc.id, self.restricted_nc.id])]],
            {"fields": ["title"]},
        )["result"]
        self.assertEqual([row["id"] for row in found], [self.nc.id])
        self.assert_refused(self.call("iso.nonconformity", "read", [[self.restricted_nc.id], ["title"]]))
        self.assert_refused(self.call("iso.capa", "read", [[self.restricted_capa.id], ["title"]]))
        action = self.lines_of[self.restricted_capa]["iso.capa.action"]
        self.assert_refused(self.call("iso.capa.action", "read", [action.ids, ["description"]]))
        # Not the owner: changes nothing; the state is the workflow's, forged context or not.
        self.assert_refused(self.call("iso.nonconformity", "write", [[self.nc.id], {"containment": "x"}]))
        self.assert_refused(
            self.call(
                "iso.nonconformity",
                "write",
                [[self.nc.id], {"state": "closed"}],
                {"context": {"iso_records_workflow": True}},
            ),
            "UserError",
        )
        self.assert_refused(self.call("iso.capa", "create", [{"title": "Forged (test)"}]))
        self.assert_refused(self.call("iso.supplier.request", "write", [[self.request.id], {"title": "x"}]))
        self.nc.invalidate_recordset()
        self.assertEqual((self.nc.state, self.nc.containment), ("new", False))

    def test_no_iso_group_and_portal_over_rpc(self):
        for user in (self.internal_user, self.portal_user):
            self.authenticate(user.login, user.login)
            for model in CAPA_MODELS:
                with self.subTest(user=user.login, model=model):
                    self.assert_refused(self.call(model, "search_read", [[]], {"fields": ["id"]}))
            self.assert_refused(self.call("iso.nonconformity", "read", [[self.nc.id], ["title"]]))
            self.assert_refused(self.call("iso.nonconformity", "create", [{"title": "x", "description": "x"}]))
