import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("iso_records_standard_clause_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            content: "Open the Configuration menu",
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_configuration']",
            run: "click",
        },
        {
            content: "Open Standards",
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_standard']",
            run: "click",
        },
        {
            content: "Open ISO 9001:2015",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('ISO 9001:2015')",
            run: "click",
        },
        {
            content: "The form shows the standard",
            trigger: ".o_form_view .o_field_widget[name='title'] input:value('Quality management systems')",
        },
        {
            content: "Clause 9.2.2 is listed with its title",
            trigger: ".o_field_widget[name='clause_ids'] .o_data_row:has(td[name='number']:contains('9.2.2')) td[name='title']:contains('Internal audit')",
            run: "click",
        },
        {
            content: "Clause 9.2.2 opens and sits under 9.2",
            trigger: ".modal .o_field_widget[name='parent_id'] input:value('9.2 Internal audit')",
        },
    ],
});
