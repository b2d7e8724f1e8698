import { registry } from "@web/core/registry";
import { openIsoMenu } from "@iso_records/../tests/tours/iso_tour_menu";

const TITLE = "Tour NC: torn labels";

function statusIs(label) {
    return {
        content: `It is ${label}`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current:contains('${label}')`,
    };
}

// An ISO manager finds the new nonconformity in the kanban, triages, starts and closes it with a justification,
// then looks at the nonconformities in the pivot and the graph.
registry.category("web_tour.tours").add("iso_capa_nc_triage_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("iso_records_capa.menu_iso_improvement", "iso_records_capa.menu_iso_nonconformity"),
        {
            content: "Switch to the kanban",
            trigger: ".o_control_panel .o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "The new nonconformity is in the New column",
            trigger: `.o_kanban_group:has(.o_column_title:contains('New')) .o_kanban_record:contains('${TITLE}')`,
            run: "click",
        },
        statusIs("New"),
        {
            content: "Triage it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_triage']",
            run: "click",
        },
        statusIs("Triaged"),
        {
            content: "Start it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start']",
            run: "click",
        },
        statusIs("In Progress"),
        {
            content: "Open the CAPA tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('CAPA')",
            run: "click",
        },
        {
            content: "Say why containment is enough",
            trigger: ".o_form_view .o_field_widget[name='closure_justification'] textarea",
            run: "edit One roll of labels, replaced at the line; no CAPA needed.",
        },
        {
            content: "Close it",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_close']",
            run: "click",
        },
        statusIs("Closed"),
        {
            content: "Back to the nonconformities",
            trigger: ".o_control_panel .breadcrumb-item a",
            run: "click",
        },
        {
            content: "Switch to the pivot",
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows them by source",
            trigger: ".o_pivot table .o_pivot_header_cell_closed:contains('Total'), .o_pivot table th:contains('Total')",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_control_panel .o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
    ],
});
