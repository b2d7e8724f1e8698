import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("iso_records_retention_disposal_tour", {
    url: "/odoo/action-iso_records.iso_config_settings_action",
    steps: () => [
        {
            content: "The ISO Records settings have a retention section",
            trigger: "#iso_retention_grace_days .o_field_widget[name='iso_retention_grace_days'] input",
            run: "edit 5",
        },
        {
            content: "Save the settings",
            trigger: ".o_control_panel .o_form_button_save",
            run() {
                // Saving settings reloads the page; this mark tells the next step when it has happened.
                document.body.classList.add("o_iso_tour_before_reload");
                this.anchor.click();
            },
        },
        {
            content: "Saved, and the page reloaded",
            trigger: "body:not(.o_iso_tour_before_reload) #iso_retention_grace_days input:value(5)",
        },
        {
            content: "Open the retention of each record type",
            trigger: "button[name='action_iso_retention_per_record_type']",
            run: "click",
        },
        {
            content: "Pick the Inspection Report row",
            trigger: ".o_list_view .o_data_row:contains('Inspection Report') td[name='retention_policy_id']",
            run: "click",
        },
        {
            content: "Give it the ten-year policy",
            trigger: ".o_data_row.o_selected_row .o_field_widget[name='retention_policy_id'] input",
            run: "edit Filed + 10",
        },
        {
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Filed + 10 years')",
            run: "click",
        },
        {
            content: "Save the list",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('Inspection Report') td[name='retention_policy_id']:contains('Filed + 10 years')",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_retention']",
            run: "click",
        },
        {
            content: "Open Legal Holds",
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_legal_hold']",
            run: "click",
        },
        {
            content: "Place a new hold, once the Legal Holds list has replaced the previous one",
            trigger: ".o_control_panel:has(.o_breadcrumb .active:contains('Legal Holds')) .o_list_button_add",
            run: "click",
        },
        {
            content: "Its reason",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: "edit Tour: gauge A is evidence in a customer claim",
        },
        {
            content: "Add the record to keep",
            trigger: ".o_field_widget[name='item_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "It is an ISO record",
            trigger: ".o_field_widget[name='item_ids'] .o_data_row .o_field_widget[name='record_ref'] select",
            run: "selectByLabel ISO Record",
        },
        {
            trigger: ".o_field_widget[name='item_ids'] .o_data_row .o_field_widget[name='record_ref'] input",
            run: "edit Tour gauge A",
        },
        {
            content: "Select it",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour gauge A'):not(:contains('Tour gauge B'))",
            run: "click",
        },
        {
            content: "Save the hold",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The hold keeps one record",
            trigger: ".o_form_view .o_field_widget[name='held_count'] span:contains('1')",
        },
        {
            trigger: ".o_main_navbar button[data-menu-xmlid='iso_records.menu_iso_retention']",
            run: "click",
        },
        {
            content: "Open Disposal Batches",
            trigger: ".dropdown-item[data-menu-xmlid='iso_records.menu_iso_disposal_batch']",
            run: "click",
        },
        {
            content: "Open the batch the sweep collected",
            trigger: ".o_list_view .o_data_row:contains('To Approve') td[name='name']",
            run: "click",
        },
        {
            content: "The held record is kept out",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Tour gauge A'):contains('Kept: legal hold')",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name='action_open_decision']",
            run: "click",
        },
        {
            content: "Sign with the password",
            trigger: ".modal .o_field_widget[name='password'] input",
            run: "edit tour_iso_admin",
        },
        {
            trigger: ".modal button[name='action_approve']",
            run: "click",
        },
        {
            content: "The batch is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Approved')",
        },
        {
            content: "Dispose now",
            trigger: ".o_form_view button[name='action_dispose_now']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The batch is done and the certificate can be printed",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
        {
            trigger: ".o_form_view button[name='action_print_certificate']",
        },
        {
            content: "Gauge B is disposed",
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Tour gauge B'):contains('Disposed')",
        },
    ],
});
