import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const MEASURED_COLOR = "#1f77b4";
const TARGET_COLOR = "#28a745";
const BAND_COLOR = "rgba(40, 167, 69, 0.12)";

/**
 * The trend of an objective: its measurements as a line, against the target as a dashed line (for
 * "between", the two limits with the accepted band between them). Reads the objective's trend_chart
 * (periods, values, target, direction), recomputed by the server as measurements are edited; Chart.js
 * is loaded the way the graph view loads it.
 */
export class IsoObjectiveTrend extends Component {
    static template = "iso_records_audit.ObjectiveTrend";
    static props = { ...standardFieldProps };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            () => this.renderChart(),
            () => [this.props.record.data[this.props.name]]
        );
        onWillUnmount(() => this.chart?.destroy());
    }

    get trend() {
        return this.props.record.data[this.props.name] || {};
    }

    get points() {
        return this.trend.points || [];
    }

    datasets(labels) {
        const trend = this.trend;
        const flat = (value) => labels.map(() => value);
        const limit = { borderDash: [6, 4], borderColor: TARGET_COLOR, pointRadius: 0, borderWidth: 2 };
        const measured = {
            label: _t("Measured"),
            data: this.points.map((point) => point[1]),
            borderColor: MEASURED_COLOR,
            backgroundColor: MEASURED_COLOR,
            fill: false,
            tension: 0,
        };
        if (trend.direction === "between") {
            return [
                measured,
                { ...limit, label: _t("Lowest accepted"), data: flat(trend.target), fill: false },
                {
                    ...limit,
                    label: _t("Highest accepted"),
                    data: flat(trend.target_max),
                    backgroundColor: BAND_COLOR,
                    fill: "-1",
                },
            ];
        }
        return [measured, { ...limit, label: _t("Target"), data: flat(trend.target), fill: false }];
    }

    renderChart() {
        this.chart?.destroy();
        this.chart = null;
        if (!this.canvasRef.el) {
            return;
        }
        const labels = this.points.map((point) => point[0]);
        this.chart = new Chart(this.canvasRef.el, {
            type: "line",
            data: { labels, datasets: this.datasets(labels) },
            options: {
                maintainAspectRatio: false,
                animation: false,
                plugins: { legend: { position: "bottom" } },
                scales: { y: { title: { display: Boolean(this.trend.unit), text: this.trend.unit || "" } } },
            },
        });
    }
}

registry.category("fields").add("iso_objective_trend", {
    component: IsoObjectiveTrend,
    supportedTypes: ["json"],
});
