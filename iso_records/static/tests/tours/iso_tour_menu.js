import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** The xmlid of a menu: a name of iso_records, or the full xmlid of an add-on's menu. */
function menuXmlid(name) {
    return name.includes(".") ? name : `iso_records.${name}`;
}

/** The steps that open an ISO Records menu item from the home screen: the app, a section, an item
 * (names of iso_records menus, or full xmlids such as "iso_records_audit.menu_iso_audit"). */
export function openIsoMenu(section, item) {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the ISO Records app",
            trigger: ".o_app[data-menu-xmlid='iso_records.menu_iso_root']",
            run: "click",
        },
        {
            trigger: `.o_main_navbar button[data-menu-xmlid='${menuXmlid(section)}']`,
            run: "click",
        },
        {
            content: `Open ${item}`,
            trigger: `.dropdown-item[data-menu-xmlid='${menuXmlid(item)}']`,
            run: "click",
        },
    ];
}
