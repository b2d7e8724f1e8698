import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("iso_records_auditor_trail_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_documents']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_record_all']",
            run: "click",
        },
        {
            content: "Open the approved procedure",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour trail procedure')",
            run: "click",
        },
        {
            content: "The auditor reads it but cannot edit it",
            trigger: ".o_form_view .o_field_widget[name='title'] span:contains('Tour trail procedure')",
        },
        {
            content: "Open its audit trail",
            trigger: ".o_form_view button[name='action_view_trail']:contains('Audit trail')",
            run: "click",
        },
        {
            content: "Creation is there",
            trigger: ".o_list_view .o_data_row td[name='event_type']:contains('Created')",
        },
        {
            content: "The approval signature is there, with its reason",
            trigger: ".o_list_view .o_data_row:has(td[name='event_type']:contains('Signed')) td[name='reason']:contains('Approved')",
        },
        {
            content: "Open the signature event",
            trigger: ".o_list_view .o_data_row td[name='event_type']:contains('Signed')",
            run: "click",
        },
        {
            content: "It shows its hash and the link to the event before it",
            trigger: ".o_form_view .o_field_widget[name='previous_hash'] span:contains(/^[0-9a-f]{64}$/)",
        },
    ],
});
