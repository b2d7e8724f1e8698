import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

registry.category("web_tour.tours").add("iso_records_auditor_trail_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("menu_iso_documents", "menu_iso_record_all"),
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
