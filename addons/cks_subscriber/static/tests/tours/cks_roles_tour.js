import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Opens the application from the home menu as the provincial administrator (the apps menu in Community)
// and checks that the six roles are listed with their members.
registry.category("web_tour.tours").add("cks_roles_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("cks_subscriber.menu_cks_root", "Open the Digital Signatures application"),
        {
            content: "Open Configuration",
            trigger: '.o_main_navbar button[data-menu-xmlid="cks_subscriber.menu_cks_configuration"]',
            run: "click",
        },
        {
            content: "Open Roles",
            trigger: '.o-dropdown--menu a[data-menu-xmlid="cks_subscriber.menu_cks_roles"]',
            run: "click",
        },
        {
            content: "Six roles are listed",
            trigger: ".o_list_view .o_data_row:nth-child(6)",
        },
        {
            content: "Provincial administrators are listed as members",
            trigger: '.o_data_row:has(td[name="name"]:contains("Provincial Administrator")) td[name="cks_member_ids"] .o_tag',
        },
    ],
});
