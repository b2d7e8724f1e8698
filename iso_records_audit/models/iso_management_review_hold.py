import hashlib
import json

from odoo import fields, models
from odoo.addons.iso_records.models.iso_controlled_mixin import CONFIDENTIALITY
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

from .iso_management_review import FROZEN_STATES
from .iso_management_review_input import INPUT_LETTERS

# How many items of the list behind an input the frozen minutes name.
FROZEN_ITEMS_LIMIT = 50


def canonical_json(content):
    """The one text form of the frozen content: keys sorted, no spaces, UTF-8; its SHA-256 is the hash."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


class IsoManagementReview(models.Model):
    """Holding a review (complete, signed by the chair, its inputs frozen with a SHA-256) and closing it
    (every output owned and due, the next review planned)."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    def _iso_signable_operations(self):
        return {
            **super()._iso_signable_operations(),
            "hold": {
                "label": self.env._("Hold review"),
                # The chair has usually written comments of the inputs: "reviewed" is a meaning an author gives.
                "meanings": ("reviewed",),
                "method": "_iso_hold",
                "may_sign": "_iso_may_hold",
                # The chair signs the frozen minutes themselves: their SHA-256 is the signature's.
                "content_hash": "_iso_frozen_hash",
            },
        }

    def _iso_may_hold(self, user):
        return self.state == "collected" and self.chair_id == user

    def _iso_action_lines_active(self):
        self.ensure_one()
        return self.state in FROZEN_STATES

    # ------------------------------------------------------------------
    # Completeness gate
    # ------------------------------------------------------------------
    def _iso_check_complete(self, action):
        """Collected, with attendees, and every input of ISO 9001 9.3.2 a) to f) with data or a written
        statement why there is none; otherwise a clear error naming what is missing."""
        self._iso_check_state(action, ["collected"])
        letter_labels = dict(self.env["iso.management.review.input"]._fields["letter"]._description_selection(self.env))
        for review in self:
            if not review.attendee_ids:
                raise UserError(
                    self.env._(
                        "%(action)s: %(field)s of %(review)s is empty; record who took part in the review.",
                        action=action,
                        field=self._fields["attendee_ids"].string,
                        review=review.display_name,
                    )
                )
            collected = set(review.input_ids.mapped("letter"))
            missing = [
                self.env._("9.3.2 %s (not collected)", letter_labels.get(letter, label))
                for letter, label in INPUT_LETTERS
                if letter not in collected
            ]
            missing += review.input_ids.filtered("is_missing").mapped("display_name")
            if missing:
                raise UserError(
                    self.env._(
                        "%(action)s: %(review)s has inputs with neither data nor a written statement why there is "
                        "none: %(inputs)s. Write the statement in the input's Comment.",
                        action=action,
                        review=review.display_name,
                        inputs="; ".join(missing),
                    )
                )

    def _iso_check_chair(self, action, user):
        for review in self:
            if review.chair_id != user:
                raise UserError(
                    self.env._(
                        "%(action)s: only the chair of %(review)s (%(chair)s) signs it; %(user)s is not its chair.",
                        action=action,
                        review=review.display_name,
                        chair=review.chair_id.name,
                        user=user.name,
                    )
                )

    def _iso_check_holdable(self, action, signer):
        self._iso_check_complete(action)
        self._iso_check_chair(action, signer)
        self.output_ids._iso_check_action_ready(action)

    # ------------------------------------------------------------------
    # Hold: freeze and sign
    # ------------------------------------------------------------------
    def action_open_hold(self):
        action = self.env._("Hold review")
        one_record(self, action)
        self._iso_check_holdable(action, self.env.user)
        return self._iso_open_signature("hold")

    def _iso_frozen_items(self, line, signer):
        """The names of the first items of the list behind an input, as the signer may read them, but only of
        items every reader of the minutes may know of: no more confidential than the review, never restricted
        (a line is as confidential as its record). The others are counted, not named."""
        if not line.item_model or line.item_model not in self.env:
            return []
        items = self.env[line.item_model].with_user(signer)
        if not items.has_access("read"):
            return []
        return items.search(
            [*safe_eval(line.item_domain or "[]"), *self._iso_nameable_items_domain(items)], limit=FROZEN_ITEMS_LIMIT
        ).mapped("display_name")

    def _iso_nameable_items_domain(self, items):
        self.ensure_one()
        levels = [level for level, _label in CONFIDENTIALITY]
        shared = [level for level in levels[: levels.index(self.confidentiality) + 1] if level != "restricted"]
        if isinstance(items, self.env.registry["iso.controlled.mixin"]):
            return [("confidentiality", "in", shared)]
        if isinstance(items, self.env.registry["iso.controlled.line.mixin"]):
            return [(f"{items._iso_parent_field}.confidentiality", "in", shared)]
        return []

    def _iso_frozen_content(self, signer):
        """The review and its inputs as they are now, as canonical JSON (the minutes print from it)."""
        self.ensure_one()
        review = self.sudo()
        content = {
            "review": {
                "name": review.name,
                "title": review.title,
                "company": review.company_id.name,
                "date": fields.Date.to_string(review.date),
                "period_start": fields.Date.to_string(review.period_start),
                "period_end": fields.Date.to_string(review.period_end),
                "chair": review.chair_id.name,
                "attendees": sorted(review.attendee_ids.mapped("name")),
                "standards": review.standard_ids.mapped("display_name"),
            },
            "inputs": [
                {
                    "letter": line.letter,
                    "section": line.section,
                    "name": line.name,
                    "figures": line.figures or [],
                    "item_count": line.item_count,
                    "note": line.note or "",
                    "comment": line.comment or "",
                    "items": self._iso_frozen_items(line, signer),
                }
                for line in review.input_ids
            ],
        }
        return canonical_json(content)

    def _iso_frozen_hash(self):
        """The SHA-256 of the frozen content; before the review is held, of the content holding it would freeze."""
        self.ensure_one()
        return sha256_hex(self.frozen_content or self._iso_frozen_content(self.env.user))

    def _iso_hold(self, signer, reason=None):
        action = self.env._("Hold review")
        self._iso_check_holdable(action, signer)
        content = self._iso_frozen_content(signer)
        # The chair's signature is the authority: top management need not be an ISO manager to hold it.
        workflow(self.sudo(), reason).write(
            {
                "state": "held",
                "held_date": fields.Datetime.now(),
                "held_by_id": signer.id,
                "frozen_content": content,
                "frozen_hash": sha256_hex(content),
            }
        )
        if self.output_ids:
            self._iso_output_create_followup(self.output_ids)

    def _iso_output_create_followup(self, outputs):
        """Outputs of this review now being acted on (on holding, or added to a held review). They have their
        activities; iso_records_capa turns them into CAPAs here (issue 15)."""
        self.ensure_one()

    # ------------------------------------------------------------------
    # Close
    # ------------------------------------------------------------------
    def action_close(self):
        action = self.env._("Close review")
        self._iso_check_state(action, ["held"])
        self._iso_check_may_run(action)
        next_label = self._fields["next_review_date"].string
        for review in self:
            review.output_ids._iso_check_action_ready(action)
            if not review.next_review_date:
                raise UserError(
                    self.env._(
                        "%(action)s: %(field)s of %(review)s is empty; plan the next management review first.",
                        action=action,
                        field=next_label,
                        review=review.display_name,
                    )
                )
            if review.next_review_date <= review.date:
                raise UserError(
                    self.env._(
                        "%(action)s: %(field)s of %(review)s (%(next)s) must come after its meeting date %(date)s.",
                        action=action,
                        field=next_label,
                        review=review.display_name,
                        next=review.next_review_date,
                        date=review.date,
                    )
                )
        workflow(self).write({"state": "closed", "closed_date": fields.Date.context_today(self)})
        return True
