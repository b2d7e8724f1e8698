from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record


class ResPartner(models.Model):
    """A supplier's audits (second party), or the audits a certification body made of us."""

    _inherit = "res.partner"

    iso_audit_count = fields.Integer(string="Audits", compute="_compute_iso_audit_count")
    iso_body_audit_count = fields.Integer(string="Audits by the Body", compute="_compute_iso_audit_count")

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_audit_count(self):
        Audit = self.env["iso.audit"]
        supplier, body = {}, {}
        if self.ids and Audit.has_access("read"):
            for counts, field_name, domain in (
                (supplier, "partner_id", [("audit_type", "=", "supplier")]),
                (body, "body_id", []),
            ):
                groups = Audit._read_group([(field_name, "in", self.ids), *domain], [field_name], ["__count"])
                counts.update({partner.id: count for partner, count in groups})
        for partner in self:
            partner.iso_body_audit_count = body.get(partner.id, 0)
            partner.iso_audit_count = supplier.get(partner.id, 0) + partner.iso_body_audit_count

    def action_view_iso_audits(self):
        one_record(self, self.env._("Audits"))
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_audit.iso_audit_action")
        action["domain"] = [
            "|",
            "&",
            ("audit_type", "=", "supplier"),
            ("partner_id", "=", self.id),
            ("body_id", "=", self.id),
        ]
        if self.iso_body_audit_count and self.iso_audit_count == self.iso_body_audit_count:
            action["context"] = {"default_audit_type": "external", "default_body_id": self.id}
        else:
            action["context"] = {"default_audit_type": "supplier", "default_partner_id": self.id}
        return action
