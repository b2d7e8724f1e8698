from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.addons.iso_records.tools import one_record
from odoo.tools import format_date, html_escape

# Supplier requests that reached the supplier: drafts were never sent, cancelled ones are not held against it.
SENT_REQUEST_STATES = ("sent", "answered", "accepted")
SCORECARD_MONTHS = 12


def _rate(part, whole):
    return round(100.0 * part / whole, 1) if whole else 0.0


class ResPartner(models.Model):
    """The supplier scorecard (ISO 9001 8.4.1, evaluating external providers): per supplier and period, its
    nonconformities, the corrective-action requests (SCARs) it answered by their deadline, and how many of its
    nonconformities repeated an earlier one.

    A supplier is a commercial partner: the nonconformities and requests of its contacts count for it. Counted:
    nonconformities detected in the period (``date``), not rejected; requests sent whose deadline falls in the
    period and whose outcome is known (answered, or past the deadline unanswered): a request still waiting
    for an answer before its deadline is not late yet. Everything is read with the caller's rights, in two
    grouped queries whatever the number of suppliers and nonconformities."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    iso_scorecard_nc_count = fields.Integer(
        string="Nonconformities (12 months)", compute="_compute_iso_scorecard", groups="iso_records.group_iso_user"
    )
    iso_scorecard_repeat_rate = fields.Float(
        string="Repeat Rate (%)",
        digits=(5, 1),
        compute="_compute_iso_scorecard",
        groups="iso_records.group_iso_user",
        help="Nonconformities of the last 12 months that repeat an earlier one, in percent.",
    )
    iso_scorecard_request_count = fields.Integer(
        string="Requests Due (12 months)",
        compute="_compute_iso_scorecard",
        groups="iso_records.group_iso_user",
        help="Corrective-action requests due in the last 12 months, answered or late.",
    )
    iso_scorecard_on_time_rate = fields.Float(
        string="Answered on Time (%)",
        digits=(5, 1),
        compute="_compute_iso_scorecard",
        groups="iso_records.group_iso_user",
    )
    iso_scorecard_html = fields.Html(
        string="Scorecard by Month",
        compute="_compute_iso_scorecard",
        sanitize=False,
        groups="iso_records.group_iso_user",
    )

    # ------------------------------------------------------------------
    # The scorecard
    # ------------------------------------------------------------------
    def _iso_supplier_scorecard(self, date_from, date_to, company=None, nc_domain=None):
        """{partner id: {"nc_count", "request_count", "answered_on_time", "on_time_rate", "repeat_count",
        "repeat_rate"}} of these suppliers (commercial partners) between two dates, both included; of one
        ``company`` only when given, of the nonconformities of ``nc_domain`` too (a management review's scope)."""
        by_period = self._iso_supplier_scorecard_groups(
            date_from, date_to, granularity=None, company=company, nc_domain=nc_domain
        )
        return {partner_id: periods.get(False, self._iso_empty_score()) for partner_id, periods in by_period.items()}

    def _iso_supplier_scorecard_by_period(self, date_from, date_to, granularity="month"):
        """{partner id: {period start (date): score}} per ``granularity`` (month, quarter, year), only the
        periods with data; the same two queries."""
        return self._iso_supplier_scorecard_groups(date_from, date_to, granularity=granularity)

    @api.model
    def _iso_empty_score(self):
        return {
            "nc_count": 0,
            "request_count": 0,
            "answered_on_time": 0,
            "on_time_rate": 0.0,
            "repeat_count": 0,
            "repeat_rate": 0.0,
        }

    def _iso_supplier_scorecard_groups(self, date_from, date_to, granularity, company=None, nc_domain=None):
        suppliers = self.commercial_partner_id
        result = {partner.id: {} for partner in self}
        if not suppliers:
            return result
        date_from, date_to = fields.Date.to_date(date_from), fields.Date.to_date(date_to)
        today = fields.Date.context_today(self)
        nc_groupby = ["partner_id", "is_repeat"]
        request_groupby = ["partner_id", "answered_on_time"]
        if granularity:
            nc_groupby.append(f"date:{granularity}")
            request_groupby.append(f"deadline:{granularity}")
        company_domain = [("company_id", "=", company.id)] if company else []
        scores = {}

        def score(partner, period):
            # A contact's rows count for its company; the partners of a grouped result are fetched together.
            supplier_id = partner.commercial_partner_id.id
            return scores.setdefault(supplier_id, {}).setdefault(period, self._iso_empty_score())

        Nonconformity = self.env["iso.nonconformity"]
        if Nonconformity.has_access("read"):
            for partner, is_repeat, *period, count in Nonconformity._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", suppliers.ids),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                    ("state", "!=", "rejected"),
                    *company_domain,
                    *(nc_domain or []),
                ],
                nc_groupby,
                ["__count"],
            ):
                values = score(partner, self._iso_period_key(period))
                values["nc_count"] += count
                if is_repeat:
                    values["repeat_count"] += count
        Request = self.env["iso.supplier.request"]
        if Request.has_access("read"):
            for partner, on_time, *period, count in Request._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", suppliers.ids),
                    ("state", "in", SENT_REQUEST_STATES),
                    ("deadline", ">=", date_from),
                    ("deadline", "<=", date_to),
                    "|",
                    ("answered_date", "!=", False),
                    ("deadline", "<", today),
                    *company_domain,
                ],
                request_groupby,
                ["__count"],
            ):
                values = score(partner, self._iso_period_key(period))
                values["request_count"] += count
                if on_time:
                    values["answered_on_time"] += count
        for periods in scores.values():
            for values in periods.values():
                values["repeat_rate"] = _rate(values["repeat_count"], values["nc_count"])
                values["on_time_rate"] = _rate(values["answered_on_time"], values["request_count"])
        for partner in self:
            result[partner.id] = scores.get(partner.commercial_partner_id.id, {})
        return result

    @api.model
    def _iso_period_key(self, period):
        """The period start of a grouped row (a date when grouped by a granularity), False without one."""
        if not period:
            return False
        return fields.Date.to_date(period[0])

    # ------------------------------------------------------------------
    # The supplier form: the last 12 months, and by month
    # ------------------------------------------------------------------
    @api.model
    def _iso_scorecard_window(self):
        """The last 12 months: from the first day of the month 11 months ago to today."""
        today = fields.Date.context_today(self)
        return today.replace(day=1) - relativedelta(months=SCORECARD_MONTHS - 1), today

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_iso_scorecard(self):
        partners = self.filtered("id")
        (self - partners).update(
            {
                "iso_scorecard_nc_count": 0,
                "iso_scorecard_repeat_rate": 0.0,
                "iso_scorecard_request_count": 0,
                "iso_scorecard_on_time_rate": 0.0,
                "iso_scorecard_html": False,
            }
        )
        if not partners:
            return
        date_from, date_to = self._iso_scorecard_window()
        by_month = partners._iso_supplier_scorecard_by_period(date_from, date_to, "month")
        for partner in partners:
            months = by_month.get(partner.id) or {}
            total = self._iso_empty_score()
            for values in months.values():
                for key in ("nc_count", "request_count", "answered_on_time", "repeat_count"):
                    total[key] += values[key]
            partner.iso_scorecard_nc_count = total["nc_count"]
            partner.iso_scorecard_request_count = total["request_count"]
            partner.iso_scorecard_repeat_rate = _rate(total["repeat_count"], total["nc_count"])
            partner.iso_scorecard_on_time_rate = _rate(total["answered_on_time"], total["request_count"])
            partner.iso_scorecard_html = partner._iso_scorecard_table(months, date_from)

    def _iso_scorecard_table(self, months, date_from):
        """The 12 months as an HTML table (no client code needed), the latest month first."""
        if not months:
            return False
        headers = (
            self.env._("Month"),
            self.env._("Nonconformities"),
            self.env._("Repeats"),
            self.env._("Requests due"),
            self.env._("Answered on time"),
        )
        rows = []
        for offset in range(SCORECARD_MONTHS - 1, -1, -1):
            month = date_from + relativedelta(months=offset)
            values = months.get(month) or self._iso_empty_score()
            cells = (
                format_date(self.env, month, date_format="MMMM y"),
                values["nc_count"],
                values["repeat_count"],
                values["request_count"],
                values["answered_on_time"],
            )
            rows.append("<tr>%s</tr>" % "".join(f"<td>{html_escape(str(cell))}</td>" for cell in cells))
        head = "".join(f"<th>{html_escape(header)}</th>" for header in headers)
        body = "".join(rows)
        table = '<table class="table table-sm o_iso_scorecard">'
        return f"{table}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def action_view_iso_scorecard_nonconformities(self):
        """The nonconformities the scorecard counts for this supplier over the last 12 months."""
        one_record(self, self.env._("Scorecard nonconformities"))
        date_from, date_to = self._iso_scorecard_window()
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records_capa.iso_nonconformity_action")
        action["domain"] = [
            ("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id),
            ("date", ">=", fields.Date.to_string(date_from)),
            ("date", "<=", fields.Date.to_string(date_to)),
            ("state", "!=", "rejected"),
        ]
        action["context"] = {"create": False}
        return action
