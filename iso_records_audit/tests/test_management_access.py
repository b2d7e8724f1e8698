"""Who reads and changes objectives, their measurements, management reviews and their input and output lines:
every check runs as a real user of each role (the objective's owner, an ISO colleague, the ISO auditor, the
chair and the production manager (ISO managers), the ISO administrator, an ISO user of another company, an
internal user without ISO group). The fixtures (made by the superuser) are what the workflow would have made."""

import base64
import json
from datetime import date

from odoo import Command
from odoo.addons.iso_records.tests import test_iso_contract_paths
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .management_common import ManagementCase, set_aside_held_reviews

MODELS = (
    "iso.objective",
    "iso.objective.measurement",
    "iso.management.review",
    "iso.management.review.input",
    "iso.management.review.output",
)


class ManagementAccessCase(ManagementCase):
    """Objectives owned by ``iso_user`` (Production): one internal, one restricted (its title is the secret),
    one confidential; each measured in March 2026 with an evidence file. A company B objective. Reviews of
    2026 chaired by ``iso_manager`` (Quality): an internal one, a restricted one (owned by the chair) and a
    confidential one, each with an input a) whose list behind is the internal and restricted objectives, and
    an output owned by ``iso_user``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.objective = cls.make_objective(title="On-time delivery (access)")
        cls.secret = cls.make_objective(
            title="Margin of the Acme tender (access)",
            confidentiality="restricted",
            reader_user_ids=[Command.set(cls.production_manager.ids)],
        )
        cls.confidential = cls.make_objective(title="Staff turnover (access)", confidentiality="confidential")
        cls.objective_b = cls.make_objective(
            title="Company B scrap rate (access)", company_id=cls.company_b.id, owner_id=False, department_id=False
        )
        cls.measurement, cls.secret_measurement, cls.confidential_measurement = (
            cls.measure(objective, (date(2026, 3, 1), 90.0))
            for objective in (cls.objective, cls.secret, cls.confidential)
        )
        cls.evidence = {
            measurement: cls.env["ir.attachment"].create(
                {
                    "name": f"evidence {measurement.objective_id.title}.csv",
                    "datas": base64.b64encode(b"orders,on time\n100,90\n"),
                    "res_model": measurement._name,
                    "res_id": measurement.id,
                }
            )
            for measurement in (cls.measurement, cls.secret_measurement, cls.confidential_measurement)
        }
        for measurement, attachment in cls.evidence.items():
            measurement.attachment_ids = [Command.link(attachment.id)]

        chair_employee = cls.employee_of[cls.chair]
        cls.review = cls.make_review(title="Management review 2026 (access)")
        cls.secret_review = cls.make_review(
            title="Board review of the Acme tender (access)", confidentiality="restricted", owner_id=chair_employee.id
        )
        cls.confidential_review = cls.make_review(
            title="Review of the restructuring (access)", confidentiality="confidential", owner_id=chair_employee.id
        )
        cls.input_of = {}
        cls.output_of = {}
        for review in (cls.review, cls.secret_review, cls.confidential_review):
            cls.input_of[review] = workflow(cls.env["iso.management.review.input"]).create(
                {
                    "review_id": review.id,
                    "letter": "c",
                    "section": "objectives",
                    "name": "Objectives",
                    "figures": [["Objectives", 2]],
                    "item_model": "iso.objective",
                    "item_domain": str([("id", "in", (cls.objective | cls.secret).ids)]),
                    "item_count": 2,
                    "has_data": True,
                }
            )
            cls.output_of[review] = cls.env["iso.management.review.output"].create(
                {
                    "review_id": review.id,
                    "kind": "improvement",
                    "description": f"Decision of {review.title}",
                    "user_id": cls.iso_user.id,
                    "date_deadline": date(2027, 3, 31),
                }
            )

    def readable(self, user, model_name, domain=None):
        return self.env[model_name].with_user(user).search(domain or [])

    def assertReads(self, user, records, msg=None):
        """``user`` reads every one of ``records``: by search and by read."""
        found = self.readable(user, records._name, [("id", "in", records.ids)])
        self.assertEqual(found, records, msg or f"{user.login} reads {records}")
        records.with_user(user).read(["display_name"])

    def assertReadsNone(self, user, records, msg=None):
        """``user`` finds none of ``records`` (search, name_search, read_group) and reading them is refused."""
        model = self.env[records._name].with_user(user)
        self.assertFalse(model.search([("id", "in", records.ids)]), msg or f"{user.login} finds {records}")
        self.assertFalse(model.search_count([("id", "in", records.ids)]))
        groups = model.read_group([("id", "in", records.ids)], ["id:count"], [])
        self.assertEqual(sum(group["__count"] for group in groups), 0)
        for record in records:
            self.assertNotIn(record.id, [row[0] for row in model.name_search(record.sudo().display_name, limit=100)])
            with self.assertRaises(AccessError, msg=f"{user.login} reads {record}"):
                record.with_user(user).read(["display_name"])


@tagged("post_install", "-at_install")
class TestObjectiveAccess(ManagementAccessCase):
    def test_readers_of_each_objective(self):
        all_a = self.objective | self.secret | self.confidential
        self.assertReads(self.iso_user, all_a, "the owner reads their objectives, restricted ones too")
        self.assertReads(self.colleague, self.objective)
        self.assertReadsNone(self.colleague, self.secret | self.confidential)
        self.assertReads(self.iso_auditor, self.objective | self.confidential)
        self.assertReadsNone(self.iso_auditor, self.secret, "an auditor does not read others' restricted objectives")
        self.assertReads(self.production_manager, all_a, "the named reader and the department's manager")
        self.assertReads(self.chair, self.objective)
        self.assertReadsNone(self.chair, self.secret | self.confidential, "Quality's manager, not Production's")
        self.assertReads(self.iso_administrator, all_a)
        self.assertReadsNone(self.user_b, all_a)
        self.assertReads(self.user_b, self.objective_b)
        self.assertReadsNone(self.iso_user, self.objective_b)

    def test_read_group_and_name_search_count_only_what_is_readable(self):
        Objective = self.Objective.with_user(self.colleague)
        ids = (self.objective | self.secret | self.confidential).ids
        groups = Objective.read_group([("id", "in", ids)], ["status"], ["state"])
        self.assertEqual(sum(group["state_count"] for group in groups), 1)
        self.assertFalse(Objective.name_search("Acme tender"))
        self.assertEqual([row[0] for row in Objective.name_search("On-time delivery (access)")], self.objective.ids)

    def test_who_changes_an_objective(self):
        self.objective.with_user(self.iso_user).write({"baseline": 87.0})
        self.secret.with_user(self.iso_user).write({"baseline": 87.0})
        for user, objective in (
            (self.colleague, self.objective),
            (self.colleague, self.secret),
            (self.iso_auditor, self.objective),
            (self.chair, self.secret),
            (self.user_b, self.objective),
        ):
            with self.subTest(user=user.login, objective=objective.title), self.assertRaises(AccessError):
                objective.with_user(user).write({"baseline": 1.0})
        self.assertEqual(self.secret.baseline, 87.0)
        self.confidential.with_user(self.production_manager).write({"baseline": 80.0})
        self.assertEqual(self.confidential.baseline, 80.0)

    def test_who_creates_and_deletes_objectives(self):
        values = {"title": "New (access)", "measure": "m", "target": 1.0, "date_due": date(2026, 12, 31)}
        for user in (self.iso_user, self.iso_auditor, self.internal_user, self.user_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Objective.with_user(user).create(dict(values))
        created = self.Objective.with_user(self.chair).create(dict(values))
        with self.assertRaises(AccessError):
            created.with_user(self.iso_user).unlink()
        with self.assertRaises(AccessError):
            created.with_user(self.iso_auditor).unlink()
        created.with_user(self.chair).unlink()
        self.assertFalse(created.exists())

    def test_auditors_start_nothing(self):
        draft = self.Objective.create(
            {"title": "Draft (access)", "measure": "m", "target": 1.0, "date_due": date(2026, 12, 31)}
        )
        for method, record in (("action_activate", draft), ("action_close", self.objective)):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(record.with_user(self.iso_auditor), method)()
        self.assertEqual((draft.state, self.objective.state), ("draft", "active"))

    def test_without_iso_group_nothing(self):
        for model_name in MODELS:
            with self.subTest(model=model_name), self.assertRaises(AccessError):
                self.env[model_name].with_user(self.internal_user).search([])


@tagged("post_install", "-at_install")
class TestMeasurementAccess(ManagementAccessCase):
    def test_measurements_are_read_with_their_objective(self):
        self.assertReads(self.colleague, self.measurement)
        self.assertReadsNone(self.colleague, self.secret_measurement | self.confidential_measurement)
        self.assertReads(self.iso_auditor, self.measurement | self.confidential_measurement)
        self.assertReadsNone(self.iso_auditor, self.secret_measurement)
        self.assertReads(self.iso_user, self.measurement | self.secret_measurement | self.confidential_measurement)
        self.assertReadsNone(self.user_b, self.measurement)
        groups = self.Measurement.with_user(self.colleague).read_group(
            [("id", "in", (self.measurement | self.secret_measurement).ids)], ["value:sum"], ["objective_id"]
        )
        self.assertEqual([group["objective_id"][0] for group in groups], self.objective.ids)

    def test_display_name_tells_nothing_of_a_restricted_objective(self):
        """The name reads the objective as superuser: it must never reach someone who cannot read it."""
        secret = self.secret_measurement.with_user(self.colleague)
        with self.assertRaises(AccessError):
            secret.display_name  # noqa: B018
        with self.assertRaises(AccessError) as refused:
            secret.write({"value": 1.0})
        self.assertNotIn("Acme", str(refused.exception))
        for start in (date(2026, 4, 1), date(2026, 3, 1)):  # a new period, and the one already measured
            with self.subTest(start=start), self.assertRaises(AccessError) as refused:
                self.Measurement.with_user(self.colleague).create(
                    {"objective_id": self.secret.id, "period_start": start, "value": 1.0}
                )
            self.assertNotIn("Acme", str(refused.exception))
        # The chair changes the internal objective's measurements but does not read the restricted objective:
        # moving one onto the period it has measured already is refused without naming it.
        with self.assertRaises(AccessError) as refused:
            self.measurement.with_user(self.chair).write({"objective_id": self.secret.id})
        self.assertNotIn("Acme", str(refused.exception))
        self.assertEqual(self.measurement.objective_id, self.objective)
        found = [row[0] for row in self.Measurement.with_user(self.colleague).name_search("Acme", limit=100)]
        self.assertNotIn(self.secret_measurement.id, found)
        self.assertEqual(self.secret.measurement_count, 1)

    def test_the_owner_records_measurements_of_their_objective(self):
        Measurement = self.Measurement.with_user(self.iso_user)
        april = Measurement.create({"objective_id": self.objective.id, "period_start": date(2026, 4, 17), "value": 96})
        self.assertEqual(april.period_start, date(2026, 4, 1))
        self.assertEqual(april.entered_by_id, self.iso_user)
        april.write({"value": 97.0, "comment": "Recounted"})
        april.unlink()
        for user in (self.colleague, self.iso_auditor, self.user_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Measurement.with_user(user).create(
                    {"objective_id": self.objective.id, "period_start": date(2026, 5, 1), "value": 1.0}
                )
        for user in (self.colleague, self.iso_auditor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.measurement.with_user(user).write({"value": 1.0})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.measurement.with_user(user).unlink()
        self.assertEqual(self.measurement.value, 90.0)
        self.assertEqual(self.objective.measurement_ids, self.measurement)

    def test_a_frozen_measurement_changes_for_nobody(self):
        self.assertFalse(self.measurement._iso_line_frozen_reason())
        workflow(self.review).write({"state": "held"})  # in the same transaction: no stale answer
        for user in (self.iso_user, self.iso_administrator):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "is frozen: the management review"):
                self.measurement.with_user(user).write({"value": 99.0})
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "is frozen"):
                self.measurement.with_user(user).unlink()
        self.assertEqual(self.measurement.value, 90.0)

    def test_a_restricted_review_freezes_without_telling_its_name(self):
        """A held restricted review freezes the measurements of its period for everyone, but only those who read
        it see which review it is: not in the measurement's Frozen by, nor in the error."""
        workflow(self.secret_review).write({"state": "held"})
        owner_view = self.measurement.with_user(self.iso_user)
        self.assertFalse(owner_view.frozen_by_review_id)
        self.assertEqual(owner_view.read(["frozen_by_review_id"])[0]["frozen_by_review_id"], False)
        spec = {"frozen_by_review_id": {"fields": {"display_name": {}}}}
        self.assertFalse(owner_view.web_read(spec)[0]["frozen_by_review_id"])
        with self.assertRaisesRegex(UserError, "is frozen: a held management review covers") as refused:
            owner_view.write({"value": 99.0})
        self.assertNotIn("Acme", str(refused.exception))
        self.assertEqual(self.measurement.with_user(self.chair).frozen_by_review_id, self.secret_review)
        with self.assertRaisesRegex(UserError, "Board review of the Acme tender"):
            self.measurement.with_user(self.iso_administrator).write({"value": 99.0})
        self.assertEqual(self.measurement.value, 90.0)

    def test_evidence_files_are_read_with_their_measurement(self):
        for user, measurement, readable in (
            (self.colleague, self.measurement, True),
            (self.colleague, self.secret_measurement, False),
            (self.colleague, self.confidential_measurement, False),
            (self.iso_auditor, self.confidential_measurement, True),
            (self.iso_auditor, self.secret_measurement, False),
            (self.production_manager, self.secret_measurement, True),
            (self.chair, self.secret_measurement, False),
            (self.user_b, self.measurement, False),
            (self.internal_user, self.measurement, False),
        ):
            attachment = self.evidence[measurement].with_user(user)
            with self.subTest(user=user.login, measurement=measurement.objective_id.title):
                found = self.env["ir.attachment"].with_user(user).search([("id", "=", attachment.id)])
                self.assertEqual(bool(found), readable)
                if readable:
                    self.assertTrue(attachment.datas)
                else:
                    with self.assertRaises(AccessError):
                        attachment.read(["datas", "name"])

    def test_evidence_uploaded_on_the_form_follows_the_measurement(self):
        """A file uploaded on a new line arrives unattached (res_id 0): linking it attaches it to the
        measurement, so whoever reads the measurement reads it, and nobody else."""
        upload = (
            self.env["ir.attachment"]
            .with_user(self.iso_user)
            .create(
                {
                    "name": "april.csv",
                    "datas": base64.b64encode(b"orders,on time\n80,78\n"),
                    "res_model": self.Measurement._name,
                    "res_id": 0,
                }
            )
        )
        secret_upload = upload.copy({"name": "april-tender.csv"})
        Measurement = self.Measurement.with_user(self.iso_user)
        april = Measurement.create(
            {
                "objective_id": self.objective.id,
                "period_start": date(2026, 4, 1),
                "value": 97.5,
                "attachment_ids": [Command.set(upload.ids)],
            }
        )
        secret_april = Measurement.create(
            {"objective_id": self.secret.id, "period_start": date(2026, 4, 1), "value": 1.0}
        )
        secret_april.write({"attachment_ids": [Command.link(secret_upload.id)]})
        self.assertEqual((upload.res_model, upload.res_id), (april._name, april.id))
        self.assertEqual((secret_upload.res_model, secret_upload.res_id), (april._name, secret_april.id))
        self.assertTrue(upload.with_user(self.colleague).datas)
        with self.assertRaises(AccessError):
            secret_upload.with_user(self.colleague).read(["datas"])
        self.assertEqual(april.with_user(self.colleague).attachment_ids, upload)

    def test_no_linking_of_files_one_cannot_read(self):
        """An attachment id of a record the owner cannot read (the restricted board review) is no way into it."""
        board_file = self.env["ir.attachment"].create(
            {"name": "board.pdf", "datas": base64.b64encode(b"board"), "res_model": self.Review._name, "res_id": 0}
        )
        board_file.res_id = self.secret_review.id
        own = self.Measurement.create(
            {"objective_id": self.objective.id, "period_start": date(2026, 5, 1), "value": 1.0}
        )
        for value in ([Command.link(board_file.id)], [Command.set(board_file.ids)]):
            with self.subTest(value=value), self.assertRaisesRegex(AccessError, "only attach files you can read"):
                own.with_user(self.iso_user).write({"attachment_ids": value})
        with self.assertRaisesRegex(AccessError, "only attach files you can read"):
            self.Measurement.with_user(self.iso_user).create(
                {
                    "objective_id": self.objective.id,
                    "period_start": date(2026, 6, 1),
                    "value": 1.0,
                    "attachment_ids": [Command.set(board_file.ids)],
                }
            )
        self.assertFalse(own.attachment_ids)
        self.assertEqual((board_file.res_model, board_file.res_id), (self.Review._name, self.secret_review.id))

    def test_evidence_of_a_frozen_measurement_does_not_change(self):
        attachment = self.evidence[self.measurement]
        workflow(self.review).write({"state": "held"})
        for user in (self.iso_user, self.iso_administrator):
            for values in ({"datas": base64.b64encode(b"other figures")}, {"name": "renamed.csv"}, {"res_id": 0}):
                with self.subTest(user=user.login, values=values), self.assertRaisesRegex(UserError, "signed, locked"):
                    attachment.with_user(user).write(values)
            with self.assertRaisesRegex(UserError, "signed, locked"):
                attachment.with_user(user).unlink()
        self.assertEqual(base64.b64decode(attachment.datas), b"orders,on time\n100,90\n")


