"""The controlled-record contract, run end to end against a minimal model (iso.test.controlled) and,
for the access rules and the confidentiality policy, against every model that inherits the contract.

Every check runs as a real user made here (none a superuser nor a Settings administrator), except where
the superuser is the point (fixtures the workflow would make, and what only the superuser may do)."""

import base64
import contextlib
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

TEST_MODEL = "iso.test.controlled"
TEST_MODEL_LABEL = "ISO Test Controlled Record"
TEST_LINE_MODEL = "iso.test.controlled.line"
# The controlled models of iso_records_audit, checked here when it is installed.
AUDIT_MODELS = ("iso.audit.programme", "iso.audit", "iso.audit.finding", "iso.objective", "iso.management.review")
# The controlled models of iso_records_capa, checked here when it is installed.
CAPA_MODELS = ("iso.nonconformity", "iso.capa", "iso.supplier.request")
LEVELS = ("public", "internal", "confidential", "restricted")
COMPANY_RULE = "[('company_id','in',company_ids)]"
READ_RULE = "[('iso_readable', '=', True)]"
WRITE_RULE = "[('iso_writable', '=', True)]"
SUBJECT_NAME = "Zelda Quartermaine"
ANONYMISED = "[anonymised]"


class ContractCase(TransactionCase):
    """Two departments, and one real user per role with an employee in one of them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.quality = env["hr.department"].create({"name": "Contract Quality"})
        cls.operations = env["hr.department"].create({"name": "Contract Operations"})
        cls.passwords = {}
        cls.employee_of = {}
        cls.iso_user = cls._user("contract_user", "iso_records.group_iso_user", cls.operations)
        cls.colleague = cls._user("contract_colleague", "iso_records.group_iso_user", cls.operations)
        cls.auditor = cls._user("contract_auditor", "iso_records.group_iso_auditor", cls.quality)
        cls.manager = cls._user("contract_manager", "iso_records.group_iso_manager", cls.quality)
        cls.second_manager = cls._user("contract_manager_2", "iso_records.group_iso_manager", cls.quality)
        cls.operations_manager = cls._user("contract_ops_manager", "iso_records.group_iso_manager", cls.operations)
        cls.administrator = cls._user("contract_admin", "iso_records.group_iso_administrator", cls.quality)
        # The person records are about, whose name anonymisation removes.
        cls.subject = env["hr.employee"].create({"name": SUBJECT_NAME, "department_id": cls.operations.id})
        env["ir.config_parameter"].set_param("iso_records.retention_grace_days", "10")
        # One day for everyone: the superuser's and each user's "today" must not differ around midnight.
        env.user.tz = "UTC"
        cls.today = fields.Date.context_today(env[TEST_MODEL])

    @classmethod
    def _user(cls, login, group, department):
        password = f"{login}-Secret-42"
        user = new_test_user(cls.env, login, groups=group, password=password, tz="UTC")
        cls.passwords[user] = password
        cls.employee_of[user] = cls.env["hr.employee"].create(
            {"name": user.name, "user_id": user.id, "department_id": department.id}
        )
        return user

    @contextlib.contextmanager
    def assertRaisesRegex(self, expected_exception, expected_regex, msg=None):
        """Odoo's assertRaises rolls the refused operation back (savepoint, cache cleared); the standard
        assertRaisesRegex does not, and a refused write could leave its values in the cache."""
        with self.assertRaises(expected_exception, msg=msg) as context:
            yield context
        self.assertRegex(str(context.exception), expected_regex, msg)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    def make(self, user, **values):
        return self.env[TEST_MODEL].with_user(user).create({"name": "Contract record", **values})

    def sign(self, record, user, operation, meaning, reason=None):
        wizard = (
            self.env["iso.signature.wizard"]
            .with_user(user)
            .create(
                {
                    "res_model": record._name,
                    "res_id": record.id,
                    "operation": operation,
                    "meaning": meaning,
                    "password": self.passwords[user],
                    "reason": reason or False,
                }
            )
        )
        return wizard.action_sign()

    def verified(self, record):
        self.sign(record, self.manager, "verify", "verified")
        return record

    def close(self, record):
        self.verified(record)
        self.sign(record, self.second_manager, "close", "closed", reason="Work done and checked")
        self.assertEqual(record.state, "closed")
        return record

    def closed(self, user=None, **values):
        return self.close(self.make(user or self.iso_user, **values))

    def upload(self, user, name="evidence.txt", content=b"measured values", res_model=TEST_MODEL, res_id=0):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": name, "datas": base64.b64encode(content), "res_model": res_model, "res_id": res_id})
        )

    def trail(self, record, model_name=None, record_id=None):
        return (
            self.env["iso.trail.event"]
            .sudo()
            .search(
                [("res_model", "=", model_name or record._name), ("res_id", "=", record_id or record.id)],
                order="sequence",
            )
        )

    def signatures(self, model_name, record_id):
        return self.env["iso.signature"].sudo().search([("res_model", "=", model_name), ("res_id", "=", record_id)])

    def assert_trail_intact(self):
        verification = self.env["iso.trail.verification"]._verify()
        self.assertEqual(verification.state, "intact", verification.problem)

    def policy(self, action, approval_required=False, **values):
        """The retention policy new test records take: one year from closing, then ``action``."""
        self.env["ir.config_parameter"].set_param("iso_records.disposal_approval", "per_policy")
        return self.env["iso.retention.policy"].create(
            {
                "name": f"Contract test: {action}",
                "duration": 1,
                "duration_unit": "years",
                "start_event": "closed",
                "action": action,
                "approval_required": approval_required,
                "model_ids": [Command.link(self.env["ir.model"]._get_id(TEST_MODEL))],
                **values,
            }
        )

    def due(self, record):
        """Move the record's retention end far enough back that the sweep disposes of it."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE iso_test_controlled SET retention_until = %s WHERE id = %s",
            [self.today - timedelta(days=400), record.id],
        )
        record.invalidate_recordset()
        return record

    def collect(self):
        return self.env["iso.disposal.batch"]._collect(self.company)

    def own_lines(self, batch):
        return batch.line_ids.filtered(lambda line: line.res_model == TEST_MODEL)


