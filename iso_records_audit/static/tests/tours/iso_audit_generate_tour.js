import { registry } from "@web/core/registry";
import { openIsoMenu } from "@iso_records/../tests/tours/iso_tour_menu";

const TEAM = ".o_form_view .o_field_widget[name='auditor_ids']";

// A manager generates the audits of the programme, is stopped when picking an auditor from the audited
// department, then picks a suggested one.
registry.category("web_tour.tours").add("iso_records_audit_generate_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("iso_records_audit.menu_iso_audit", "iso_records_audit.menu_iso_audit_programme"),
        {
            content: "Open the programme",
            trigger: ".o_list_view .o_data_row td[name='name']:contains('Tour programme')",
            run: "click",
        },
        {
            content: "Generate the audits of the coming period",
            trigger: ".o_form_view button[name='action_generate_audits']",
            run: "click",
        },
        {
            content: "The generated audit is listed",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('audit due')",
            run: "click",
        },
        {
            content: "It is planned",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Planned')",
        },
        {
            content: "Open the team",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Team')",
            run: "click",
        },
        {
            content: "Add a member",
            trigger: `${TEAM} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "Pick someone from the audited department",
            trigger: `${TEAM} .o_selected_row td[name='employee_id'] input`,
            run: "edit Floor auditor",
        },
        {
            content: "Choose them",
            trigger: ".o-autocomplete--dropdown-item a:contains('Floor auditor')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Refused: not independent of the audited department",
            trigger: ".modal .modal-body:contains('Independence'):contains('Floor auditor')",
        },
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Discard the member",
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            content: "Nobody was added",
            trigger: `${TEAM}:not(:has(.o_data_row))`,
        },
        {
            content: "Ask for suggestions",
            trigger: ".o_form_view button[name='action_suggest_auditors']",
            run: "click",
        },
        {
            content: "The dependent auditor is not suggested",
            trigger: ".modal .o_data_row:contains('Lead Auditor (test)')",
        },
        {
            content: "Only independent people are",
            trigger: ".modal .o_field_widget[name='candidate_ids']:not(:contains('Floor auditor'))",
        },
        {
            content: "Add the suggested auditor",
            trigger: ".modal .o_data_row:contains('Lead Auditor (test)') button[name='action_add']",
            run: "click",
        },
        {
            content: "The suggested auditor leads the audit",
            trigger: `${TEAM} .o_data_row:contains('Lead Auditor (test)'):contains('Lead auditor')`,
        },
    ],
});
