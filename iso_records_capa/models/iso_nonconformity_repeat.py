from odoo import api, fields, models
from odoo.addons.iso_records.tools import iso_int_param
from odoo.tools import SQL, create_index

from .res_config_settings import DEFAULT_REPEAT_WINDOW_DAYS

# What makes an earlier nonconformity the same problem: one of these, set on both.
REPEAT_KEYS = ("product_id", "partner_id", "clause_id", "cause_category")
# A change of these decides again which nonconformities repeat which.
REPEAT_FIELDS = frozenset((*REPEAT_KEYS, "date", "company_id"))


class IsoNonconformity(models.Model):
    """Repeat detection: earlier nonconformities of the same company on the same product, supplier, clause or
    root-cause category within the window of Settings, found for a whole batch in one statement that also
    writes what it found."""

    _inherit = "iso.nonconformity"  # pylint: disable=consider-merging-classes-inherited

    def init(self):  # pylint: disable=missing-return
        super().init()
        # One (key, date) index per key: each branch of the repeat query is a range scan of one of them.
        for key in REPEAT_KEYS:
            create_index(
                self.env.cr,
                f"iso_nonconformity_repeat_{key}_index",
                self._table,
                [key, "date", "company_id"],
                where=f"{key} IS NOT NULL AND state <> 'rejected'",
            )

    @api.model_create_multi
    def create(self, vals_list):
        nonconformities = super().create(vals_list)
        today = fields.Date.context_today(self)
        # A nonconformity dated in the past may make later ones repeats of it.
        backdated = nonconformities.filtered(lambda nonconformity: nonconformity.date < today)
        (nonconformities | backdated._iso_later_nonconformities())._iso_mark_repeats()
        return nonconformities

    def write(self, vals):
        # A rejected nonconformity stops being the earlier one of its repeats.
        if not (REPEAT_FIELDS & set(vals) or vals.get("state") == "rejected"):
            return super().write(vals)
        before = self._iso_later_nonconformities()
        result = super().write(vals)
        (self | before | self._iso_later_nonconformities())._iso_mark_repeats()
        return result

    @api.model
    def _iso_repeat_window_days(self):
        return iso_int_param(self.env, "nc_repeat_window_days", DEFAULT_REPEAT_WINDOW_DAYS)

    def _iso_later_nonconformities(self):
        """The open nonconformities whose repeats depend on these: those that list one of them as earlier,
        and the later ones on the same product, supplier, clause or root-cause category within the window."""
        if not self:
            return self.browse()
        self.flush_recordset([*REPEAT_FIELDS, "state", "repeat_ids"])
        self.env.cr.execute(
            SQL(
                """SELECT later.id
                     FROM iso_nonconformity new
                     JOIN iso_nonconformity later
                       ON later.company_id = new.company_id AND later.id <> ALL(%(ids)s::int[])
                      AND later.state NOT IN ('closed', 'rejected')
                      AND later.date BETWEEN new.date AND new.date + %(window)s
                      AND (later.product_id = new.product_id OR later.partner_id = new.partner_id
                           OR later.clause_id = new.clause_id OR later.cause_category = new.cause_category)
                    WHERE new.id = ANY(%(ids)s::int[])
                    UNION
                   SELECT rel.nonconformity_id
                     FROM iso_nonconformity_repeat_rel rel
                     JOIN iso_nonconformity later ON later.id = rel.nonconformity_id
                    WHERE rel.earlier_id = ANY(%(ids)s::int[]) AND later.state NOT IN ('closed', 'rejected')""",
                ids=self.ids,
                window=self._iso_repeat_window_days(),
            )
        )
        return self.browse(later_id for (later_id,) in self.env.cr.fetchall())

    def _iso_mark_repeats(self):
        """Finds and writes the repeats of these nonconformities in ONE statement, whatever their number: the
        earlier nonconformities (``repeat_ids``), the latest of them (``repeat_of_id``) and their number
        (``repeat_count``). Earlier means of the same company, not rejected, dated within the window before it
        (or the same day and created before it), on the same product, supplier, clause or root-cause category.
        A rejected nonconformity repeats nothing. As a system computation: the writer may not read the earlier
        ones, and the fields are the workflow's."""
        if not self:
            return
        self.flush_recordset([*REPEAT_FIELDS, "state", "repeat_ids", "repeat_of_id", "repeat_count"])
        self.env.cr.execute(
            SQL(
                """WITH new AS (
                        SELECT nc.id, nc.company_id, nc.date, nc.date - %(window)s AS since, nc.product_id,
                               nc.partner_id, nc.clause_id, nc.cause_category
                          FROM iso_nonconformity nc
                         WHERE nc.id = ANY(%(ids)s::int[]) AND nc.state <> 'rejected'
                   ), found AS (
                        SELECT DISTINCT new.id AS nonconformity_id, earlier.id AS earlier_id, earlier.date
                          FROM new
                          JOIN LATERAL (%(branches)s) earlier
                            ON earlier.id <> new.id AND (earlier.date < new.date OR earlier.id < new.id)
                   ), counted AS (
                        SELECT nonconformity_id, count(*) AS repeat_count,
                               (array_agg(earlier_id ORDER BY date DESC, earlier_id DESC))[1] AS latest_id
                          FROM found GROUP BY nonconformity_id
                   ), removed AS (
                        DELETE FROM iso_nonconformity_repeat_rel rel
                         WHERE rel.nonconformity_id = ANY(%(ids)s::int[])
                           AND NOT EXISTS (SELECT 1 FROM found
                                            WHERE found.nonconformity_id = rel.nonconformity_id
                                              AND found.earlier_id = rel.earlier_id)
                   ), added AS (
                        INSERT INTO iso_nonconformity_repeat_rel (nonconformity_id, earlier_id)
                        SELECT nonconformity_id, earlier_id FROM found
                        ON CONFLICT DO NOTHING
                   )
                   UPDATE iso_nonconformity nc
                      SET repeat_count = coalesce(counted.repeat_count, 0), repeat_of_id = counted.latest_id
                     FROM (SELECT unnest(%(ids)s::int[]) AS id) target
                     LEFT JOIN counted ON counted.nonconformity_id = target.id
                    WHERE nc.id = target.id
                      AND (nc.repeat_count IS DISTINCT FROM coalesce(counted.repeat_count, 0)
                           OR nc.repeat_of_id IS DISTINCT FROM counted.latest_id)
                RETURNING nc.id""",
                ids=self.ids,
                window=self._iso_repeat_window_days(),
                branches=SQL(" UNION ALL ").join(
                    SQL(
                        """SELECT e.id, e.date FROM iso_nonconformity e
                            WHERE e.%(key)s = new.%(key)s AND e.date BETWEEN new.since AND new.date
                              AND e.company_id = new.company_id AND e.state <> 'rejected'""",
                        key=SQL.identifier(key),
                    )
                    for key in REPEAT_KEYS
                ),
            )
        )
        changed = self.browse(changed_id for (changed_id,) in self.env.cr.fetchall())
        self.invalidate_recordset(["repeat_ids", "repeat_of_id", "repeat_count"])
        if changed:
            # is_repeat and capa_required follow the values written below the ORM.
            changed.modified(["repeat_of_id", "repeat_count"])
