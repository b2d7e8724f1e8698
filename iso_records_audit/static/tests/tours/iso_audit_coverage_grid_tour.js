import { registry } from "@web/core/registry";

const grid = ".o_iso_coverage_grid .o_iso_coverage_table";

/** A programme's coverage grid: opened from the programme, paged by clause, coloured per clause and quarter
 * (or half-year), and a coloured cell opens its audits. */
registry.category("web_tour.tours").add("iso_audit_coverage_grid_tour", {
    steps: () => [
        {
            content: "Open the coverage grid from the programme",
            trigger: ".o_form_view button[name='action_open_coverage_grid']",
            run: "click",
        },
        {
            content: "A clause no line covers is a gap",
            trigger: `${grid} tr[data-clause='4'] td.o_iso_coverage_cell[data-status='gap']`,
        },
        {
            trigger: ".o_iso_coverage_pager:contains('1-40 /')",
        },
        {
            content: "Next page of clauses",
            trigger: ".o_iso_coverage_next",
            run: "click",
        },
        {
            content: "8.4 was audited in the first quarter with a minor nonconformity",
            trigger: `${grid} tr[data-clause='8.4'] td.o_iso_coverage_cell:nth-child(4)[data-status='minor']`,
        },
        {
            content: "9.2 is planned in the third quarter",
            trigger: `${grid} tr[data-clause='9.2'] td.o_iso_coverage_planned`,
        },
        {
            trigger: `${grid} th.o_iso_coverage_period_head:contains('2026 Q3')`,
        },
        {
            content: "Show half-years",
            trigger: ".o_iso_coverage_period button[data-period='half']",
            run: "click",
        },
        {
            trigger: `${grid} th.o_iso_coverage_period_head:contains('2026 H2')`,
        },
        {
            content: "The minor cell opens the audit",
            trigger: `${grid} tr[data-clause='8.4'] td.o_iso_coverage_minor`,
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Programme test audit')",
        },
    ],
});
