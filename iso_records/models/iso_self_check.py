import json
import logging
import time

import psycopg2
from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import commit_batch

_logger = logging.getLogger(__name__)

TRIGGERS = [("manual", "Manual"), ("scheduled", "Scheduled")]
# Key of the advisory lock two cron workers take before the monthly run of a company.
SELF_CHECK_LOCK = 1_969_016
RUNNERS = "iso_records.group_iso_manager,iso_records.group_iso_administrator"


def domain_text(domain):
    """A domain kept as text on a check line: dates and datetimes as ORM strings."""
    return json.dumps(domain, default=str)


class IsoSelfCheck(models.Model):
    """One run of the self-check ("Is our system working?") for one company: every check of
    ``_iso_self_checks`` over the whole system of the company, its result per check (a line) and a score.

    A check is a dict ``{"key", "name", "clause", "sequence", "method"}``; ``method`` names a method of this
    model that takes a company and returns either ``{"model", "domain"}`` (the items that fail the check,
    counted with ``search_count``; passed when there are none) or ``{"passed", "count", "model", "domain"}``
    for a check that looks for something absent (no management review held, for instance). Each addon
    extends ``_iso_self_checks`` with ``super()``. A check runs as the superuser on the company it is given:
    its domain names the company itself; one query each, whatever the number of records."""

    _name = "iso.self.check"
    _description = "ISO Self-Check Run"
    _inherit = ["mail.thread"]
    _order = "run_at desc, id desc"
    _rec_name = "name"

    name = fields.Char(string="Reference", required=True, readonly=True, default="/")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    run_at = fields.Datetime(string="Run at", required=True, readonly=True, default=fields.Datetime.now)
    trigger = fields.Selection(TRIGGERS, required=True, readonly=True, default="manual")
    period = fields.Char(readonly=True, help="The month (YYYY-MM) of a scheduled run: one per company and month.")
    score = fields.Float(readonly=True, aggregator="avg", help="The share of checks passed, in percent.")
    passed_count = fields.Integer(string="Passed", readonly=True)
    failed_count = fields.Integer(string="Failed", readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    line_ids = fields.One2many("iso.self.check.line", "run_id", string="Checks", readonly=True)

    _sql_constraints = [
        (
            "period_unique",
            "UNIQUE(company_id, period)",
            "A company has one scheduled self-check per month.",
        ),
        ("score_range", "CHECK(score >= 0 AND score <= 100)", "The score is between 0 and 100."),
    ]

    # ------------------------------------------------------------------
    # Registry of checks
    # ------------------------------------------------------------------
    @api.model
    def _iso_self_checks(self):
        """The checks, extended by each addon with super(): see the class docstring."""
        return []

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------
    @api.model
    def _iso_run_checks(self, companies=None, trigger="manual"):
        """Runs every check for each of ``companies`` (every company when not given) as the superuser, writes
        the run and its lines, posts the summary to the company's ISO administrators and returns the runs.
        A scheduled run is one per company and month: a company that has its run of the month is skipped,
        also when two cron workers run at once (an advisory lock per company, the unique period behind it)."""
        if trigger not in dict(TRIGGERS):
            raise ValueError(f"trigger: {trigger!r} is not one of {', '.join(dict(TRIGGERS))}")
        root = self.env(user=SUPERUSER_ID, su=True)
        if companies is None:
            companies = root["res.company"].search([], order="id")  # pylint: disable=no-search-all
        elif not isinstance(companies, models.BaseModel):
            companies = root["res.company"].browse(companies)  # ids, from XML data or RPC
        period = fields.Date.context_today(self).strftime("%Y-%m") if trigger == "scheduled" else False
        runs = self.browse()
        for company in companies:
            run = root["iso.self.check"]._iso_run_company(root["res.company"].browse(company.id), trigger, period)
            runs |= run
            if run and trigger == "scheduled":
                commit_batch(self.env.cr)  # releases the company's lock; a crash keeps the runs done
        return runs.with_env(self.env)

    @api.model
    def _iso_run_company(self, company, trigger, period):
        cr = self.env.cr
        if period:
            cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", SELF_CHECK_LOCK, company.id))
            if not cr.fetchone()[0]:
                return self.browse()  # another worker is running it
            if self.search_count([("company_id", "=", company.id), ("period", "=", period)]):
                return self.browse()
        started = time.monotonic()
        env = self.with_company(company).with_context(allowed_company_ids=company.ids, active_test=True).env
        lines = []
        for check in sorted(self._iso_self_checks(), key=lambda item: item.get("sequence", 100)):
            result = getattr(env["iso.self.check"], check["method"])(company)
            if "passed" in result:
                passed, count = bool(result["passed"]), int(result["count"])
            else:
                count = env[result["model"]].search_count(result["domain"])
                passed = not count
            lines.append(
                {
                    "check_key": check["key"],
                    "name": check["name"],
                    "clause": check.get("clause") or False,
                    "sequence": check.get("sequence", 100),
                    "passed": passed,
                    "item_count": count,
                    "res_model": result.get("model") or False,
                    "domain": domain_text(result.get("domain") or []),
                }
            )
        passed_count = sum(1 for line in lines if line["passed"])
        values = {
            "name": self.env._("Self-check %(date)s", date=fields.Datetime.now().strftime("%Y-%m-%d %H:%M")),
            "company_id": company.id,
            "trigger": trigger,
            "period": period,
            "run_at": fields.Datetime.now(),
            "score": round(100.0 * passed_count / len(lines), 1) if lines else 100.0,
            "passed_count": passed_count,
            "failed_count": len(lines) - passed_count,
            "duration_ms": int((time.monotonic() - started) * 1000),
            "line_ids": [fields.Command.create(line) for line in lines],
        }
        runner = self.with_context(mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        try:
            with cr.savepoint():
                run = runner.create(values)
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure):
            _logger.info("Self-check of %s for %s already written by another worker", company.name, period)
            return self.browse()
        run._iso_post_summary()
        return run

    def _iso_administrators(self):
        """The active internal ISO administrators of the run's company."""
        self.ensure_one()
        group = self.env.ref("iso_records.group_iso_administrator")
        return group.users.filtered(lambda user: user.active and not user.share and self.company_id in user.company_ids)

    def _iso_summary_body(self):
        self.ensure_one()
        failed = self.line_ids.filtered(lambda line: not line.passed)
        body = Markup("<p>%s</p>") % self.env._(
            "Self-check of %(company)s: score %(score)s%% (%(passed)s passed, %(failed)s failed).",
            company=self.company_id.name,
            score=self.score,
            passed=self.passed_count,
            failed=self.failed_count,
        )
        if failed:
            items = Markup("").join(
                Markup("<li>%s</li>")
                % self.env._(
                    "%(check)s (%(clause)s): %(count)s",
                    check=line.name,
                    clause=line.clause or "-",
                    count=line.item_count,
                )
                for line in failed
            )
            body += Markup("<p>%s</p><ul>%s</ul>") % (escape(self.env._("Failed checks:")), items)
        return body

    def _iso_post_summary(self):
        """The summary goes to the company's ISO administrators (notified as each prefers: by e-mail, or in
        Odoo), and to no one else."""
        for run in self:
            administrators = run._iso_administrators()
            run.message_post(
                body=run._iso_summary_body(),
                subject=self.env._("Self-check %(name)s: %(score)s%%", name=run.name, score=run.score),
                partner_ids=administrators.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def action_run_now(self):
        """Run now, for the companies the user works in: ISO managers and administrators."""
        if not self.env.user.has_groups(RUNNERS):
            raise AccessError(
                self.env._(
                    "Run now: only ISO managers and administrators run the self-check; you may read its results."
                )
            )
        runs = self._iso_run_checks(self.env.companies, trigger="manual")
        action = self.env["ir.actions.act_window"]._for_xml_id("iso_records.iso_self_check_action")
        if len(runs) == 1:
            action.update(res_id=runs.id, view_mode="form", views=[(False, "form")])
        return action

    @api.model
    def _cron_self_check(self):
        return self._iso_run_checks(trigger="scheduled")

    @api.model
    def _iso_score_trend(self, months=12):
        """[{"month": "YYYY-MM", "score": float}] of the last ``months`` months, oldest first: the score of the
        last run of each month, averaged over the user's companies that ran that month (with their access)."""
        months = max(int(months), 1)
        start = fields.Date.context_today(self).replace(day=1) - relativedelta(months=months - 1)
        query = self._search([("run_at", ">=", fields.Datetime.to_datetime(start))])
        self.env.cr.execute(
            SQL(
                """SELECT month, avg(score) FROM (
                       SELECT DISTINCT ON (company_id, to_char(run_at, 'YYYY-MM'))
                              to_char(run_at, 'YYYY-MM') AS month, score
                         FROM %s WHERE %s
                     ORDER BY company_id, to_char(run_at, 'YYYY-MM'), run_at DESC, id DESC
                   ) last_runs GROUP BY month ORDER BY month""",
                query.from_clause,
                query.where_clause,
            )
        )
        return [{"month": month, "score": round(score, 1)} for month, score in self.env.cr.fetchall()]
