import hashlib
import json

from odoo import models
from odoo.tools.safe_eval import safe_eval

from .iso_management_review import FROZEN_STATES

# How many items of the list behind an input the minutes name (the frozen content keeps as many).
MINUTES_ITEM_LIMIT = 50


class IsoManagementReview(models.Model):
    """What the minutes print: once the review is held, its frozen content and nothing else; before, the
    live inputs in the same shape, read with the reader's rights."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    def _iso_frozen_minutes(self):
        """The frozen content of a held (or closed) review, parsed; ``None`` before it is held."""
        self.ensure_one()
        if self.state not in FROZEN_STATES:
            return None
        return json.loads(self.frozen_content or "{}")

    def _iso_frozen_hash_matches(self):
        """Whether the frozen content is still the text its SHA-256 was taken of."""
        self.ensure_one()
        content = self.frozen_content or ""
        return bool(content) and hashlib.sha256(content.encode()).hexdigest() == self.frozen_hash

    def _iso_minutes_review(self):
        """The review part of the minutes: name, title, company, dates, chair, attendees and standards."""
        self.ensure_one()
        frozen = self._iso_frozen_minutes()
        if frozen is not None:
            return frozen.get("review", {})
        return {
            "name": self.name,
            "title": self.title,
            "company": self.company_id.name,
            "date": str(self.date),
            "period_start": str(self.period_start),
            "period_end": str(self.period_end),
            "chair": self.chair_id.name,
            "attendees": self.attendee_ids.sorted("name").mapped("name"),
            "standards": self.standard_ids.mapped("display_name"),
        }

    def _iso_minutes_inputs(self):
        """The inputs the minutes print, each ``{letter, section, name, figures, item_count, note, comment,
        items}``: the frozen content once the review is held, the live input lines before."""
        self.ensure_one()
        frozen = self._iso_frozen_minutes()
        if frozen is not None:
            return frozen.get("inputs", [])
        return [
            {
                "letter": line.letter,
                "section": line.section,
                "name": line.name,
                "figures": line.figures or [],
                "item_count": line.item_count,
                "note": line.note or "",
                "comment": line.comment or "",
                "items": self._iso_minutes_items(line.item_model, line.item_domain),
            }
            for line in self.input_ids
        ]

    def _iso_minutes_items(self, model_name, domain):
        """The display names of the first items of the list behind an input that the reader may read."""
        if not model_name or model_name not in self.env:
            return []
        items = self.env[model_name]
        if not items.has_access("read"):
            return []
        return items.search(safe_eval(domain or "[]"), limit=MINUTES_ITEM_LIMIT).mapped("display_name")
