import { registry } from "@web/core/registry";

// An administrator takes one record out of an active legal hold, with the reason the trail keeps;
// the hold keeps the others.
registry.category("web_tour.tours").add("iso_records_hold_remove_record_tour", {
    steps: () => [
        {
            content: "The hold keeps two records: a document and a risk",
            trigger: ".o_form_view .o_field_widget[name='item_ids'] .o_data_row:contains('Tour hold risk')",
        },
        {
            content: "Take the risk out of the hold",
            trigger: ".o_field_widget[name='item_ids'] .o_data_row:contains('Tour hold risk') button[name]:contains('Remove from hold')",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Tour: the claim no longer concerns the supplier risk",
        },
        {
            trigger: ".modal button[name='action_release']",
            run: "click",
        },
        {
            content: "The risk is taken out, with the reason",
            trigger: "body:not(:has(.modal)) .o_field_widget[name='item_ids'] .o_data_row:contains('Tour hold risk'):contains('Taken out'):contains('no longer concerns')",
        },
        {
            content: "The hold keeps the document",
            trigger: ".o_form_view .o_field_widget[name='held_count'] span:contains('1')",
        },
    ],
});
