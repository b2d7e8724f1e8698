import { Component, onWillStart, onWillUpdateProps, useState } from "@odoo/owl";
import { Domain } from "@web/core/domain";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { KeepLast } from "@web/core/utils/concurrency";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import { Layout } from "@web/search/layout";
import { SearchBar } from "@web/search/search_bar/search_bar";
import { useSearchBarToggler } from "@web/search/search_bar/search_bar_toggler";
import { WithSearch } from "@web/search/with_search/with_search";
import { session } from "@web/session";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const RISK_ACTION = "iso_records.iso_risk_action";
// The multi-record views of the risk register the map switches to, in the order of its view switcher.
const REGISTER_VIEWS = ["list", "kanban", "pivot", "graph"];
const SHOWN_MAPS = ["both", "inherent", "residual"];

/**
 * The search of a list the map was opened from, without its groupings: the map has none.
 */
function searchStateWithoutGroupings(globalState) {
    if (!globalState?.searchModel) {
        return undefined;
    }
    const state = JSON.parse(globalState.searchModel);
    state.query = state.query.filter(
        ({ searchItemId }) => !["groupBy", "dateGroupBy"].includes(state.searchItems[searchItemId]?.type)
    );
    return { ...globalState, searchModel: JSON.stringify(state) };
}

/**
 * Two 5x5 heat maps of the risk register, inherent and residual: likelihood upwards, severity
 * across, each cell coloured by the level its score falls in (thresholds of Settings) and showing
 * how many risks sit there; a click opens those risks. The risk search view filters both maps,
 * and the view switcher opens the register's list, kanban, pivot or graph on the same risks.
 */
export class IsoRiskHeatMap extends Component {
    static template = "iso_records.RiskHeatMap";
    static components = { Layout, SearchBar };
    static props = {
        actionDomain: Array,
        domain: Array,
        display: Object,
        shown: String,
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.keepLast = new KeepLast();
        this.searchBarToggler = useSearchBarToggler();
        this.state = useState({ maps: [], shown: this.props.shown });
        useSetupAction({ getGlobalState: () => ({ heatMapShown: this.state.shown }) });
        onWillStart(() => this.load(this.props.domain));
        onWillUpdateProps((nextProps) => this.load(nextProps.domain));
    }

    async load(domain) {
        const [inherent, residual] = await this.keepLast.add(
            Promise.all([
                this.orm.call("iso.risk", "get_heat_map", [], { residual: false, domain }),
                this.orm.call("iso.risk", "get_heat_map", [], { residual: true, domain }),
            ])
        );
        inherent.title = _t("Inherent risk");
        residual.title = _t("Residual risk (after controls)");
        this.state.maps = [inherent, residual];
    }

    show(shown) {
        this.state.shown = shown;
    }

    get shownMaps() {
        return this.state.maps.filter(
            (map) => this.state.shown === "both" || (map.residual ? "residual" : "inherent") === this.state.shown
        );
    }

    get legend() {
        return this.state.maps[0]?.legend || [];
    }

    get shownChoices() {
        const labels = { both: _t("Both"), inherent: _t("Inherent"), residual: _t("Residual") };
        return SHOWN_MAPS.map((value) => ({ value, label: labels[value] }));
    }

    get registerViews() {
        return REGISTER_VIEWS.filter((type) => session.view_info[type]).map((type) => ({
            type,
            icon: session.view_info[type].icon,
            name: session.view_info[type].display_name,
        }));
    }

    rows(map) {
        return map.likelihood_steps.map((step, index) => ({
            step,
            cells: map.cells.slice(index * 5, index * 5 + 5),
        }));
    }

    cellTitle(map, cell) {
        return _t("%(level)s: score %(score)s (likelihood %(likelihood)s × severity %(severity)s)", {
            level: map.levels[cell.level],
            score: cell.likelihood * cell.severity,
            likelihood: cell.likelihood,
            severity: cell.severity,
        });
    }

    openCell(map, cell) {
        if (!cell.count) {
            return;
        }
        const inCell = [
            [map.likelihood_field, "=", cell.likelihood],
            [map.severity_field, "=", cell.severity],
        ];
        return this.action.doAction({
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
            domain: Domain.and([this.props.domain, inCell]).toList(),
        });
    }

    /**
     * The register in the map's place, on the same risks: the domain it was opened with and the
     * search the user made here.
     */
    async openRegister(viewType) {
        const searchModel = this.env.searchModel;
        const action = await this.action.loadAction(RISK_ACTION);
        if (this.props.actionDomain.length) {
            action.domain = Domain.and([action.domain || [], this.props.actionDomain]).toList();
        }
        return this.action.doAction(action, {
            viewType,
            props: { globalState: { searchModel: JSON.stringify(searchModel.exportState()) } },
            stackPosition: "replaceCurrentAction",
        });
    }
}

/**
 * The client action: the risk search view around the map, restored when coming back to it and
 * carried over from the list the map was opened from.
 */
export class IsoRiskHeatMapAction extends Component {
    static template = "iso_records.RiskHeatMapAction";
    static components = { WithSearch, IsoRiskHeatMap };
    static props = {
        ...standardActionServiceProps,
        domain: { type: Array, optional: true },
    };

    setup() {
        const { action, domain, globalState } = this.props;
        this.actionDomain = domain || [];
        this.shown = SHOWN_MAPS.includes(globalState?.heatMapShown) ? globalState.heatMapShown : "both";
        this.withSearchProps = {
            resModel: "iso.risk",
            searchViewId: false,
            context: action.context || {},
            domain: this.actionDomain,
            globalState: searchStateWithoutGroupings(globalState),
            loadIrFilters: true,
            searchMenuTypes: ["filter", "favorite"],
        };
    }
}

registry.category("actions").add("iso_risk_heat_map", IsoRiskHeatMapAction);
