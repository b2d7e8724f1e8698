from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.osv import expression as Domain
from odoo.tools import SQL

from ..tools import counted_list_action, text_argument

MANAGERS_AUDITORS = "iso_records.group_iso_manager,iso_records.group_iso_auditor"


class IsoOverview(models.AbstractModel):
    """The landing page of ISO Records: tiles that count what needs doing and open the list they count,
    charts, and the trend of the self-check. Each addon adds its own tiles and charts by extending
    ``_iso_overview_tiles`` and ``_iso_overview_charts``, so what is not installed does not show.

    A tile is a dict:

    - ``key``: unique; ``section``: a key of ``_iso_overview_sections``; ``sequence``; ``label``;
    - ``model`` and ``domain``: the tile counts ``model.search_count(domain)`` as the current user and opens
      that list; tiles of one model are counted in one query;
    - ``groups`` (optional): comma-separated group xmlids, any of which shows the tile;
    - ``severity`` (optional): ``danger``, ``warning`` or ``info``, the colour of a count that is not 0;
    - ``action`` (optional): xmlid of the window action whose views and name open the list;
    - ``compute`` (optional): name of a method of this model returning ``{"value": str, "severity": str}``
      for a tile that shows a value rather than a count (it still opens ``model`` and ``domain``).

    A chart is a dict: ``key``, ``title``, ``sequence``, ``groups`` (optional), ``section`` and ``method``:
    the name of a method of this model returning ``{"kind": "bar" | "stacked_bar" | "line" | "heat_map",
    "labels": [...], "series": [{"label": str, "values": [...]}], "unit": str}`` with the user's access.
    """

    _name = "iso.overview"
    _description = "ISO Records Overview"

    @api.model
    def _iso_overview_sections(self):
        return [
            {"key": "mine", "title": self.env._("My work"), "sequence": 10},
            {
                "key": "system",
                "title": self.env._("Quality system"),
                "sequence": 20,
                "groups": f"{MANAGERS_AUDITORS},iso_records.group_iso_administrator",
            },
        ]

    @api.model
    def _iso_overview_tiles(self):
        return []

    @api.model
    def _iso_overview_charts(self):
        return []

    @api.model
    def _iso_overview_links(self):
        """Buttons at the top of the overview: ``{"key", "label", "sequence", "action": window or client
        action xmlid, "groups" (optional)}``; a link whose action is not installed does not show."""
        return []

    def _iso_overview_shown(self, item):
        groups = item.get("groups")
        if groups and not self.env.user.has_groups(groups):
            return False
        model_name = item.get("model")
        return not model_name or self.env[model_name].has_access("read")

    def _iso_overview_shown_sections(self):
        return {section["key"] for section in self._iso_overview_sections() if self._iso_overview_shown(section)}

    def _iso_overview_visible_tiles(self):
        """The tiles the user sees: shown themselves and in a section shown to them (open_tile opens no other)."""
        sections = self._iso_overview_shown_sections()
        tiles = self._iso_overview_tiles()
        return [tile for tile in tiles if tile["section"] in sections and self._iso_overview_shown(tile)]

    def _iso_overview_counts(self, tiles):
        """{tile key: count} with the current user's access: one query per model, a COUNT FILTER per tile."""
        tiles_by_model = defaultdict(list)
        for tile in tiles:
            tiles_by_model[tile["model"]].append(tile)
        counts = {}
        for model_name, model_tiles in tiles_by_model.items():
            model = self.env[model_name]
            filters = []
            for tile in model_tiles:
                # Each tile's own condition holds its active filter, as search_count(domain) would apply it.
                tile_query = model._where_calc(tile["domain"])
                if tile_query._joins:
                    counts[tile["key"]] = model.search_count(tile["domain"])
                    continue
                filters.append((tile, tile_query))
            if not filters:
                continue
            # Only the rows some tile counts are read with the user's access: a model that filters its
            # search in Python (mail.activity) would otherwise read every row of its table.
            visible = model.with_context(active_test=False)._search(Domain.OR([tile["domain"] for tile, __ in filters]))
            if visible.from_clause.code != filters[0][1].from_clause.code:
                # The user's record rules join other tables: count each tile on its own.
                counts.update((tile["key"], model.search_count(tile["domain"])) for tile, __ in filters)
                continue
            self.env.cr.execute(
                SQL(
                    "SELECT %s FROM %s WHERE %s",
                    SQL(", ").join(SQL("COUNT(*) FILTER (WHERE %s)", query.where_clause) for __, query in filters),
                    visible.from_clause,
                    visible.where_clause,
                )
            )
            row = self.env.cr.fetchone()
            counts.update((tile["key"], count) for (tile, __), count in zip(filters, row, strict=True))
        return counts

    @api.model
    def get_overview(self):
        """What the overview client action shows: sections of tiles and the charts, for the current user."""
        tiles = self._iso_overview_visible_tiles()
        counts = self._iso_overview_counts([tile for tile in tiles if not tile.get("compute")])
        sections = []
        for section in sorted(self._iso_overview_sections(), key=lambda item: item["sequence"]):
            if not self._iso_overview_shown(section):
                continue
            section_tiles = []
            for tile in sorted(tiles, key=lambda item: item.get("sequence", 100)):
                if tile["section"] != section["key"]:
                    continue
                shown = {
                    "key": tile["key"],
                    "label": tile["label"],
                    "count": counts.get(tile["key"]),
                    "value": False,
                    "severity": tile.get("severity", "info"),
                }
                if tile.get("compute"):
                    shown.update(getattr(self, tile["compute"])())
                section_tiles.append(shown)
            if section_tiles:
                sections.append({"key": section["key"], "title": section["title"], "tiles": section_tiles})
        charts = []
        shown_sections = self._iso_overview_shown_sections()
        for chart in sorted(self._iso_overview_charts(), key=lambda item: item.get("sequence", 100)):
            if chart.get("section", "system") in shown_sections and self._iso_overview_shown(chart):
                charts.append(
                    {
                        "key": chart["key"],
                        "title": chart["title"],
                        "section": chart.get("section", "system"),
                        **getattr(self, chart["method"])(),
                    }
                )
        links = [
            {"key": link["key"], "label": link["label"], "action": link["action"]}
            for link in sorted(self._iso_overview_links(), key=lambda item: item.get("sequence", 100))
            if self._iso_overview_shown(link) and self.env.ref(link["action"], raise_if_not_found=False)
        ]
        return {"sections": sections, "charts": charts, "links": links}

    @api.model
    def open_tile(self, key):
        """The list a tile counts: same model, same domain, no default filter that would hide part of it."""
        key = text_argument(self.env, key, self.env._("Tile"))
        tile = next((tile for tile in self._iso_overview_visible_tiles() if tile["key"] == key), None)
        if not tile:
            raise UserError(self.env._("There is no overview tile %(key)s for you.", key=key))
        return counted_list_action(self.env[tile["model"]], tile["label"], tile["domain"], tile.get("action"))
