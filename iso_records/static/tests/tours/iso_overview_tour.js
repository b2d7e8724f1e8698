import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

const overdueRows = ".o_list_view .o_data_row";

registry.category("web_tour.tours").add("iso_records_overview_tour", {
    url: "/odoo",
    steps: () => [
        // The home screen and the app, without choosing a menu of it.
        ...openIsoMenu("menu_iso_overview_root", "menu_iso_overview").slice(0, 2),
        {
            content: "The app opens on the overview",
            trigger: ".o_iso_overview .o_breadcrumb:contains('Overview')",
        },
        {
            content: "My work comes first",
            trigger: ".o_iso_overview_section[data-section='mine'] + .o_iso_overview_section[data-section='system']",
        },
        {
            content: "Two reviews are overdue",
            trigger: "[data-tile='reviews_overdue'] .o_iso_overview_tile_figure:contains('2')",
        },
        {
            content: "Open them",
            trigger: "[data-tile='reviews_overdue']",
            run: "click",
        },
        {
            content: "The list the tile counted",
            trigger: ".o_control_panel .o_breadcrumb:contains('Reviews overdue')",
        },
        {
            trigger: `${overdueRows}:contains('Tour overdue calibration procedure')`,
        },
        {
            content: "exactly the overdue documents, no default filter hiding or adding any",
            trigger: `${overdueRows}:contains('Tour overdue cleaning procedure')`,
            run() {
                const rows = document.querySelectorAll(overdueRows);
                if (rows.length !== 2) {
                    throw new Error(`Reviews overdue: expected 2 rows, got ${rows.length}`);
                }
                if (document.querySelector(".o_searchview_facet")) {
                    throw new Error("Reviews overdue: the list opened with a search filter");
                }
            },
        },
        {
            content: "Back to the overview by the breadcrumb: it loads again",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('Overview')",
            run: "click",
        },
        {
            trigger: ".o_iso_overview [data-tile='reviews_overdue']",
        },
    ],
});
