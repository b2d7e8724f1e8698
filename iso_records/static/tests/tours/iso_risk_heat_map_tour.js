import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("iso_records_risk_heat_map_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_risk']",
            run: "click",
        },
        {
            content: "Open the heat map",
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_risk_heat_map']",
            run: "click",
        },
        {
            content: "The residual map places the treated risk lower",
            trigger: ".o_iso_heat_map[data-map='residual'] td[data-likelihood='2'][data-severity='3'].o_iso_heat_medium:contains('1')",
        },
        {
            content: "Likelihood 4, severity 5 is critical and holds the supplier risk",
            trigger: ".o_iso_heat_map[data-map='inherent'] td[data-likelihood='4'][data-severity='5'].o_iso_heat_critical:contains('1')",
            run: "click",
        },
        {
            content: "The cell opens the risks in it",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour risk: key supplier insolvency')",
            run: "click",
        },
        {
            content: "Its form shows the level",
            trigger: ".o_form_view .o_field_widget[name='level'] span:contains('Critical')",
        },
    ],
});
