import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("iso_records_retention_collect_tour", {
    url: "/odoo/action-iso_records.iso_record_action_retention_due",
    steps: () => [
        {
            content: "Records Due lists the record whose retention is over, with the day it was kept until",
            trigger:
                ".o_list_view:has(th[data-name='retention_until']:contains('Retention Until')) .o_data_row:contains('Tour inspection filed six years ago')",
        },
        {
            content: "Records are not created from this list",
            trigger:
                ".o_control_panel:has(.o_breadcrumb .active:contains('Records Due for Disposal')):not(:has(.o_list_button_add))",
        },
        {
            content: "Collect due records now",
            trigger: ".o_list_view button[name='action_collect_due_records']",
            run: "click",
        },
        {
            content: "The notification says what was collected",
            trigger: ".o_notification:contains('Collected 1 record into 1 disposal batch (1 line).')",
        },
        {
            content: "The new batch opens, waiting for approval, with the record in it",
            trigger:
                ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current:contains('To Approve')) .o_field_widget[name='line_ids'] .o_data_row:contains('Tour inspection filed six years ago')",
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
            content: "Open the demo batch, approved and applied",
            // The demo batch is the first ever collected: the last of the batches done (newest first).
            trigger: ".o_list_view .o_data_row:contains('Done'):last td[name='name']",
            run: "click",
        },
        {
            content: "It lists the demo records it disposed of",
            trigger:
                ".o_field_widget[name='line_ids'] .o_data_row:contains('Final Inspection, Large Desk, Lot 12'):contains('Disposed')",
        },
        {
            content: "Its disposal certificate can be printed",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_print_certificate']:contains('Disposal certificate')",
        },
    ],
});
