import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const EXPIRED_RED = "rgb(244, 165, 160)";

registry.category("web_tour.tours").add("iso_records_competence_matrix_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_competence']",
            run: "click",
        },
        {
            content: "Open the competence matrix",
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_competence_matrix']",
            run: "click",
        },
        {
            content: "Show my department only",
            trigger: ".o_iso_competence_department:has(option:contains('Tour Warehouse'))",
            run() {
                const select = document.querySelector(".o_iso_competence_department");
                const option = [...select.options].find((item) => item.textContent.trim() === "Tour Warehouse");
                select.value = option.value;
                select.dispatchEvent(new Event("change"));
            },
        },
        {
            content: "The requirement is a column",
            trigger: ".o_iso_competence_table th.o_iso_competence_requirement:contains('Tour forklift licence')",
        },
        {
            content: "Only my department's employees are rows",
            trigger: ".o_iso_competence_table tbody:not(:has(.o_iso_competence_row:contains('Tour Outsider')))",
        },
        {
            content: "The driver's expired training is shown in red",
            trigger: ".o_iso_competence_row:contains('Tour Driver') td.o_iso_competence_expired[data-state='expired']",
            run() {
                const cell = document.querySelector(".o_iso_competence_row td.o_iso_competence_expired");
                const colour = getComputedStyle(cell).backgroundColor;
                if (colour !== EXPIRED_RED) {
                    throw new Error(`the expired cell is ${colour}, not red (${EXPIRED_RED})`);
                }
            },
        },
        {
            content: "The newcomer without training is missing (grey)",
            trigger: ".o_iso_competence_row:contains('Tour Newcomer') td.o_iso_competence_missing",
        },
        {
            content: "Open the expired training",
            trigger: ".o_iso_competence_row:contains('Tour Driver') td.o_iso_competence_expired",
            run: "click",
        },
        {
            content: "It is the driver's forklift course",
            trigger: ".o_form_view .o_field_widget[name='title']:contains('Tour forklift course')",
        },
    ],
});
