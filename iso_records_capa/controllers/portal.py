from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import UserError
from odoo.http import request

from ..models.iso_supplier_request import SUPPLIER_ANSWER_FIELDS
from ..models.iso_supplier_request_workflow import PORTAL_STATES

PAGE_SIZE = 20
# Read in pieces, so that a file over the limit is refused without holding all of it.
READ_CHUNK = 1024 * 1024


class IsoSupplierRequestPortal(CustomerPortal):
    """The supplier's side of the corrective-action requests. Portal users have no access right on any ISO
    model: every read goes through here, after the ownership check, as superuser, and shows chosen fields
    only."""

    def _iso_requests_domain(self):
        partner = request.env.user.partner_id.commercial_partner_id
        return [("partner_id", "child_of", partner.id), ("state", "in", PORTAL_STATES)]

    def _iso_requests(self):
        """The supplier requests as superuser, for a portal user only: an internal user uses the back end,
        with its rules."""
        if not request.env.user.share:
            raise request.not_found()
        return request.env["iso.supplier.request"].sudo()

    def _iso_own_request(self, request_id):
        """The request if it is the portal user's company's and shown on the portal; 404 otherwise."""
        found = self._iso_requests().search([("id", "=", int(request_id)), *self._iso_requests_domain()], limit=1)
        if not found:
            raise request.not_found()
        return found

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "iso_request_count" in counters:
            values["iso_request_count"] = (
                request.env["iso.supplier.request"].sudo().search_count(self._iso_requests_domain())
                if request.env.user.share
                else 0
            )
        return values

    @http.route(["/my/iso/requests", "/my/iso/requests/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_iso_requests(self, page=1, **kw):
        Request = self._iso_requests()
        domain = self._iso_requests_domain()
        pager = portal_pager(url="/my/iso/requests", total=Request.search_count(domain), page=page, step=PAGE_SIZE)
        records = Request.search(domain, order="deadline asc, id desc", limit=PAGE_SIZE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({"iso_requests": records, "pager": pager, "page_name": "iso_requests"})
        return request.render("iso_records_capa.portal_my_iso_requests", values)

    def _iso_render_request(self, record, errors=None, answer=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "iso_request": record,
                "page_name": "iso_request",
                "errors": errors or [],
                "answer": answer or {name: record[name] or "" for name in SUPPLIER_ANSWER_FIELDS},
                "max_upload_mb": record._iso_max_upload_mb(),
            }
        )
        return request.render("iso_records_capa.portal_my_iso_request", values, status=status)

    @http.route("/my/iso/requests/<int:request_id>", type="http", auth="user", website=True, methods=["GET"])
    def portal_my_iso_request(self, request_id, **kw):
        return self._iso_render_request(self._iso_own_request(request_id))

    @http.route("/my/iso/requests/<int:request_id>/answer", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_iso_request_answer(self, request_id, **post):
        record = self._iso_own_request(request_id)
        answer = {name: post.get(name) or "" for name in SUPPLIER_ANSWER_FIELDS}
        if record.state != "sent":
            return self._iso_render_request(
                record, [request.env._("This request is no longer waiting for your answer.")], answer, status=409
            )
        files, errors = [], []
        for upload in request.httprequest.files.getlist("evidence"):
            if not upload or not upload.filename:
                continue
            content, error = self._iso_read_upload(record, upload)
            if error:
                errors.append(error)
            else:
                files.append((upload.filename, content, upload.mimetype or "application/octet-stream"))
        if errors:
            return self._iso_render_request(record, errors, answer, status=400)
        try:
            record._iso_supplier_answer(answer, files, request.env.user)
        except UserError as error:
            return self._iso_render_request(record.browse(record.id), [error.args[0]], answer, status=400)
        return request.redirect(f"/my/iso/requests/{record.id}?answered=1")

    def _iso_read_upload(self, record, upload):
        """The content of one uploaded file, or the error that refuses it (too large, an executable)."""
        limit = record._iso_max_upload_mb() * 1024 * 1024
        chunks, size = [], 0
        while True:
            chunk = upload.stream.read(READ_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                return None, request.env._(
                    "Evidence: %(file)s is larger than %(limit)s MB, the largest file accepted.",
                    file=upload.filename,
                    limit=record._iso_max_upload_mb(),
                )
            chunks.append(chunk)
        content = b"".join(chunks)
        return content, record._iso_upload_error(upload.filename, content)
