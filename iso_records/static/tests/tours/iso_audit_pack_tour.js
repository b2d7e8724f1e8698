import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

/** A date as the English (US) user types it: MM/DD/YYYY. */
function typed(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
}

registry.category("web_tour.tours").add("iso_records_audit_pack_tour", {
    url: "/odoo",
    steps: () => {
        const today = new Date();
        const monthAgo = new Date(today.getTime() - 30 * 24 * 3600 * 1000);
        return [
            ...openIsoMenu("menu_iso_overview_root", "menu_iso_audit_pack"),
            {
                content: "New audit pack",
                trigger: ".o_list_view .o_list_button_add",
                run: "click",
            },
            {
                content: "Standard: ISO 9001",
                trigger: ".o_form_view .o_field_widget[name='standard_id'] input",
                run: "edit 9001",
            },
            {
                trigger: ".o-autocomplete--dropdown-item a:contains('ISO 9001:2015')",
                run: "click",
            },
            {
                content: "Clause 7.1.3",
                trigger: ".o_form_view .o_field_widget[name='clause_ids'] input",
                run: "edit Infrastructure",
            },
            {
                trigger: ".o-autocomplete--dropdown-item a:contains('7.1.3 Infrastructure')",
                run: "click",
            },
            {
                content: "The clause is chosen",
                trigger: ".o_field_widget[name='clause_ids'] .o_tag:contains('7.1.3')",
            },
            {
                content: "Period from a month ago",
                trigger: ".o_form_view .o_field_widget[name='date_from'] input",
                run: `edit ${typed(monthAgo)}`,
            },
            {
                content: "to today",
                trigger: ".o_form_view .o_field_widget[name='date_to'] input",
                run: `edit ${typed(today)}`,
            },
            {
                trigger: ".o_form_view .o_field_widget[name='standard_id']",
                run: "click",
            },
            {
                content: "Build",
                trigger: ".o_form_view button[name='action_build']",
                run: "click",
            },
            {
                content: "The pack is done",
                trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
            },
            {
                content: "The Download button appears",
                trigger: ".o_form_view button[name='action_download']:contains('Download')",
            },
        ];
    },
});