@tagged("post_install", "-at_install")
class TestControlledContractWalk(ContractCase):
    """The rules and the confidentiality policy of every model that inherits the contract."""

    def _minimal_values(self, model_name):
        """The least a record of ``model_name`` needs to be created; every controlled model must be here."""
        if model_name == "iso.record":
            return {"record_type_id": self.env.ref("iso_records.record_type_procedure").id, "title": "Contract walk"}
        if model_name == "iso.risk":
            return {"title": "Contract walk"}
        if model_name == TEST_MODEL:
            return {"name": "Contract walk"}
        if model_name in AUDIT_MODELS:
            return self._minimal_audit_values(model_name)
        if model_name in CAPA_MODELS:
            return self._minimal_capa_values(model_name)
        self.fail(
            f"{model_name} inherits iso.controlled.mixin, but the contract test cannot create one: add the values "
            f"it requires to _minimal_values() in tests/addons/iso_records_test_contract/tests/test_contract.py."
        )

    def _minimal_audit_values(self, model_name):
        """iso_records_audit's models (when installed): a programme, an audit, and a finding of an audit under way
        (its fieldwork), with no team, so that no test user reads the finding as one of its auditors."""
        standard = self.env.ref("iso_records.standard_iso_9001_2015")
        if model_name == "iso.objective":
            return {"title": "Contract walk", "measure": "Contract walk", "target": 1.0, "date_due": self.today}
        if model_name == "iso.management.review":
            return {"date": self.today, "period_start": self.today, "period_end": self.today}
        if model_name == "iso.audit.programme":
            return {"name": "Contract walk", "standard_ids": [Command.link(standard.id)]}
        audit_values = {"title": "Contract walk", "date_start": self.today, "date_end": self.today}
        if model_name == "iso.audit":
            return audit_values
        audit = self.env["iso.audit"].sudo().create({**audit_values, "department_id": self.quality.id})
        workflow(audit).write({"state": "fieldwork"})
        clause = self.env["iso.clause"].search([("standard_id", "=", standard.id)], limit=1)
        return {"audit_id": audit.id, "clause_id": clause.id, "evidence": "Contract walk", "grade": "minor"}

    def _minimal_capa_values(self, model_name):
        """iso_records_capa's models (when installed): a new nonconformity, a draft CAPA, a draft supplier request."""
        if model_name == "iso.nonconformity":
            return {"title": "Contract walk", "description": "Contract walk"}
        if model_name == "iso.capa":
            return {"title": "Contract walk"}
        return {"title": "Contract walk", "request": "Contract walk"}

    def reads(self, user, record):
        """Whether ``user`` reads ``record``; searching and reading it must agree."""
        found = bool(self.env[record._name].with_user(user).search_count([("id", "=", record.id)]))
        readable = record.with_user(user).has_access("read")
        self.assertEqual(
            found, readable, f"{record._name}: search and read disagree for {user.login} on a {record.confidentiality}"
        )
        return found

    def visible_evidence(self, user, evidence_model, record):
        Evidence = self.env[evidence_model].with_user(user)
        if not Evidence.has_access("read"):
            return Evidence.browse()
        return Evidence.search([("res_model", "=", record._name), ("res_id", "=", record.id)])

    def fake_signature(self, record):
        """A signature row as the signing workflow writes it, on a record of any controlled model."""
        return workflow(self.env["iso.signature"].sudo()).create(
            {
                "res_model": record._name,
                "res_id": record.id,
                "reference": record.display_name,
                "operation": "contract",
                "company_id": record.company_id.id,
                "signer_id": self.administrator.id,
                "signer_name": self.administrator.name,
                "meaning": "reviewed",
                "signed_at": fields.Datetime.now(),
                "content_hash": record.sudo()._iso_content_hash(),
            }
        )

    def test_controlled_models_are_found(self):
        names = self.env["iso.controlled.mixin"]._iso_controlled_model_names()
        self.assertLessEqual({"iso.record", "iso.risk", TEST_MODEL}, set(names))
        self.assertNotIn("iso.review.mixin", names, "abstract mixins are not controlled models")

    def test_every_controlled_model_has_the_three_rules(self):
        user_group = self.env.ref("iso_records.group_iso_user")
        Controlled = self.env["iso.controlled.mixin"]
        line_models = Controlled._iso_controlled_model_names("iso.controlled.line.mixin")
        self.assertIn(TEST_LINE_MODEL, line_models)
        for model_name in Controlled._iso_controlled_model_names() + line_models:
            with self.subTest(model=model_name):
                rules = self.env["ir.rule"].sudo().search([("model_id.model", "=", model_name)])
                company = rules.filtered(
                    lambda rule: rule["global"] and "".join(rule.domain_force.split()) == COMPANY_RULE
                )
                self.assertTrue(company, f"{model_name}: no active global rule {COMPANY_RULE}")
                read = rules.filtered(lambda rule: rule.groups == user_group and rule.domain_force == READ_RULE)
                self.assertEqual(len(read), 1, f"{model_name}: no ISO user rule {READ_RULE}")
                self.assertEqual(
                    (read.perm_read, read.perm_write, read.perm_create, read.perm_unlink),
                    (True, False, False, False),
                    f"{model_name}: the read rule applies to reading only",
                )
                write = rules.filtered(lambda rule: rule.groups == user_group and rule.domain_force == WRITE_RULE)
                self.assertEqual(len(write), 1, f"{model_name}: no ISO user rule {WRITE_RULE}")
                self.assertEqual(
                    (write.perm_read, write.perm_write, write.perm_create, write.perm_unlink),
                    (False, True, True, True),
                    f"{model_name}: the write rule applies to writing, creating and deleting",
                )

    def test_confidentiality_policy_of_every_controlled_model(self):
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            with self.subTest(model=model_name):
                self._check_policy(model_name)

    def _check_policy(self, model_name):
        Model = self.env[model_name].sudo()
        values = self._minimal_values(model_name)
        record_of = {
            level: Model.create({**values, "confidentiality": level, "department_id": self.quality.id})
            for level in LEVELS
        }
        for level, record in record_of.items():
            self.assertEqual(record.confidentiality, level)
        expected = {
            self.iso_user: {"public", "internal"},
            self.auditor: {"public", "internal", "confidential"},
            self.manager: {"public", "internal", "confidential"},
            self.operations_manager: {"public", "internal"},
            self.administrator: set(LEVELS),
        }
        for user, levels in expected.items():
            for level, record in record_of.items():
                self.assertEqual(
                    self.reads(user, record),
                    level in levels,
                    f"{model_name}: {user.login} {'should' if level in levels else 'should not'} read a {level} "
                    f"record of department {record.department_id.name}",
                )
        with self.assertRaises(AccessError):
            record_of["restricted"].with_user(self.iso_user).read(["confidentiality"])

        about_user = Model.create(
            {**values, "confidentiality": "confidential", "employee_id": self.employee_of[self.iso_user].id}
        )
        self.assertTrue(self.reads(self.iso_user, about_user), f"{model_name}: a confidential record about me")
        self.assertFalse(self.reads(self.colleague, about_user), f"{model_name}: a confidential record about another")
        named = Model.create(
            {**values, "confidentiality": "restricted", "reader_user_ids": [Command.link(self.iso_user.id)]}
        )
        self.assertTrue(self.reads(self.iso_user, named), f"{model_name}: a named reader reads a restricted record")
        self.assertFalse(self.reads(self.colleague, named), f"{model_name}: restricted to its named readers")
        self.assertFalse(self.reads(self.auditor, named), f"{model_name}: auditors read all but restricted records")

        # Evidence follows its record: nobody reads a restricted record's signatures or trail unless he reads it.
        restricted = record_of["restricted"]
        self.fake_signature(restricted)
        self.fake_signature(named)
        for user in (self.iso_user, self.colleague, self.auditor, self.manager, self.operations_manager):
            for evidence in ("iso.signature", "iso.trail.event"):
                self.assertFalse(
                    self.visible_evidence(user, evidence, restricted),
                    f"{model_name}: {user.login} reads {evidence} of a restricted record he may not read",
                )
        for evidence in ("iso.signature", "iso.trail.event"):
            self.assertTrue(
                self.visible_evidence(self.administrator, evidence, restricted),
                f"{model_name}: ISO administrators read {evidence} of restricted records",
            )
        self.assertTrue(self.visible_evidence(self.iso_user, "iso.signature", named), f"{model_name}: named reader")
        self.assertFalse(self.visible_evidence(self.colleague, "iso.signature", named), f"{model_name}: not named")
        self.assertTrue(self.visible_evidence(self.auditor, "iso.trail.event", record_of["confidential"]))

        # The retention and disposal fields are the workflow's, even for ISO managers and administrators.
        target = record_of["internal"]
        for user in (self.manager, self.administrator):
            for name, value in (("retention_until", date(2001, 1, 1)), ("disposal_action", "delete")):
                before = target[name]
                with self.assertRaises(UserError, msg=f"{model_name}: {user.login} writes {name}"):
                    target.with_user(user).write({name: value})
                target.invalidate_recordset()
                self.assertEqual(target[name], before, f"{model_name}: {name} changed by {user.login}")


