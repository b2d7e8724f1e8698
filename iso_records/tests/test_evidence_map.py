from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import IsoRecordCase


class EvidenceMapCase(IsoRecordCase):
    """A standard of its own (so that the demo's records stay out of the counts): 1 > 1.1 > 1.1.1, 1.2, 2, 3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.maintenance_type = env.ref("iso_records.record_type_maintenance_record")
        cls.standard = (
            env["iso.standard"]
            .with_user(cls.iso_administrator)
            .create({"name": "TST 1:2026", "code": "TST 1", "edition_year": 2026, "title": "Evidence map test"})
        )
        clauses = env["iso.clause"].with_user(cls.iso_administrator)
        cls.clause = {}
        for number in ("1", "1.1", "1.1.1", "1.2", "2", "3"):
            cls.clause[number] = clauses.create(
                {"standard_id": cls.standard.id, "number": number, "title": f"Clause {number}"}
            )
        cls.today = fields.Date.context_today(env.user)

    def clause_links(self, *numbers):
        return [Command.set([self.clause[number].id for number in numbers])]

    def effective_document(self, *numbers, **values):
        return self.approved_procedure(clause_ids=self.clause_links(*numbers), **values)

    def filed_record(self, user, *numbers, days_ago=10, **values):
        record = self.make_record(
            user,
            self.maintenance_type,
            clause_ids=self.clause_links(*numbers),
            effective_date=self.today - relativedelta(days=days_ago),
            **values,
        )
        self.assertTrue(record.action_file())
        self.assertEqual(record.state, "filed")
        return record

    def evidence_map(self, user, standard=None):
        return self.env["iso.clause"].with_user(user).get_evidence_map((standard or self.standard).id)

    def rows_by_code(self, user):
        return {row["code"]: row for row in self.evidence_map(user)["rows"]}

    def assert_cells_match_lists(self, user):
        """Every cell counts exactly the records of the list it opens, for ``user``."""
        clauses = self.env["iso.clause"].with_user(user)
        data = clauses.get_evidence_map(self.standard.id)
        self.assertTrue(data["columns"])
        for row in data["rows"]:
            for column in data["columns"]:
                action = clauses.open_evidence_cell(row["id"], column["key"])
                self.assertFalse(
                    [name for name in action["context"] if name.startswith("search_default_")],
                    "no default filter hides part of the list",
                )
                listed = self.env[action["res_model"]].with_user(user).search(action["domain"])
                self.assertEqual(
                    row["counts"][column["key"]], len(listed), f"{user.login}: {row['code']} / {column['key']}"
                )
        return data


@tagged("post_install", "-at_install")
class TestEvidenceMap(EvidenceMapCase):
    def setUp(self):
        super().setUp()
        self.clause = dict(self.clause)  # a test adding clauses keeps them to itself
        # 1.1.1 and 1 both: the document counts once for clause 1.
        self.procedure = self.effective_document("1.1.1", "1", title="Maintenance procedure")
        self.maintenance = self.filed_record(self.iso_user, "1.1", title="Press serviced")
        self.confidential = self.filed_record(
            self.colleague,
            "3",
            title="Confidential repair",
            confidentiality="confidential",
            department_id=self.production.id,
        )
        self.record_b = self.filed_record(self.user_b, "3", title="Company B record")

    def test_each_cell_counts_the_list_it_opens_for_each_role(self):
        for user in (self.iso_user, self.iso_manager, self.iso_auditor, self.iso_administrator, self.user_b):
            with self.subTest(user=user.login):
                self.assert_cells_match_lists(user)

    def test_counts_roll_up_sub_clauses_once(self):
        rows = self.rows_by_code(self.iso_user)
        documents = {code: row["counts"]["documents"] for code, row in rows.items()}
        records = {code: row["counts"]["records"] for code, row in rows.items()}
        self.assertEqual(documents, {"1": 1, "1.1": 1, "1.1.1": 1, "1.2": 0, "2": 0, "3": 0})
        self.assertEqual(records, {"1": 1, "1.1": 1, "1.1.1": 0, "1.2": 0, "2": 0, "3": 0})
        self.assertEqual([rows[code]["level"] for code in ("1", "1.1", "1.1.1")], [1, 2, 3])
        self.assertEqual(rows["1.1.1"]["parent_id"], self.clause["1.1"].id)

    def test_gap_is_a_clause_without_covering_evidence(self):
        rows = self.rows_by_code(self.iso_user)
        self.assertEqual(
            {code for code, row in rows.items() if row["gap"]}, {"1.2", "2", "3"}, "3's only record is confidential"
        )
        self.assertFalse(any(row["flagged"] for row in rows.values()))
        self.assertFalse(self.rows_by_code(self.iso_auditor)["3"]["gap"], "the auditor reads the confidential record")

    def test_confidential_records_of_others_and_other_companies_not_counted(self):
        self.assertEqual(self.rows_by_code(self.iso_user)["3"]["counts"]["records"], 0)
        self.assertEqual(self.rows_by_code(self.iso_manager)["3"]["counts"]["records"], 0, "not the manager's dept")
        self.assertEqual(self.rows_by_code(self.colleague)["3"]["counts"]["records"], 1, "its author reads it")
        self.assertEqual(self.rows_by_code(self.iso_auditor)["3"]["counts"]["records"], 1)
        rows_b = self.rows_by_code(self.user_b)
        self.assertEqual(rows_b["3"]["counts"]["records"], 1, "company B's own record")
        self.assertEqual((rows_b["1"]["counts"]["documents"], rows_b["1"]["counts"]["records"]), (0, 0))

    def test_superseded_document_and_old_record_not_counted(self):
        first = self.effective_document("2", title="Lubrication procedure")
        self.assertEqual(self.rows_by_code(self.iso_user)["2"]["counts"]["documents"], 1)
        second = self.env["iso.record"].browse(first.with_user(self.iso_user).action_new_revision()["res_id"])
        second.with_user(self.iso_user).write({"change_reason": "New grease", "body": "<p>Revised</p>"})
        second.with_user(self.iso_user).action_submit()
        self.sign(second.with_user(self.approver), self.approver, "approve")
        self.assertEqual((first.state, second.state), ("superseded", "effective"))
        rows = self.rows_by_code(self.iso_user)
        self.assertEqual(rows["2"]["counts"]["documents"], 1, "the revision in force, not the superseded one")
        action = self.env["iso.clause"].with_user(self.iso_user).open_evidence_cell(self.clause["2"].id, "documents")
        self.assertEqual(self.env["iso.record"].with_user(self.iso_user).search(action["domain"]), second)

        self.filed_record(self.iso_user, "1.2", days_ago=400, title="Old inspection")
        self.assertEqual(self.rows_by_code(self.iso_user)["1.2"]["counts"]["records"], 0, "older than 12 months")
        self.assertTrue(self.rows_by_code(self.iso_user)["1.2"]["gap"])
        recent = self.filed_record(self.iso_user, "1.2", days_ago=300, title="Recent inspection")
        action = self.env["iso.clause"].with_user(self.iso_user).open_evidence_cell(self.clause["1.2"].id, "records")
        self.assertEqual(self.env["iso.record"].with_user(self.iso_user).search(action["domain"]), recent)

    def test_query_count_does_not_grow_with_evidence_or_clauses(self):
        def queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.evidence_map(self.iso_manager)
            return self.env.cr.sql_log_count - before

        self.evidence_map(self.iso_manager)  # warm the registry caches (access rules, groups)
        few = queries()
        clauses = self.env["iso.clause"].with_user(self.iso_administrator)
        for number in range(4, 24):
            for code in (str(number), f"{number}.1"):
                self.clause[code] = clauses.create(
                    {"standard_id": self.standard.id, "number": code, "title": f"Clause {code}"}
                )
        for index in range(10):
            self.filed_record(self.iso_user, str(4 + index), f"{5 + index}.1", title=f"Record {index}")
            self.effective_document(str(4 + index), "1.1", title=f"Document {index}")
        self.assertEqual(len(self.evidence_map(self.iso_manager)["rows"]), 46)
        self.assertEqual(queries(), few)

    def test_the_first_standard_with_clauses_by_default(self):
        data = self.env["iso.clause"].with_user(self.iso_user).get_evidence_map(False)
        with_clauses = self.env["iso.standard"].search([("clause_ids", "!=", False)])
        self.assertEqual([standard["id"] for standard in data["standards"]], with_clauses.ids, "in standard order")
        self.assertEqual(data["standard"]["id"], with_clauses[0].id)
        self.assertEqual(len(data["rows"]), with_clauses[0].clause_count)
        self.assertIn(
            {"id": self.standard.id, "name": self.standard.display_name, "clause_count": 6}, data["standards"]
        )
        self.assertEqual(
            [row["code"] for row in self.evidence_map(self.iso_user)["rows"]], ["1", "1.1", "1.1.1", "1.2", "2", "3"]
        )

    def test_bad_input_clear_error(self):
        clauses = self.env["iso.clause"].with_user(self.iso_user)
        missing = self.env["iso.standard"].search([], order="id desc", limit=1).id + 1000
        with self.refused(UserError, r"Standard: there is no standard with id \d+"):
            clauses.get_evidence_map(missing)
        for value in ("1", True, 1.5, [self.standard.id]):
            with self.subTest(value=value), self.refused(UserError, "Standard: expected the id of a standard"):
                clauses.get_evidence_map(value)
        with self.refused(UserError, "Clause: expected the id of a clause"):
            clauses.open_evidence_cell("1.1", "documents")
        with self.refused(UserError, r"Clause: there is no clause with id \d+"):
            clauses.open_clause_evidence(self.clause["3"].id + 100000)
        with self.refused(UserError, "Column: the evidence map has no column nope"):
            clauses.open_evidence_cell(self.clause["1"].id, "nope")
        with self.refused(UserError, "Column: expected text"):
            clauses.open_evidence_cell(self.clause["1"].id, 3)

    def test_clause_opens_its_evidence(self):
        action = self.env["iso.clause"].with_user(self.iso_user).open_clause_evidence(self.clause["1.1"].id)
        self.assertEqual((action["res_model"], action["res_id"]), ("iso.clause", self.clause["1.1"].id))
        clause = self.env["iso.clause"].with_user(self.iso_user).browse(action["res_id"])
        listed = self.env["iso.record"].with_user(self.iso_user).search(clause.action_view_records()["domain"])
        self.assertEqual(listed, self.procedure | self.maintenance)

    def test_overview_links_to_the_map(self):
        links = self.env["iso.overview"].with_user(self.iso_user).get_overview()["links"]
        self.assertIn("evidence_map", [link["key"] for link in links])
        link = next(link for link in self.env["iso.overview"]._iso_overview_links() if link["key"] == "evidence_map")
        self.assertEqual(self.env.ref(link["action"]).tag, "iso_records.evidence_map")

    def test_audit_pack_offered_to_who_may_build_one(self):
        self.assertTrue(self.env.ref("iso_records.iso_audit_pack_new_action", raise_if_not_found=False))
        for user in (self.iso_user, self.iso_manager, self.iso_auditor):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.evidence_map(user)["audit_pack"],
                    self.env["iso.audit.pack"].with_user(user).has_access("create"),
                )
        self.assertTrue(self.evidence_map(self.iso_manager)["audit_pack"])
