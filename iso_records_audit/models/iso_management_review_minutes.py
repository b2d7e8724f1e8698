import hashlib
import json

from odoo import models

from .iso_management_review import FROZEN_STATES


class IsoManagementReview(models.Model):
    """What the minutes print: once the review is held, its frozen content and nothing else; before, the
    content the hold would freeze now, with the reader's rights on the lists behind the inputs."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    def _iso_minutes_content(self):
        """The frozen content of a held (or closed) review, parsed; before it is held, what holding it now would
        freeze, as the reader sees it."""
        self.ensure_one()
        if self.state in FROZEN_STATES:
            return json.loads(self.frozen_content or "{}")
        return json.loads(self._iso_frozen_content(self.env.user))

    def _iso_frozen_hash_matches(self):
        """Whether the frozen content is still the text its SHA-256 was taken of."""
        self.ensure_one()
        content = self.frozen_content or ""
        return bool(content) and hashlib.sha256(content.encode()).hexdigest() == self.frozen_hash

    def _iso_minutes_review(self):
        """The review part of the minutes: name, title, company, dates, chair, attendees and standards."""
        return self._iso_minutes_content().get("review", {})

    def _iso_minutes_inputs(self):
        """The inputs the minutes print, each ``{letter, section, name, figures, item_count, note, comment,
        items}``: the frozen content once the review is held, the live input lines before."""
        return self._iso_minutes_content().get("inputs", [])