@tagged("post_install", "-at_install")
class TestControlledSignatures(ContractCase):
    def test_verify_and_close_are_signed(self):
        record = self.make(self.iso_user, note="<p>Measured 4.2 mm</p>")
        record.with_user(self.iso_user).write({"name": "Contract record, corrected"})
        self.assertEqual(record.state, "draft")

        with self.assertRaisesRegex(UserError, "does not fit"):
            self.sign(record, self.manager, "verify", "approved")
        with self.assertRaisesRegex(UserError, "cannot be signed on"):
            self.sign(record, self.manager, "publish", "verified")
        with self.assertRaisesRegex(UserError, "only ISO Manager may sign"):
            self.sign(record, self.colleague, "verify", "verified")
        with self.assertRaisesRegex(UserError, "this step needs it to be Verified"):
            self.sign(record, self.manager, "close", "closed", reason="Too early")
        with self.assertRaisesRegex(UserError, "Password"):
            self.env["iso.signature.wizard"].with_user(self.manager).create(
                {"res_model": TEST_MODEL, "res_id": record.id, "operation": "verify", "meaning": "verified"}
            ).action_sign()
        self.assertFalse(self.signatures(TEST_MODEL, record.id), "nothing was signed by the refused attempts")
        self.assertEqual(record.state, "draft")

        self.sign(record, self.manager, "verify", "verified")
        self.assertEqual((record.state, record.verified_by_id), ("verified", self.manager))
        self.assertFalse(record.retention_start_date, "the clock starts when the record is closed")
        with self.assertRaisesRegex(UserError, "this step needs it to be Draft"):
            self.sign(record, self.second_manager, "verify", "verified")

        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.sign(record, self.second_manager, "close", "approved")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            self.sign(record, self.second_manager, "close", "approved", reason="   ")
        with self.assertRaisesRegex(UserError, "wrote or changed the content"):
            self.sign(record, self.iso_user, "close", "approved", reason="I approve my own work")
        self.sign(record, self.second_manager, "close", "approved", reason="Checked on site")
        self.assertEqual(record.state, "closed")

        # Locked: the content is frozen and the record is kept.
        for user in (self.iso_user, self.manager, self.administrator):
            with self.assertRaisesRegex(UserError, "is locked"):
                record.with_user(user).write({"name": "Changed after closing"})
            with self.assertRaisesRegex(UserError, "cannot be deleted"):
                record.with_user(user).unlink()
        with self.assertRaisesRegex(UserError, "is locked"):
            record.with_user(self.iso_user).write({"note": "<p>Other value</p>"})
        self.assertEqual(record.name, "Contract record, corrected")
        record.with_user(self.iso_user).message_post(body="Discussion stays open on a locked record")

        signatures = self.signatures(TEST_MODEL, record.id)
        self.assertEqual(len(signatures), 2)
        self.assertEqual(record.signature_ids, signatures)
        self.assertEqual(set(signatures.mapped("operation")), {"verify", "close"})
        self.assertEqual(
            {(s.operation, s.signer_id, s.meaning) for s in signatures},
            {("verify", self.manager, "verified"), ("close", self.second_manager, "approved")},
        )
        self.assertTrue(all(signatures.mapped("content_hash")))
        self.assertEqual(signatures.filtered(lambda s: s.operation == "close").reason, "Checked on site")
        self.assertEqual(signatures.mapped("reference"), [record.display_name] * 2)

        events = self.trail(record)
        self.assertLessEqual({"create", "change", "state", "signature"}, set(events.mapped("event_type")))
        self.assertEqual(events[0].event_type, "create")
        self.assertEqual(
            events.filtered(lambda e: e.event_type == "signature").user_id, self.manager | self.second_manager
        )
        self.assertEqual(len(events.filtered(lambda e: e.event_type == "state")), 2)
        self.assert_trail_intact()

    def test_four_eyes(self):
        own = self.make(self.manager)
        with self.assertRaisesRegex(UserError, "wrote or changed the content"):
            self.sign(own, self.manager, "verify", "verified")
        edited = self.make(self.iso_user)
        edited.with_user(self.second_manager).write({"name": "Edited by the second manager"})
        with self.assertRaisesRegex(UserError, "wrote or changed the content"):
            self.sign(edited, self.second_manager, "verify", "verified")
        self.assertEqual(edited.state, "draft")
        self.sign(edited, self.manager, "verify", "verified")
        self.assertEqual(edited.verified_by_id, self.manager)

    def test_four_eyes_count_the_files(self):
        """The signed content hash covers the files (_iso_content_hash): whoever linked a file wrote
        part of what is signed and cannot verify it either."""
        record = self.make(self.iso_user)
        upload = self.upload(self.manager, "measurements.csv")
        hash_before = record._iso_content_hash()
        record.with_user(self.manager).write({"attachment_ids": [Command.link(upload.id)]})
        self.assertNotEqual(record._iso_content_hash(), hash_before, "the file is part of the signed content")
        with self.assertRaisesRegex(UserError, "wrote or changed the content"):
            self.sign(record, self.manager, "verify", "verified")

    def test_signature_dialog_targets(self):
        secret = self.env[TEST_MODEL].sudo().create({"name": "Restricted", "confidentiality": "restricted"})
        with self.assertRaises(AccessError):
            self.sign(secret, self.manager, "verify", "verified")
        self.assertEqual(secret.state, "draft")
        with self.assertRaisesRegex(UserError, "has no signatures"):
            self.env["iso.signature.wizard"].with_user(self.manager).create(
                {
                    "res_model": "res.partner",
                    "res_id": self.manager.partner_id.id,
                    "operation": "verify",
                    "meaning": "verified",
                    "password": self.passwords[self.manager],
                }
            )
        # The dialog opened from the record proposes the operation's first meaning.
        action = self.make(self.iso_user).with_user(self.manager).action_open_verify()
        self.assertEqual(action["context"]["default_meaning"], "verified")

    def test_auditors_sign_nothing(self):
        record = self.make(self.iso_user)
        with self.assertRaises(AccessError):
            self.sign(record, self.auditor, "close", "closed", reason="Auditor")

    def test_workflow_only_fields(self):
        record = self.make(self.iso_user)
        for user in (self.iso_user, self.manager, self.administrator):
            for values in (
                {"state": "closed"},
                {"verified_by_id": user.id},
                {"retention_until": "2001-01-01"},
                {"disposal_action": "delete"},
                {"name": "Allowed", "state": "verified"},
            ):
                with self.assertRaisesRegex(UserError, "set by the workflow", msg=f"{user.login} writes {values}"):
                    record.with_user(user).write(values)
        record.invalidate_recordset()
        self.assertEqual(
            (record.state, record.verified_by_id, record.name), ("draft", self.env["res.users"], "Contract record")
        )
        for user in (self.iso_user, self.administrator):
            with self.assertRaisesRegex(UserError, "set by the workflow"):
                self.make(user, state="closed")
            with self.assertRaisesRegex(UserError, "set by the workflow"):
                self.make(user, verified_by_id=self.manager.id)
        self.assertEqual(self.make(self.iso_user, state="draft").state, "draft", "the default may be given")
        # The superuser is the one caller the protection lets through.
        record.sudo().write({"state": "verified"})
        self.assertEqual(record.state, "verified")

    def test_access_to_write(self):
        mine = self.make(self.iso_user)
        with self.assertRaises(AccessError):
            mine.with_user(self.colleague).write({"name": "Not mine"})
        with self.assertRaises(AccessError):
            mine.with_user(self.colleague).unlink()
        with self.assertRaises(AccessError):
            self.make(self.auditor)
        with self.assertRaises(AccessError):
            mine.with_user(self.auditor).write({"name": "Auditors change nothing"})
        mine.with_user(self.manager).write({"name": "Managers write what they read"})
        mine.with_user(self.iso_user).unlink()
        self.assertFalse(mine.exists())
        self.assertEqual(self.trail(mine, TEST_MODEL, mine.id)[-1:].event_type, "delete")


