import { registry } from "@web/core/registry";
import { openIsoMenu } from "./iso_tour_menu";

registry.category("web_tour.tours").add("iso_records_approve_procedure_tour", {
    url: "/odoo",
    steps: () => [
        ...openIsoMenu("menu_iso_documents", "menu_iso_record_to_approve"),
        {
            content: "Open the procedure waiting for approval",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour procedure: handling of returns')",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o_form_view button[name='action_open_approve']",
            run: "click",
        },
        {
            content: "The signature dialog shows what is signed",
            trigger: ".modal .o_field_widget[name='content_hash'] span:contains(/^[0-9a-f]{64}$/)",
        },
        {
            content: "Re-enter the password",
            trigger: ".modal .o_field_widget[name='password'] input",
            run: "edit tour_iso_manager",
        },
        {
            content: "Sign",
            trigger: ".modal button[name='action_sign']",
            run: "click",
        },
        {
            content: "The procedure is effective",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Effective')",
        },
        {
            content: "Open the signatures",
            trigger: ".o_notebook .nav-link:contains('Signatures')",
            run: "click",
        },
        {
            content: "My signature, with its meaning",
            trigger: ".o_field_widget[name='signature_ids'] .o_data_row:contains('Tour ISO Manager'):contains('Approved')",
        },
        {
            content: "Open the revisions",
            trigger: ".o_notebook .nav-link:contains('Revisions')",
            run: "click",
        },
        {
            content: "Revision 1, approved by me",
            trigger: ".o_field_widget[name='history_revision_ids'] .o_data_row td[name='approver_id']:contains('Tour ISO Manager')",
        },
    ],
});
