import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * Two 5x5 heat maps of the risk register, inherent and residual: likelihood upwards,
 * severity across, each cell coloured by the level its score falls in (Settings) and
 * showing how many risks sit there; a click opens those risks.
 */
export class IsoRiskHeatMap extends Component {
    static template = "iso_records.RiskHeatMap";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ maps: [] });
        onWillStart(() => this.load());
    }

    async load() {
        const [inherent, residual] = await Promise.all([
            this.orm.call("iso.risk", "get_heat_map", [], { residual: false }),
            this.orm.call("iso.risk", "get_heat_map", [], { residual: true }),
        ]);
        inherent.title = _t("Inherent risk");
        residual.title = _t("Residual risk (after controls)");
        this.state.maps = [inherent, residual];
    }

    rows(map) {
        const rows = [];
        for (let index = 0; index < map.cells.length; index += 5) {
            rows.push(map.cells.slice(index, index + 5));
        }
        return rows;
    }

    openCell(map, cell) {
        if (!cell.count) {
            return;
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("%(title)s: likelihood %(likelihood)s, severity %(severity)s", {
                title: map.title,
                likelihood: cell.likelihood,
                severity: cell.severity,
            }),
            res_model: "iso.risk",
            views: [
                [false, "list"],
                [false, "form"],
            ],
            domain: [
                [map.likelihood_field, "=", cell.likelihood],
                [map.severity_field, "=", cell.severity],
            ],
        });
    }
}

registry.category("actions").add("iso_risk_heat_map", IsoRiskHeatMap);
