import { registry } from "@web/core/registry";

const WHYS = ".o_form_view .o_field_widget[name='why_ids']";
const CAUSES = ".o_form_view .o_field_widget[name='cause_ids']";
const ACTIONS = ".o_form_view .o_field_widget[name='action_ids']";
const SAVED = ".o_form_view .o_form_saved";

/** A date as the user's (en_US) date fields take it: MM/DD/YYYY. */
function typedDate(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
}

/** The steps that add line number ``row`` to the editable list ``list`` and fill its text ``cells``
 * ({field: [tag, text]}); each step waits for that line to be the one edited, not the one before. */
function addLine(list, row, content, cells) {
    return [
        {
            content,
            trigger: `${list} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        ...Object.entries(cells).map(([field, [tag, text]]) => ({
            trigger: `${list} .o_data_row:nth-child(${row}).o_selected_row td[name='${field}'] ${tag}`,
            run: `edit ${text}`,
        })),
    ];
}

function addWhy(row, question, answer) {
    return addLine(WHYS, row, `Why? ${question}`, { question: ["input", question], answer: ["textarea", answer] });
}

/** A fishbone cause; ``category`` is the key of the category (people, machine, method, material...). */
function addCause(row, category, cause) {
    return [
        ...addLine(CAUSES, row, `Fishbone: ${category}`, { cause: ["input", cause] }),
        {
            trigger: `${CAUSES} .o_data_row:nth-child(${row}).o_selected_row td[name='category'] select`,
            run: `select "${category}"`,
        },
    ];
}

function addAction(row, description, owner, inDays) {
    const line = `${ACTIONS} .o_data_row:nth-child(${row}).o_selected_row`;
    return [
        ...addLine(ACTIONS, row, `Action: ${description}`, { description: ["textarea", description] }),
        {
            content: `Owner ${owner}`,
            trigger: `${line} td[name='user_id'] input`,
            run: `edit ${owner}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains('${owner}')`,
            run: "click",
        },
        {
            trigger: `${line} td[name='user_id'] input:value('${owner}')`,
        },
        {
            content: `Deadline in ${inDays} days`,
            trigger: `${line} td[name='date_deadline'] input`,
            async run(actions) {
                const deadline = new Date();
                deadline.setDate(deadline.getDate() + inDays);
                // No Enter: in an editable list it would open another line.
                await actions.edit(typedDate(deadline));
            },
        },
    ];
}

// A manager raises a nonconformity from a product form, creates its CAPA, records 5-whys and a fishbone and
// assigns two actions with an owner and a deadline.
registry.category("web_tour.tours").add("iso_records_capa_raise_tour", {
    steps: () => [
        {
            content: "Raise a nonconformity from the product",
            trigger: ".o_form_view button[name='action_raise_nonconformity']",
            run: "click",
        },
        {
            content: "The new nonconformity is about the product",
            trigger: ".o_form_view .o_field_widget[name='product_id'] input:value('Tour Housing')",
        },
        {
            content: "raised from a product",
            trigger: ".o_form_view .o_field_widget[name='source'] select:has(option:selected:contains('Product'))",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='title'] input",
            run: "edit Scratched housings at reception",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='description'] textarea",
            run: "edit 12 of 40 housings of the last delivery are scratched on the front face.",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='quantity_affected'] input",
            run: "edit 12",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='containment'] textarea",
            run: "edit Delivery quarantined, stock sorted.",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with its reference",
            trigger: `${SAVED} .o_field_widget[name='name']:contains('/')`,
        },
        {
            content: "Create the CAPA",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_create_capa']",
            run: "click",
        },
        {
            content: "The CAPA answers the nonconformity",
            trigger: ".o_form_view .o_field_widget[name='nonconformity_ids'] .o_tag:contains('Scratched housings at reception')",
        },
        ...addWhy(1, "Why are the housings scratched?", "They rub against each other in the box."),
        ...addWhy(2, "Why do they rub?", "The supplier packs them without separators."),
        ...addWhy(3, "Why without separators?", "Our purchase specification does not require them."),
        ...addCause(1, "material", "Packaging without separators"),
        ...addCause(2, "method", "Purchase specification silent on packaging"),
        {
            trigger: ".o_form_view .o_field_widget[name='root_cause'] textarea",
            run: "edit The purchase specification does not require separators between housings.",
        },
        {
            content: "Open the actions",
            trigger: ".o_form_view .o_notebook .nav-link:contains('Actions')",
            run: "click",
        },
        ...addAction(1, "Add separators to the purchase specification", "iso_approver", 14),
        ...addAction(2, "Inspect the next three deliveries", "iso_prod_manager", 30),
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved: both actions have their owner",
            trigger: `${SAVED} .o_field_widget[name='action_ids'] .o_data_row:not(.o_selected_row) td[name='user_id']:contains('iso_prod_manager')`,
        },
    ],
});
