from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.models.iso_risk import LEVEL_RANK
from odoo.addons.iso_records.tools import iso_int_param, iso_param, workflow
from odoo.exceptions import UserError, ValidationError

from .res_config_settings import (
    DEFAULT_CAPA_REQUIRED_FROM,
    DEFAULT_NC_DEADLINE_DAYS,
    DEFAULT_REPEAT_CAPA_COUNT,
    NC_DEADLINE_STEPS,
)

# The scale of severity and likelihood, that of the risk matrix.
RATING_MIN, RATING_MAX = 1, 5
MANAGER_GROUP = "iso_records.group_iso_manager"
# Stored computed fields of triage and repeats: computed, never given.
COMPUTED_TRIAGE_FIELDS = ("priority_score", "priority", "capa_required", "is_repeat")


class IsoNonconformity(models.Model):
    """Triage: severity x likelihood give the priority (on the risk matrix of Settings); the priority gives the
    three deadlines and, with the repeats, whether a CAPA is required."""

    _inherit = "iso.nonconformity"  # pylint: disable=consider-merging-classes-inherited

    overdue = fields.Boolean(
        compute="_compute_overdue",
        search="_search_overdue",
        help="Past its closure deadline and neither closed nor rejected.",
    )

    @api.constrains("severity", "likelihood")
    def _check_rating(self):
        for nonconformity in self:
            for name in ("severity", "likelihood"):
                if not RATING_MIN <= nonconformity[name] <= RATING_MAX:
                    raise ValidationError(
                        self.env._(
                            "%(field)s: from %(low)s to %(high)s on the risk matrix (%(value)s given).",
                            field=self._fields[name].string,
                            low=RATING_MIN,
                            high=RATING_MAX,
                            value=nonconformity[name],
                        )
                    )

    @api.depends("closure_deadline", "state")
    @api.depends_context("tz")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for nonconformity in self:
            nonconformity.overdue = (
                nonconformity.state not in ("closed", "rejected")
                and bool(nonconformity.closure_deadline)
                and nonconformity.closure_deadline < today
            )

    def _search_overdue(self, operator, value):
        wanted = self._iso_boolean_search(self.env._("Overdue"), operator, value)
        today = fields.Date.context_today(self)
        if wanted:
            return [("state", "not in", ("closed", "rejected")), ("closure_deadline", "<", today)]
        return [
            "|",
            ("state", "in", ("closed", "rejected")),
            "|",
            ("closure_deadline", "=", False),
            ("closure_deadline", ">=", today),
        ]

    @api.model
    def _iso_prepare_create(self, vals_list):
        # A value given for a computed field on creation would be kept instead of computed: never take one.
        for vals in vals_list:
            for name in COMPUTED_TRIAGE_FIELDS:
                vals.pop(name, None)
        return super()._iso_prepare_create(vals_list)

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _iso_deadline_days(self, priority):
        """(containment, root cause, closure) days from triage for ``priority``, from Settings."""
        defaults = DEFAULT_NC_DEADLINE_DAYS.get(priority) or DEFAULT_NC_DEADLINE_DAYS["low"]
        return tuple(
            iso_int_param(self.env, f"nc_{priority}_{step}_days", default)
            for step, default in zip(NC_DEADLINE_STEPS, defaults, strict=True)
        )

    @api.model
    def _iso_capa_required_from(self):
        level = iso_param(self.env, "nc_capa_required_from", DEFAULT_CAPA_REQUIRED_FROM)
        return level if level in LEVEL_RANK else DEFAULT_CAPA_REQUIRED_FROM

    def _iso_needs_capa(self):
        """A CAPA is required when the priority reaches Settings' "CAPA required from priority", or when this
        nonconformity is the Nth occurrence of the same problem, N being Settings' "CAPA required from repeat
        number" (default 3): ``repeat_count`` earlier nonconformities were found in the window, so this one is
        occurrence ``repeat_count + 1``; with the default the third occurrence (two earlier ones) needs a CAPA.
        N = 0 switches the repeat rule off; N = 1 asks a CAPA of every nonconformity."""
        self.ensure_one()
        if self.priority and LEVEL_RANK[self.priority] >= LEVEL_RANK[self._iso_capa_required_from()]:
            return True
        occurrence_needing_capa = iso_int_param(self.env, "nc_repeat_capa_count", DEFAULT_REPEAT_CAPA_COUNT)
        return bool(occurrence_needing_capa) and self.repeat_count + 1 >= occurrence_needing_capa

    # ------------------------------------------------------------------
    # Triage
    # ------------------------------------------------------------------
    def _iso_check_manager(self, action):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise UserError(self.env._("%(action)s: only an ISO manager does this step.", action=action))

    def action_triage(self):
        """New -> triaged: the deadlines from the priority (Settings), those set by hand kept; whether a CAPA is
        required is decided again with the Settings of today."""
        action = self.env._("Triage")
        self._iso_check_may_act(action)
        self._iso_check_manager(action)
        self._iso_check_state(action, ["new"])
        self.check_access("write")
        today = fields.Date.context_today(self)
        for nonconformity in self:
            days = dict(zip(NC_DEADLINE_STEPS, self._iso_deadline_days(nonconformity.priority), strict=True))
            values = {"state": "triaged", "triaged_date": today, "triaged_by_id": self.env.uid}
            for step in NC_DEADLINE_STEPS:
                name = f"{step}_deadline"
                if not nonconformity[name]:
                    values[name] = today + relativedelta(days=days[step])
            workflow(nonconformity).write(values)
        # Settings may have changed since the nonconformity was raised.
        self.env.add_to_compute(self._fields["capa_required"], self)
        self.flush_recordset(["capa_required"])
        return True
