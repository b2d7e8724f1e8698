from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression as Domain

from ..tools import iso_int_param, workflow


class IsoReviewMixin(models.AbstractModel):
    """Periodic review for controlled models that have one (documents, risks, objectives, the audit
    programme): the next date, "review due" computed against today, one activity per review date from a
    daily cron over every model that inherits this, and "Reviewed, no change"."""

    _name = "iso.review.mixin"
    _description = "ISO Periodically Reviewed Record"
    _inherit = ["iso.controlled.mixin"]
    _iso_workflow_only = ("last_review_date", "review_activity_date")
    # The activity type the reviewer gets.
    _iso_review_activity = "iso_records.mail_activity_type_iso_review"

    next_review_date = fields.Date(tracking=True, copy=False, index="btree_not_null")
    last_review_date = fields.Date(readonly=True, copy=False)
    review_activity_date = fields.Date(
        readonly=True, copy=False, help="Review date for which the review activity was already given."
    )
    review_due = fields.Boolean(compute="_compute_review_due", search="_search_review_due")
    iso_may_review = fields.Boolean(
        string="I May Review", compute="_compute_iso_may_review", help="The current user may review the record now."
    )

    @api.model
    def _iso_review_domain(self):
        """The records that are reviewed at all (documents in force, for instance)."""
        return []

    def _iso_review_interval(self):
        """How long after a review the next one is due; nothing when the record has no periodic review."""
        self.ensure_one()
        return relativedelta(years=1)

    def _iso_under_review(self):
        """Those of these records that are under periodic review."""
        domain = self._iso_review_domain()
        return self.filtered_domain(domain) if domain else self

    def _compute_review_due(self):
        today = fields.Date.context_today(self)
        reviewed = self._iso_under_review()
        for record in self:
            record.review_due = bool(
                record in reviewed and record.next_review_date and record.next_review_date <= today
            )

    def _search_review_due(self, operator, value):
        today = fields.Date.context_today(self)
        due = Domain.AND(
            [self._iso_review_domain(), [("next_review_date", "!=", False), ("next_review_date", "<=", today)]]
        )
        return due if self._iso_boolean_search(self.env._("Review Due"), operator, value) else ["!", *due]

    def _iso_may_review(self):
        """ISO managers, and whoever is given the review activity (see _iso_responsible_user)."""
        self.ensure_one()
        if self._iso_is_auditor_only():
            return False
        return self.env.user.has_group("iso_records.group_iso_manager") or self.env.user in self._iso_responsible_user()

    @api.depends_context("uid")
    def _compute_iso_may_review(self):
        under_review = self._iso_under_review()
        for record in self:
            record.iso_may_review = bool(record.id) and record in under_review and record._iso_may_review()

    def action_reviewed_no_change(self):
        label = self.env._("Reviewed, no change")
        self._iso_check_may_act(label)
        today = fields.Date.context_today(self)
        in_review = self._iso_under_review()
        for record in self:
            if record not in in_review:
                raise UserError(
                    self.env._(
                        "%(action)s: %(record)s is not under periodic review.", action=label, record=record.display_name
                    )
                )
            if not record._iso_may_review():
                raise UserError(
                    self.env._(
                        "%(action)s: only the owner or an ISO manager may review %(record)s.",
                        action=label,
                        record=record.display_name,
                    )
                )
            interval = record._iso_review_interval()
            # The owner may review a locked record that the record rules would not let them write.
            workflow(record.sudo(), self.env._("Periodic review: no change")).write(
                {"last_review_date": today, "next_review_date": today + interval if interval else False}
            )
            record._iso_trail_log(
                "review", reason=self.env._("Reviewed, no change; next review %s", record.next_review_date or "-")
            )
            record.sudo().activity_feedback([self._iso_review_activity])
            record.sudo().message_post(
                author_id=self.env.user.partner_id.id,
                body=self.env._(
                    "Periodic review by %(user)s: no change needed. Next review on %(date)s.",
                    user=self.env.user.name,
                    date=record.next_review_date or "-",
                ),
            )
        return True

    @api.model
    def _cron_schedule_periodic_reviews(self):
        """Daily: one review activity per record and review date, for every periodically reviewed model."""
        lead_days = iso_int_param(self.env, "review_lead_days", 30)
        horizon = fields.Date.context_today(self) + relativedelta(days=lead_days)
        done = 0
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            model = self.env[model_name]
            if not isinstance(model, self.env.registry["iso.review.mixin"]):
                continue
            candidates = model.search(
                [*model._iso_review_domain(), ("next_review_date", "!=", False), ("next_review_date", "<=", horizon)]
            )
            done += candidates._iso_schedule_once(
                model._iso_review_activity,
                "next_review_date",
                "review_activity_date",
                lambda record: self.env._("Periodic review of %s", record.display_name),
            )
        return done
