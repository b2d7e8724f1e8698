import zlib

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.addons.iso_records.tools import one_record
from odoo.exceptions import AccessError

# The documents "Raise nonconformity" is offered on (Action menu, form and list), with the source of the
# nonconformities raised from them. Those of apps this addon does not depend on get their action when
# the app is installed (see _iso_sync_raise_actions).
RAISE_SOURCES = {
    "product.template": "product",
    "product.product": "product",
    "res.partner": "supplier",
    "hr.employee": "internal",
    "hr.employee.public": "internal",
    "iso.record": "process",
    "iso.audit.finding": "finding",
    "purchase.order": "supplier",
    "stock.picking": "supplier",
    "mrp.production": "process",
    "maintenance.request": "incident",
}
# Bound by data/ir_actions_server_data.xml: their apps are dependencies of this addon.
DATA_RAISE_MODELS = (
    "product.template",
    "product.product",
    "res.partner",
    "hr.employee",
    "hr.employee.public",
    "iso.record",
    "iso.audit.finding",
)
RAISE_ACTION_PREFIX = "action_raise_nonconformity_"
RAISE_ACTION_CODE = 'action = env["iso.nonconformity"]._iso_raise_action(records)'
# Documents the nonconformity links through its own fields rather than as its "Other Document".
LINK_MODELS = ("product.product", "res.partner", "hr.employee", "hr.employee.public")
# Taken by whoever synchronises the raise actions, so that two workers starting together do not both add them.
SYNC_LOCK_KEY = zlib.crc32(b"iso_records_capa.raise_actions")


