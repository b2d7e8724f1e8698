import os

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param, one_record, text_argument, workflow
from odoo.exceptions import UserError

from .iso_supplier_request import SUPPLIER_ANSWER_FIELDS
from .res_config_settings import DEFAULT_PORTAL_UPLOAD_MB

REVIEW_ACTIVITY = "iso_records_capa.mail_activity_type_scar_review"
# The states in which the supplier sees a request on the portal.
PORTAL_STATES = ("sent", "answered", "accepted")
# What the supplier must fill for an answer to be complete.
# Programs and scripts, refused as evidence: by extension, and by their first bytes whatever their name
# (Windows PE "MZ", ELF, scripts "#!", Mach-O and Java classes).
EXECUTABLE_EXTENSIONS = frozenset(
    ".exe .dll .com .scr .msi .msp .bat .cmd .ps1 .psm1 .vbs .vbe .js .jse .wsf .wsh .hta .cpl .jar .sh .bash "
    ".run .bin .elf .so .dylib .app .apk .py .pl .rb .php".split()
)
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"#!",
    b"\xfe\xed\xfa",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
REQUIRED_ANSWER_FIELDS = ("supplier_containment", "supplier_why_1", "supplier_root_cause", "supplier_actions")


class IsoSupplierRequest(models.Model):
    """The steps of a supplier request: sent to the supplier's portal contact, answered on the portal,
    accepted or sent back with a comment the supplier reads, or cancelled. Each step is in the chatter and,
    through the state change, in the trail with its reason."""

    _inherit = "iso.supplier.request"  # pylint: disable=consider-merging-classes-inherited
    _iso_workflow_only = ("returned_comment", "supplier_attachment_ids")
    _iso_trail_extra_fields = ("returned_comment",)

    review_comment = fields.Text(
        string="Comment for the Supplier",
        help="Why the answer is sent back; the supplier reads it on the portal once you send the answer back.",
    )
    returned_comment = fields.Text(
        string="Last Comment Sent Back", readonly=True, copy=False, help="What the supplier was last asked to redo."
    )
    supplier_attachment_ids = fields.Many2many(
        "ir.attachment",
        "iso_supplier_request_evidence_rel",
        "request_id",
        "attachment_id",
        string="Supplier's Evidence",
        readonly=True,
        copy=False,
    )

    # ------------------------------------------------------------------
    # Send
    # ------------------------------------------------------------------
    def _iso_portal_user_of(self, contact):
        """The active portal user of the supplier's contact, if any."""
        return contact.with_context(active_test=False).user_ids.filtered(lambda user: user.active and user.share)[:1]

    def action_send(self):
        """Draft -> sent: the contact must be a portal user of the supplier; the deadline defaults to today
        plus the days of Settings; the contact gets the request by e-mail."""
        self._iso_check_may_act(self.env._("Send to supplier"))
        self._iso_check_state(self.env._("Send to supplier"), ("draft",))
        for request in self:
            if not request.partner_id:
                raise UserError(self.env._("Supplier: %(request)s has no supplier.", request=request.display_name))
            contact = request.contact_id
            if not contact or not self._iso_portal_user_of(contact.sudo()):
                raise UserError(
                    self.env._(
                        "Supplier Contact: %(request)s needs a contact of the supplier with a portal user, who "
                        "answers on the portal (give the contact portal access first).",
                        request=request.display_name,
                    )
                )
            if contact.commercial_partner_id != request.partner_id.commercial_partner_id:
                raise UserError(
                    self.env._(
                        "Supplier Contact: %(contact)s is not a contact of %(supplier)s.",
                        contact=contact.display_name,
                        supplier=request.partner_id.display_name,
                    )
                )
        today = fields.Date.context_today(self)
        for request in self:
            deadline = request.deadline or today + relativedelta(days=self._default_deadline_days())
            if deadline < today:
                raise UserError(
                    self.env._("Deadline: %(date)s is already past; give the supplier time to answer.", date=deadline)
                )
            workflow(request, self.env._("Sent to the supplier")).write(
                {"state": "sent", "date_sent": today, "deadline": deadline}
            )
            request._iso_notify_contact("iso_records_capa.mail_template_scar_sent")
        return True

    def _iso_notify_contact(self, template_xmlid):
        """E-mail the supplier's contact from the template, logged in the chatter."""
        template = self.env.ref(template_xmlid)
        for request in self:
            request.sudo().message_post_with_source(
                template,
                partner_ids=request.contact_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------------
    # The supplier answers (from the portal controller, as the portal user, after its ownership check)
    # ------------------------------------------------------------------
    def _iso_supplier_answer(self, values, files, user):
        """Record the answer of ``user`` (the supplier's portal user): the answer fields and the evidence
        files ``files`` (a list of (name, content, mimetype), already checked). Sent -> answered; the owner is
        asked to review it. Called as superuser by the portal controller, never over RPC."""
        request = one_record(self, self.env._("Answer a supplier request"))
        request._iso_check_state(self.env._("Answer"), ("sent",))
        answer = {name: (values.get(name) or "").strip() for name in SUPPLIER_ANSWER_FIELDS}
        missing = [request._fields[name].string for name in REQUIRED_ANSWER_FIELDS if not answer[name]]
        if missing:
            raise UserError(self.env._("%(fields)s: required to answer the request.", fields=", ".join(missing)))
        refused = [error for name, content, _mimetype in files if (error := self._iso_upload_error(name, content))]
        if refused:
            raise UserError("\n".join(refused))
        today = fields.Date.context_today(self)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": name,
                        "raw": content,
                        "mimetype": mimetype,
                        "res_model": request._name,
                        "res_id": request.id,
                        "description": self.env._("Evidence from %(supplier)s", supplier=user.partner_id.name),
                    }
                    for name, content, mimetype in files
                ]
            )
        )
        workflow(request.sudo(), self.env._("Answered by the supplier on the portal")).write(
            {
                **answer,
                "state": "answered",
                "answered_date": today,
                "answered_by_id": user.id,
                "answered_on_time": bool(request.deadline and today <= request.deadline),
                "supplier_attachment_ids": [fields.Command.link(attachment.id) for attachment in attachments],
            }
        )
        request.sudo().message_post(
            body=self.env._("The supplier answered the request on the portal."),
            author_id=user.partner_id.id,
            attachment_ids=attachments.ids,
            subtype_xmlid="mail.mt_note",
        )
        users = request.sudo()._iso_responsible_user()
        for reviewer in users:
            request.sudo().activity_schedule(
                REVIEW_ACTIVITY,
                user_id=reviewer.id,
                summary=self.env._("Review the answer of %(supplier)s", supplier=request.partner_id.name),
            )
        return True

    # ------------------------------------------------------------------
    # Review: accept, send back; cancel
    # ------------------------------------------------------------------
    def _iso_close_review_activities(self, feedback):
        activity_type = self.env.ref(REVIEW_ACTIVITY)
        activities = self.sudo().activity_ids.filtered(lambda activity: activity.activity_type_id == activity_type)
        if activities:
            activities.action_feedback(feedback=feedback)

    def action_accept(self):
        """Answered -> accepted: the answer is kept as it is and the supplier is told."""
        self._iso_check_may_act(self.env._("Accept"))
        self._iso_check_state(self.env._("Accept"), ("answered",))
        workflow(self, self.env._("Supplier's answer accepted")).write(
            {"state": "accepted", "accepted_date": fields.Date.context_today(self)}
        )
        self._iso_close_review_activities(self.env._("Accepted"))
        self._iso_notify_contact("iso_records_capa.mail_template_scar_accepted")
        return True

    def action_send_back(self, comment=None):
        """Answered -> sent again, with a comment the supplier reads on the portal (``comment``, else the
        form's Comment for the Supplier); counts the returns. The supplier's answer stays for them to edit."""
        self._iso_check_may_act(self.env._("Send back"))
        self._iso_check_state(self.env._("Send back"), ("answered",))
        comment = text_argument(self.env, comment, self.env._("Comment")).strip()
        for request in self:
            text = comment or (request.review_comment or "").strip()
            if not text:
                raise UserError(
                    self.env._(
                        "Comment for the Supplier: required to send %(request)s back; tell the supplier what to redo.",
                        request=request.display_name,
                    )
                )
            reason = self.env._("Sent back to the supplier: %(comment)s", comment=text)
            workflow(request, reason).write(
                {
                    "state": "sent",
                    "returned_comment": text,
                    "review_comment": False,
                    "return_count": request.return_count + 1,
                    "answered_date": False,
                    "answered_by_id": False,
                    "answered_on_time": False,
                }
            )
            request._iso_close_review_activities(self.env._("Sent back"))
            request._iso_notify_contact("iso_records_capa.mail_template_scar_sent_back")
        return True

    def action_cancel(self):
        """Draft, sent or answered -> cancelled; the supplier no longer sees it."""
        self._iso_check_may_act(self.env._("Cancel"))
        self._iso_check_state(self.env._("Cancel"), ("draft", "sent", "answered"))
        workflow(self, self.env._("Request cancelled")).write({"state": "cancelled"})
        self._iso_close_review_activities(self.env._("Cancelled"))
        for request in self:
            request.message_post(body=self.env._("The request was cancelled."), subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------------
    # Send to supplier from a nonconformity or a CAPA
    # ------------------------------------------------------------------
    def _iso_open_draft_for(self, source, values):
        """Create the draft request about ``source`` (a nonconformity or a CAPA) with ``values`` and the
        source's supplier, product and company, and open it."""
        partner = self.env["res.partner"].browse(values.get("partner_id")) or source.partner_id
        if not partner:
            raise UserError(
                self.env._("Supplier: %(record)s names no supplier to send it to.", record=source.display_name)
            )
        supplier = partner.commercial_partner_id
        contact = supplier.child_ids.filtered(lambda child: self._iso_portal_user_of(child.sudo()))[:1]
        if not contact and self._iso_portal_user_of(supplier.sudo()):
            contact = supplier
        request = self.create(
            {
                "title": source.title,
                "company_id": source.company_id.id,
                "product_id": source.product_id.id,
                "confidentiality": source.confidentiality,
                **values,
                "partner_id": supplier.id,
                "contact_id": contact.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": request._name,
            "res_id": request.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Files the supplier uploads
    # ------------------------------------------------------------------
    @api.model
    def _iso_max_upload_mb(self):
        return iso_int_param(self.env, "scar_max_upload_mb", DEFAULT_PORTAL_UPLOAD_MB)

    @api.model
    def _iso_upload_error(self, filename, content):
        """Why a file the supplier uploads is refused, or None: larger than Settings allow, or a program (by
        its extension or by its first bytes, whatever it is called)."""
        limit = self._iso_max_upload_mb()
        if len(content) > limit * 1024 * 1024:
            return self.env._(
                "Evidence: %(file)s is larger than %(limit)s MB, the largest file accepted.", file=filename, limit=limit
            )
        extension = os.path.splitext(filename or "")[1].lower()
        if extension in EXECUTABLE_EXTENSIONS or content.startswith(EXECUTABLE_SIGNATURES):
            return self.env._(
                "Evidence: %(file)s is a program; programs and scripts are not accepted, send documents or pictures.",
                file=filename,
            )
        return None

    @api.model
    def _iso_list_of(self, requests, source):
        """The supplier requests of a nonconformity or a CAPA, as a list (a form when there is one)."""
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Supplier Requests of %(record)s", record=source.display_name),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", requests.ids)],
            "context": {"create": False},
        }
        if len(requests) == 1:
            action.update(view_mode="form", res_id=requests.id, views=[(False, "form")])
        return action
