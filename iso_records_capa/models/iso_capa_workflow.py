from datetime import timedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import UserError, ValidationError

OPEN_STATES = ("draft", "analysis", "action", "verification")
# The 1-5 scale of the risk register, which the CAPA re-rates the risk on.
RISK_SCALE = range(1, 6)


class IsoCapa(models.Model):
    """The CAPA's steps: root-cause analysis, actions, the effectiveness check reached when the last action is
    done, closure signed by the owner (root cause, every action done, an effective check; the risk re-rated),
    and cancel."""

    _inherit = "iso.capa"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("risk_likelihood_after", "risk_severity_after")
    def _check_risk_after_scale(self):
        for capa in self:
            for name in ("risk_likelihood_after", "risk_severity_after"):
                if capa[name] and capa[name] not in RISK_SCALE:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: must be between 1 and 5 (%(value)s given on %(capa)s).",
                            field=self._fields[name].string,
                            value=capa[name],
                            capa=capa.display_name,
                        )
                    )

    @api.constrains("effectiveness_days")
    def _check_effectiveness_days(self):
        for capa in self:
            if capa.effectiveness_days < 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s: cannot be negative (%(capa)s).",
                        field=self._fields["effectiveness_days"].string,
                        capa=capa.display_name,
                    )
                )

    def _iso_check_may_run(self, action):
        """A step is run by whoever may change the CAPA (its owner, its author, an ISO manager); auditors never."""
        self._iso_check_may_act(action)
        self.check_access("write")

    # ------------------------------------------------------------------
    # Analysis and actions
    # ------------------------------------------------------------------
    def action_start_analysis(self):
        action = self.env._("Start root-cause analysis")
        self._iso_check_state(action, ["draft"])
        self._iso_check_may_run(action)
        workflow(self).write({"state": "analysis"})
        return True

    def _iso_check_root_cause(self, action):
        for capa in self:
            missing = [
                capa._fields[name].string
                for name in ("root_cause", "root_cause_category")
                if not (capa[name] or "").strip()
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "%(action)s: %(fields)s of %(capa)s is empty; record the root cause found by the analysis "
                        "(5 whys, fishbone) first.",
                        action=action,
                        fields=self.env._(" and ").join(missing),
                        capa=capa.display_name,
                    )
                )

    def action_start_actions(self):
        """Root cause found: the actions are carried out, each as an activity of its owner."""
        action = self.env._("Start actions")
        self._iso_check_state(action, ["analysis"])
        self._iso_check_may_run(action)
        self._iso_check_root_cause(action)
        for capa in self:
            if not capa.action_ids:
                raise UserError(
                    self.env._(
                        "%(action)s: %(capa)s has no action yet; add what will remove the root cause.",
                        action=action,
                        capa=capa.display_name,
                    )
                )
            capa._iso_check_verifier_independent(action)
        self.action_ids._iso_check_action_ready(action)
        workflow(self).write({"state": "action"})
        return True

    def _iso_on_actions_done(self):
        """Called when actions were marked done: a CAPA in state action whose every action is done reaches its
        effectiveness check, due ``effectiveness_days`` after the last one, with a pending check and an activity
        for its verifier. Idempotent: a CAPA with an open action, or already past this step, is left alone."""
        capas = self.sudo().filtered(
            lambda capa: capa.state == "action" and capa.action_ids and all(capa.action_ids.mapped("date_done"))
        )
        for capa in capas:
            last_done = max(capa.action_ids.mapped("date_done"))
            due = last_done + timedelta(days=capa.effectiveness_days)
            workflow(capa, self.env._("Every action is done")).write(
                {"state": "verification", "effectiveness_due_date": due}
            )
        capas._iso_ask_verifier()
        return True

    # ------------------------------------------------------------------
    # Closure, signed by the owner
    # ------------------------------------------------------------------
    def _iso_signable_operations(self):
        return {
            **super()._iso_signable_operations(),
            "close": {
                "label": self.env._("Close CAPA"),
                "meanings": ("closed",),
                "method": "_iso_close",
                "may_sign": "_iso_may_close",
            },
        }

    def _iso_may_close(self, user):
        return self.state == "verification" and bool(self.owner_user_id) and self.owner_user_id == user

    def _iso_check_closable(self, action, signer):
        """What closing needs, checked when the dialog opens and again when it is signed."""
        self.ensure_one()
        self._iso_check_state(action, ["verification"])
        if self.owner_user_id != signer:
            raise UserError(
                self.env._(
                    "%(action)s: only the owner of %(capa)s (%(owner)s) signs its closure; %(user)s is not its owner.",
                    action=action,
                    capa=self.display_name,
                    owner=self.owner_id.name or self.env._("none"),
                    user=signer.name,
                )
            )
        self._iso_check_root_cause(action)
        open_actions = self.sudo().action_ids.filtered(lambda line: not line.date_done)
        if open_actions:
            raise UserError(
                self.env._(
                    "%(action)s: %(count)s action(s) of %(capa)s are not done (%(actions)s); every action is done "
                    "before closing.",
                    action=action,
                    count=len(open_actions),
                    capa=self.display_name,
                    actions=", ".join(open_actions.mapped("display_name")),
                )
            )
        latest = self._iso_latest_verification()
        if latest.result != "effective":
            raise UserError(
                self.env._(
                    "%(action)s: %(capa)s has no effective verification yet; its verifier records the effectiveness "
                    "check first.",
                    action=action,
                    capa=self.display_name,
                )
            )
        self._iso_check_verifier_independent(action, latest.verifier_id)
        if self.risk_id and not (self.risk_likelihood_after and self.risk_severity_after):
            raise UserError(
                self.env._(
                    "%(action)s: rate %(likelihood)s and %(severity)s of %(risk)s after the actions before closing "
                    "%(capa)s.",
                    action=action,
                    likelihood=self._fields["risk_likelihood_after"].string,
                    severity=self._fields["risk_severity_after"].string,
                    risk=self.risk_id.sudo().display_name,
                    capa=self.display_name,
                )
            )

    def action_open_close(self):
        action = self.env._("Close CAPA")
        one_record(self, action)
        self._iso_check_may_act(action)
        self._iso_check_closable(action, self.env.user)
        return self._iso_open_signature("close")

    def _iso_close(self, signer, reason=None):
        action = self.env._("Close CAPA")
        self._iso_check_closable(action, signer)
        workflow(self, reason).write(
            {"state": "closed", "closed_date": fields.Date.context_today(self), "closed_by_id": signer.id}
        )
        self._iso_rerate_risk()
        self._iso_remove_closure_requests(feedback=self.env._("Closed by %s", signer.name))
        self._iso_post_on_nonconformities(
            self.env._(
                "%(capa)s is closed: its actions were effective. Close this nonconformity when nothing else is open.",
                capa=self.display_name,
            )
        )

    def _iso_remove_closure_requests(self, feedback=None):
        """The owner's request to sign the closure: done with ``feedback`` when closed, else removed."""
        approval = self.env.ref("iso_records.mail_activity_type_iso_approval")
        requests = self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == approval)
        if feedback:
            requests.action_feedback(feedback=feedback)
        else:
            requests.unlink()

    def _iso_rerate_risk(self):
        """The risk concerned gets the CAPA's rating after the actions as its residual rating."""
        self.ensure_one()
        if not (self.risk_id and self.risk_likelihood_after and self.risk_severity_after):
            return
        risk = self.risk_id.sudo()
        values = {"residual_likelihood": self.risk_likelihood_after, "residual_severity": self.risk_severity_after}
        if self.risk_likelihood_after * self.risk_severity_after > risk.score and not risk.residual_reason:
            values["residual_reason"] = self.env._("Re-rated by %s", self.display_name)
        workflow(risk, self.env._("Re-rated when %s closed", self.display_name)).write(values)

    def _iso_post_on_nonconformities(self, body):
        for nonconformity in self.sudo().nonconformity_ids:
            nonconformity.message_post(body=body)

    def action_print_8d(self):
        self.check_access("read")
        return self.env.ref("iso_records_capa.action_report_iso_capa_8d").report_action(self)

    # ------------------------------------------------------------------
    # Cancel
    # ------------------------------------------------------------------
    def action_cancel(self):
        action = self.env._("Cancel CAPA")
        self._iso_check_state(action, list(OPEN_STATES))
        self._iso_check_may_run(action)
        for capa in self:
            if not (capa.cancel_reason or "").strip():
                raise UserError(
                    self.env._(
                        "%(field)s: say why %(capa)s is cancelled before cancelling it.",
                        field=self._fields["cancel_reason"].string,
                        capa=capa.display_name,
                    )
                )
        for capa in self:
            workflow(capa, capa.cancel_reason).write({"state": "cancelled"})
            capa._iso_remove_effectiveness_activities()
            capa._iso_remove_closure_requests()
            capa._iso_post_on_nonconformities(
                self.env._("%(capa)s was cancelled: %(reason)s", capa=capa.display_name, reason=capa.cancel_reason)
            )
        return True