class IsoNonconformity(models.Model):  # pylint: disable=consider-merging-classes-inherited
    """Raised from anywhere: the defaults of a nonconformity raised from any ERP document, as far as the
    current user may read it, and the "Raise nonconformity" actions bound to the business documents."""

    _inherit = "iso.nonconformity"

    record_id = fields.Many2one(
        "iso.record",
        string="ISO Record",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="The ISO record (procedure, inspection report...) the nonconformity was raised from or is about.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        nonconformities = super().create(vals_list)
        nonconformities._iso_post_on_source_documents()
        return nonconformities

    def _iso_post_on_source_documents(self):
        """The document a nonconformity is about (its "Other Document": an order, a transfer...) says so in
        its chatter, with a link: the reference only, for those who may read the nonconformity. Only on
        documents the user who raised it may read; posted as superuser, since reading a document is enough
        to raise a nonconformity about it."""
        thread = self.env.registry["mail.thread"]
        for nonconformity in self.filtered("res_ref"):
            document = nonconformity.res_ref
            if not isinstance(document, thread) or not document.exists() or not document._filtered_access("read"):
                continue
            body = Markup(self.env._("Nonconformity %(reference)s raised about this document.")) % {
                "reference": nonconformity._get_html_link(title=nonconformity.name),
            }
            document.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)

    # ------------------------------------------------------------------
    # The defaults of a nonconformity raised from a document
    # ------------------------------------------------------------------
    @api.model
    def _iso_raise_values(self, record):
        """The values of a nonconformity raised from ``record`` (any model): company, source, product,
        supplier (the commercial partner), employee, the finding or ISO record, and the document itself as
        its "Other Document". Only what the current user may read is taken; a record they may not read, or
        of a company they are not working in, is refused."""
        label = self.env._("Raise nonconformity")
        record = one_record(record, label)
        self._iso_check_may_act(label)
        self.check_access("create")
        record.check_access("read")
        company = self._iso_raise_company(record)
        values = {"company_id": company.id, "source": self._iso_raise_source(record)}
        controlled = isinstance(record, self.env.registry["iso.controlled.mixin"])
        if controlled:
            values.update(self._iso_raise_controlled_values(record))
        links = {
            "product_id": self._iso_raise_product(record),
            "partner_id": self._iso_raise_supplier(record),
            "employee_id": self._iso_raise_employee(record),
        }
        for name, candidate in links.items():
            linked = self._iso_raise_readable(candidate, company)
            if linked:
                values[name] = linked.id
        if (
            not controlled
            and record._name not in LINK_MODELS
            and (record._name != "product.template" or not values.get("product_id"))
            and record._name in dict(self._selection_linked_document())
        ):
            values["res_ref"] = f"{record._name},{record.id}"
        return values

    @api.model
    def _iso_raise_company(self, record):
        company = record["company_id"] if "company_id" in record._fields else self.env["res.company"]
        if company._name != "res.company" or not company:
            return self.env.company
        if company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "Company: %(record)s belongs to %(company)s; raise its nonconformity while working in that "
                    "company.",
                    record=record.display_name,
                    company=company.sudo().display_name,
                )
            )
        return company

    @api.model
    def _iso_raise_source(self, record):
        if record._name == "stock.picking" and record.picking_type_code != "incoming":
            return "product"
        return RAISE_SOURCES.get(record._name, "internal")

    @api.model
    def _iso_raise_controlled_values(self, record):
        """What a nonconformity takes from an ISO record or an audit finding: the link to it, its clause,
        department and confidentiality (what came from a confidential record stays as confidential)."""
        values = {
            "confidentiality": record.confidentiality,
            "department_id": record.department_id.id,
        }
        if record.reader_user_ids:
            values["reader_user_ids"] = [Command.set(record.reader_user_ids.ids)]
        if record._name == "iso.audit.finding":
            first_line = (record.requirement or "").strip().splitlines()[:1]
            values.update(
                finding_id=record.id,
                clause_id=record.clause_id.id,
                title=first_line[0][:120] if first_line else record.display_name,
                description=record.evidence,
            )
        elif record._name == "iso.record":
            values["record_id"] = record.id
            if len(record.clause_ids) == 1:
                values["clause_id"] = record.clause_ids.id
        return {name: value for name, value in values.items() if value}

    @api.model
    def _iso_raise_field(self, record, name, comodel):
        field = record._fields.get(name)
        if field and field.type == "many2one" and field.comodel_name == comodel:
            return record[name]
        return self.env[comodel]

    @api.model
    def _iso_raise_product(self, record):
        if record._name == "product.product":
            return record
        if record._name == "product.template":
            return record.product_variant_id if record.product_variant_count == 1 else self.env["product.product"]
        return self._iso_raise_field(record, "product_id", "product.product")

    @api.model
    def _iso_raise_supplier(self, record):
        partner = (
            record if record._name == "res.partner" else self._iso_raise_field(record, "partner_id", "res.partner")
        )
        # The supplier is the company, not the contact who delivered or signed.
        return partner._filtered_access("read").commercial_partner_id

    @api.model
    def _iso_raise_employee(self, record):
        if record._name in ("hr.employee", "hr.employee.public"):
            return self.env["hr.employee"].browse(record.id)
        return self._iso_raise_field(record, "employee_id", "hr.employee")

    @api.model
    def _iso_raise_readable(self, linked, company):
        """``linked`` if the current user may read it and it may be linked in ``company``."""
        if not linked:
            return linked
        if linked._name == "hr.employee":
            # What users without HR rights read of an employee (same ids).
            readable = bool(self.env["hr.employee.public"].browse(linked.id)._filtered_access("read"))
        else:
            readable = bool(linked._filtered_access("read"))
        if not readable:
            return linked.browse()
        linked_company = linked.sudo().company_id
        return linked if not linked_company or linked_company == company else linked.browse()

    @api.model
    def _iso_raise_action(self, records):
        """The form of a new nonconformity with the defaults raised from ``records`` (one document)."""
        values = self._iso_raise_values(records)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Raise nonconformity"),
            "res_model": "iso.nonconformity",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {f"default_{name}": value for name, value in values.items()},
        }

    # ------------------------------------------------------------------
    # "Raise nonconformity" in the Action menu of the apps installed after this addon
    # ------------------------------------------------------------------
    @api.model
    def _iso_optional_raise_models(self):
        return [name for name in RAISE_SOURCES if name not in DATA_RAISE_MODELS]

    @api.model
    def _iso_sync_raise_actions(self):
        """Bind "Raise nonconformity" to each optional business model that is installed and has none yet,
        and forget the actions of models since uninstalled. Idempotent and cheap: run at every registry
        load; a second worker loading at the same time leaves it to the first."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [SYNC_LOCK_KEY])
        if not cr.fetchone()[0]:
            return
        Data = self.env["ir.model.data"].sudo()
        entries = Data.search(
            [
                ("module", "=", "iso_records_capa"),
                ("model", "=", "ir.actions.server"),
                ("name", "=like", f"{RAISE_ACTION_PREFIX}%"),
            ]
        )
        actions = self.env["ir.actions.server"].sudo().browse(entries.mapped("res_id")).exists()
        entries.filtered(lambda entry: entry.res_id not in actions.ids).unlink()
        bound = set(actions.mapped("model_id.model"))
        wanted = [name for name in self._iso_optional_raise_models() if name in self.env and name not in bound]
        if not wanted:
            return
        group = self.env.ref("iso_records.group_iso_user")
        for model_name in wanted:
            model = self.env["ir.model"].sudo()._get(model_name)
            if not model:
                continue
            action = (
                self.env["ir.actions.server"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Raise nonconformity"),
                        "model_id": model.id,
                        "binding_model_id": model.id,
                        "binding_view_types": "list,form",
                        "state": "code",
                        "code": RAISE_ACTION_CODE,
                        "groups_id": [Command.set(group.ids)],
                    }
                )
            )
            Data.create(
                {
                    "module": "iso_records_capa",
                    "name": RAISE_ACTION_PREFIX + model_name.replace(".", "_"),
                    "model": "ir.actions.server",
                    "res_id": action.id,
                    "noupdate": True,
                }
            )

    def _register_hook(self):
        super()._register_hook()
        self._iso_sync_raise_actions()
