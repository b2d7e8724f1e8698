import { registry } from "@web/core/registry";
import { buildAuditPackSteps } from "./iso_audit_pack_steps";
import { openIsoMenu } from "./iso_tour_menu";

registry.category("web_tour.tours").add("iso_records_audit_pack_tour", {
    url: "/odoo",
    steps: () => {
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
            ...buildAuditPackSteps("Infrastructure", "7.1.3"),
        ];
    },
});
