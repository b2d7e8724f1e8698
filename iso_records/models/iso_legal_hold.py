from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import TRAIL_REASON_KEY, in_workflow, text_argument, workflow

FILTER_FIELDS = (
    "filter_model_id",
    "record_type_ids",
    "partner_id",
    "product_id",
    "employee_id",
    "date_from",
    "date_to",
)
SCOPE_FIELDS = {"scope", "item_ids", *FILTER_FIELDS}
RELEASE_FIELDS = {"state", "released_by_id", "released_date", "release_reason", "placed_by_id", "placed_date"}


class IsoLegalHold(models.Model):
    """Suspends retention: the records of any controlled model in a hold's scope are never disposed
    nor deleted while it is active."""

    _name = "iso.legal.hold"
    _description = "ISO Legal Hold"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Reason", required=True, tracking=True, help="Why the records must be kept.")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    state = fields.Selection(
        [("active", "Active"), ("released", "Released")], default="active", readonly=True, tracking=True
    )
    scope = fields.Selection(
        [("records", "Chosen records"), ("filter", "Records matching a filter")], required=True, default="records"
    )
    item_ids = fields.One2many("iso.legal.hold.item", "hold_id", string="Records")
    active_item_ids = fields.One2many(
        "iso.legal.hold.item", "hold_id", string="Records Held", domain=[("state", "=", "active")]
    )
    filter_model_id = fields.Many2one(
        "ir.model",
        string="Kind of record",
        domain=lambda self: [("model", "in", self.env["iso.controlled.mixin"]._iso_controlled_model_names())],
        ondelete="cascade",
        help="Hold only records of this kind (ISO records, risks, audits...); empty: every kind.",
    )
    record_type_ids = fields.Many2many(
        "iso.record.type", string="Types", help="For kinds of record that have a type (ISO records)."
    )
    partner_id = fields.Many2one("res.partner", string="Supplier", check_company=True)
    product_id = fields.Many2one("product.product", check_company=True)
    employee_id = fields.Many2one("hr.employee", check_company=True)
    date_from = fields.Date(help="Records dated on or after this day (effective or filed; created for others).")
    date_to = fields.Date(help="Records dated on or before this day (effective or filed; created for others).")
    placed_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    placed_date = fields.Datetime(default=fields.Datetime.now, readonly=True)
    released_by_id = fields.Many2one("res.users", readonly=True)
    released_date = fields.Datetime(readonly=True)
    release_reason = fields.Text(readonly=True)
    held_count = fields.Integer(string="Records held", compute="_compute_held_count")

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for hold in self:
            if hold.date_from and hold.date_to and hold.date_to < hold.date_from:
                raise ValidationError(
                    self.env._("Date To: %(to)s is before Date From %(start)s.", to=hold.date_to, start=hold.date_from)
                )

    @api.constrains("scope", "item_ids", *FILTER_FIELDS)
    def _check_scope(self):
        for hold in self:
            if hold.scope == "records" and not hold.item_ids:
                raise ValidationError(self.env._("Records: choose the records this hold keeps."))
            if hold.scope == "filter" and not any(hold[name] for name in FILTER_FIELDS):
                raise ValidationError(
                    self.env._("Scope: a filter hold needs at least one criterion; it would otherwise hold everything.")
                )

    def _held_domain(self, model_name):
        """The records of ``model_name`` this hold keeps, as a domain; None when it keeps none of them."""
        self.ensure_one()
        if self.scope == "records":
            ids = self.active_item_ids.filtered(lambda item: item.res_model == model_name).mapped("res_id")
            return [("id", "in", ids)] if ids else None
        if self.filter_model_id and self.sudo().filter_model_id.model != model_name:
            return None
        model = self.env[model_name]
        domain = [("company_id", "=", self.company_id.id)]
        if self.record_type_ids:
            if "record_type_id" not in model._fields:
                return None
            domain.append(("record_type_id", "in", self.record_type_ids.ids))
        for name in ("partner_id", "product_id", "employee_id"):
            if self[name]:
                domain.append((name, "=", self[name].id))
        date_field = model._iso_hold_date_field
        if self.date_from:
            domain.append((date_field, ">=", self.date_from))
        if self.date_to:
            domain.append((date_field, "<=", self.date_to))
        return domain

    def _held_records(self):
        """What the holds keep: one recordset per controlled model."""
        held = {}
        for model_name in self.env["iso.controlled.mixin"]._iso_controlled_model_names():
            records = self.env[model_name].sudo().with_context(active_test=False)
            for hold in self:
                domain = hold._held_domain(model_name)
                if domain is not None:
                    held[model_name] = held.get(model_name, records) | records.search(domain)
        return held

    def _compute_held_count(self):
        for hold in self:
            hold.held_count = sum(len(records) for records in hold._held_records().values())

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.pop("state", None)
        holds = super().create(vals_list)
        for hold in holds:
            for records in hold._held_records().values():
                records._iso_trail_log("hold_placed", reason=hold.name)
                records._iso_keep_from_disposal()
        return holds

    def write(self, vals):
        if RELEASE_FIELDS & set(vals) and not in_workflow(self.env):
            raise UserError(self.env._("State: a legal hold is released with the Release button and a reason."))
        if self.filtered(lambda hold: hold.state == "released") and not in_workflow(self.env):
            raise UserError(self.env._("A released legal hold is kept as it was; place a new hold instead."))
        if "item_ids" in vals and not in_workflow(self.env):
            for command in vals["item_ids"]:
                if not (
                    isinstance(command, (list, tuple)) and command and command[0] in (Command.CREATE, Command.LINK)
                ):
                    raise UserError(
                        self.env._(
                            "Records: taking a record out of an active legal hold needs a reason; "
                            "use Remove from hold on the record's line."
                        )
                    )
        if not SCOPE_FIELDS & set(vals):
            return super().write(vals)
        before = {hold: hold._held_records() for hold in self}
        result = super().write(vals)
        for hold, held_before in before.items():
            held_after = hold._held_records()
            for model_name in set(held_before) | set(held_after):
                empty = self.env[model_name]
                added = held_after.get(model_name, empty) - held_before.get(model_name, empty)
                removed = held_before.get(model_name, empty) - held_after.get(model_name, empty)
                if removed and not in_workflow(self.env):
                    raise UserError(
                        self.env._(
                            "Scope: this change takes %(count)s records out of the active legal hold %(hold)s "
                            "(%(record)s...); narrowing a hold needs a reason: release it with one and place a "
                            "new hold.",
                            count=len(removed),
                            hold=hold.name,
                            record=removed[0].display_name,
                        )
                    )
                added._iso_trail_log("hold_placed", reason=hold.name)
                added._iso_keep_from_disposal()
                removed._iso_trail_log(
                    "hold_released",
                    reason=self.env.context.get(TRAIL_REASON_KEY)
                    or self.env._("No longer in the scope of: %s", hold.name),
                )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Legal holds are released with a reason, never deleted."))

    def action_release(self, reason=None):
        reason = text_argument(self.env, reason, self.env._("Release Reason"))
        if not reason.strip():
            raise UserError(self.env._("Release Reason: releasing a legal hold needs a reason."))
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise AccessError(self.env._("Release: only ISO administrators release legal holds."))
        for hold in self:
            if hold.state != "active":
                raise UserError(self.env._("%s is already released.", hold.name))
            held = hold._held_records()
            workflow(hold).write(
                {
                    "state": "released",
                    "released_by_id": self.env.user.id,
                    "released_date": fields.Datetime.now(),
                    "release_reason": reason,
                }
            )
            for records in held.values():
                records._iso_trail_log("hold_released", reason=reason)
        return True

    def _remove_items(self, items, reason):
        """Take ``items`` out of this active hold, with the reason the trail keeps."""
        self.ensure_one()
        reason = text_argument(self.env, reason, self.env._("Reason"))
        if not reason.strip():
            raise UserError(self.env._("Reason: taking a record out of a legal hold needs a reason."))
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise AccessError(self.env._("Remove from hold: only ISO administrators change legal holds."))
        if self.state != "active":
            raise UserError(self.env._("%s is released; nothing more can be taken out of it.", self.name))
        items = items.filtered(lambda item: item.hold_id == self and item.state == "active")
        if not items:
            raise UserError(self.env._("Records: choose records this hold still keeps."))
        if self.scope == "records" and items == self.active_item_ids:
            raise UserError(
                self.env._("Records: this would empty the hold; release the whole hold with a reason instead.")
            )
        before = self._held_records()
        workflow(items).write(
            {
                "state": "released",
                "released_by_id": self.env.user.id,
                "released_date": fields.Datetime.now(),
                "release_reason": reason,
            }
        )
        after = self._held_records()
        for model_name, records in before.items():
            (records - after.get(model_name, records.browse()))._iso_trail_log("hold_released", reason=reason)
        self.message_post(
            body=self.env._(
                "%(count)s records taken out of the hold by %(user)s: %(reason)s",
                count=len(items),
                user=self.env.user.name,
                reason=reason,
            )
        )
        return True
