import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const inherent = ".o_iso_heat_map[data-map='inherent']";
const residual = ".o_iso_heat_map[data-map='residual']";

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
            content: "The inherent map names its axes",
            trigger: `${inherent} .o_iso_heat_axis_likelihood:contains('Likelihood')`,
        },
        {
            trigger: `${inherent} .o_iso_heat_axis_severity:contains('Severity (impact)')`,
        },
        {
            content: "and what each step of the scales means",
            trigger: `${inherent} th[data-likelihood='5']:contains('Almost certain')`,
        },
        {
            content: "The residual map is scored on the residual values",
            trigger: `${residual} .o_iso_heat_axis_likelihood:contains('Residual Likelihood')`,
        },
        {
            content: "The legend gives each level its colour and its scores",
            trigger: ".o_iso_heat_legend_entry[data-level='critical']:contains('Critical'):contains('16–25') .o_iso_heat_critical",
        },
        {
            trigger: ".o_iso_heat_legend_entry[data-level='high']:contains('High'):contains('10–15') .o_iso_heat_high",
        },
        {
            content: "Search the register from the map",
            trigger: ".o_iso_risk_heat_map .o_searchview_input",
            run: "edit Tour risk",
        },
        {
            trigger: ".o_iso_risk_heat_map .o_searchview_autocomplete li.o_menu_item:first",
            run: "click",
        },
        {
            content: "Only the two tour risks are counted now; the untreated one is not assessed after controls",
            trigger: `${inherent} .o_iso_heat_total:contains('2 in this map')`,
        },
        {
            trigger: `${residual} .o_iso_heat_total:contains('1 in this map'):contains('1 not assessed')`,
        },
        {
            content: "The residual map places the treated risk lower",
            trigger: `${residual} td[data-likelihood='2'][data-severity='3'].o_iso_heat_medium:contains('1')`,
        },
        {
            content: "Show the residual map only",
            trigger: ".o_iso_heat_shown button[data-shown='residual']",
            run: "click",
        },
        {
            trigger: `.o_iso_risk_heat_map:not(:has(${inherent})) ${residual}`,
        },
        {
            trigger: ".o_iso_heat_shown button[data-shown='both']",
            run: "click",
        },
        {
            content: "Switch to the list of the same risks",
            trigger: `.o_iso_risk_heat_map:has(${inherent}) .o_iso_switch_list`,
            run: "click",
        },
        {
            content: "The list keeps the search made on the map",
            trigger: ".o_list_view .o_searchview_facet:contains('Tour risk')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour risk: key supplier insolvency') td[name='level'] .o_iso_risk_level.text-bg-danger:contains('Critical')",
        },
        {
            content: "High has its own colour, not the one of Medium",
            trigger: ".o_list_view .o_data_row:contains('Tour risk: untreated supplier audit') td[name='level'] .o_iso_risk_level.o_iso_risk_level_high:contains('High')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Tour risk: key supplier insolvency') td[name='residual_level'] .o_iso_risk_level.text-bg-warning:contains('Medium')",
        },
        {
            content: "An unassessed residual reads 'Not assessed', not 0",
            trigger: ".o_list_view .o_data_row:contains('Tour risk: untreated supplier audit') td[name='residual_level'] .o_iso_risk_not_assessed",
        },
        {
            content: "Back to the map from the list",
            trigger: ".o_list_view .o_control_panel .o_iso_risk_heat_map_switch",
            run: "click",
        },
        {
            content: "The map keeps the search made on the list",
            trigger: `.o_iso_risk_heat_map:has(.o_searchview_facet:contains('Tour risk')) ${inherent} .o_iso_heat_total:contains('2 in this map')`,
        },
        {
            content: "The switch replaced the list: one breadcrumb",
            trigger: ".o_iso_risk_heat_map .o_control_panel_breadcrumbs:not(:has(.breadcrumb-item))",
        },
        {
            content: "Likelihood 4, severity 5 is critical and holds the supplier risk",
            trigger: `${inherent} td[data-likelihood='4'][data-severity='5'].o_iso_heat_critical:contains('1')`,
            run: "click",
        },
        {
            content: "The cell opens the risks in it",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour risk: key supplier insolvency')",
            run: "click",
        },
        {
            content: "Its form shows the level",
            trigger: ".o_form_view .o_field_widget[name='level'] .o_iso_risk_level:contains('Critical')",
        },
    ],
});
