import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("iso_capa_action_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open my activities",
            trigger: ".o_menu_systray button:has(i[aria-label='Activities'])",
            run: "click",
        },
        {
            content: "A CAPA action waits for me today",
            trigger: ".o-mail-ActivityGroup[data-model_name='iso.capa'] span:contains('Today')",
            run: "click",
        },
        {
            content: "Open the CAPA of my action",
            trigger:
                ".o_data_row td[name='title']:contains('Tour: stop scratches at packing'), .o_kanban_record:contains('Tour: stop scratches at packing')",
            run: "click",
        },
        {
            content: "My action is in the chatter: mark it done",
            trigger: ".o-mail-Activity:contains('Tour: sort the scratched housings') .o-mail-Activity-markDone",
            run: "click",
        },
        {
            content: "Say what was done",
            trigger: ".o-mail-ActivityMarkAsDone textarea",
            run: "edit Sorted the stock: 12 housings rejected",
        },
        {
            content: "Done",
            trigger: ".o-mail-ActivityMarkAsDone button[aria-label='Done']",
            run: "click",
        },
        {
            content: "The activity is done, with what I said",
            trigger: ".o-mail-Message:contains('12 housings rejected')",
        },
        {
            content: "My action has left the planned activities",
            trigger:
                ".o-mail-Chatter:not(:has(.o-mail-Activity:contains('Tour: sort the scratched housings'))) .o-mail-Message:contains('CAPA action done')",
        },
    ],
});
