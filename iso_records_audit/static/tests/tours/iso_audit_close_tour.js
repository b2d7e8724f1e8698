import { registry } from "@web/core/registry";
import { openIsoMenu } from "@iso_records/../tests/tours/iso_tour_menu";
import { printReportSteps } from "@iso_records/../tests/tours/iso_tour_report";

const REPORT = "iso_records_audit.report_iso_audit";
const CHECKLIST = ".o_form_view .o_field_widget[name='line_ids']";
const INSTRUCTIONS_LINE = `${CHECKLIST} .o_data_row:has(td[name='question']:contains('work instructions'))`;
const TRACEABILITY_LINE = `${CHECKLIST} .o_data_row:has(td[name='question']:contains('traced'))`;
// The line being edited (its question is then in a text box, not in the cell's text).
const SELECTED_LINE = `${CHECKLIST} .o_data_row.o_selected_row`;

/** The steps that give a checklist line its result. */
function setResult(line, result, content) {
    return [
        {
            content,
            trigger: `${line} td[name='result']`,
            run: "click",
        },
        {
            content: `Result ${result}`,
            trigger: `${SELECTED_LINE} td[name='result'] select`,
            run: `select "${result}"`,
        },
    ];
}

// An auditor fills the checklist, raises a minor finding, closes the audit with a signature and prints the report.
registry.category("web_tour.tours").add("iso_records_audit_close_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("iso_records_audit.menu_iso_audit", "iso_records_audit.menu_iso_audit_all"),
        {
            content: "Open the audit in fieldwork",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour audit: assembly')",
            run: "click",
        },
        {
            content: "It is in fieldwork",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Fieldwork')",
        },
        {
            content: "Open the checklist",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Checklist')",
            run: "click",
        },
        ...setResult(INSTRUCTIONS_LINE, "conform", "The work instructions are current: conform"),
        ...setResult(TRACEABILITY_LINE, "minor", "A unit cannot be traced: minor nonconformity"),
        {
            content: "With its evidence",
            trigger: `${SELECTED_LINE} td[name='evidence_notes'] textarea`,
            run: "edit Unit 1187 could not be traced to its batch of bearings.",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
        {
            content: "Raise a finding from the minor nonconformity",
            trigger: `${TRACEABILITY_LINE} button[name='action_raise_finding']`,
            run: "click",
        },
        {
            content: "The finding is a minor nonconformity",
            trigger: ".o_form_view .o_field_widget[name='grade'] select:has(option:selected:contains('Minor nonconformity'))",
        },
        {
            content: "on the line's clause",
            trigger: ".o_form_view .o_field_widget[name='clause_id'] input:value('8.5.2')",
        },
        {
            content: "with the line's evidence",
            trigger: ".o_form_view .o_field_widget[name='evidence'] textarea:value('Unit 1187')",
        },
        {
            content: "Back to the audit",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a:contains('Tour audit: assembly')",
            run: "click",
        },
        {
            content: "Start reporting",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_start_reporting']",
            run: "click",
        },
        {
            content: "The audit is in reporting",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Reporting')",
        },
        {
            content: "Open the report tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Report')",
            run: "click",
        },
        {
            content: "Write the report summary",
            trigger: ".o_form_view .o_field_widget[name='summary'] .odoo-editor-editable",
            run: "editor Assembly works to current instructions; one unit could not be traced.",
        },
        {
            content: "Close the audit",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_close']",
            run: "click",
        },
        {
            content: "The signature dialog shows what is signed",
            trigger: ".modal .o_field_widget[name='content_hash'] span:contains(/^[0-9a-f]{64}$/)",
        },
        {
            content: "Re-enter the password",
            trigger: ".modal .o_field_widget[name='password'] input",
            run: "edit audit_lead",
        },
        {
            content: "Sign",
            trigger: ".modal button[name='action_sign']",
            run: "click",
        },
        {
            content: "The audit is closed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
        ...printReportSteps({
            content: "Print the report",
            button: ".o_form_view .o_statusbar_buttons button:contains('Print report')",
            report: REPORT,
            check(html, text) {
                for (const expected of ["Minor nonconformity (1)", "Unit 1187 could not be traced", "Close audit"]) {
                    if (!text.includes(expected)) {
                        throw new Error(`The audit report does not show "${expected}"`);
                    }
                }
                if (!/<code class="o_iso_hash">[0-9a-f]{64}<\/code>/.test(html)) {
                    throw new Error("The audit report does not show the signature's content hash");
                }
            },
        }),
    ],
});
