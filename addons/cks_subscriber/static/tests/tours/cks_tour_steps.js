import { stepUtils } from "@web_tour/tour_utils";

// Steps the CKS tours share: opening the application and one of its menus, found by xmlid (the
// tours run in Vietnamese, so never by label).

export function openAppSteps() {
    return stepUtils.goToAppSteps("cks_subscriber.menu_cks_root", "Open the Digital Signatures application");
}

// a menu of the application's top bar (rootXmlid), then one of its entries (itemXmlid)
export function openMenuSteps(rootXmlid, itemXmlid, what) {
    return [
        {
            content: `Open the menu ${rootXmlid}`,
            trigger: `.o_main_navbar button[data-menu-xmlid="${rootXmlid}"]`,
            run: "click",
        },
        {
            content: `Open ${what}`,
            trigger: `.o-dropdown--menu a[data-menu-xmlid="${itemXmlid}"]`,
            run: "click",
        },
    ];
}
