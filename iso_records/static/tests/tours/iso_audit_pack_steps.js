/** A date as the English (US) user types it: MM/DD/YYYY. */
function typed(date) {
    const pad = (number) => String(number).padStart(2, "0");
    return `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()}`;
}

/** The steps that fill an audit pack's form, its standard already chosen, with one clause (``search``: what is
 * typed to find it; ``number``: its number) and the last 30 days, then build it until it is done. */
export function buildAuditPackSteps(search, number) {
    const today = new Date();
    const monthAgo = new Date(today.getTime() - 30 * 24 * 3600 * 1000);
    return [
        {
            content: `Clause ${number}`,
            trigger: ".o_form_view .o_field_widget[name='clause_ids'] input",
            run: `edit ${search}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item a:contains('${number} ${search}')`,
            run: "click",
        },
        {
            content: "The clause is chosen",
            trigger: `.o_field_widget[name='clause_ids'] .o_tag:contains('${number}')`,
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
}
