import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// Colours of the series of a chart, in order (Bootstrap's own, so that they follow the theme).
const SERIES_COLOURS = ["success", "warning", "danger", "secondary", "info", "primary"];
// Series of the training compliance chart keep the matrix's colours whatever their order.
const STATE_COLOURS = { valid: "success", expiring: "warning", expired: "danger", missing: "secondary" };

/**
 * The landing page of ISO Records: links, then each section's tiles (a count, or a value, that opens
 * the list it counts), then the charts. Everything comes from iso.overview.get_overview, computed
 * with the user's access; the component only lays it out. Coming back by the breadcrumb mounts it
 * again, which loads fresh figures.
 */
export class IsoOverview extends Component {
    static template = "iso_records.Overview";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("iso.overview", "get_overview", []);
    }

    get isEmpty() {
        const data = this.state.data;
        return data && !data.sections.length && !data.charts.length && !data.links.length;
    }

    tileClass(tile) {
        if (tile.count === 0) {
            return "o_iso_overview_tile_clear";
        }
        return `o_iso_overview_tile_${tile.severity || "info"}`;
    }

    tileFigure(tile) {
        return tile.value || (tile.count === null || tile.count === undefined ? "" : String(tile.count));
    }

    async openTile(tile) {
        const action = await this.orm.call("iso.overview", "open_tile", [tile.key]);
        await this.action.doAction(action);
    }

    openLink(link) {
        return this.action.doAction(link.action);
    }

    chartIsEmpty(chart) {
        return !chart.labels.length || chart.series.every((serie) => serie.values.every((value) => !value));
    }

    serieColour(chart, serie, index) {
        return STATE_COLOURS[serie.key] || SERIES_COLOURS[index % SERIES_COLOURS.length];
    }

    /** Bars: one per label, the sum of its series (one series for "bar"), as a share of the longest. */
    bars(chart) {
        const totals = chart.labels.map((label, index) =>
            chart.series.reduce((sum, serie) => sum + (serie.values[index] || 0), 0)
        );
        const longest = Math.max(1, ...totals);
        return chart.labels.map((label, index) => ({
            label,
            total: totals[index],
            parts: chart.series.map((serie, serieIndex) => ({
                key: serie.key || serie.label,
                label: serie.label,
                value: serie.values[index] || 0,
                width: ((serie.values[index] || 0) / longest) * 100,
                colour: this.serieColour(chart, serie, serieIndex),
            })),
        }));
    }

    /** A line chart as SVG points on a 100 x 40 view box, one polyline per series. */
    lines(chart) {
        const values = chart.series.flatMap((serie) => serie.values.map((value) => value || 0));
        const highest = Math.max(1, ...values);
        const step = chart.labels.length > 1 ? 100 / (chart.labels.length - 1) : 0;
        return chart.series.map((serie, serieIndex) => ({
            label: serie.label,
            colour: this.serieColour(chart, serie, serieIndex + 4),
            points: serie.values
                .map((value, index) => `${(index * step).toFixed(2)},${(38 - ((value || 0) / highest) * 36).toFixed(2)}`)
                .join(" "),
        }));
    }

    /** Heat map cells: the more risks, the more opaque their colour (relative to the fullest cell). */
    heatCellStyle(chart, value) {
        const highest = Math.max(1, ...chart.series.flatMap((serie) => serie.values));
        return `opacity: ${(0.2 + 0.6 * (value / highest)).toFixed(2)};`;
    }

    get emptyText() {
        return _t("No data yet");
    }
}

registry.category("actions").add("iso_records.overview", IsoOverview);
