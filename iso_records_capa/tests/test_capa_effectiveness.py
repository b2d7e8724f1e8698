from datetime import date

from odoo import Command
from odoo.addons.iso_records.tools import workflow
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CapaCase


@tagged("post_install", "-at_install")
class TestCapaEffectiveness(CapaCase):
    """The effectiveness gate: the verifier's result with evidence and measure, the repeats counted for them,
    not effective reopening the CAPA for new actions with the reason in the trail."""

    def trail(self, capa, event_type="state"):
        return self.env["iso.trail.event"].search(
            [("res_model", "=", "iso.capa"), ("res_id", "=", capa.id), ("event_type", "=", event_type)],
            order="sequence",
        )

    def repeat_of(self, nonconformity, **values):
        """A later NC repeating ``nonconformity``, as the repeat detection links it."""
        repeat = self.make_nc(title="Scratched again (test)", **values)
        workflow(repeat.sudo()).write({"repeat_ids": [Command.link(nonconformity.id)]})
        return repeat

    def test_effective_with_evidence_measure_and_the_repeats_counted(self):
        capa = self.finish_capa_actions(self.capa_acting())
        # The repeat detection links a new NC on the same product and supplier to the CAPA's.
        repeat = self.make_nc(title="Scratched again (test)")
        self.assertIn(capa.nonconformity_ids, repeat.repeat_ids)
        self.repeat_of(capa.nonconformity_ids, date=date(2020, 1, 1))  # before the actions: not counted
        verifier_capa = capa.with_user(self.verifier)
        verifier_capa.action_record_effectiveness("effective", "  Two deliveries since, one scratch.  ", "Repeats")
        check = capa.verification_ids
        self.assertEqual(
            (check.result, check.date, check.evidence, check.measure, check.repeat_count),
            ("effective", date.today(), "Two deliveries since, one scratch.", "Repeats", 1),
        )
        self.assertEqual(capa.state, "verification", "effective: the owner signs the closure")
        self.assertFalse(
            capa.sudo().activity_ids.filtered(
                lambda activity: (
                    activity.activity_type_id == self.env.ref("iso_records_capa.mail_activity_type_effectiveness_check")
                )
            )
        )
        self.assertIn(self.iso_manager, capa.sudo().activity_ids.user_id, "the owner is asked to sign the closure")
        with self.refused(UserError, r"has no pending check"):
            verifier_capa.action_record_effectiveness("effective", "Again.")

    def test_only_the_verifier_records_with_evidence_and_a_known_result(self):
        capa = self.finish_capa_actions(self.capa_acting())
        for user in (self.iso_manager, self.iso_administrator, self.iso_user):
            with self.subTest(user=user.login), self.refused(UserError, r"is not its verifier"):
                capa.with_user(user).action_record_effectiveness("effective", "Fine.")
        with self.refused(UserError, r"is not its verifier"):
            capa.with_user(self.iso_manager).action_open_effectiveness()
        as_verifier = capa.with_user(self.verifier)
        with self.refused(UserError, r"Evidence: say what shows"):
            as_verifier.action_record_effectiveness("effective", "   ")
        with self.refused(UserError, r"Result: 'done' is not a result"):
            as_verifier.action_record_effectiveness("done", "Fine.")
        with self.refused(UserError, r"Evidence: expected text"):
            as_verifier.action_record_effectiveness("effective", ["Fine."])
        self.assertFalse(capa.verification_ids.result)
        self.assertEqual(capa.state, "verification")

    def test_a_verifier_made_action_owner_is_refused_at_record_time(self):
        capa = self.finish_capa_actions(self.capa_acting())
        # Changed on the action itself (not through the CAPA form), the owner escapes the CAPA's constraint.
        capa.action_ids[:1].user_id = self.verifier
        with self.refused(UserError, r"Record effectiveness: the verifier is neither .* owns an action"):
            capa.with_user(self.verifier).action_record_effectiveness("effective", "Fine.")

    def test_not_effective_reopens_for_new_actions_and_says_so_in_the_trail(self):
        capa = self.finish_capa_actions(self.capa_acting())
        capa.with_user(self.verifier).action_record_effectiveness(
            "not_effective", "Scratches again on the delivery of last week.", "Incoming inspection"
        )
        self.assertEqual((capa.state, capa.reopen_count, capa.effectiveness_due_date), ("action", 1, False))
        reopened = self.trail(capa)[-1:]
        self.assertIn("Not effective, reopened for new actions: Scratches again", reopened.reason)
        self.assertEqual(reopened.user_id, self.verifier)
        with self.refused(UserError, r"Close CAPA: .* is Actions"):
            self.sign(capa, self.iso_manager, "close")
        # New actions, done: a second check, and only the latest counts.
        self.add_capa_action(capa, owner=self.colleague, description="Thicker cardboard (test)")
        self.assertTrue(capa.sudo().action_ids.filtered(lambda line: not line.date_done).activity_id)
        self.finish_capa_actions(capa)
        self.assertEqual(capa.state, "verification")
        self.assertEqual(len(capa.verification_ids), 2)
        with self.refused(UserError, r"has no effective verification yet"):
            self.sign(capa, self.iso_manager, "close")
        capa.with_user(self.verifier).action_record_effectiveness("effective", "No scratch in 4 deliveries.")
        self.sign(capa, self.iso_manager, "close")
        self.assertEqual((capa.state, capa.reopen_count), ("closed", 1))

    def test_the_dialog_proposes_the_repeat_measure(self):
        capa = self.finish_capa_actions(self.capa_acting())
        self.repeat_of(capa.nonconformity_ids)
        action = capa.with_user(self.verifier).action_open_effectiveness()
        self.assertEqual(action["res_model"], "iso.capa.effectiveness.wizard")
        Wizard = self.env[action["res_model"]].with_user(self.verifier).with_context(**action["context"])
        with Form(Wizard) as dialog:
            self.assertEqual(dialog.repeat_count, 1)
            self.assertIn("Repeat nonconformities since the last action was done", dialog.measure)
            dialog.result = "effective"
            dialog.evidence = "One repeat, from a supplier batch shipped before the change."
        dialog.save().action_confirm()
        self.assertEqual(capa.verification_ids.result, "effective")
        self.assertEqual(capa.verification_ids.repeat_count, 1)

    def effectiveness_activities(self, capa):
        activity_type = self.env.ref("iso_records_capa.mail_activity_type_effectiveness_check")
        return capa.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)

    def test_a_new_verifier_takes_the_pending_check_over(self):
        capa = self.finish_capa_actions(self.capa_acting())
        self.assertEqual(self.effectiveness_activities(capa).user_id, self.verifier)
        capa.verifier_id = self.production_manager
        self.assertEqual(capa.verification_ids.verifier_id, self.production_manager)
        activity = self.effectiveness_activities(capa)
        self.assertEqual(
            (activity.user_id, activity.date_deadline), (self.production_manager, capa.effectiveness_due_date)
        )
        with self.refused(UserError, r"is not its verifier"):
            capa.with_user(self.verifier).action_record_effectiveness("effective", "Fine.")
        capa.with_user(self.production_manager).action_record_effectiveness("effective", "Fine.")
        self.assertEqual(capa.verification_ids.result, "effective")

    def test_actions_done_without_a_verifier_wait_for_one(self):
        capa = self.capa_acting()
        capa.verifier_id = False
        self.finish_capa_actions(capa)
        self.assertEqual(capa.state, "verification")
        self.assertFalse(capa.verification_ids)
        self.assertIn("cannot check their effectiveness", capa.message_ids[:1].body)
        capa.verifier_id = self.verifier
        self.assertEqual(capa.verification_ids.verifier_id, self.verifier)
        self.assertEqual(self.effectiveness_activities(capa).user_id, self.verifier)
