import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

registry.category("web_tour.tours").add("iso_records_evidence_map_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("menu_iso_overview_root", "menu_iso_evidence_map"),
        {
            content: "Choose ISO 9001:2015",
            trigger: ".o_iso_evidence_map select.o_iso_evidence_standard",
            run: "selectByLabel ISO 9001:2015",
        },
        {
            content: "Its clauses are listed, each kind of evidence in a column",
            trigger: ".o_iso_evidence_map tr[data-clause-code='7.5.3'] td[data-column='documents']",
        },
        {
            content: "A clause without evidence is a gap, coloured",
            trigger: ".o_iso_evidence_map tr.o_iso_evidence_gap.table-danger[data-clause-code]",
        },
        {
            content: "Gaps only hides the clauses with evidence",
            trigger: ".o_iso_evidence_map input.o_iso_evidence_gaps",
            run: "click",
        },
        {
            trigger: ".o_iso_evidence_map tbody:not(:has(tr[data-clause-code='7.5.3']))",
        },
        {
            trigger: ".o_iso_evidence_map input.o_iso_evidence_gaps",
            run: "click",
        },
        {
            content: "Open clause 7.5.3",
            trigger: ".o_iso_evidence_map tr[data-clause-code='7.5.3'] a.o_iso_evidence_clause_link",
            run: "click",
        },
        {
            content: "Its evidence: the records linked to it",
            trigger: ".o_form_view button[name='action_view_records']",
            run: "click",
        },
        {
            content: "The document seeded on 7.5.3 is there",
            trigger: ".o_list_view .o_data_row td:contains('Control of documented information (tour)')",
        },
        {
            content: "Back to the map by the breadcrumb: the standard is still chosen",
            trigger: ".o_breadcrumb li.breadcrumb-item a:contains('Clause Evidence Map')",
            run: "click",
        },
        {
            trigger: ".o_iso_evidence_map select.o_iso_evidence_standard option:checked:contains('ISO 9001:2015'):not(:visible)",
        },
        {
            trigger: ".o_iso_evidence_map tr[data-clause-code='7.5.3']",
        },
    ],
});