@tagged("post_install", "-at_install")
class TestControlledHolds(ContractCase):
    def hold(self, *records, name="Claim 2026-14"):
        return (
            self.env["iso.legal.hold"]
            .with_user(self.administrator)
            .create(
                {
                    "name": name,
                    "scope": "records",
                    "item_ids": [Command.create({"record_ref": f"{r._name},{r.id}"}) for r in records],
                }
            )
        )

    def test_records_hold(self):
        held, also_held, free = self.make(self.iso_user), self.make(self.iso_user), self.make(self.iso_user)
        hold = self.hold(held, also_held)
        self.assertEqual(hold.held_count, 2)
        for user in (self.administrator, self.iso_user):
            found = self.env[TEST_MODEL].with_user(user).search([("on_hold", "=", True)])
            self.assertIn(held, found)
            self.assertNotIn(free, found)
            self.assertIn(free, self.env[TEST_MODEL].with_user(user).search([("on_hold", "=", False)]))
        self.assertTrue(held.with_user(self.iso_user).on_hold)
        self.assertIn("hold_placed", self.trail(held).mapped("event_type"))
        with self.assertRaisesRegex(UserError, "legal hold"):
            held.with_user(self.iso_user).unlink()
        self.assertTrue(held.exists())
        free.with_user(self.iso_user).unlink()

        item = hold.item_ids.filtered(lambda i: i.res_id == held.id)
        self.assertEqual((item.res_model, item.reference), (TEST_MODEL, held.display_name))
        Hold = hold.with_user(self.administrator)
        for command in (Command.delete(item.id), Command.unlink(item.id), Command.set([]), Command.clear()):
            with self.assertRaisesRegex(UserError, "needs a reason"):
                Hold.write({"item_ids": [command]})
        with self.assertRaises(UserError):
            item.with_user(self.administrator).unlink()
        with self.assertRaises(UserError):
            item.with_user(self.administrator).write({"state": "released"})
        with self.assertRaisesRegex(UserError, "needs a reason"):
            Hold._remove_items(item, "")
        with self.assertRaisesRegex(UserError, "needs a reason"):
            Hold._remove_items(item, "  ")
        self.assertTrue(held.on_hold)
        Hold._remove_items(item, "Not part of the claim")
        self.assertEqual((item.state, item.released_by_id), ("released", self.administrator))
        held.invalidate_recordset(["on_hold"])
        also_held.invalidate_recordset(["on_hold"])
        self.assertFalse(held.on_hold)
        self.assertTrue(also_held.on_hold)
        last = self.trail(held)[-1]
        self.assertEqual((last.event_type, last.reason), ("hold_released", "Not part of the claim"))
        held.with_user(self.iso_user).unlink()
        self.assert_trail_intact()

    def test_what_a_hold_may_keep(self):
        secret = self.env[TEST_MODEL].sudo().create({"name": "Secret", "confidentiality": "restricted"})
        # An administrator holds any controlled record, even a restricted one; nothing else is held.
        self.hold(secret)
        with self.assertRaises(ValidationError):
            self.env["iso.legal.hold"].with_user(self.administrator).create(
                {
                    "name": "Not evidence",
                    "scope": "records",
                    "item_ids": [Command.create({"record_ref": f"res.partner,{self.iso_user.partner_id.id}"})],
                }
            )
        with self.assertRaises(AccessError):
            self.env["iso.legal.hold"].with_user(self.manager).create(
                {
                    "name": "Managers",
                    "scope": "records",
                    "item_ids": [Command.create({"record_ref": f"{TEST_MODEL},{secret.id}"})],
                }
            )

    def test_filter_hold(self):
        about = self.make(self.iso_user, employee_id=self.subject.id)
        unrelated = self.make(self.iso_user)
        risk = (
            self.env["iso.risk"].sudo().create({"title": "Same employee, other kind", "employee_id": self.subject.id})
        )
        hold = (
            self.env["iso.legal.hold"]
            .with_user(self.administrator)
            .create(
                {
                    "name": "Employment dispute",
                    "scope": "filter",
                    "filter_model_id": self.env["ir.model"]._get_id(TEST_MODEL),
                    "employee_id": self.subject.id,
                }
            )
        )
        self.assertEqual(hold.held_count, 1)
        self.assertTrue(about.on_hold)
        self.assertFalse(unrelated.on_hold)
        self.assertFalse(risk.on_hold, "the hold keeps only the kind of record it names")
        self.assertEqual(self.env[TEST_MODEL].with_user(self.iso_user).search([("on_hold", "=", True)]), about)
        self.assertIn("hold_placed", self.trail(about).mapped("event_type"))
        with self.assertRaisesRegex(UserError, "legal hold"):
            about.with_user(self.iso_user).unlink()
        with self.assertRaisesRegex(UserError, "narrowing a hold needs a reason"):
            hold.write({"employee_id": self.employee_of[self.colleague].id})
        later = self.make(self.iso_user, employee_id=self.subject.id)
        self.assertTrue(later.on_hold, "a filter hold keeps records made after it")

    def test_hold_keeps_records_from_disposal(self):
        self.policy("delete")
        held, free = self.due(self.closed()), self.due(self.closed())
        self.hold(held)
        batch = self.collect()
        self.assertEqual(self.own_lines(batch).mapped("res_id"), [free.id], "collection skips held records")
        # A hold placed after collection keeps its record too.
        late = self.due(self.closed())
        batch_2 = self.collect()
        self.assertEqual(self.own_lines(batch_2).mapped("res_id"), [late.id])
        self.hold(late, name="Late claim")
        self.assertEqual(self.own_lines(batch_2).state, "held")
        batch._apply(commit=False)
        batch_2._apply(commit=False)
        self.assertFalse(free.exists())
        self.assertTrue(held.exists())
        self.assertTrue(late.exists())
        self.assertEqual(self.own_lines(batch_2).state, "held")
        self.assert_trail_intact()


