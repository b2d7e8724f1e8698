from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .iso_controlled_mixin import WORKFLOW, WORKFLOW_KEY


class IsoLegalHold(models.Model):
    """Suspends retention: records in a hold's scope are never disposed while it is active."""

    _name = "iso.legal.hold"
    _description = "ISO Legal Hold"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="Reason", required=True, tracking=True, help="Why the records must be kept.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")], default="active", readonly=True, tracking=True
    )
    scope = fields.Selection(
        [("records", "Chosen records"), ("filter", "Records matching a filter")], required=True, default="records"
    )
    record_ids = fields.Many2many("iso.record", string="Records", check_company=True)
    record_type_ids = fields.Many2many("iso.record.type", string="Types")
    partner_id = fields.Many2one("res.partner", string="Supplier", check_company=True)
    product_id = fields.Many2one("product.product", check_company=True)
    employee_id = fields.Many2one("hr.employee", check_company=True)
    date_from = fields.Date(help="Records that took effect or were filed on or after this day.")
    date_to = fields.Date(help="Records that took effect or were filed on or before this day.")
    placed_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    placed_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    released_by_id = fields.Many2one("res.users", readonly=True)
    released_date = fields.Datetime(readonly=True)
    release_reason = fields.Text(readonly=True)
    held_count = fields.Integer(string="Records held", compute="_compute_held_count")

    _check_company_auto = True

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for hold in self:
            if hold.date_from and hold.date_to and hold.date_to < hold.date_from:
                raise ValidationError(
                    self.env._("Date To: %(to)s is before Date From %(start)s.", to=hold.date_to, start=hold.date_from)
                )

    @api.constrains(
        "scope", "record_ids", "record_type_ids", "partner_id", "product_id", "employee_id", "date_from", "date_to"
    )
    def _check_scope(self):
        for hold in self:
            if hold.scope == "records" and not hold.record_ids:
                raise ValidationError(self.env._("Records: choose the records this hold keeps."))
            if hold.scope == "filter" and not (
                hold.record_type_ids
                or hold.partner_id
                or hold.product_id
                or hold.employee_id
                or hold.date_from
                or hold.date_to
            ):
                raise ValidationError(
                    self.env._("Scope: a filter hold needs at least one criterion; it would otherwise hold everything.")
                )

    def _held_domain(self):
        self.ensure_one()
        if self.scope == "records":
            return [("id", "in", self.record_ids.ids)]
        domain = [("company_id", "=", self.company_id.id)]
        if self.record_type_ids:
            domain.append(("record_type_id", "in", self.record_type_ids.ids))
        for name in ("partner_id", "product_id", "employee_id"):
            if self[name]:
                domain.append((name, "=", self[name].id))
        if self.date_from:
            domain.append(("effective_date", ">=", self.date_from))
        if self.date_to:
            domain.append(("effective_date", "<=", self.date_to))
        return domain

    def _held_records(self):
        records = self.env["iso.record"]
        for hold in self:
            records |= self.env["iso.record"].sudo().with_context(active_test=False).search(hold._held_domain())
        return records

    def _compute_held_count(self):
        for hold in self:
            hold.held_count = len(hold._held_records())

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("state", None)
        holds = super().create(vals_list)
        for hold in holds:
            held = hold._held_records()
            held._iso_trail_log("hold_placed", reason=hold.name)
            held._iso_keep_from_disposal()
        return holds

    def write(self, vals):
        release_fields = {"state", "released_by_id", "released_date", "release_reason", "placed_by_id", "placed_date"}
        if release_fields & set(vals) and self.env.context.get(WORKFLOW_KEY) is not WORKFLOW:
            raise UserError(self.env._("State: a legal hold is released with the Release button and a reason."))
        if self.filtered(lambda hold: hold.state == "released"):
            raise UserError(self.env._("A released legal hold is kept as it was; place a new hold instead."))
        scope_fields = {
            "scope",
            "record_ids",
            "record_type_ids",
            "partner_id",
            "product_id",
            "employee_id",
            "date_from",
            "date_to",
        }
        if scope_fields & set(vals):
            before = {hold: hold._held_records() for hold in self}
            result = super().write(vals)
            for hold, held_before in before.items():
                after = hold._held_records()
                (after - held_before)._iso_trail_log("hold_placed", reason=hold.name)
                (after - held_before)._iso_keep_from_disposal()
                (held_before - after)._iso_trail_log(
                    "hold_released", reason=self.env._("No longer in the scope of: %s", hold.name)
                )
            return result
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Legal holds are released with a reason, never deleted."))

    def action_release(self, reason):
        if not (reason or "").strip():
            raise UserError(self.env._("Release Reason: releasing a legal hold needs a reason."))
        for hold in self:
            if hold.state != "active":
                raise UserError(self.env._("%s is already released.", hold.name))
            held = hold._held_records()
            hold.with_context(**{WORKFLOW_KEY: WORKFLOW}).write(
                {
                    "state": "released",
                    "released_by_id": self.env.user.id,
                    "released_date": fields.Datetime.now(),
                    "release_reason": reason,
                }
            )
            held._iso_trail_log("hold_released", reason=reason)
        return True
