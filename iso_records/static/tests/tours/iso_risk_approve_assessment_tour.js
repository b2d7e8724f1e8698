import { registry } from "@web/core/registry";

// A manager signs the assessment of a risk another manager wrote: the same signature dialog as
// documents, keyed to the risk; the signature then shows on the risk.
registry.category("web_tour.tours").add("iso_records_risk_approve_assessment_tour", {
    steps: () => [
        {
            content: "Approve the assessment",
            trigger: ".o_form_view button[name='action_open_approve_assessment']",
            run: "click",
        },
        {
            content: "The dialog names the risk and what it signs",
            trigger: ".modal .o_field_widget[name='record_name']:contains('Tour risk: single resin supplier')",
        },
        {
            trigger: ".modal .o_field_widget[name='content_hash'] span:contains(/^[0-9a-f]{64}$/)",
        },
        {
            content: "Re-enter the password",
            trigger: ".modal .o_field_widget[name='password'] input",
            run: "edit tour_iso_risk_approver",
        },
        {
            content: "Sign",
            trigger: ".modal button[name='action_sign']",
            run: "click",
        },
        {
            content: "Open the signatures",
            trigger: "body:not(:has(.modal)) .o_notebook .nav-link:contains('Signatures')",
            run: "click",
        },
        {
            content: "My signature, approved",
            trigger: ".o_field_widget[name='signature_ids'] .o_data_row:contains('Tour risk approver'):contains('Approved')",
        },
    ],
});