@tagged("post_install", "-at_install")
class TestControlledRetention(ContractCase):
    def dispose(self, record, action):
        batch = self.collect()
        self.assertTrue(batch, "the due record is collected")
        line = self.own_lines(batch)
        self.assertEqual(line.mapped("res_id"), [record.id])
        self.assertEqual((line.res_model, line.action, line.state), (TEST_MODEL, action, "pending"))
        self.assertEqual(line.content_hash, record.signature_ids[:1].content_hash, "the last signature's hash")
        if batch.line_ids == line:
            self.assertEqual(batch.state, "approved", "per policy, and the policy needs no approval")
        elif batch.state == "to_approve":  # records of other models, due in this database, may need approval
            batch.with_user(self.administrator)._approve()
        batch._apply(commit=False)
        self.assertEqual((batch.state, line.state), ("done", "done"))
        self.assertEqual(line.model_label, TEST_MODEL_LABEL)
        self.assertIn(line, batch._certificate_lines())
        html = self.env["ir.actions.report"]._render_qweb_html(
            "iso_records.action_report_iso_disposal_certificate", batch.ids
        )[0]
        self.assertIn(TEST_MODEL_LABEL, html.decode())
        return batch, line

    def disposal_record(self, policy, **values):
        upload = self.upload(self.iso_user)
        record = self.make(
            self.iso_user,
            employee_id=self.subject.id,
            note=f"<p>Interview with {SUBJECT_NAME} about the incident</p>",
            attachment_ids=[Command.set(upload.ids)],
            reader_user_ids=[Command.link(self.colleague.id)],
            **values,
        )
        self.assertEqual(record.retention_policy_id, policy)
        self.assertFalse(record.retention_until)
        self.close(record)
        self.assertEqual(record.retention_start_date, self.today)
        self.assertEqual(record.retention_until, policy._retention_until(self.today))
        self.assertFalse(self.collect(), "not due before its retention ends")
        return self.due(record), upload

    def test_retention_clock_starts_on_close(self):
        policy = self.policy("archive")
        record = self.make(self.iso_user)
        self.verified(record)
        self.assertFalse(record.retention_start_date)
        self.sign(record, self.second_manager, "close", "closed", reason="Done")
        self.assertEqual(record.retention_start_date, self.today)
        self.assertEqual(record.retention_until, self.today + relativedelta(years=1))
        # A longer period applies to the records already counting.
        policy.write({"duration": 3})
        self.assertEqual(record.retention_until, policy._retention_until(self.today))

    def test_retention_clock_starts_on_the_day_the_model_keeps(self):
        """A model that keeps the date of the event (here closed_on) starts the clock on that day, not on
        the day the event is signed."""
        policy = self.policy("archive")
        closed_on = self.today - relativedelta(months=14)
        record = self.closed(closed_on=closed_on)
        self.assertEqual(record._iso_retention_event_date("closed"), closed_on)
        self.assertEqual(record.retention_start_date, closed_on)
        self.assertEqual(record.retention_until, closed_on + relativedelta(years=1))
        self.assertTrue(record.retention_due, "closed 14 months ago, kept one year: due")
        self.assertEqual(policy, record.retention_policy_id)
        undated = self.closed()
        self.assertFalse(undated._iso_retention_event_date("closed"))
        self.assertEqual(undated.retention_start_date, self.today, "no date of its own: the day it is closed")

    def test_dispose_archive(self):
        policy = self.policy("archive")
        record, upload = self.disposal_record(policy)
        batch, _line = self.dispose(record, "archive")
        record = record.with_context(active_test=False)
        self.assertFalse(record.active)
        self.assertEqual(
            (record.disposal_action, record.disposed_date, record.disposal_batch_id), ("archive", self.today, batch)
        )
        self.assertTrue(upload.exists())
        self.assertEqual(len(record.signature_ids), 2)
        self.assertEqual(self.trail(record)[-1].event_type, "disposal")
        self.assert_trail_intact()

    def test_dispose_purge_attachments(self):
        policy = self.policy("purge_attachments")
        record, upload = self.disposal_record(policy)
        hashes = set(record.signature_ids.mapped("content_hash"))
        self.dispose(record, "purge_attachments")
        self.assertFalse(upload.exists(), "the file is purged")
        self.assertTrue(record.exists() and record.active)
        self.assertEqual(record.disposal_action, "purge_attachments")
        self.assertEqual(set(self.signatures(TEST_MODEL, record.id).mapped("content_hash")), hashes, "signatures kept")
        self.assertEqual(self.trail(record)[-1].event_type, "disposal")
        self.assert_trail_intact()

    def test_dispose_anonymise(self):
        policy = self.policy("anonymise")
        record, _upload = self.disposal_record(policy)
        _batch, line = self.dispose(record, "anonymise")
        record.invalidate_recordset()
        self.assertFalse(record.employee_id)
        self.assertFalse(record.reader_user_ids)
        self.assertNotIn(SUBJECT_NAME, record.note)
        self.assertIn(ANONYMISED, record.note)
        self.assertEqual(record.disposal_action, "anonymise")
        self.assertEqual(len(self.signatures(TEST_MODEL, record.id)), 2)
        disposal = self.trail(record).filtered(lambda e: e.event_type == "disposal")
        self.assertEqual(len(disposal), 1)
        self.assertNotIn(SUBJECT_NAME, disposal.reference or "")
        self.assertNotIn(SUBJECT_NAME, line.reference or "")
        self.assert_trail_intact()

    def test_dispose_delete(self):
        policy = self.policy("delete")
        record, upload = self.disposal_record(policy)
        record_id = record.id
        self.dispose(record, "delete")
        self.assertFalse(self.env[TEST_MODEL].sudo().with_context(active_test=False).browse(record_id).exists())
        self.assertFalse(self.signatures(TEST_MODEL, record_id), "signatures go with the record")
        self.assertFalse(upload.exists(), "files go with the record")
        events = self.trail(record, TEST_MODEL, record_id)
        self.assertEqual(events[-2:].mapped("event_type"), ["disposal", "delete"], "the trail keeps a tombstone")
        self.assertIn(
            events[-1], self.env["iso.trail.event"].with_user(self.auditor).search([("res_id", "=", record_id)])
        )
        self.assert_trail_intact()

    def test_disposal_approval_always(self):
        self.env["ir.config_parameter"].set_param("iso_records.disposal_approval", "always")
        policy = self.env["iso.retention.policy"].create(
            {
                "name": "Contract test: approved archive",
                "duration": 1,
                "duration_unit": "years",
                "start_event": "closed",
                "action": "archive",
                "model_ids": [Command.link(self.env["ir.model"]._get_id(TEST_MODEL))],
            }
        )
        record, _upload = self.disposal_record(policy)
        batch = self.collect()
        self.assertEqual(batch.state, "to_approve")
        wizard = (
            self.env["iso.disposal.approval.wizard"]
            .with_user(self.administrator)
            .create({"batch_id": batch.id, "password": self.passwords[self.administrator]})
        )
        wizard.action_approve()
        self.assertEqual((batch.state, batch.approver_id), ("approved", self.administrator))
        batch._apply(commit=False)
        self.assertFalse(record.with_context(active_test=False).active)


