from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param
from odoo.tools import SQL

SCAR_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent to Supplier"),
    ("answered", "Answered"),
    ("accepted", "Accepted"),
    ("cancelled", "Cancelled"),
]
# Days the supplier has to answer; Settings override it.
DEFAULT_SCAR_DEADLINE_DAYS = 14
# The fields the supplier writes from the portal, and only from there.
SUPPLIER_ANSWER_FIELDS = (
    "supplier_containment",
    "supplier_why_1",
    "supplier_why_2",
    "supplier_why_3",
    "supplier_why_4",
    "supplier_why_5",
    "supplier_root_cause",
    "supplier_actions",
)


class IsoSupplierRequest(models.Model):
    """A supplier corrective-action request (SCAR): a nonconformity or CAPA sent to a supplier, answered by
    the supplier's contact on the portal (containment, 5-whys root cause, actions, evidence files), then
    accepted or sent back with a comment by its internal owner."""

    _name = "iso.supplier.request"
    _description = "ISO Supplier Corrective-Action Request"
    _inherit = ["iso.controlled.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]
    _iso_sequence_code = "iso.supplier.request"
    _iso_workflow_only = (
        "name",
        "state",
        "date_sent",
        "answered_date",
        "answered_by_id",
        "answered_on_time",
        "return_count",
        "accepted_date",
        "reminder_before_date",
        "reminder_after_date",
        *SUPPLIER_ANSWER_FIELDS,
    )
    _iso_locked_states = ("accepted", "cancelled")
    _iso_retention_event_of_state = {"accepted": "closed", "cancelled": "closed"}
    _iso_retention_event_date_fields = {"closed": "accepted_date"}
    _iso_hold_date_field = "create_date"
    _iso_trail_extra_fields = ("state", "request", *SUPPLIER_ANSWER_FIELDS)

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/", index=True)
    title = fields.Char(required=True, tracking=True)
    nonconformity_id = fields.Many2one("iso.nonconformity", check_company=True, index="btree_not_null", tracking=True)
    capa_id = fields.Many2one("iso.capa", string="CAPA", check_company=True, index="btree_not_null", tracking=True)
    contact_id = fields.Many2one(
        "res.partner",
        string="Supplier Contact",
        tracking=True,
        help="The supplier's contact who answers on the portal; a portal user of the supplier.",
    )
    request = fields.Text(
        string="What We Ask", required=True, tracking=True, help="The nonconformity and what the supplier must answer."
    )
    deadline = fields.Date(tracking=True, index=True)
    date_sent = fields.Date(string="Sent on", readonly=True, copy=False)
    state = fields.Selection(SCAR_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    supplier_containment = fields.Text(string="Containment", readonly=True)
    supplier_why_1 = fields.Char(string="Why 1", readonly=True)
    supplier_why_2 = fields.Char(string="Why 2", readonly=True)
    supplier_why_3 = fields.Char(string="Why 3", readonly=True)
    supplier_why_4 = fields.Char(string="Why 4", readonly=True)
    supplier_why_5 = fields.Char(string="Why 5", readonly=True)
    supplier_root_cause = fields.Text(string="Supplier's Root Cause", readonly=True)
    supplier_actions = fields.Text(string="Supplier's Actions", readonly=True)
    answered_date = fields.Date(string="Answered on", readonly=True, copy=False)
    answered_by_id = fields.Many2one("res.users", string="Answered by", readonly=True, copy=False)
    answered_on_time = fields.Boolean(readonly=True, copy=False, index=True)
    return_count = fields.Integer(string="Sent Back", readonly=True, copy=False)
    accepted_date = fields.Date(string="Accepted on", readonly=True, copy=False, index=True)
    reminder_before_date = fields.Date(readonly=True, copy=False)
    reminder_after_date = fields.Date(readonly=True, copy=False)

    @api.model
    def _default_deadline_days(self):
        return iso_int_param(self.env, "scar_deadline_days", DEFAULT_SCAR_DEADLINE_DAYS)

    @api.depends("name", "title")
    def _compute_display_name(self):
        for request in self:
            parts = [request.name if request.name != "/" else "", request.title or ""]
            request.display_name = " ".join(part for part in parts if part)

    @api.model
    def _iso_disposal_reference_sql(self):
        return SQL("concat_ws(' ', r.name, r.title)")
