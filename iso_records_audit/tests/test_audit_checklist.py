from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .audit_reminder_common import IsoAuditCase

TEMPLATE = "iso_records_audit.checklist_template_iso_9001_internal"
ACTION = "iso_records_audit.iso_audit_checklist_template_action"


@tagged("post_install", "-at_install")
class TestAuditChecklist(IsoAuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref(TEMPLATE)

    def menu_reachable(self, user, menu):
        """The menu and every menu above it are shown to the user (a hidden parent hides its children)."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        return all(int(menu_id) in visible for menu_id in menu.parent_path.strip("/").split("/"))

    def test_every_clause_4_to_10_of_iso_9001_has_a_question(self):
        clauses = self.env["iso.clause"].search([("standard_id", "=", self.standard_9001.id)])
        main = clauses.filtered(lambda clause: clause.number.split(".")[0] in {str(n) for n in range(4, 11)})
        self.assertGreater(len(main), 80, "clauses 4 to 10 and their sub-clauses")
        questions = self.template.question_ids
        missing = main - questions.clause_id
        self.assertFalse(missing, f"clauses without a question: {missing.mapped('number')}")
        self.assertEqual(questions.clause_id.standard_id, self.standard_9001)
        self.assertTrue(all(question.guidance for question in questions), "each question says what to look for")
        self.assertEqual(self.template.standard_id, self.standard_9001)
        self.assertEqual(self.template.question_count, len(questions))

    def test_audit_on_internal_audit_loads_its_questions_and_sub_clauses_in_clause_order(self):
        audit = self.new_audit(clauses=("9.2",))
        audit.action_load_checklist()
        wanted = self.clause("9.2") | self.clause("9.2.1") | self.clause("9.2.2")
        lines = audit.line_ids.sorted("sequence")
        self.assertEqual(set(lines.clause_id.ids), set(wanted.ids), "9.2 and its sub-clauses, nothing else")
        expected = self.template.question_ids.filtered(lambda question: question.clause_id in wanted)
        self.assertEqual(len(lines), len(expected))
        self.assertEqual(
            lines.mapped("clause_id.number"),
            sorted(lines.mapped("clause_id.number")),
            "in clause order",
        )
        self.assertEqual(lines[0].clause_id, self.clause("9.2"))
        first_of_922 = expected.filtered(lambda question: question.clause_id == self.clause("9.2.2")).sorted(
            "sequence"
        )[0]
        self.assertEqual(
            lines.filtered(lambda line: line.clause_id == self.clause("9.2.2"))[0].question, first_of_922.question
        )
        self.assertEqual(set(lines.mapped("guidance")), set(expected.mapped("guidance")))
        audit.action_load_checklist()
        self.assertEqual(audit.line_ids, lines, "loading again asks nothing twice")

    def test_preparing_an_audit_loads_its_checklist(self):
        audit = self.new_audit(clauses=("9.2", "7.5"))
        audit.action_prepare()
        self.assertEqual(audit.state, "preparation")
        numbers = audit.line_ids.sorted("sequence").mapped("clause_id.number")
        self.assertEqual(numbers[0], "7.5")
        self.assertEqual(set(numbers), {"7.5", "7.5.1", "7.5.2", "7.5.3", "9.2", "9.2.1", "9.2.2"})
        self.assertLess(numbers.index("7.5.3"), numbers.index("9.2"), "clause 7.5 and its sub-clauses first")

    def test_question_of_another_standard_is_refused(self):
        other = self.clause("8.1", self.standard_14001)
        self.assertTrue(other)
        with self.assertRaisesRegex(ValidationError, "Clause: .* is not a clause of .*9001"):
            self.env["iso.audit.checklist.question"].create(
                {"template_id": self.template.id, "clause_id": other.id, "question": "Is waste sorted?"}
            )
        question = self.template.question_ids[:1]
        with self.assertRaisesRegex(ValidationError, "is not a clause of"):
            question.clause_id = other

    def test_templates_are_read_by_users_and_changed_by_managers(self):
        menu = self.env.ref("iso_records_audit.menu_iso_audit_checklist_template")
        for user in (self.iso_user, self.iso_auditor):
            with self.subTest(user=user.login):
                template = self.template.with_user(user)
                self.assertEqual(template.question_ids.with_user(user)[:1].clause_id.standard_id, self.standard_9001)
                # What the menu opens, as the web client loads it.
                action = self.env["ir.actions.actions"].with_user(user)._for_xml_id(ACTION)
                self.assertIn(self.template, self.env[action["res_model"]].with_user(user).search([]))
                self.assertTrue(self.menu_reachable(user, menu), "under ISO Records > Audits")
                with self.assertRaises(AccessError):
                    template.name = "Changed"
                with self.assertRaises(AccessError):
                    template.question_ids[:1].question = "Changed"
                with self.assertRaises(AccessError):
                    self.env["iso.audit.checklist.question"].with_user(user).create(
                        {"template_id": self.template.id, "clause_id": self.clause("8.1").id, "question": "New?"}
                    )
        manager = self.iso_manager
        self.assertTrue(self.menu_reachable(manager, menu))
        self.assertFalse(self.menu_reachable(self.internal_user, menu), "not an ISO user")
        question = (
            self.env["iso.audit.checklist.question"]
            .with_user(manager)
            .create(
                {
                    "template_id": self.template.id,
                    "clause_id": self.clause("8.1").id,
                    "question": "Is the plan current?",
                }
            )
        )
        question.guidance = "The production plan of this week."
        copy = self.template.with_user(manager).copy({"name": "Our 9001 audit"})
        self.assertEqual(copy.question_count, self.template.question_count)
