import { registry } from "@web/core/registry";
import { graphView } from "@web/views/graph/graph_view";
import { pivotView } from "@web/views/pivot/pivot_view";
import { withHeatMapSwitch } from "@iso_records/risk_heat_map/risk_views";

const views = registry.category("views");
views.add("iso_risk_pivot", withHeatMapSwitch(pivotView, "iso_records.RiskPivotView"));
views.add("iso_risk_graph", withHeatMapSwitch(graphView, "iso_records.RiskGraphView"));
