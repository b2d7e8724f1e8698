import { registry } from "@web/core/registry";

// On a supplier with a calibration record and a risk, the ISO smart button counts both and opens one
// line per kind of record; each line opens its list.
registry.category("web_tour.tours").add("iso_records_supplier_evidence_tour", {
    steps: () => [
        {
            content: "The smart button counts the record and the risk",
            trigger: ".o_form_view button[name='action_view_iso_records'] .o_stat_value:contains('2')",
            run: "click",
        },
        {
            content: "One line per kind",
            trigger: ".modal .o_data_row:contains('ISO Risk or Opportunity')",
        },
        {
            trigger: ".modal .o_data_row:contains('ISO Risk or Opportunity') button[name='action_open']",
            run: "click",
        },
        {
            content: "The supplier's risks",
            trigger: ".o_list_view .o_data_row:contains('Tour supplier risk: late calibration')",
        },
    ],
});
