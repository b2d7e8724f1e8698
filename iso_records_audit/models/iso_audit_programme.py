from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record, workflow
from odoo.exceptions import UserError, ValidationError

PROGRAMME_STATES = [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")]


class IsoAuditProgramme(models.Model):
    """The audit programme of a company for one certification cycle (ISO 9001 9.2.2 a): what is audited,
    how often (from the risks and the results of previous audits) and by whom."""

    _name = "iso.audit.programme"
    _description = "ISO Audit Programme"
    _inherit = ["iso.controlled.mixin"]
    _order = "cycle_start desc, id desc"
    _iso_workflow_only = ("state", "approved_by_id", "approved_date")
    _iso_locked_states = ("closed",)
    _iso_retention_event_of_state = {"closed": "closed"}
    _iso_hold_date_field = "cycle_start"

    name = fields.Char(required=True, tracking=True)
    state = fields.Selection(PROGRAMME_STATES, default="draft", required=True, readonly=True, tracking=True)
    standard_ids = fields.Many2many("iso.standard", string="Standards", required=True, tracking=True)
    cycle_start = fields.Date(
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="First day of the certification cycle.",
    )
    cycle_years = fields.Integer(string="Cycle (years)", required=True, default=3, tracking=True)
    cycle_end = fields.Date(compute="_compute_cycle_end", store=True)
    line_ids = fields.One2many("iso.audit.programme.line", "programme_id", string="Lines", copy=True)
    audit_ids = fields.One2many("iso.audit", "programme_id", string="Audits")
    audit_count = fields.Integer(compute="_compute_audit_count")
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approved_date = fields.Date(string="Approved on", readonly=True, copy=False)
    note = fields.Html()

    @api.depends("cycle_start", "cycle_years")
    def _compute_cycle_end(self):
        for programme in self:
            programme.cycle_end = (
                programme.cycle_start + relativedelta(years=programme.cycle_years, days=-1)
                if programme.cycle_start and programme.cycle_years > 0
                else False
            )

    @api.depends("audit_ids")
    def _compute_audit_count(self):
        counts = dict(
            self.env["iso.audit"]._read_group([("programme_id", "in", self.ids)], ["programme_id"], ["__count"])
        )
        for programme in self:
            programme.audit_count = counts.get(programme, 0)

    @api.constrains("cycle_years")
    def _check_cycle_years(self):
        for programme in self:
            if not 1 <= programme.cycle_years <= 10:
                raise ValidationError(
                    self.env._(
                        "Cycle (years) of %(programme)s: between 1 and 10 (got %(years)s).",
                        programme=programme.display_name,
                        years=programme.cycle_years,
                    )
                )

    @api.model
    def _iso_signable_operations(self):
        return {
            "approve": {
                "label": self.env._("Approve programme"),
                "meanings": ("approved",),
                "method": "_iso_approve",
                "group": "iso_records.group_iso_manager",
            },
        }

    def action_open_approve(self):
        one_record(self, self.env._("Approve programme"))
        if self.state != "draft":
            raise UserError(self.env._("Approve programme: %s is already approved.", self.display_name))
        if not self.line_ids:
            raise UserError(
                self.env._("Lines: %s has no line yet; add what is audited before approving it.", self.display_name)
            )
        return self._iso_open_signature("approve")

    def _iso_approve(self, signer, reason=None):
        if self.state != "draft":
            raise UserError(self.env._("Approve programme: %s is already approved.", self.display_name))
        workflow(self, reason).write(
            {"state": "active", "approved_by_id": signer.id, "approved_date": fields.Date.context_today(self)}
        )

    def action_close(self):
        self._iso_check_may_act(self.env._("Close programme"))
        for programme in self:
            if programme.state != "active":
                raise UserError(self.env._("Close programme: %s is not active.", programme.display_name))
        workflow(self).write({"state": "closed"})

    def action_view_audits(self):
        one_record(self, self.env._("Audits"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_action")
        action["domain"] = [("programme_id", "=", self.id)]
        action["context"] = {"default_programme_id": self.id}
        return action