@tagged("post_install", "-at_install")
class TestReviewAccess(ManagementAccessCase):
    def test_readers_of_each_review(self):
        reviews = self.review | self.secret_review | self.confidential_review
        for user in (self.iso_user, self.colleague, self.iso_auditor, self.production_manager):
            self.assertReads(user, self.review)
        self.assertReadsNone(self.iso_user, self.secret_review | self.confidential_review)
        self.assertReadsNone(
            self.iso_auditor, self.secret_review, "an auditor does not read others' restricted reviews"
        )
        self.assertReads(self.iso_auditor, self.confidential_review)
        self.assertReadsNone(self.production_manager, self.secret_review | self.confidential_review)
        self.assertReads(self.approver, self.confidential_review, "a manager of the chair's department")
        self.assertReadsNone(self.approver, self.secret_review)
        self.assertReads(self.chair, reviews, "the chair owns them")
        self.assertReads(self.iso_administrator, reviews)
        self.assertReadsNone(self.user_b, reviews)

    def test_iso_users_read_reviews_and_change_nothing(self):
        values = {
            "title": "Review by a user (access)",
            "date": date(2026, 12, 1),
            "period_start": date(2026, 1, 1),
            "period_end": date(2026, 11, 30),
        }
        for user in (self.iso_user, self.iso_auditor, self.user_b, self.internal_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Review.with_user(user).create(dict(values))
        for user in (self.iso_user, self.iso_auditor):
            review = self.review.with_user(user)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.write({"summary": "<p>Suitable</p>"})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                review.unlink()
            # Holding a draft is refused for its state before anything else; the others for the user's rights.
            for method, refusal in (
                ("action_cancel", AccessError),
                ("action_collect_inputs", AccessError),
                ("action_open_hold", UserError),
            ):
                if hasattr(review, method):
                    with self.subTest(user=user.login, method=method), self.assertRaises(refusal):
                        getattr(review, method)()
        self.assertEqual(self.review.state, "draft")
        self.assertFalse(self.review.summary)
        self.review.with_user(self.chair).write({"summary": "<p>Suitable</p>"})

    def test_a_manager_changes_only_the_reviews_they_read(self):
        with self.assertRaises(AccessError):
            self.secret_review.with_user(self.production_manager).write({"summary": "<p>x</p>"})
        with self.assertRaises(AccessError):
            self.secret_review.with_user(self.production_manager).action_cancel()
        self.assertEqual(self.secret_review.state, "draft")
        self.confidential_review.with_user(self.approver).write({"summary": "<p>Reviewed</p>"})
        self.assertEqual(self.confidential_review.summary, "<p>Reviewed</p>")

    def test_input_lines_follow_their_review(self):
        lines = self.env["iso.management.review.input"]
        inputs = self.input_of[self.review]
        hidden = self.input_of[self.secret_review] | self.input_of[self.confidential_review]
        self.assertReads(self.iso_user, inputs)
        self.assertReads(self.iso_auditor, inputs | self.input_of[self.confidential_review])
        self.assertReadsNone(self.iso_user, hidden)
        self.assertReadsNone(self.iso_auditor, self.input_of[self.secret_review])
        self.assertReadsNone(self.user_b, inputs)
        self.assertEqual(
            lines.with_user(self.colleague).search([("review_id", "in", (self.review | self.secret_review).ids)]),
            inputs,
        )
        fields_info = lines.with_user(self.iso_user).fields_get(["comment", "figures"], ["readonly"])
        self.assertTrue(fields_info["figures"]["readonly"])
        for user in (self.iso_user, self.iso_auditor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                inputs.with_user(user).write({"comment": "No complaints this year."})
        with self.assertRaises(AccessError):
            self.input_of[self.secret_review].with_user(self.production_manager).write({"comment": "x"})
        inputs.with_user(self.chair).write({"comment": "Two objectives measured."})
        self.assertEqual(inputs.comment, "Two objectives measured.")

    def test_the_list_behind_an_input_is_searched_with_the_callers_rights(self):
        for user, expected in (
            (self.colleague, self.objective),
            (self.iso_auditor, self.objective),
            (self.production_manager, self.objective | self.secret),
            (self.chair, self.objective),
        ):
            with self.subTest(user=user.login):
                action = self.input_of[self.review].with_user(user).action_open_items()
                self.assertEqual(action["res_model"], "iso.objective")
                found = self.env[action["res_model"]].with_user(user).search(action["domain"])
                self.assertEqual(found, expected)
                self.assertNotIn("Acme", json.dumps(action, default=str))
        with self.assertRaises(AccessError):
            self.input_of[self.secret_review].with_user(self.colleague).action_open_items()

    def test_output_lines_follow_their_review(self):
        outputs = self.output_of[self.review]
        self.assertReads(self.iso_user, outputs, "the owner of a decision reads it")
        self.assertReadsNone(self.iso_user, self.output_of[self.secret_review])
        self.assertReadsNone(self.iso_auditor, self.output_of[self.secret_review])
        self.assertReadsNone(self.user_b, outputs)
        for user in (self.iso_user, self.colleague, self.iso_auditor):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                outputs.with_user(user).write({"description": "Rewritten"})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["iso.management.review.output"].with_user(user).create(
                    {"review_id": self.review.id, "description": "Mine", "user_id": user.id}
                )
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                outputs.with_user(user).unlink()
        if hasattr(outputs, "action_mark_done"):
            with self.assertRaises(AccessError):
                outputs.with_user(self.iso_auditor).action_mark_done()
            self.assertFalse(outputs.date_done)
        for field_name in ("date_done", "activity_id"):
            self.assertTrue(outputs.fields_get([field_name], ["readonly"])[field_name]["readonly"])
        output = self.env["iso.management.review.output"].with_user(self.chair)
        added = output.create(
            {"review_id": self.review.id, "description": "Hire a planner", "user_id": self.colleague.id}
        )
        added.write({"date_deadline": date(2027, 6, 30)})
        self.assertEqual(self.review.output_count, 2)

    def test_lines_say_who_reads_and_changes_them(self):
        """``iso_readable`` / ``iso_writable`` of the lines, computed and searched, agree with the rules."""
        cases = (
            (self.iso_user, self.measurement, True, True),
            (self.iso_user, self.input_of[self.review], True, False),
            (self.iso_user, self.output_of[self.review], True, False),
            (self.colleague, self.measurement, True, False),
            (self.colleague, self.secret_measurement, False, False),
            (self.iso_auditor, self.measurement, True, False),
            (self.iso_auditor, self.output_of[self.confidential_review], True, False),
            (self.chair, self.input_of[self.secret_review], True, True),
            (self.chair, self.output_of[self.review], True, True),
            (self.production_manager, self.secret_measurement, True, True),
            (self.production_manager, self.output_of[self.secret_review], False, False),
        )
        for user, line, readable, writable in cases:
            with self.subTest(user=user.login, line=line.sudo().display_name):
                model = self.env[line._name].with_user(user)
                for field_name, expected in (("iso_readable", readable), ("iso_writable", writable)):
                    found = model.search([("id", "=", line.id), (field_name, "=", True)])
                    self.assertEqual(bool(found), expected, field_name)
                if readable:
                    self.assertEqual(
                        (line.with_user(user).iso_readable, line.with_user(user).iso_writable), (True, writable)
                    )

    def test_company_b_sees_nothing_of_company_a(self):
        for model_name in MODELS:
            with self.subTest(model=model_name):
                model = self.env[model_name].with_user(self.user_b)
                found = model.search([("company_id", "=", self.company.id)])
                self.assertFalse(found)
                groups = model.read_group([("company_id", "=", self.company.id)], ["id:count"], [])
                self.assertEqual(sum(group["__count"] for group in groups), 0)


@tagged("post_install", "-at_install")
class TestManagementWrongCalls(ManagementAccessCase):
    def test_one_record_methods_called_on_several(self):
        reviews = (self.review | self.confidential_review).with_user(self.chair)
        departments = (self.production | self.quality).with_user(self.iso_user)
        employees = (self.employee_of[self.iso_user] | self.employee_of[self.colleague]).with_user(self.iso_user)
        objectives = (self.objective | self.confidential).with_user(self.iso_user)
        for records, method in (
            (objectives, "action_view_measurements"),
            (reviews, "action_view_outputs"),
            (departments, "action_view_iso_objectives"),
            (employees, "action_view_iso_objectives"),
        ):
            with self.subTest(model=records._name, method=method), self.assertRaises(UserError):
                getattr(records, method)()


@tagged("post_install", "-at_install")
class TestManagementRpc(HttpCase):
    """Over JSON-RPC, as the browser calls: a refused read is an access error that names no restricted title,
    a method called on two records a user error."""

    call = test_iso_contract_paths.TestIsoContractRpc.call

    def test_rpc_reads_and_wrong_calls(self):
        owner = new_test_user(self.env, "rpc_objective_owner", groups="iso_records.group_iso_user")
        stranger = new_test_user(self.env, "rpc_objective_stranger", groups="iso_records.group_iso_user")
        employee = self.env["hr.employee"].create({"name": "RPC owner", "user_id": owner.id})
        set_aside_held_reviews(self.env)
        objective = self.env["iso.objective"].create(
            {
                "title": "Acme secret",
                "measure": "m",
                "target": 1.0,
                "date_start": date(2026, 1, 1),
                "date_due": date(2026, 12, 31),
                "owner_id": employee.id,
                "confidentiality": "restricted",
            }
        )
        measurement = self.env["iso.objective.measurement"].create(
            {"objective_id": objective.id, "period_start": date(2026, 3, 1), "value": 1.0}
        )
        self.authenticate(stranger.login, stranger.login)
        error = self.call("iso.objective.measurement", "read", [measurement.ids, ["display_name", "value"]])
        self.assertEqual(error.get("name"), "odoo.exceptions.AccessError", error)
        self.assertNotIn("Acme", json.dumps(error))
        departments = self.env["hr.department"].create([{"name": "RPC one"}, {"name": "RPC two"}])
        self.authenticate(owner.login, owner.login)
        error = self.call("hr.department", "action_view_iso_objectives", [departments.ids])
        self.assertEqual(error.get("name"), "odoo.exceptions.UserError", error)
