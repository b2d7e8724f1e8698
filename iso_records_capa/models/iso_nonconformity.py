from odoo import Command, api, fields, models
from odoo.addons.iso_records.models.iso_risk import RISK_LEVELS
from odoo.tools import SQL

NC_SOURCES = [
    ("finding", "Audit finding"),
    ("complaint", "Customer complaint"),
    ("supplier", "Supplier"),
    ("internal", "Internal"),
    ("product", "Product"),
    ("process", "Process"),
    ("incident", "Incident"),
]
NC_STATES = [
    ("new", "New"),
    ("triaged", "Triaged"),
    ("in_progress", "In Progress"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
]
# The six categories of a fishbone (Ishikawa) diagram; also the root-cause category repeats are matched on.
CAUSE_CATEGORIES = [
    ("people", "People"),
    ("machine", "Machine"),
    ("method", "Method"),
    ("material", "Material"),
    ("measurement", "Measurement"),
    ("environment", "Environment"),
]
PRIORITIES = RISK_LEVELS


class IsoNonconformity(models.Model):
    """A nonconformity (ISO 9001 10.2): what was found, where it came from in the ERP (product, supplier,
    employee, any document), its containment, its triage (severity x likelihood on the risk matrix gives
    the priority, the deadlines and whether a CAPA is required), its repeats, and its closure."""

    _name = "iso.nonconformity"
    _description = "ISO Nonconformity"
    _inherit = ["iso.controlled.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["name", "title"]
    _iso_sequence_code = "iso.nonconformity"
    _iso_workflow_only = (
        "name",
        "state",
        "triaged_date",
        "triaged_by_id",
        "closed_date",
        "closed_by_id",
        "repeat_of_id",
        "repeat_ids",
        "repeat_count",
        # Computed from severity, likelihood, repeats and Settings: never a value a client chooses.
        "priority_score",
        "priority",
        "capa_required",
        "is_repeat",
    )
    _iso_locked_states = ("closed", "rejected")
    _iso_retention_event_of_state = {"closed": "closed", "rejected": "closed"}
    _iso_retention_event_date_fields = {"closed": "closed_date"}
    _iso_hold_date_field = "date"
    _iso_trail_extra_fields = ("state", "description", "containment", "priority")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    source = fields.Selection(NC_SOURCES, required=True, default="internal", tracking=True, index=True)
    date = fields.Date(string="Detected on", required=True, default=fields.Date.context_today, tracking=True)
    description = fields.Text(required=True, tracking=True, help="What does not conform, to which requirement.")
    finding_id = fields.Many2one(
        "iso.audit.finding", string="Audit Finding", check_company=True, index="btree_not_null", tracking=True
    )
    clause_id = fields.Many2one("iso.clause", index="btree_not_null", tracking=True)
    quantity_affected = fields.Float(digits="Product Unit of Measure", tracking=True)
    uom_name = fields.Char(related="product_id.uom_name", string="Unit")
    # Immediate containment (10.2.1 a): what was done at once, by whom and when.
    containment = fields.Text(tracking=True, help="The immediate action that contains the nonconformity.")
    containment_user_id = fields.Many2one(
        "res.users", string="Contained by", domain=[("share", "=", False)], tracking=True
    )
    containment_date = fields.Date(string="Contained on", tracking=True)
    # Triage: severity x likelihood on the risk matrix of Settings.
    severity = fields.Integer(default=3, tracking=True, help="1 (negligible) to 5 (catastrophic).")
    likelihood = fields.Integer(default=3, tracking=True, help="Of it happening again: 1 (rare) to 5 (almost certain).")
    priority_score = fields.Integer(string="Score", compute="_compute_priority", store=True, aggregator="max")
    priority = fields.Selection(PRIORITIES, compute="_compute_priority", store=True, index=True)
    containment_deadline = fields.Date(tracking=True)
    root_cause_deadline = fields.Date(tracking=True)
    closure_deadline = fields.Date(tracking=True, index=True)
    capa_required = fields.Boolean(
        string="CAPA Required",
        compute="_compute_capa_required",
        store=True,
        help="From the priority and the repeats (Settings); otherwise containment and a justification close it.",
    )
    cause_category = fields.Selection(CAUSE_CATEGORIES, string="Root-Cause Category", tracking=True, index=True)
    # Repeats: earlier NCs on the same product, supplier, clause or root-cause category within the window.
    repeat_ids = fields.Many2many(
        "iso.nonconformity",
        "iso_nonconformity_repeat_rel",
        "nonconformity_id",
        "earlier_id",
        string="Earlier Nonconformities",
        readonly=True,
        copy=False,
    )
    repeat_of_id = fields.Many2one(
        "iso.nonconformity", string="Repeat of", readonly=True, copy=False, index="btree_not_null"
    )
    repeat_count = fields.Integer(string="Repeats", readonly=True, copy=False)
    is_repeat = fields.Boolean(string="Repeat", compute="_compute_is_repeat", store=True, index=True)
    capa_ids = fields.Many2many(
        "iso.capa",
        "iso_capa_nonconformity_rel",
        "nonconformity_id",
        "capa_id",
        string="CAPAs",
        check_company=True,
        copy=False,
    )
    supplier_request_ids = fields.One2many("iso.supplier.request", "nonconformity_id", string="Supplier Requests")
    state = fields.Selection(NC_STATES, default="new", required=True, readonly=True, tracking=True, index=True)
    triaged_date = fields.Date(string="Triaged on", readonly=True, copy=False)
    triaged_by_id = fields.Many2one("res.users", string="Triaged by", readonly=True, copy=False)
    closure_justification = fields.Text(
        tracking=True, help="Why containment alone is enough, when the nonconformity needs no CAPA."
    )
    rejection_reason = fields.Text(tracking=True)
    closed_date = fields.Date(string="Closed on", readonly=True, copy=False, index=True)
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True, copy=False)

    @api.depends("severity", "likelihood")
    def _compute_priority(self):
        Risk = self.env["iso.risk"]
        thresholds = Risk._thresholds()
        for nonconformity in self:
            nonconformity.priority_score = (nonconformity.severity or 0) * (nonconformity.likelihood or 0)
            nonconformity.priority = Risk._level_of(nonconformity.priority_score, thresholds)

    @api.depends("priority", "repeat_count")
    def _compute_capa_required(self):
        for nonconformity in self:
            nonconformity.capa_required = nonconformity._iso_needs_capa()

    def _iso_needs_capa(self):
        """Filled in by the triage rules (iso_nonconformity_triage.py)."""
        self.ensure_one()
        return False

    @api.depends("repeat_of_id")
    def _compute_is_repeat(self):
        for nonconformity in self:
            nonconformity.is_repeat = bool(nonconformity.repeat_of_id)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for nonconformity in self:
            parts = [nonconformity.name if nonconformity.name != "/" else "", nonconformity.title or ""]
            nonconformity.display_name = " ".join(part for part in parts if part)

    def action_create_capa(self):
        """A CAPA answering these nonconformities, opened for its root-cause analysis."""
        action = self.env._("Create CAPA")
        self._iso_check_may_act(action)
        self._iso_check_state(action, ["new", "triaged", "in_progress"])
        first = self[:1]
        capa = self.env["iso.capa"].create(
            {
                "title": first.title if len(self) == 1 else self.env._("CAPA for %s", ", ".join(self.mapped("name"))),
                "company_id": first.company_id.id,
                "nonconformity_ids": [Command.set(self.ids)],
                "problem": "\n\n".join(self.mapped("description")),
                "product_id": first.product_id.id,
                "partner_id": first.partner_id.id,
                "department_id": first.department_id.id,
                "confidentiality": first.confidentiality,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "iso.capa",
            "res_id": capa.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("r.name")
