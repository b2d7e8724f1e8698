import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { listView } from "@web/views/list/list_view";

export const HEAT_MAP_ACTION = "iso_records.iso_risk_heat_map_action";

/**
 * The heat map as one more view of the risk register: a button after the view switcher of its
 * list, kanban, pivot and graph that opens the map in their place, on the same risks (the
 * action's domain and the search the user made, facets included). Pivot and graph are loaded
 * on demand, with Odoo's own (lazy/).
 */
export class IsoRiskHeatMapSwitch extends Component {
    static template = "iso_records.RiskHeatMapSwitch";
    static props = {};

    setup() {
        this.action = useService("action");
    }

    openHeatMap() {
        const searchModel = this.env.searchModel;
        return this.action.doAction(HEAT_MAP_ACTION, {
            props: {
                domain: searchModel.globalDomain,
                globalState: { searchModel: JSON.stringify(searchModel.exportState()) },
            },
            stackPosition: "replaceCurrentAction",
        });
    }
}

export function withHeatMapSwitch(view, template) {
    const Controller = class extends view.Controller {
        static template = template;
        static components = { ...view.Controller.components, IsoRiskHeatMapSwitch };
    };
    return { ...view, Controller };
}

const views = registry.category("views");
views.add("iso_risk_list", withHeatMapSwitch(listView, "iso_records.RiskListView"));
views.add("iso_risk_kanban", withHeatMapSwitch(kanbanView, "iso_records.RiskKanbanView"));