@tagged("post_install", "-at_install")
class TestControlledAttachments(ContractCase):
    def test_uploaded_files_attach_to_their_record(self):
        first = self.upload(self.iso_user)
        record = self.make(self.iso_user, attachment_ids=[Command.set(first.ids)])
        self.assertEqual((first.res_model, first.res_id), (TEST_MODEL, record.id))
        second = self.upload(self.iso_user, "second.txt")
        record.with_user(self.iso_user).write({"attachment_ids": [Command.link(second.id)]})
        self.assertEqual((second.res_model, second.res_id), (TEST_MODEL, record.id))
        self.assertEqual(record.attachment_ids, first | second)

    def test_files_of_a_closed_record_are_frozen(self):
        linked = self.upload(self.iso_user)
        record = self.make(self.iso_user, attachment_ids=[Command.set(linked.ids)])
        chatter = self.upload(self.iso_user, "chatter.txt", res_id=record.id)
        self.close(record)
        for attachment in (linked, chatter):
            for user in (self.iso_user, self.administrator):
                for values in (
                    {"public": True},
                    {"name": "renamed.txt"},
                    {"datas": base64.b64encode(b"other values")},
                    {"res_id": 0},
                ):
                    with self.assertRaisesRegex(UserError, "signed, locked", msg=f"{user.login} writes {values}"):
                        attachment.with_user(user).write(values)
                with self.assertRaisesRegex(UserError, "signed, locked"):
                    attachment.with_user(user).unlink()
        self.assertEqual((linked.name, linked.public, linked.res_id), ("evidence.txt", False, record.id))
        self.assertEqual(base64.b64decode(linked.datas), b"measured values")

    def test_no_linking_of_unreadable_files(self):
        secret = self.env[TEST_MODEL].sudo().create({"name": "Restricted", "confidentiality": "restricted"})
        hidden = self.upload(self.env.user, "hidden.txt", res_id=secret.id).sudo()
        with self.assertRaises(AccessError):
            hidden.with_user(self.iso_user).check("read")
        with self.assertRaises(AccessError):
            self.make(self.iso_user, attachment_ids=[Command.set(hidden.ids)])
        mine = self.make(self.iso_user)
        for value in ([Command.link(hidden.id)], [Command.set(hidden.ids)], hidden.ids):
            with self.assertRaises(AccessError):
                mine.with_user(self.iso_user).write({"attachment_ids": value})
        self.assertFalse(mine.attachment_ids)
        self.assertEqual((hidden.res_model, hidden.res_id), (TEST_MODEL, secret.id))
        # Another user's unattached upload is not mine to take either.
        theirs = self.upload(self.colleague, "theirs.txt")
        with self.assertRaises(AccessError):
            mine.with_user(self.iso_user).write({"attachment_ids": [Command.link(theirs.id)]})


@tagged("post_install", "-at_install")
class TestControlledDuplicate(ContractCase):
    def test_duplicate_of_a_closed_record_is_a_draft(self):
        self.policy("archive")
        original = self.closed(note="<p>Original</p>")
        self.assertTrue(original.retention_until)
        duplicate = original.with_user(self.iso_user).copy()
        self.assertEqual(duplicate.state, "draft")
        self.assertFalse(duplicate.verified_by_id)
        self.assertFalse(duplicate.retention_start_date or duplicate.retention_until)
        self.assertFalse(duplicate.disposal_action or duplicate.disposed_date or duplicate.disposal_batch_id)
        self.assertFalse(duplicate.signature_ids)
        self.assertEqual(self.trail(duplicate).mapped("event_type"), ["create"])
        duplicate.with_user(self.iso_user).write({"name": "A new draft can change"})
        self.assertEqual(original.state, "closed")

    def test_duplicate_keeps_files_of_the_closed_original(self):
        upload = self.upload(self.iso_user)
        original = self.closed(attachment_ids=[Command.set(upload.ids)])
        duplicate = original.with_user(self.iso_user).copy()
        self.assertEqual(duplicate.state, "draft")
        self.assertEqual((upload.res_model, upload.res_id), (TEST_MODEL, original.id), "still the original's file")


