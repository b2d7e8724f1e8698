import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

// A manager finds what waits for her, and is not offered Approve on her own document.
registry.category("web_tour.tours").add("iso_records_manager_waiting_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("menu_iso_documents", "menu_iso_record_waiting"),
        {
            content: "The colleague's procedure waits for me; my own does not",
            trigger: ".o_list_view:not(:has(td[name='title']:contains('My own procedure'))) .o_data_row td[name='title']:contains('Colleague procedure')",
            run: "click",
        },
        {
            content: "I may approve it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_approve']",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb li.breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            content: "Search everything in review",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            trigger: ".o_searchview_input",
            run: "edit My own procedure",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='title']:contains('My own procedure')",
            run: "click",
        },
        {
            content: "My own document, in review: no Approve button",
            trigger: ".o_form_view .o_field_widget[name='title']:contains('My own procedure')",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('In Review')",
        },
        {
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_open_approve']))",
        },
    ],
});

// An auditor opens clause 9.2.2, its evidence, and is offered no New, Edit or Delete.
registry.category("web_tour.tours").add("iso_records_auditor_clause_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("menu_iso_configuration", "menu_iso_clause"),
        {
            content: "No New button for an auditor",
            trigger: ".o_control_panel:not(:has(.o_list_button_add)) .o_searchview_input",
            run: "edit 9.2.2",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Clauses are grouped by standard: open ISO 9001",
            trigger: ".o_list_view .o_group_header:contains('ISO 9001:2015')",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='number']:contains('9.2.2')",
            run: "click",
        },
        {
            content: "The clause shows its records",
            trigger: ".o_form_view button[name='action_view_records'] .o_stat_text:contains('Records')",
            run: "click",
        },
        {
            content: "The evidence for 9.2.2, and no New button",
            trigger: ".o_control_panel:not(:has(.o_list_button_add))",
        },
        {
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Audit programme 2027')",
            run: "click",
        },
        {
            content: "The record opens read-only",
            trigger: ".o_form_view .o_form_readonly:not(:has(.o_field_widget[name='title'] input))",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "No Delete and no Duplicate for an auditor",
            trigger: ".o-dropdown--menu:not(:has(.dropdown-item:contains('Delete'))):not(:has(.dropdown-item:contains('Duplicate')))",
        },
    ],
});
