import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** The steps that open an ISO Records menu item from the home screen: the app, a section, an item. */
export function openIsoMenu(section, item) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: `.o_main_navbar button[data-menu-xmlid='iso_records.${section}']`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.dropdown-item[data-menu-xmlid='iso_records.${item}']`,
            run: "click",
        },
    ];
}
