import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("iso_records_acknowledge_revision_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open my activities",
            trigger: ".o_menu_systray button:has(i[aria-label='Activities'])",
            run: "click",
        },
        {
            content: "The revised procedure waits for me to read it (due in a few days)",
            trigger: ".o-mail-ActivityGroup:contains('ISO Record') span:contains('Future')",
            run: "click",
        },
        {
            content: "Open the revised procedure",
            trigger: ".o_data_row td[name='title']:contains('Tour warehouse safety rules')",
            run: "click",
        },
        {
            content: "The form tells me to read it",
            trigger: ".o_form_view .alert-info:contains('read and understand this revision')",
        },
        {
            content: "It is revision 2",
            trigger: ".o_form_view .o_field_widget[name='revision_number']:contains('2')",
        },
        {
            content: "I have read and understood",
            trigger: ".o_form_view button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The activity is done, with the revision",
            trigger: ".o-mail-Message:contains('Read and understood revision 2')",
        },
        {
            content: "Nothing left to acknowledge",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name='action_acknowledge']))",
        },
    ],
});
