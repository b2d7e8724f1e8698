from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param


class IsoManagementReview(models.Model):
    """The next review date proposed from the meeting date and the interval of Settings."""

    _inherit = "iso.management.review"  # pylint: disable=consider-merging-classes-inherited

    next_review_date = fields.Date(compute="_compute_next_review_date", store=True, readonly=False, precompute=True)

    @api.depends("date")
    def _compute_next_review_date(self):
        months = iso_int_param(self.env, "management_review_interval_months", 12)
        for review in self:
            # With no interval the date is left as written.
            review.next_review_date = (
                review.date + relativedelta(months=months) if review.date and months else review.next_review_date
            )
