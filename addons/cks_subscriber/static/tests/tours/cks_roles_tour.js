import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// Opens the application from the home menu as the provincial administrator (the apps menu in Community)
// and checks that the six roles are listed with their members.
registry.category("web_tour.tours").add("cks_roles_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        ...openMenuSteps("cks_subscriber.menu_cks_configuration", "cks_subscriber.menu_cks_roles", "Roles"),
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
