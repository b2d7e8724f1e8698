from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Proof that a write comes from this addon's own workflow code. It is a Python
# object, so an RPC client cannot put it in a context, unlike a string flag.
WORKFLOW = object()
WORKFLOW_KEY = "iso_records_workflow"

# Fields that stay writable on a locked record: discussion, followers and activities.
LOCK_FREE_PREFIXES = ("message_", "activity_", "website_message_")

CONFIDENTIALITY = [
    ("public", "Public"),
    ("internal", "Internal"),
    ("confidential", "Confidential"),
    ("restricted", "Restricted"),
]


class IsoControlledMixin(models.AbstractModel):
    _name = "iso.controlled.mixin"
    _description = "ISO Controlled Record"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, tracking=True
    )
    owner_id = fields.Many2one(
        "hr.employee",
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user.employee_id,
        help="The employee accountable for the record.",
    )
    owner_user_id = fields.Many2one(
        "res.users", string="Owner User", related="owner_id.user_id", store=True, index=True
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        tracking=True,
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
    )
    employee_id = fields.Many2one("hr.employee", check_company=True, index="btree_not_null")
    product_id = fields.Many2one("product.product", check_company=True, index="btree_not_null")
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product Template",
        related="product_id.product_tmpl_id",
        store=True,
        index="btree_not_null",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        check_company=True,
        index="btree_not_null",
        help="The supplier (vendor) this record is about.",
    )
    res_ref = fields.Reference(
        selection="_selection_linked_document", string="Other Document", help="Any other document it is about."
    )
    confidentiality = fields.Selection(CONFIDENTIALITY, required=True, default="internal", tracking=True)
    reader_user_ids = fields.Many2many(
        "res.users",
        string="Named Readers",
        help="Restricted records are visible only to their owner, these readers and ISO administrators.",
    )

    @api.model
    def _selection_linked_document(self):
        models_ = self.env["ir.model"].sudo().search([("transient", "=", False), ("model", "not like", "ir.%")])
        return [(model.model, model.name) for model in models_]

    @api.depends("owner_id")
    def _compute_department_id(self):
        for record in self:
            if record.owner_id and not record.department_id:
                record.department_id = record.owner_id.department_id

    # ------------------------------------------------------------------
    # Locking
    # ------------------------------------------------------------------
    def _iso_is_locked(self):
        """Whether the content of this record is frozen. Models override it."""
        self.ensure_one()
        return False

    def _iso_in_workflow(self):
        return self.env.context.get(WORKFLOW_KEY) is WORKFLOW

    def _iso_workflow(self):
        return self.with_context(**{WORKFLOW_KEY: WORKFLOW})

    def _iso_check_auditor_writes_nothing(self):
        user = self.env.user
        if self.env.su or self._iso_in_workflow():
            return
        if user.has_group("iso_records.group_iso_auditor") and not user.has_group("iso_records.group_iso_manager"):
            raise AccessError(self.env._("ISO auditors read evidence; they cannot create, change or delete it."))

    @api.model_create_multi
    def create(self, vals_list):
        self._iso_check_auditor_writes_nothing()
        return super().create(vals_list)

    def write(self, vals):
        if not self._iso_in_workflow():
            self._iso_check_auditor_writes_nothing()
            locked_fields = [name for name in vals if not name.startswith(LOCK_FREE_PREFIXES)]
            if locked_fields:
                locked = self.filtered(lambda record: record._iso_is_locked())
                if locked:
                    labels = ", ".join(self._fields[name].string for name in locked_fields if name in self._fields)
                    raise UserError(
                        self.env._(
                            "%(record)s is locked: %(fields)s cannot be changed once it is effective or filed. "
                            "Start a new revision instead.",
                            record=locked[0].display_name,
                            fields=labels,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self._iso_check_auditor_writes_nothing()
        locked = self.filtered(lambda record: record._iso_is_locked())
        if locked:
            raise UserError(
                self.env._(
                    "%(record)s is locked and cannot be deleted; make it obsolete instead.",
                    record=locked[0].display_name,
                )
            )
