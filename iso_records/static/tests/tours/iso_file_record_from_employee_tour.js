import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

registry.category("web_tour.tours").add("iso_records_file_from_employee_tour", {
    url: "/odoo/action-hr.hr_employee_public_action",
    steps: () => [
        {
            content: "Open my own employee card",
            trigger: ".o_kanban_record:contains('Tour Employee')",
            run: "click",
        },
        {
            content: "File an ISO record from my employee form",
            trigger: ".o_form_view button[name='action_file_iso_record']",
            run: "click",
        },
        {
            content: "The new record is already linked to me",
            trigger: ".o_form_view .o_field_widget[name='employee_id'] input:value('Tour Employee')",
        },
        {
            content: "Title",
            trigger: ".o_field_widget[name='title'] input",
            run: "edit Forklift safety training",
        },
        {
            content: "Type: training record",
            trigger: ".o_field_widget[name='record_type_id'] input",
            run: "edit Training",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Training Record')",
            run: "click",
        },
        {
            content: "Attach the certificate",
            trigger: ".o_field_widget[name='attachment_ids'] .o_attach",
            async run() {
                const certificate = new File(["forklift certificate"], "forklift-certificate.pdf", {
                    type: "application/pdf",
                });
                await inputFiles(".o_field_widget[name='attachment_ids'] input.o_input_file", [certificate]);
            },
        },
        {
            trigger: ".o_field_widget[name='attachment_ids'] .o_attachment:not(.o_attachment_uploading)[title='forklift-certificate.pdf']",
        },
        {
            content: "File it",
            trigger: ".o_form_view button[name='action_file']",
            run: "click",
        },
        {
            content: "The record is filed and locked",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Filed')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='title'] span:contains('Forklift safety training')",
        },
    ],
});
