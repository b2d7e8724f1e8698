import hashlib
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..tools import workflow
from .iso_trail_event import SQL_CANONICAL


class IsoTrailVerification(models.Model):
    """Result of checking every trail chain; each result also anchors the trail.

    It stores a digest of all event hashes up to the last event it saw, and is
    itself chained to the previous result. The next verification recomputes that
    digest, so deleting events, even a chain's last ones, or a whole chain, shows.
    """

    _name = "iso.trail.verification"
    _description = "ISO Audit Trail Verification"
    _inherit = ["iso.evidence.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _iso_evidence_free_prefixes = ("message_", "activity_")

    verified_at = fields.Datetime(required=True, readonly=True)
    state = fields.Selection([("intact", "Intact"), ("broken", "Broken")], required=True, readonly=True)
    events_checked = fields.Integer(readonly=True)
    chains_checked = fields.Integer(readonly=True)
    max_event_id = fields.Integer(readonly=True)
    events_digest = fields.Char(readonly=True, help="SHA-256 over the hashes of every event up to the last one seen.")
    broken_event_id = fields.Integer(string="First Broken Event", readonly=True)
    broken_reference = fields.Char(readonly=True)
    problem = fields.Text(readonly=True)
    duration_ms = fields.Integer(string="Duration (ms)", readonly=True)
    previous_id = fields.Many2one("iso.trail.verification", readonly=True, ondelete="restrict")
    hash = fields.Char(readonly=True)

    def init(self):
        self.env.cr.execute("""
            DROP TRIGGER IF EXISTS iso_trail_verification_append_only ON iso_trail_verification;
            CREATE TRIGGER iso_trail_verification_append_only BEFORE UPDATE OR DELETE ON iso_trail_verification
                FOR EACH ROW EXECUTE FUNCTION iso_trail_refuse_change();
        """)

    @api.depends("verified_at", "state")
    def _compute_display_name(self):
        for verification in self:
            verification.display_name = f"{verification.verified_at} — {verification.state}"

    def _iso_evidence_origin(self):
        return self.env._(
            "verification results are kept as they were recorded; Verify now and the daily verification add new ones."
        )

    @api.model
    def _find_broken_link(self):
        """The first event, by id, whose hash, link to its predecessor or position is wrong."""
        self.env.cr.execute(
            SQL(
                """
            SELECT id, reference, problem FROM (
                SELECT id, reference,
                    CASE
                        WHEN encode(sha256(convert_to(%s, 'UTF8')), 'hex') <> hash
                            THEN 'its content does not match its hash (changed after it was written)'
                        WHEN sequence <> coalesce(lag(sequence) OVER chain, 0) + 1
                            THEN 'events are missing before it in its chain (deleted)'
                        WHEN coalesce(previous_hash, '') <> coalesce(lag(hash) OVER chain, '')
                            THEN 'it does not link to the event before it (inserted or reordered)'
                    END AS problem
                FROM iso_trail_event
                WINDOW chain AS (PARTITION BY chain_key ORDER BY sequence)
            ) checked
            WHERE problem IS NOT NULL
            ORDER BY id
            LIMIT 1
        """,
                SQL(SQL_CANONICAL),
            )
        )
        return self.env.cr.fetchone()

    @api.model
    def _digests(self, previous_max_event_id):
        """In one scan: how many events up to the previous anchor and their digest, and the digest of all."""
        self.env.cr.execute(
            """SELECT count(*) FILTER (WHERE id <= %(previous)s),
                      encode(sha256(convert_to(coalesce(
                          string_agg(hash, '' ORDER BY id) FILTER (WHERE id <= %(previous)s), ''), 'UTF8')), 'hex'),
                      encode(sha256(convert_to(coalesce(string_agg(hash, '' ORDER BY id), ''), 'UTF8')), 'hex')
               FROM iso_trail_event""",
            {"previous": previous_max_event_id},
        )
        return self.env.cr.fetchone()

    @api.model
    def _verify(self):
        """Check every chain and the previous anchor, record the result and alert administrators if broken."""
        started = time.monotonic()
        cr = self.env.cr
        cr.execute("SELECT count(*), count(DISTINCT chain_key), coalesce(max(id), 0) FROM iso_trail_event")
        events, chains, max_event_id = cr.fetchone()
        previous = self.search([], limit=1)
        broken = self._find_broken_link()
        problem = broken_event_id = broken_reference = False
        if broken:
            broken_event_id, broken_reference, problem = broken
            problem = self.env._("Event %(id)s: %(problem)s.", id=broken_event_id, problem=problem)
        previous_count, previous_digest, digest = self._digests(previous.max_event_id or 0)
        if not broken and previous and previous.max_event_id and previous_digest != previous.events_digest:
            problem = self.env._(
                "Events up to %(max)s no longer match the verification of %(date)s: "
                "%(missing)s of them are missing or changed (deleted at the end of a chain, or whole chains).",
                max=previous.max_event_id,
                date=previous.verified_at,
                missing=previous.events_checked - previous_count
                if previous_count < previous.events_checked
                else "some",
            )
        verified_at = fields.Datetime.now()
        state = "broken" if problem else "intact"
        anchor = hashlib.sha256(
            f"{previous.hash or ''}|{verified_at}|{state}|{events}|{max_event_id}|{digest}".encode()
        ).hexdigest()
        verification = (
            workflow(self.sudo())
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "verified_at": verified_at,
                    "state": state,
                    "events_checked": events,
                    "chains_checked": chains,
                    "max_event_id": max_event_id,
                    "events_digest": digest,
                    "broken_event_id": broken_event_id,
                    "broken_reference": broken_reference,
                    "problem": problem,
                    "duration_ms": int((time.monotonic() - started) * 1000),
                    "previous_id": previous.id,
                    "hash": anchor,
                }
            )
        )
        if problem:
            verification._alert_administrators()
        verification._send_anchor()
        return verification

    def _send_anchor(self):
        """Send the anchor hash to the ISO administrators, so that a copy lives outside the database:
        whoever rewrites the trail and recomputes every hash still cannot change what they received."""
        administrators = self._administrators()
        if not administrators:
            return
        self.sudo().message_notify(
            partner_ids=administrators.partner_id.ids,
            subject=self.env._("ISO audit trail %(state)s: anchor %(hash)s", state=self.state, hash=self.hash[:16]),
            body=self.env._(
                "Verification of %(date)s (UTC): %(state)s, %(events)s events up to event %(max)s.\n"
                "Anchor hash: %(hash)s\nEvents digest: %(digest)s\n"
                "Keep this message: it lets an auditor prove later that the trail was not rewritten.",
                date=self.verified_at,
                state=self.state,
                events=self.events_checked,
                max=self.max_event_id,
                hash=self.hash,
                digest=self.events_digest,
            ),
        )

    def _administrators(self):
        return self.env.ref("iso_records.group_iso_administrator").users.filtered(
            lambda user: not user.share and user.active and not user._is_superuser()
        )

    def _alert_administrators(self):
        for user in self._administrators():
            self.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=user.id,
                summary=self.env._("ISO audit trail broken: investigate"),
                note=self.problem,
            )

    def action_verify_now(self):
        if not self.env.user.has_group("iso_records.group_iso_administrator"):
            raise AccessError(
                self.env._("Verify now: ISO administrators run verifications; auditors read their results.")
            )
        verification = self._verify()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": verification.id,
            "view_mode": "form",
            "target": "current",
        }

    @api.model
    def _cron_verify(self):
        return self._verify()
