from odoo import fields, models
from odoo.addons.iso_records.tools import text_argument, workflow
from odoo.exceptions import UserError

# CAPA states that answer a nonconformity for good: a cancelled CAPA is no answer, but it is not open either.
CAPA_DONE_STATES = ("closed", "cancelled")
OPEN_STATES = ("new", "triaged", "in_progress")


class IsoNonconformity(models.Model):
    """The steps after triage: start, close (containment, then a closed CAPA when one is required, or a
    justification), reject with a reason. Closing closes the audit finding it was raised from."""

    _inherit = "iso.nonconformity"  # pylint: disable=consider-merging-classes-inherited

    def action_start(self):
        """Triaged -> in progress."""
        action = self.env._("Start")
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["triaged"])
        self.check_access("write")
        workflow(self).write({"state": "in_progress"})
        return True

    def _iso_closure_errors(self):
        """What keeps this nonconformity from closing, as sentences naming the field and the rule."""
        self.ensure_one()
        errors = []
        if not (self.containment or "").strip():
            errors.append(self.env._("Containment: say what was done at once to contain it."))
        if not self.containment_user_id:
            errors.append(self.env._("Contained by: name who contained it."))
        if not self.containment_date:
            errors.append(self.env._("Contained on: say when it was contained."))
        # As the system: a CAPA the closer may not read still counts, and says only its reference.
        capas = self.sudo().capa_ids
        open_capas = capas.filtered(lambda capa: capa.state not in CAPA_DONE_STATES)
        closed_capas = capas.filtered(lambda capa: capa.state == "closed")
        if self.capa_required:
            if not closed_capas:
                errors.append(
                    self.env._(
                        "CAPAs: %(nonconformity)s requires a CAPA (its priority or its repeats); it closes once a "
                        "CAPA answering it is closed.",
                        nonconformity=self.display_name,
                    )
                )
            if open_capas:
                errors.append(
                    self.env._(
                        "CAPAs: %(capas)s still open; a nonconformity that requires a CAPA closes when all its "
                        "CAPAs are closed.",
                        capas=", ".join(open_capas.mapped("name")),
                    )
                )
        elif not (self.closure_justification or "").strip() and not (closed_capas and not open_capas):
            errors.append(
                self.env._(
                    "Closure justification: %(nonconformity)s needs no CAPA; say why its containment is enough, "
                    "or close a CAPA answering it first.",
                    nonconformity=self.display_name,
                )
            )
        return errors

    def action_close(self):
        """Triaged or in progress -> closed, when ``_iso_closure_errors`` finds nothing. The audit findings it
        was raised from close with it."""
        action = self.env._("Close")
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["triaged", "in_progress"])
        self.check_access("write")
        for nonconformity in self:
            errors = nonconformity._iso_closure_errors()
            if errors:
                raise UserError(
                    self.env._(
                        "%(action)s %(nonconformity)s:\n%(errors)s",
                        action=action,
                        nonconformity=nonconformity.display_name,
                        errors="\n".join(f"- {error}" for error in errors),
                    )
                )
        today = fields.Date.context_today(self)
        workflow(self).write({"state": "closed", "closed_date": today, "closed_by_id": self.env.uid})
        self._iso_close_findings()
        return True

    def _iso_close_findings(self):
        """The audit findings these nonconformities answer close with them, whatever step they were at: the
        nonconformity's closure is their answer. As the system, for the finding may belong to an audit team
        the closer is not part of; the trail says why."""
        findings = self.sudo().finding_id.filtered(lambda finding: finding.state != "closed")
        today = fields.Date.context_today(self)
        for finding in findings:
            names = ", ".join(
                self.filtered(lambda nonconformity, f=finding: nonconformity.finding_id == f).mapped("name")
            )
            reason = self.env._("Closed with its nonconformity %(nonconformity)s.", nonconformity=names)
            workflow(finding, reason).write({"state": "closed", "closed_date": today})
            finding.message_post(body=reason)

    def action_reject(self, reason=None):
        """Not a nonconformity after all: new, triaged or in progress -> rejected, with a reason (given, or the
        Rejection Reason field of the form)."""
        action = self.env._("Reject")
        self._iso_check_may_act(action)
        self._iso_check_manager(action)
        self._iso_check_state(action, list(OPEN_STATES))
        self.check_access("write")
        reason = text_argument(self.env, reason, self._fields["rejection_reason"].string).strip()
        for nonconformity in self:
            text = reason or (nonconformity.rejection_reason or "").strip()
            if not text:
                raise UserError(
                    self.env._(
                        "Rejection Reason: say why %(nonconformity)s is not a nonconformity before rejecting it.",
                        nonconformity=nonconformity.display_name,
                    )
                )
            workflow(nonconformity, text).write(
                {
                    "state": "rejected",
                    "rejection_reason": text,
                    "closed_date": fields.Date.context_today(self),
                    "closed_by_id": self.env.uid,
                }
            )
        return True
