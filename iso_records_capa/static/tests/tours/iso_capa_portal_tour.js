import { registry } from "@web/core/registry";

const FORM = "form.o_iso_answer_form";
// What the supplier writes: containment, three whys, the root cause and the actions.
const ANSWER = [
    ["supplier_containment", "Stock at our site sorted; 40 housings held."],
    ["supplier_why_1", "Housings rub against each other in the box."],
    ["supplier_why_2", "The box has no separators."],
    ["supplier_why_3", "The packing instruction does not ask for them."],
    ["supplier_root_cause", "Packing instruction without separators."],
    ["supplier_actions", "Separators added to the instruction; packers trained by Friday."],
];

/** Put a file in the evidence input, as choosing it in the file dialog does. */
function chooseEvidence() {
    const input = document.querySelector(`${FORM} input[name='evidence']`);
    const files = new DataTransfer();
    files.items.add(
        new File(["Packing instruction rev. B: separators between housings."], "packing_instruction.txt", {
            type: "text/plain",
        })
    );
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

// A supplier's contact answers a corrective-action request on the portal, with a file.
registry.category("web_tour.tours").add("iso_capa_portal_answer_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the corrective-action requests from the portal home",
            trigger: "a[href='/my/iso/requests']",
            run: "click",
        },
        {
            content: "Open the request waiting for an answer",
            trigger: "tr.o_iso_portal_request a:contains('SCAR')",
            run: "click",
        },
        {
            content: "The request says what is asked",
            trigger: ".o_iso_request_text:contains('arrive scratched')",
        },
        ...ANSWER.map(([field, text]) => ({
            content: `Answer ${field}`,
            trigger: `${FORM} [name='${field}']`,
            run: `edit ${text}`,
        })),
        {
            content: "Attach the new packing instruction",
            trigger: `${FORM} input[name='evidence']`,
            run: chooseEvidence,
        },
        {
            content: "Send the answer",
            trigger: `${FORM} button.o_iso_answer_submit`,
            run: "click",
        },
        {
            content: "The answer is received",
            trigger: ".o_iso_answer_received",
        },
        {
            content: "The file sent is listed",
            trigger: ".o_iso_request_evidence li:contains('packing_instruction.txt')",
        },
    ],
});

// The owner reads the answer and sends it back once with a comment.
registry.category("web_tour.tours").add("iso_capa_portal_send_back_tour", {
    url: "/odoo/action-iso_records_capa.iso_supplier_request_action",
    steps: () => [
        {
            content: "Open the answered request",
            trigger: ".o_list_view .o_data_row td[name='title']:contains('Tour request')",
            run: "click",
        },
        {
            content: "It is answered, with the supplier's root cause",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Answered')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='supplier_root_cause']:contains('without separators')",
        },
        {
            content: "Write what the supplier must redo",
            trigger: ".o_form_view .o_field_widget[name='review_comment'] textarea",
            run: "edit Send the photos of the new boxes.",
        },
        {
            content: "Send the answer back",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_send_back']",
            run: "click",
        },
        {
            content: "It waits for the supplier again",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Sent to Supplier')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='returned_comment']:contains('photos of the new boxes')",
        },
    ],
});
