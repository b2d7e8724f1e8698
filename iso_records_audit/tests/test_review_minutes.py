import hashlib
import io
import json
import re
import shutil
import unittest
from datetime import date

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged
from odoo.tools.pdf import PdfReader

from .management_common import ManagementCase
from .test_audit_report import page_text

REPORT = "iso_records_audit.report_iso_management_review"
WKHTMLTOPDF = shutil.which("wkhtmltopdf")
DRAFT_MARK = "DRAFT — not held"


def inputs_part(text):
    """The inputs of printed minutes, without the sentence that says where they come from."""
    part = text[text.index("Inputs (ISO 9001 9.3.2)") : text.index("Outputs (ISO 9001 9.3.3)")]
    for origin in (
        "As collected so far from the live data; they are frozen when the review is held.",
        "As frozen when the review was held: later changes to the data do not change them.",
    ):
        part = part.replace(origin, "")
    return part


@tagged("post_install", "-at_install")
@freeze_time("2026-12-15 10:00:00")
class TestReviewMinutes(ManagementCase):
    """The minutes of a review: who, when, the inputs with their figures and comments, the outputs, the
    signatures and the frozen content's SHA-256; from the frozen content alone once the review is held."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaints = cls.make_objective(
            title="Customer complaints (test)", direction="at_most", target=3.0, unit="complaints"
        )
        cls.delivery = cls.make_objective(title="On-time delivery (test)")
        cls.review = cls.make_review(
            department_id=cls.quality.id,
            summary="<p>The system is suitable; packing needs attention.</p>",
            next_review_date=date(2027, 6, 15),
        )
        # The inputs as a collection leaves them: figures, the list behind them, a note where there is no data.
        cls.objectives_input = cls.collected(
            "c",
            "objectives",
            "Quality objectives",
            [["Objectives", 2], ["Off track", 1], ["On track", 1]],
            item_model="iso.objective",
            item_domain=str([("id", "in", (cls.complaints | cls.delivery).ids)]),
        )
        cls.findings_input = cls.collected(
            "c",
            "audit_results",
            "Audit results",
            [["Major nonconformities", 1], ["Minor nonconformities", 4], ["Open findings", 3]],
            item_count=5,
        )
        cls.resources_input = cls.collected(
            "d", "resources", "Adequacy of resources", [], note="No competence requirement in scope."
        )
        cls.collected("a", "previous_actions", "Actions from previous reviews", [["Done", 2], ["Late", 1]])
        cls.collected("b", "context_changes", "Changes in issues", [["Risks", 4]])
        cls.collected("e", "risk_actions", "Effectiveness of actions on risks", [["Active risks", 4]])
        cls.collected("f", "opportunities", "Open opportunities", [], note="No opportunity in the register.")
        workflow(cls.review).write({"state": "collected", "collected_date": "2026-12-14 09:00:00"})
        chair = cls.review.with_user(cls.chair)
        chair.input_ids.filtered(
            lambda line: line.section == "resources"
        ).comment = "Competence is reviewed by department heads; no gap reported."
        chair.input_ids.filtered(
            lambda line: line.section == "opportunities"
        ).comment = "Opportunities are kept in the sales meeting minutes."
        chair.input_ids.filtered(
            lambda line: line.section == "objectives"
        ).comment = "Complaints about scratched tops: packing supplier to be changed."
        cls.output = cls.env["iso.management.review.output"].create(
            {
                "review_id": cls.review.id,
                "kind": "resources",
                "description": "Hire a second packer for the afternoon shift.",
                "user_id": cls.production_manager.id,
                "date_deadline": date(2027, 3, 31),
            }
        )

    @classmethod
    def collected(cls, letter, section, name, figures, **values):
        """An input line of ``cls.review`` as the collection writes it: it has data when it has figures."""
        item_count = values.pop("item_count", figures[0][1] if figures else 0)
        return workflow(cls.env["iso.management.review.input"]).create(
            {
                "review_id": cls.review.id,
                "letter": letter,
                "section": section,
                "name": name,
                "figures": figures,
                "item_count": item_count,
                "has_data": bool(figures),
                **values,
            }
        )

    def render(self, user, review=None):
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (review or self.review).ids, data={"report_type": "pdf"})
        )
        return html.decode()

    def hold(self, review):
        """Hold ``review`` as its chair does: sign the hold, which freezes its content."""
        self.sign(review.with_user(self.chair), self.chair, "hold")
        self.assertEqual(review.state, "held")

    def test_a_draft_prints_its_live_inputs_marked_as_a_draft(self):
        html = self.render(self.chair)
        text = page_text(html)
        self.assertIn(DRAFT_MARK, text)
        self.assertIn(self.env.company.name, html)
        self.assertRegex(text, rf"Printed by {re.escape(self.chair.name)} on \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\.")
        for expected in (
            f"Management review minutes {self.review.name}",
            "Management review 2026 (test)",
            "Meeting date 12/15/2026",
            "Period 01/01/2026 to 12/31/2026",
            f"Scope {self.standard_9001.display_name}",
            f"Chair {self.chair.name}",
            "Stage Inputs collected",
            # Input c) with its two sections, their figures, item counts and comments.
            "c) Performance and effectiveness of the management system Quality objectives",
            "Objectives 2 Off track 1 On track 1",
            "Items: 2 (",
            "Comment: Complaints about scratched tops: packing supplier to be changed.",
            "Audit results Major nonconformities 1 Minor nonconformities 4 Open findings 3 Items: 5",
            # Input d) has no data: the note and the statement why.
            "d) Adequacy of resources Adequacy of resources Items: 0",
            "Note: No competence requirement in scope.",
            "Comment: Competence is reviewed by department heads; no gap reported.",
            "a) Status of actions from previous management reviews Actions from previous reviews Done 2 Late 1",
            "f) Opportunities for improvement Open opportunities Items: 0 Note: No opportunity in the register. "
            "Comment: Opportunities are kept in the sales meeting minutes.",
            # Outputs with kind, decision, owner, deadline, status.
            "Resource need Hire a second packer for the afternoon shift. "
            f"{self.production_manager.name} 03/31/2027 Open",
            "The system is suitable; packing needs attention.",
            "Next review: 06/15/2027",
            "Not signed yet.",
        ):
            self.assertIn(expected, text)
        attendees = re.search(r"Attendees (.*) Stage", text).group(1)
        self.assertEqual(sorted(attendees.split(", ")), sorted(self.attendees.mapped("name")))
        # The list behind the objectives' figures, read with the reader's rights.
        for objective in self.complaints | self.delivery:
            self.assertIn(objective.display_name, text)
        self.assertNotIn("Frozen content SHA-256", text)
        for technical in ("False", "None", "iso.objective", "audit_results", "draft"):
            self.assertNotRegex(text, rf"\b{technical}\b")

    def test_held_minutes_print_the_frozen_content_whatever_the_data_becomes(self):
        before = page_text(self.render(self.chair))
        self.hold(self.review)
        held_html = self.render(self.chair)
        held = page_text(held_html)
        self.assertNotIn(DRAFT_MARK, held)
        self.assertIn("As frozen when the review was held", held)
        self.assertRegex(self.review.frozen_hash, r"^[0-9a-f]{64}$")
        self.assertEqual(hashlib.sha256(self.review.frozen_content.encode()).hexdigest(), self.review.frozen_hash)
        self.assertIn(f'<code class="o_iso_hash">{self.review.frozen_hash}</code>', held_html)
        self.assertIn("The frozen content printed above matches this hash.", held)
        for expected in (
            "Objectives 2 Off track 1 On track 1",
            "Items: 5",
            "Comment: Competence is reviewed by department heads; no gap reported.",
            self.complaints.display_name,
        ):
            self.assertIn(expected, held)
        # The inputs of the held minutes are those the draft printed.
        self.assertEqual(inputs_part(held), inputs_part(before))

        # The data changes after the meeting: an objective is renamed, a collection's figures change under
        # the ORM, an attendee leaves the company's list.
        old_name = self.complaints.display_name
        self.complaints.title = "Complaints, renamed after the review (test)"
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE iso_management_review_input SET item_count = 99, figures = %s WHERE id = %s",
            (json.dumps([["Major nonconformities", 7]]), self.findings_input.id),
        )
        self.env.invalidate_all()
        self.assertEqual(self.findings_input.item_count, 99)
        after = page_text(self.render(self.chair))
        self.assertEqual(inputs_part(after), inputs_part(held))
        self.assertIn("Major nonconformities 1 Minor nonconformities 4 Open findings 3 Items: 5", after)
        self.assertNotIn("Items: 99", after)
        self.assertNotIn("Major nonconformities 7", after)
        self.assertIn(old_name, after)
        self.assertNotIn("renamed after the review", after)
        self.assertEqual(self.review._iso_minutes_inputs(), json.loads(self.review.frozen_content)["inputs"])

    def test_a_frozen_content_changed_under_the_orm_is_shown_as_not_matching(self):
        self.hold(self.review)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE iso_management_review SET frozen_content = replace(frozen_content, '\"Off track\",1', "
            "'\"Off track\",0') WHERE id = %s",
            (self.review.id,),
        )
        self.env.invalidate_all()
        text = page_text(self.render(self.chair))
        self.assertIn("Off track 0", text)
        self.assertIn("The frozen content does not match this hash: it changed after the review was held.", text)

    def test_a_review_not_collected_says_so_for_each_input(self):
        text = page_text(self.render(self.chair, self.make_review(title="Not collected yet (test)")))
        self.assertIn(DRAFT_MARK, text)
        self.assertEqual(text.count("Not collected."), 6)
        self.assertIn("f) Opportunities for improvement Not collected.", text)
        self.assertIn("No decision recorded.", text)

    def test_a_user_who_cannot_read_the_review_cannot_print_it(self):
        review = self.make_review(title="Confidential review (test)", confidentiality="confidential")
        review.owner_id = self.employee_of[self.chair]
        for user in (self.colleague, self.user_b, self.internal_user):
            self.assertFalse(review.with_user(user).has_access("read"))
            with self.assertRaises(AccessError):
                self.render(user, review)
        # Who may read it prints it: an ISO auditor.
        self.assertIn("Confidential review (test)", self.render(self.iso_auditor, review))

    def test_the_minutes_are_offered_on_the_review(self):
        action = self.env.ref("iso_records_audit.action_report_iso_management_review")
        self.assertEqual((action.binding_model_id.model, action.binding_type), ("iso.management.review", "report"))
        arch = self.Review.with_user(self.chair).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(f'name="{action.id}"', arch)
        self.assertIn('string="Print minutes"', arch)

    @unittest.skipUnless(WKHTMLTOPDF, "wkhtmltopdf is not installed")
    def test_the_minutes_print_as_a_pdf(self):
        self.review.output_ids.write({"kind": "improvement"})
        self.review.write({"attendee_ids": [Command.link(self.employee_of[self.iso_user].id)]})
        self.hold(self.review)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.chair)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.review.ids)
        )
        self.assertEqual(kind, "pdf")
        reader = PdfReader(io.BytesIO(pdf))
        text = "".join("".join(page.extract_text().split()) for page in reader.pages)
        self.assertIn(self.review.frozen_hash, text)
        self.assertIn("Offtrack1", text)
        self.assertIn("Competenceisreviewedbydepartmentheads;nogapreported.", text)
        self.assertIn(self.employee_of[self.iso_user].name.replace(" ", ""), text)
