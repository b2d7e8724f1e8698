import { registry } from "@web/core/registry";
import { openIsoMenu } from "@iso_records/../tests/tours/iso_tour_menu";
import { printReportSteps } from "@iso_records/../tests/tours/iso_tour_report";

const REPORT = "iso_records_audit.report_iso_management_review";
const REVIEW = "Tour review: this year";
const OBJECTIVE = "Tour objective: damaged deliveries";
const STATEMENT = "Tour: kept outside the system, reviewed on paper with the team.";
const DECISION = "Tour: change the packing of desk tops.";
const INPUT_LIST = ".o_field_widget[name='input_ids']";
const OUTPUT_LIST = ".o_field_widget[name='output_ids']";
const INPUTS = `.o_form_view ${INPUT_LIST}`;
const OUTPUTS = `.o_form_view ${OUTPUT_LIST}`;
// The form once saved (nothing left to save).
const SAVED = ".o_form_view .o_form_saved";
const AUDIT_RESULTS = `${INPUTS} .o_data_row:has(td[name='name']:contains('Audit results'))`;
const OBJECTIVES = `${INPUTS} .o_data_row:has(td[name='name']:contains('Quality objectives'))`;
// The one input with neither data nor a statement (its row is red).
const MISSING = `${INPUTS} .o_data_row.text-danger`;

/** A date as the user's (en_US) date fields take it: MM/DD/YYYY. */
function typedDate(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
}

// A manager collects the inputs of a draft review, looks at the audit results and an off-track objective with its
// trend, writes the statement of the one input without data, records a decision with an owner and a deadline, holds
// the review with a signature and prints the minutes.
registry.category("web_tour.tours").add("iso_records_audit_management_review_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("iso_records_audit.menu_iso_management", "iso_records_audit.menu_iso_management_review"),
        {
            content: "Open the draft review",
            trigger: `.o_list_view .o_data_row td[name='title']:contains('${REVIEW}')`,
            run: "click",
        },
        {
            content: "It is a draft",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Draft')",
        },
        {
            content: "Collect the inputs",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_collect_inputs']:contains('Collect inputs')",
            run: "click",
        },
        {
            content: "The inputs are collected",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Inputs collected')",
        },
        {
            content: "The audit results, with the findings in figures",
            trigger: `${AUDIT_RESULTS} td[name='figures_text']:contains(/Findings: [1-9]/):contains('Major nonconformity')`,
        },
        {
            content: "The objectives, one of them off track",
            trigger: `${OBJECTIVES} td[name='figures_text']:contains(/Off track: [1-9]/)`,
        },
        {
            content: "Open the objectives behind the figures",
            trigger: `${OBJECTIVES} button[name='action_open_items']`,
            run: "click",
        },
        {
            content: "Open the off-track objective",
            trigger: `.o_list_view .o_data_row:has(td[name='status']:contains('Off track')) td[name='title']:contains('${OBJECTIVE}')`,
            run: "click",
        },
        {
            content: "It is off track",
            trigger: ".o_form_view .ribbon:contains('Off track')",
        },
        {
            content: "Its trend against the target",
            trigger: ".o_form_view .o_iso_objective_trend canvas",
        },
        {
            content: "Back to the review",
            trigger: `.o_breadcrumb .breadcrumb-item:not(.active) a:contains('${REVIEW}')`,
            run: "click",
        },
        {
            content: "One input has neither data nor a statement",
            trigger: ".o_form_view div[name='missing_inputs']:contains('1 input(s)')",
        },
        {
            content: "Write why there is no data",
            trigger: `${MISSING} td[name='comment']`,
            run: "click",
        },
        {
            trigger: `${INPUTS} .o_data_row.o_selected_row td[name='comment'] textarea`,
            run: `edit ${STATEMENT}`,
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the statement is on its line",
            trigger: `${SAVED} ${INPUT_LIST} .o_data_row:not(.o_selected_row) td[name='comment']:contains('${STATEMENT}')`,
        },
        {
            content: "No input is missing any more",
            trigger: `${SAVED}:not(:has(${INPUT_LIST} .o_data_row.text-danger)):not(:has(div[name='missing_inputs']:visible))`,
        },
        {
            content: "Open the outputs",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Outputs')",
            run: "click",
        },
        {
            content: "Record a decision",
            trigger: `${OUTPUTS} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            trigger: `${OUTPUTS} .o_selected_row td[name='description'] textarea`,
            run: `edit ${DECISION}`,
        },
        {
            content: "Its owner",
            trigger: `${OUTPUTS} .o_selected_row td[name='user_id'] input`,
            run: "edit iso_prod_manager",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('iso_prod_manager')",
            run: "click",
        },
        {
            content: "Its deadline, in two months",
            trigger: `${OUTPUTS} .o_selected_row td[name='date_deadline'] input`,
            async run(actions) {
                const deadline = new Date();
                deadline.setMonth(deadline.getMonth() + 2);
                await actions.edit(typedDate(deadline));
                await actions.press("Enter");
            },
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: the decision has its owner",
            trigger: `${SAVED} ${OUTPUT_LIST} .o_data_row:not(.o_selected_row) td[name='user_id']:contains('iso_prod_manager')`,
        },
        {
            content: "Hold the review",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_open_hold']",
            run: "click",
        },
        {
            content: "The signature dialog shows what is signed",
            trigger: ".modal .o_field_widget[name='content_hash'] span:contains(/^[0-9a-f]{64}$/)",
        },
        {
            content: "Re-enter the password",
            trigger: ".modal .o_field_widget[name='password'] input",
            run: "edit iso_manager",
        },
        {
            content: "Sign",
            trigger: ".modal button[name='action_sign']",
            run: "click",
        },
        {
            content: "The review is held",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Held')",
        },
        {
            content: "With the SHA-256 of its frozen content",
            trigger: ".o_form_view .o_field_widget[name='frozen_hash']:contains(/[0-9a-f]{64}/)",
        },
        ...printReportSteps({
            content: "Print the minutes",
            button: ".o_form_view .o_statusbar_buttons button:contains('Print minutes')",
            report: REPORT,
            check(html, text) {
                for (const expected of [STATEMENT, DECISION, "Audit results", OBJECTIVE, "Hold review"]) {
                    if (!text.includes(expected)) {
                        throw new Error(`The minutes do not show "${expected}"`);
                    }
                }
                if (text.includes("DRAFT")) {
                    throw new Error("The minutes of a held review are marked as a draft");
                }
                if (!/Frozen content SHA-256 [0-9a-f]{64}/.test(text)) {
                    throw new Error("The minutes do not show the frozen content's SHA-256");
                }
            },
        }),
    ],
});
