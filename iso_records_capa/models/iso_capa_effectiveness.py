from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, text_argument, workflow
from odoo.exceptions import UserError, ValidationError

from .iso_capa_verification import VERIFICATION_RESULTS


class IsoCapa(models.Model):
    """The effectiveness gate: an independent verifier (neither the CAPA owner nor an action owner) records
    whether the actions worked, with the evidence and the measure used; the repeats of the CAPA's
    nonconformities since the actions were done are counted for them. Not effective sends the CAPA back to
    its actions and says so in the trail."""

    _inherit = "iso.capa"  # pylint: disable=consider-merging-classes-inherited

    iso_may_verify = fields.Boolean(
        string="Verifier of the Pending Check",
        compute="_compute_iso_may_verify",
        help="The current user is the verifier of the CAPA's pending effectiveness check (for the views).",
    )

    @api.depends("state", "verification_ids.result", "verification_ids.verifier_id")
    @api.depends_context("uid")
    def _compute_iso_may_verify(self):
        for capa in self:
            pending = capa._iso_pending_verification() if capa.state == "verification" else False
            capa.iso_may_verify = bool(pending) and pending.verifier_id == self.env.user

    def _iso_verifier_conflict(self, verifier=None):
        """Why ``verifier`` (the CAPA's by default) may not check this CAPA, or False."""
        self.ensure_one()
        capa = self.sudo()
        verifier = verifier or capa.verifier_id
        if not verifier:
            return False
        if verifier == capa.owner_user_id:
            return self.env._("%(user)s owns %(capa)s.", user=verifier.name, capa=capa.display_name)
        if verifier in capa.action_ids.user_id:
            return self.env._("%(user)s owns an action of %(capa)s.", user=verifier.name, capa=capa.display_name)
        return False

    @api.constrains("verifier_id", "owner_id", "action_ids")
    def _check_verifier_independent(self):
        for capa in self:
            conflict = capa._iso_verifier_conflict()
            if conflict:
                raise ValidationError(
                    self.env._(
                        "Verifier: neither the CAPA owner nor an action owner checks its effectiveness; %(conflict)s",
                        conflict=conflict,
                    )
                )

    def _iso_check_verifier_independent(self, action, verifier=None):
        """The verifier is named and independent, checked at each step (actions may change owner later)."""
        self.ensure_one()
        verifier = verifier or self.sudo().verifier_id
        if not verifier:
            raise UserError(
                self.env._(
                    "%(action)s: %(field)s of %(capa)s is empty; name who will check the effectiveness (neither "
                    "its owner nor an action owner).",
                    action=action,
                    field=self._fields["verifier_id"].string,
                    capa=self.display_name,
                )
            )
        conflict = self._iso_verifier_conflict(verifier)
        if conflict:
            raise UserError(
                self.env._(
                    "%(action)s: the verifier is neither the CAPA owner nor an action owner; %(conflict)s",
                    action=action,
                    conflict=conflict,
                )
            )

    def _iso_latest_verification(self):
        self.ensure_one()
        return self.sudo().verification_ids.sorted("id", reverse=True)[:1]

    def _iso_pending_verification(self):
        self.ensure_one()
        return self.sudo().verification_ids.filtered(lambda check: not check.result).sorted("id", reverse=True)[:1]

    def _iso_repeat_count_since(self, date_from):
        """Nonconformities repeating this CAPA's (an earlier one of theirs is among its nonconformities) found
        since ``date_from``, in the CAPA's company, whoever may read them: the measure "no repeat in the window".
        One query."""
        self.ensure_one()
        capa = self.sudo()
        if not capa.nonconformity_ids:
            return 0
        return (
            self.env["iso.nonconformity"]
            .sudo()
            .search_count(
                [
                    ("company_id", "=", capa.company_id.id),
                    ("repeat_ids", "in", capa.nonconformity_ids.ids),
                    ("id", "not in", capa.nonconformity_ids.ids),
                    ("date", ">=", date_from),
                ]
            )
        )

    def _iso_effectiveness_window_start(self):
        self.ensure_one()
        done = [date for date in self.sudo().action_ids.mapped("date_done") if date]
        return max(done) if done else fields.Date.context_today(self)

    def _iso_ask_verifier(self):
        """Give each CAPA waiting for its effectiveness check one pending check and one activity, both for its
        current verifier; without a verifier who can act on it, its chatter says so."""
        activity_type = self.env.ref("iso_records_capa.mail_activity_type_effectiveness_check")
        for capa in self.sudo().filtered(lambda capa: capa.state == "verification"):
            capa._iso_remove_effectiveness_activities()
            verifier = capa.verifier_id
            if not (verifier and capa._iso_may_act_users(verifier)):
                capa.message_post(
                    body=self.env._(
                        "The actions of %(capa)s are done, but %(verifier)s cannot check their effectiveness: choose "
                        "a verifier (neither its owner nor an action owner) who may read it.",
                        capa=capa.display_name,
                        verifier=verifier.name or self.env._("nobody"),
                    )
                )
                continue
            pending = capa._iso_pending_verification()
            if not pending:
                pending = workflow(capa.verification_ids).create(
                    {"capa_id": capa.id, "verifier_id": verifier.id, "due_date": capa.effectiveness_due_date}
                )
            elif pending.verifier_id != verifier:
                workflow(pending).write({"verifier_id": verifier.id})
            capa.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=verifier.id,
                date_deadline=pending.due_date or fields.Date.context_today(self),
                summary=self.env._("Check the effectiveness of %s", capa.display_name),
            )

    def write(self, vals):
        result = super().write(vals)
        if "verifier_id" in vals:
            # A new verifier of a CAPA waiting for its check takes the pending check and its activity over.
            self.filtered(lambda capa: capa.state == "verification")._iso_ask_verifier()
        return result

    def _iso_remove_effectiveness_activities(self):
        activity_type = self.env.ref("iso_records_capa.mail_activity_type_effectiveness_check")
        self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type).unlink()

    def _iso_check_verifier_of_pending(self, action, user):
        pending = self._iso_pending_verification()
        if not pending:
            raise UserError(
                self.env._("%(action)s: %(capa)s has no pending check.", action=action, capa=self.display_name)
            )
        if user != pending.verifier_id:
            raise UserError(
                self.env._(
                    "%(action)s: the check of %(capa)s is %(verifier)s's; %(user)s is not its verifier.",
                    action=action,
                    capa=self.display_name,
                    verifier=pending.verifier_id.name,
                    user=user.name,
                )
            )
        self._iso_check_verifier_independent(action, user)
        return pending

    def action_open_effectiveness(self):
        """The verifier's dialog to record the pending effectiveness check."""
        action = self.env._("Record effectiveness")
        one_record(self, action)
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["verification"])
        self._iso_check_verifier_of_pending(action, self.env.user)
        return {
            "type": "ir.actions.act_window",
            "name": action,
            "res_model": "iso.capa.effectiveness.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_capa_id": self.id},
        }

    def action_record_effectiveness(self, result, evidence, measure=None):
        """The verifier's result of the pending effectiveness check: ``result`` effective or not_effective, the
        ``evidence`` (required) and the ``measure`` used. Not effective sends the CAPA back to its actions."""
        action = self.env._("Record effectiveness")
        one_record(self, action)
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["verification"])
        results = dict(VERIFICATION_RESULTS)
        if result not in results:
            raise UserError(
                self.env._(
                    "Result: %(result)r is not a result of an effectiveness check; choose %(allowed)s.",
                    result=result,
                    allowed=self.env._(" or ").join(results.values()),
                )
            )
        evidence = text_argument(self.env, evidence, self.env._("Evidence")).strip()
        measure = text_argument(self.env, measure, self.env._("Measure Used")).strip()
        if not evidence:
            raise UserError(
                self.env._(
                    "Evidence: say what shows that the actions of %(capa)s worked, or did not.",
                    capa=self.display_name,
                )
            )
        user = self.env.user
        pending = self._iso_check_verifier_of_pending(action, user)
        repeats = self._iso_repeat_count_since(self._iso_effectiveness_window_start())
        workflow(pending).write(
            {
                "result": result,
                "date": fields.Date.context_today(self),
                "evidence": evidence,
                "measure": measure or False,
                "repeat_count": repeats,
            }
        )
        self._iso_remove_effectiveness_activities()
        capa = self.sudo()
        if result == "effective":
            capa.message_post(
                body=self.env._(
                    "Effectiveness checked by %(user)s: effective (%(repeats)s repeat nonconformities since the "
                    "actions). %(owner)s may now close it.",
                    user=user.name,
                    repeats=repeats,
                    owner=capa.owner_id.name or "",
                )
            )
            if capa.owner_user_id and capa._iso_may_act_users(capa.owner_user_id):
                capa.activity_schedule(
                    "iso_records.mail_activity_type_iso_approval",
                    user_id=capa.owner_user_id.id,
                    summary=self.env._("Sign the closure of %s", capa.display_name),
                )
            return True
        reason = self.env._("Not effective, reopened for new actions: %s", evidence)
        workflow(capa, reason).write(
            {"state": "action", "reopen_count": capa.reopen_count + 1, "effectiveness_due_date": False}
        )
        capa.message_post(
            body=self.env._(
                "Effectiveness checked by %(user)s: not effective. %(capa)s is back to its actions: add new ones.",
                user=user.name,
                capa=capa.display_name,
            )
        )
        return True
