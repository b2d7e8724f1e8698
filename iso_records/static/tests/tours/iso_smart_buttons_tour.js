import { registry } from "@web/core/registry";

// Run on every form that shows the ISO buttons (employee, public employee, product template and variant,
// supplier, My Profile): both buttons work and "File ISO record" links the new record to the document.
registry.category("web_tour.tours").add("iso_records_smart_buttons_tour", {
    steps: () => [
        {
            content: "ISO Records counts the one record about this document",
            trigger: ".o_form_view button[name='action_view_iso_records'] .o_stat_value:contains('1')",
            run: "click",
        },
        {
            content: "and opens it",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Smart button evidence')",
        },
        {
            content: "Back to the document",
            trigger: ".o_breadcrumb li.breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            content: "File ISO record",
            trigger: ".o_form_view button[name='action_file_iso_record']",
            run: "click",
        },
        {
            content: "The new record is linked to the document it is filed from",
            trigger: ".o_form_view .o_field_widget[name='title'] input",
            run() {
                const linked = ["employee_id", "product_id", "partner_id"].filter(
                    (name) => document.querySelector(`.o_field_widget[name='${name}'] input`)?.value
                );
                if (linked.length !== 1) {
                    throw new Error(`the new record should have one link, it has: ${linked.join(", ")}`);
                }
            },
        },
        {
            content: "Discard",
            trigger: ".o_form_view .o_form_button_cancel",
            run: "click",
        },
        {
            trigger: ".o_form_view button[name='action_file_iso_record']",
        },
    ],
});
