import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

// An employee files from My Profile, then from a product variant, and finds the records in My Records.
registry.category("web_tour.tours").add("iso_records_employee_profile_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the user menu",
            trigger: ".o_user_menu .dropdown-toggle",
            run: "click",
        },
        {
            content: "Open My Profile",
            trigger: ".dropdown-item[data-menu='settings']",
            run: "click",
        },
        {
            content: "My Profile shows my ISO records",
            trigger: ".o_form_view button[name='action_view_iso_records'] .o_stat_text:contains('ISO Records')",
        },
        {
            content: "File an ISO record from My Profile",
            trigger: ".o_form_view button[name='action_file_iso_record']",
            run: "click",
        },
        {
            content: "A new record is called New, not '/'",
            trigger: ".o_form_view .oe_title span:contains('New')",
        },
        {
            content: "No status bar before a type is chosen",
            trigger: ".o_form_view:not(:has(.o_statusbar_status))",
        },
        {
            content: "The record is about me",
            trigger: ".o_form_view .o_field_widget[name='employee_id'] input:value('Profile Employee')",
        },
        {
            trigger: ".o_field_widget[name='title'] input",
            run: "edit First aid refresher",
        },
        {
            content: "Open the Type list",
            trigger: ".o_field_widget[name='record_type_id'] input",
            run: "click",
        },
        {
            content: "From an employee, training types come first",
            trigger: ".o-autocomplete--dropdown-item:first-child a:contains('Training')",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Training Record')",
            run: "click",
        },
        {
            content: "Save the draft",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
        ...openIsoMenu("menu_iso_documents", "menu_iso_record_mine"),
        {
            content: "My Records lists the record about me",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('First aid refresher')",
        },
        {
            content: "and the training someone else filed about me",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Forklift course by HR')",
        },
    ],
});

registry.category("web_tour.tours").add("iso_records_product_variant_tour", {
    steps: () => [
        {
            content: "The variant's ISO Records button counts its record",
            trigger: ".o_form_view button[name='action_view_iso_records'] .o_stat_value:contains('1')",
            run: "click",
        },
        {
            content: "It opens the records of the variant",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Caliper check')",
        },
        {
            content: "Back to the variant",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            content: "File an ISO record from the variant",
            trigger: ".o_form_view button[name='action_file_iso_record']",
            run: "click",
        },
        {
            content: "The new record is linked to the variant",
            trigger: ".o_form_view .o_field_widget[name='product_id'] input:value('Tour Caliper')",
        },
        {
            trigger: ".o_field_widget[name='title'] input",
            run: "edit Caliper calibration",
        },
        {
            trigger: ".o_field_widget[name='record_type_id'] input",
            run: "click",
        },
        {
            content: "From a product, inspection and calibration come first",
            trigger: ".o-autocomplete--dropdown-menu:has(.o-autocomplete--dropdown-item:nth-child(-n+3) a:contains('Calibration Certificate'))",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Calibration Certificate')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