@tagged("post_install", "-at_install")
class TestControlledActions(ContractCase):
    """What the contract offers each user, and whom it asks to act, on a model nobody tuned for it."""

    def test_auditors_have_no_create_write_or_delete_access(self):
        model = self.env[TEST_MODEL].with_user(self.auditor)
        for operation in ("create", "write", "unlink"):
            self.assertFalse(model.has_access(operation), operation)
        self.assertTrue(model.has_access("read"))
        arch = model.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('create="False"', arch)
        self.assertIn('delete="False"', arch)
        self.assertIn('name="iso_deletable"', arch)
        self.assertIn('name="iso_signable_by_me"', arch)

    def test_delete_is_offered_until_the_record_is_locked(self):
        record = self.make(self.iso_user)
        self.assertTrue(record.with_user(self.iso_user).iso_deletable)
        self.assertFalse(record.with_user(self.colleague).iso_deletable)
        self.close(record)
        record.invalidate_recordset(["iso_deletable"])
        self.assertFalse(record.with_user(self.iso_user).iso_deletable)
        self.assertFalse(record.with_user(self.administrator).iso_deletable, "locked for everyone")

    def test_a_sign_button_is_offered_only_to_who_may_sign(self):
        record = self.make(self.manager)
        self.assertNotIn(",verify,", record.with_user(self.manager).iso_signable_by_me or "", "its author")
        self.assertIn(",verify,", record.with_user(self.second_manager).iso_signable_by_me)
        self.assertNotIn(",verify,", record.with_user(self.iso_user).iso_signable_by_me or "", "not a manager")
        self.assertIn(",close,", record.with_user(self.iso_user).iso_signable_by_me, "closed is no independent meaning")
        self.assertFalse(record.with_user(self.auditor).iso_signable_by_me)

    def test_mine_and_about_me(self):
        about = self.make(self.manager, employee_id=self.employee_of[self.iso_user].id, confidentiality="internal")
        written = self.make(self.iso_user)
        other = self.make(self.colleague)
        mine = self.env[TEST_MODEL].with_user(self.iso_user).search([("iso_mine", "=", True)])
        self.assertIn(about, mine)
        self.assertIn(written, mine)
        self.assertNotIn(other, mine)
        self.assertEqual(self.env[TEST_MODEL].with_user(self.iso_user).search([("iso_about_me", "=", True)]), about)

    def test_one_signature_request_to_who_may_sign_and_read(self):
        record = self.make(self.iso_user, confidentiality="confidential")
        record._iso_request_signature("verify", "Verify it")
        record._iso_request_signature("verify", "Verify it again")
        asked = record.activity_ids.user_id
        self.assertEqual(asked, self.operations_manager, "the manager of the record's department")
        self.assertTrue(record.with_user(asked).has_access("read"))
        authored = self.make(self.operations_manager, department_id=self.operations.id)
        authored._iso_request_signature("verify", "Verify it")
        asked = authored.activity_ids.user_id
        self.assertEqual(len(asked), 1)
        self.assertNotEqual(asked, self.operations_manager, "never its author")
        self.assertTrue(authored._iso_may_sign("verify", asked))

    def test_reminders_go_to_who_can_act(self):
        record = self.make(self.iso_user)
        self.assertEqual(record._iso_responsible_user(), self.iso_user)
        nobody = self.env["hr.employee"].create({"name": "No user", "department_id": self.operations.id})
        record.with_user(self.iso_user).write({"owner_id": nobody.id, "department_id": self.operations.id})
        self.operations.manager_id = self.employee_of[self.operations_manager]
        self.assertEqual(record._iso_responsible_user(), self.operations_manager)
        record.with_user(self.iso_user).write({"department_id": False})
        administrators = record._iso_responsible_user()
        self.assertIn(self.administrator, administrators)
        self.assertNotIn(self.env.ref("base.user_root"), administrators)

    def test_a_model_without_clauses_serves_none(self):
        clause = self.env.ref("iso_records.clause_9001_9_2")
        self.assertFalse(self.env[TEST_MODEL].search(self.env[TEST_MODEL]._iso_clause_domain(clause.ids)))


