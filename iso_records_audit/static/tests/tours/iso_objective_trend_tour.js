import { registry } from "@web/core/registry";

/** The objectives list coloured by status, and an objective's trend chart drawn by Chart.js. */
registry.category("web_tour.tours").add("iso_objective_trend_tour", {
    steps: () => [
        {
            content: "An off-track objective is red in the list",
            trigger: ".o_list_view tr.o_data_row.text-danger td:contains('Tour objective: on-time delivery')",
            run: "click",
        },
        {
            content: "Its form says it is off track",
            trigger: ".o_form_view .ribbon:contains('Off track')",
        },
        {
            content: "Chart.js drew the trend into the canvas",
            trigger: ".o_iso_objective_trend canvas[style*='box-sizing']",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "An objective inside its band is green",
            trigger: ".o_list_view tr.o_data_row.text-success td:contains('Tour objective: stock accuracy')",
            run: "click",
        },
        {
            content: "The band is drawn too",
            trigger: ".o_form_view:has(.ribbon:contains('On track')) .o_iso_objective_trend canvas[style*='box-sizing']",
        },
    ],
});
