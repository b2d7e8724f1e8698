from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import iso_int_param, one_record

RISK_KINDS = [("risk", "Risk"), ("opportunity", "Opportunity")]
RISK_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]
LEVEL_RANK = {level: rank for rank, (level, _label) in enumerate(RISK_LEVELS)}
RISK_TREATMENTS = [
    ("accept", "Accept"),
    ("mitigate", "Mitigate"),
    ("transfer", "Transfer"),
    ("avoid", "Avoid"),
    ("exploit", "Exploit"),
    ("enhance", "Enhance"),
]
TREATMENTS_OF_KIND = {
    "risk": {"accept", "mitigate", "transfer", "avoid"},
    "opportunity": {"accept", "exploit", "enhance"},
}
RISK_STATUSES = [
    ("archived", "Archived"),
    ("needs_treatment", "Needs treatment"),
    ("review_due", "Review due"),
    ("on_target", "On target"),
]
SCALE = range(1, 6)
# Where each level starts on the 1-25 score; Settings override them.
DEFAULT_THRESHOLDS = {"medium": 5, "high": 10, "critical": 16}


class IsoRisk(models.Model):
    _name = "iso.risk"
    _description = "ISO Risk or Opportunity"
    _inherit = ["iso.review.mixin"]
    _order = "score desc, id desc"
    _rec_names_search = ["name", "title"]
    _iso_workflow_only = ("name",)
    _iso_review_activity = "iso_records.mail_activity_type_iso_risk_review"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    kind = fields.Selection(RISK_KINDS, required=True, default="risk", tracking=True)
    process = fields.Char(tracking=True, help="The process the risk or opportunity belongs to, e.g. Purchasing.")
    context_origin = fields.Selection(
        [("internal", "Internal issue"), ("external", "External issue")],
        string="Context",
        help="ISO 9001 4.1: whether it arises from an internal or an external issue.",
    )
    interested_party = fields.Char(help="ISO 9001 4.2: the interested party concerned, e.g. customers, regulator.")
    description = fields.Html()
    causes = fields.Text()
    consequences = fields.Text()
    likelihood = fields.Integer(required=True, default=3, tracking=True, help="1 (rare) to 5 (almost certain).")
    severity = fields.Integer(
        string="Severity (impact)", required=True, default=3, tracking=True, help="1 (negligible) to 5 (severe)."
    )
    score = fields.Integer(compute="_compute_score", store=True, aggregator="max")
    level = fields.Selection(RISK_LEVELS, compute="_compute_score", store=True, index=True)
    treatment = fields.Selection(RISK_TREATMENTS, tracking=True)
    controls = fields.Text(help="Controls and actions in place or planned.")
    residual_likelihood = fields.Integer(tracking=True, help="After the controls; empty until assessed.")
    residual_severity = fields.Integer(tracking=True, help="After the controls; empty until assessed.")
    residual_score = fields.Integer(
        compute="_compute_score",
        store=True,
        aggregator="max",
        help="Empty until both residual values are given (an integer field stores that as 0).",
    )
    residual_level = fields.Selection(RISK_LEVELS, compute="_compute_score", store=True, index=True)
    residual_reason = fields.Text(help="Required when the residual score is above the inherent one.")
    target_level = fields.Selection(
        RISK_LEVELS, required=True, default="medium", tracking=True, help="The highest level accepted for it."
    )
    above_target = fields.Boolean(
        string="Needs treatment",
        compute="_compute_score",
        store=True,
        help="Its current level (residual when assessed) is above the target and no treatment is chosen.",
    )
    status = fields.Selection(
        RISK_STATUSES,
        compute="_compute_status",
        search="_search_status",
        help="The first that applies: archived, above its target with no treatment, due for review, on target.",
    )
    clause_ids = fields.Many2many(
        "iso.clause", string="Clauses", default=lambda self: self._default_clause_ids(), help="ISO 9001 6.1 and others."
    )
    record_ids = fields.Many2many("iso.record", string="Linked Records", check_company=True)

    _sql_constraints = [
        ("likelihood_range", "CHECK (likelihood BETWEEN 1 AND 5)", "Likelihood: must be between 1 and 5."),
        ("severity_range", "CHECK (severity BETWEEN 1 AND 5)", "Severity: must be between 1 and 5."),
    ]

    @api.model
    def _default_clause_ids(self):
        clause = self.env.ref("iso_records.clause_9001_6_1", raise_if_not_found=False)
        return clause.ids if clause else []

    # ------------------------------------------------------------------
    # Scores
    # ------------------------------------------------------------------
    @api.model
    def _thresholds(self):
        return {
            level: iso_int_param(self.env, f"risk_{level}_from", default)
            for level, default in DEFAULT_THRESHOLDS.items()
        }

    @api.model
    def _level_of(self, score, thresholds=None):
        if not score:
            return False
        thresholds = thresholds or self._thresholds()
        for level in ("critical", "high", "medium"):
            if score >= thresholds[level]:
                return level
        return "low"

    @api.depends("likelihood", "severity", "residual_likelihood", "residual_severity", "target_level", "treatment")
    def _compute_score(self):
        thresholds = self._thresholds()
        for risk in self:
            risk.score = (risk.likelihood or 0) * (risk.severity or 0)
            risk.level = self._level_of(risk.score, thresholds)
            assessed = risk.residual_likelihood and risk.residual_severity
            risk.residual_score = risk.residual_likelihood * risk.residual_severity if assessed else False
            risk.residual_level = self._level_of(risk.residual_score, thresholds)
            current = risk.residual_level or risk.level
            risk.above_target = bool(
                current and LEVEL_RANK[current] > LEVEL_RANK[risk.target_level] and not risk.treatment
            )

    @api.depends("active", "above_target", "review_due")
    def _compute_status(self):
        # The domains exclude one another, so each risk matches exactly one.
        self.status = False
        for status, domain in self._status_domains().items():
            for risk in self.filtered_domain(domain):
                risk.status = status

    @api.model
    def _status_domains(self):
        return {
            "archived": [("active", "=", False)],
            "needs_treatment": [("active", "=", True), ("above_target", "=", True)],
            "review_due": [("active", "=", True), ("above_target", "=", False), ("review_due", "=", True)],
            "on_target": [("active", "=", True), ("above_target", "=", False), ("review_due", "=", False)],
        }

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Status: search with =, !=, in or not in, not %s.", operator))
        wanted = set(value) if isinstance(value, (list, tuple)) else {value}
        if operator in ("!=", "not in"):
            wanted = {status for status, _label in RISK_STATUSES} - wanted
        domains = self._status_domains()
        return expression.OR([domains[status] for status in wanted if status in domains]) or expression.FALSE_DOMAIN

    @api.model
    def _recompute_levels(self):
        """After the thresholds change in Settings."""
        risks = self.sudo().with_context(active_test=False).search([("company_id", "!=", False)])
        for name in ("score", "level", "residual_score", "residual_level", "above_target"):
            self.env.add_to_compute(self._fields[name], risks)
        risks._recompute_recordset()

    @api.constrains("residual_likelihood", "residual_severity")
    def _check_residual_given_in_pairs(self):
        # The 1-5 scale itself is checked before writing (_check_scale_before_write).
        for risk in self:
            if bool(risk.residual_likelihood) != bool(risk.residual_severity):
                raise ValidationError(
                    self.env._(
                        "Residual Likelihood and Residual Severity of %(risk)s: give both or neither.",
                        risk=risk.display_name,
                    )
                )

    @api.constrains("likelihood", "severity", "residual_likelihood", "residual_severity", "residual_reason")
    def _check_residual_not_above_inherent(self):
        for risk in self:
            if risk.residual_score > risk.score and not (risk.residual_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Residual Reason: the residual score of %(risk)s (%(residual)s) is above its inherent score "
                        "(%(score)s); explain why.",
                        risk=risk.display_name,
                        residual=risk.residual_score,
                        score=risk.score,
                    )
                )

    @api.constrains("kind", "treatment")
    def _check_treatment_fits_kind(self):
        treatments = dict(RISK_TREATMENTS)
        for risk in self:
            if risk.treatment and risk.treatment not in TREATMENTS_OF_KIND[risk.kind]:
                raise ValidationError(
                    self.env._(
                        "Treatment: %(treatment)s does not apply to %(kind)s; choose one of %(allowed)s.",
                        treatment=treatments[risk.treatment],
                        kind=self.env._("risks") if risk.kind == "risk" else self.env._("opportunities"),
                        allowed=", ".join(
                            treatments[name]
                            for name, _label in RISK_TREATMENTS
                            if name in TREATMENTS_OF_KIND[risk.kind]
                        ),
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    def _check_scale_before_write(self, vals):
        """The database refuses values outside 1-5 too, but with a message that names no field."""
        for name in ("likelihood", "severity", "residual_likelihood", "residual_severity"):
            value = vals.get(name)
            if name in vals and (value or not name.startswith("residual_")) and value not in SCALE:
                raise ValidationError(
                    self.env._(
                        "%(field)s: must be between 1 and 5 (got %(value)s).",
                        field=self._fields[name].string,
                        value=value,
                    )
                )

    @api.model
    def _iso_prepare_create(self, vals_list):
        for vals in vals_list:
            self._check_scale_before_write(vals)
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("iso.risk") or "/"
        return super()._iso_prepare_create(vals_list)

    def write(self, vals):
        self._check_scale_before_write(vals)
        return super().write(vals)

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")

    def _iso_retention_events(self, vals):
        # A risk that is archived is closed: no longer in the register, kept for its retention period.
        events = super()._iso_retention_events(vals)
        return [*events, "closed"] if vals.get("active") is False else events

    # ------------------------------------------------------------------
    # Signed approval of the assessment
    # ------------------------------------------------------------------
    @api.model
    def _iso_signable_operations(self):
        return {
            "approve": {
                "label": self.env._("Approve assessment"),
                "meanings": ("approved", "reviewed"),
                "method": "_iso_approve_assessment",
                "group": "iso_records.group_iso_manager",
            },
        }

    def action_open_approve_assessment(self):
        one_record(self, self.env._("Approve assessment"))
        return self._iso_open_signature("approve")

    def _iso_approve_assessment(self, signer, reason=None):
        self.message_post(
            body=self.env._(
                "Assessment approved by %(user)s: score %(score)s (%(level)s), residual %(residual)s.",
                user=signer.name,
                score=self.score,
                level=dict(RISK_LEVELS).get(self.level, "-"),
                residual=self.residual_score or "-",
            )
        )

    @api.depends("name", "title")
    def _compute_display_name(self):
        for risk in self:
            risk.display_name = f"{risk.name} {risk.title or ''}".strip() if risk.name != "/" else risk.title

    # ------------------------------------------------------------------
    # Heat map
    # ------------------------------------------------------------------
    @api.model
    def get_heat_map(self, residual=False, domain=None):
        """Counts per (likelihood, severity) of the risks the user may read, for the 5x5 heat map, with
        what its axes and colours mean."""
        if not isinstance(residual, bool) or not isinstance(domain, (list, type(None))):
            raise UserError(self.env._("Heat map: residual must be true or false and the filter a list of conditions."))
        likelihood, severity = ("residual_likelihood", "residual_severity") if residual else ("likelihood", "severity")
        base = list(domain or [])
        if residual:
            base += [("residual_likelihood", "!=", False), ("residual_severity", "!=", False)]
        groups = self._read_group(base, [likelihood, severity], ["__count"])
        counts = {(row_likelihood, row_severity): count for row_likelihood, row_severity, count in groups}
        thresholds = self._thresholds()
        likelihood_steps, severity_steps = self._heat_map_steps()
        return {
            "residual": bool(residual),
            "likelihood_field": likelihood,
            "severity_field": severity,
            "likelihood_title": self._fields[likelihood]._description_string(self.env),
            "severity_title": self._fields[severity]._description_string(self.env),
            "likelihood_steps": [{"value": step, "label": likelihood_steps[step]} for step in reversed(SCALE)],
            "severity_steps": [{"value": step, "label": severity_steps[step]} for step in SCALE],
            "levels": dict(self._fields["level"]._description_selection(self.env)),
            "legend": self._heat_map_legend(thresholds),
            "cells": [
                {
                    "likelihood": row,
                    "severity": column,
                    "count": counts.get((row, column), 0),
                    "level": self._level_of(row * column, thresholds),
                }
                for row in reversed(SCALE)
                for column in SCALE
            ],
            "total": sum(counts.values()),
            "not_assessed": self.search_count([*(domain or []), ("residual_level", "=", False)]) if residual else 0,
        }

    @api.model
    def _heat_map_steps(self):
        """What each step of the 1-5 scales means, as the heat map prints it along its axes."""
        return (
            {
                1: self.env._("Rare"),
                2: self.env._("Unlikely"),
                3: self.env._("Possible"),
                4: self.env._("Likely"),
                5: self.env._("Almost certain"),
            },
            {
                1: self.env._("Negligible"),
                2: self.env._("Minor"),
                3: self.env._("Moderate"),
                4: self.env._("Major"),
                5: self.env._("Severe"),
            },
        )

    @api.model
    def _heat_map_legend(self, thresholds):
        """Each level with the scores it covers on the 1-25 scale, as the thresholds of Settings set them."""
        labels = dict(self._fields["level"]._description_selection(self.env))
        starts = [("low", 1)] + [(level, thresholds[level]) for level in ("medium", "high", "critical")]
        ends = [start - 1 for _level, start in starts[1:]] + [max(SCALE) ** 2]
        return [
            {"level": level, "label": labels[level], "from": start, "to": end}
            for (level, start), end in zip(starts, ends, strict=True)
        ]