@tagged("post_install", "-at_install")
class TestControlledLines(ContractCase):
    """A line of a controlled record (iso.controlled.line.mixin) follows its record: access, companies, lock,
    auditors' read-only access, trail and the content a signature signs."""

    def lines_of(self, user, record, companies=None):
        Lines = self.env[TEST_LINE_MODEL].with_user(user)
        if companies:
            Lines = Lines.with_context(allowed_company_ids=companies.ids)
        return Lines.search([("record_id", "=", record.id)])

    def test_lines_follow_the_access_of_their_record(self):
        for level, readers in (
            ("internal", {self.iso_user, self.colleague, self.auditor, self.manager, self.operations_manager}),
            ("confidential", {self.iso_user, self.auditor, self.manager}),
            ("restricted", {self.iso_user}),
        ):
            with self.subTest(level=level):
                record = self.make(self.iso_user, confidentiality=level, department_id=self.quality.id)
                line = self.env[TEST_LINE_MODEL].with_user(self.iso_user).create({"record_id": record.id, "name": "L"})
                for user in (self.iso_user, self.colleague, self.auditor, self.manager, self.operations_manager):
                    with self.subTest(user=user.login):
                        self.assertEqual(bool(self.lines_of(user, record)), user in readers, user.login)
                        if user not in readers:
                            with self.assertRaises(AccessError):
                                line.with_user(user).read(["name"])

    def test_only_who_may_change_the_record_changes_its_lines(self):
        record = self.make(self.iso_user)
        line = self.env[TEST_LINE_MODEL].with_user(self.iso_user).create({"record_id": record.id, "name": "Mine"})
        with self.assertRaises(AccessError):
            line.with_user(self.colleague).write({"name": "Not mine"})
        with self.assertRaises(AccessError):
            self.env[TEST_LINE_MODEL].with_user(self.colleague).create({"record_id": record.id, "name": "Intruder"})
        with self.assertRaisesRegex(AccessError, "auditors read evidence"):
            line.with_user(self.auditor).write({"name": "Auditor"})
        self.assertEqual(line.name, "Mine")

    def test_lines_of_another_company_are_invisible(self):
        other = self.env["res.company"].create({"name": "Contract Other Company"})
        record = self.env[TEST_MODEL].create({"name": "Elsewhere", "company_id": other.id, "owner_id": False})
        self.env[TEST_LINE_MODEL].create({"record_id": record.id, "name": "Far"})
        self.administrator.company_ids = [Command.link(other.id)]
        self.assertTrue(self.lines_of(self.administrator, record, companies=self.company | other))
        self.assertFalse(self.lines_of(self.administrator, record, companies=self.company))
        self.assertFalse(self.lines_of(self.iso_user, record))

    def test_lines_of_a_locked_record_are_frozen_for_everyone(self):
        record = self.make(self.iso_user)
        line = self.env[TEST_LINE_MODEL].with_user(self.iso_user).create({"record_id": record.id, "name": "Kept"})
        self.close(record)
        for user in (self.iso_user, self.administrator):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "is locked: its ISO Test Controlled Line cannot be changed"):
                    line.with_user(user).write({"result": "fail"})
                with self.assertRaisesRegex(UserError, "is locked"):
                    self.env[TEST_LINE_MODEL].with_user(user).create({"record_id": record.id, "name": "Late"})
                with self.assertRaisesRegex(UserError, "is locked"):
                    line.with_user(user).unlink()
        self.assertEqual((line.name, line.result), ("Kept", False))

    def test_a_line_frozen_on_its_own_changes_for_nobody(self):
        record = self.make(self.iso_user)
        Lines = self.env[TEST_LINE_MODEL].with_user(self.iso_user)
        line = Lines.create({"record_id": record.id, "name": "Sealed later"})
        with self.assertRaisesRegex(UserError, "is frozen: it is sealed"):
            Lines.create({"record_id": record.id, "name": "Born sealed", "sealed": True})
        with self.assertRaisesRegex(UserError, "is frozen: it is sealed"), self.env.cr.savepoint():
            line.write({"name": "Sealing myself", "sealed": True})
        self.assertEqual((line.name, line.sealed), ("Sealed later", False), "the refused write left nothing")
        workflow(line).write({"sealed": True})
        for user in (self.iso_user, self.administrator):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "is frozen: it is sealed"):
                    line.with_user(user).write({"result": "fail"})
                with self.assertRaisesRegex(UserError, "is frozen: it is sealed"):
                    line.with_user(user).unlink()
        self.assertEqual(Lines.search_count([("record_id", "=", record.id)]), 1, "only the sealed line was created")
        self.assertFalse(line.result)

    def test_files_of_a_line_follow_the_line(self):
        """A line's files attach to the line on upload (res_id 0 in the form), so whoever reads the line reads
        them and nobody else; linking needs the right to read the file; they freeze with the line (sealed)
        and with its record (closed)."""
        record = self.make(self.iso_user)
        secret = self.env[TEST_MODEL].sudo().create({"name": "Restricted", "confidentiality": "restricted"})
        Lines = self.env[TEST_LINE_MODEL].with_user(self.iso_user)
        upload = self.upload(self.iso_user, res_model=TEST_LINE_MODEL)
        line = Lines.create(
            {"record_id": record.id, "name": "With a file", "attachment_ids": [Command.set(upload.ids)]}
        )
        second = self.upload(self.iso_user, "second.txt", res_model=TEST_LINE_MODEL)
        line.write({"attachment_ids": [Command.link(second.id)]})
        self.assertEqual({(a.res_model, a.res_id) for a in upload | second}, {(TEST_LINE_MODEL, line.id)})
        self.assertEqual(line.with_user(self.colleague).attachment_ids, upload | second)
        self.assertTrue(upload.with_user(self.colleague).datas)
        secret_line = self.env[TEST_LINE_MODEL].create({"record_id": secret.id, "name": "Hidden"})
        hidden = self.upload(self.env.user, "hidden.txt", res_model=TEST_LINE_MODEL, res_id=secret_line.id)
        with self.assertRaises(AccessError):
            hidden.with_user(self.iso_user).read(["datas"])
        for value in ([Command.link(hidden.id)], [Command.set(hidden.ids)]):
            with self.assertRaisesRegex(AccessError, "only attach files you can read"):
                line.write({"attachment_ids": value})
        with self.assertRaisesRegex(AccessError, "only attach files you can read"):
            Lines.create({"record_id": record.id, "name": "x", "attachment_ids": [Command.set(hidden.ids)]})
        self.assertEqual(line.attachment_ids, upload | second)
        workflow(line).write({"sealed": True})
        for user in (self.iso_user, self.administrator):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "signed, locked"):
                    upload.with_user(user).write({"datas": base64.b64encode(b"other values")})
                with self.assertRaisesRegex(UserError, "signed, locked"):
                    upload.with_user(user).unlink()
        open_line = Lines.create({"record_id": record.id, "name": "Open"})
        third = self.upload(self.iso_user, "third.txt", res_model=TEST_LINE_MODEL)
        open_line.write({"attachment_ids": [Command.link(third.id)]})
        third.with_user(self.iso_user).write({"name": "renamed.txt"})
        self.close(record)
        with self.assertRaisesRegex(UserError, "signed, locked"):
            third.with_user(self.iso_user).write({"name": "again.txt"})
        self.assertEqual(base64.b64decode(upload.datas), b"measured values")

    def test_line_changes_are_events_of_their_record(self):
        record = self.make(self.iso_user, line_ids=[Command.create({"name": "Given on creation"})])
        events = self.trail(record)
        self.assertEqual(events.mapped("event_type"), ["create", "change"], "the lines come after the creation")
        line = record.line_ids
        line.with_user(self.iso_user).write({"result": "pass"})
        line.with_user(self.iso_user).unlink()
        events = self.trail(record)
        self.assertEqual(events.mapped("event_type"), ["create", "change", "change", "change"])
        changed, deleted = events[2], events[3]
        self.assertIn("ISO Test Controlled Line", changed.changes)
        self.assertIn('"result": "pass"', changed.changes)
        self.assertIn("Given on creation", deleted.changes)
        self.assert_trail_intact()

    def test_a_signature_signs_the_lines(self):
        record = self.make(self.iso_user)
        line = self.env[TEST_LINE_MODEL].with_user(self.iso_user).create({"record_id": record.id, "name": "Check"})
        before = record._iso_content_hash()
        line.with_user(self.iso_user).write({"result": "fail"})
        self.assertNotEqual(record._iso_content_hash(), before)

    def test_participants_read_and_change_the_record(self):
        record = self.make(self.iso_user, confidentiality="confidential", department_id=self.operations.id)
        Records = self.env[TEST_MODEL].with_user(self.colleague)
        self.assertFalse(Records.search([("id", "=", record.id)]))
        record.participant_user_ids = [Command.link(self.colleague.id)]
        self.assertEqual(Records.search([("id", "=", record.id)]), record)
        record.with_user(self.colleague).write({"name": "Changed by a participant"})
        self.assertEqual(record.name, "Changed by a participant")
        with self.assertRaises(AccessError):
            record.with_user(self.second_manager).read(["name"])

    def test_readers_read_but_do_not_change_the_record(self):
        record = self.make(self.iso_user, confidentiality="restricted")
        Records = self.env[TEST_MODEL].with_user(self.colleague)
        self.assertFalse(Records.search([("id", "=", record.id)]))
        record.observer_user_ids = [Command.link(self.colleague.id)]
        self.assertEqual(Records.search([("id", "=", record.id)]), record)
        self.assertEqual(record.with_user(self.colleague).name, record.name)
        with self.assertRaises(AccessError):
            record.with_user(self.colleague).write({"name": "Changed by an observer"})
        self.assertEqual(record.name, "Contract record")

    def test_one_state_guard_names_the_step_and_the_states(self):
        record = self.make(self.iso_user)
        with self.assertRaisesRegex(UserError, r"Close: .* is Draft; this step needs it to be Verified\."):
            record._iso_test_close(self.manager)

    def test_only_readable_records_are_linked(self):
        secret = self.make(self.administrator, confidentiality="restricted")
        with self.assertRaisesRegex(AccessError, "Related Record: you may only link records you can read yourself"):
            self.make(self.iso_user, related_id=secret.id)
        record = self.make(self.iso_user)
        with self.assertRaisesRegex(AccessError, "Related Record: you may only link records you can read"):
            record.with_user(self.iso_user).write({"related_id": secret.id})
        Lines = self.env[TEST_LINE_MODEL].with_user(self.iso_user)
        with self.assertRaisesRegex(AccessError, "Records Seen: you may only link records you can read"):
            Lines.create({"record_id": record.id, "name": "Peek", "seen_ids": [Command.set(secret.ids)]})
        line = Lines.create({"record_id": record.id, "name": "Seen", "seen_ids": [Command.link(record.id)]})
        with self.assertRaisesRegex(AccessError, "Records Seen: you may only link records you can read"):
            line.write({"seen_ids": [Command.link(secret.id)]})
        self.assertEqual((record.related_id, line.seen_ids), (self.env[TEST_MODEL], record))
