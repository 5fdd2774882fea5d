import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// A subscriber (demo user "thuebao", Nguyễn Văn An) sees his own certificate, his own (lost)
// device and the record of its loss, and nobody else's; the managing bodies and the custody
// timeline are not in his menus.
// Runs in Vietnamese: elements are found by menu xmlids, field names and demo data.
const DEVICE = "54010101000023A1";
const ME = "Nguyễn Văn An";

registry.category("web_tour.tours").add("cks_subscriber_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        {
            content: "His menus: certificates and devices, but no managing bodies",
            trigger:
                '.o_main_navbar:has([data-menu-xmlid="cks_subscriber.menu_cks_certificates"]):has([data-menu-xmlid="cks_token_asset.menu_cks_devices_root"]):not(:has([data-menu-xmlid="cks_subscriber.menu_cks_bodies"]))',
        },
        {
            content: "The certificates list shows his own certificate only",
            trigger: `.o_list_view .o_data_row:only td[name=subscriber_id]:contains("${ME}")`,
        },
        {
            content: "He registers no certificate",
            trigger: ".o_control_panel:has(.o_searchview):not(:has(.o_list_button_add))",
        },
        {
            content: "Show his certificates in every state",
            trigger: ".o_searchview .o_facet_remove",
            run: "click",
        },
        {
            content: "Still his own only",
            trigger: `.o_action_manager:not(:has(.o_searchview_facet)) .o_list_view .o_data_row:only td[name=subscriber_id]:contains("${ME}")`,
        },
        {
            content: "Open the device menu",
            trigger: '.o_main_navbar button[data-menu-xmlid="cks_token_asset.menu_cks_devices_root"]',
            run: "click",
        },
        {
            content: "His device menu has no custody timeline, then open the devices",
            trigger:
                '.o-dropdown--menu:not(:has([data-menu-xmlid="cks_token_asset.menu_cks_custody_timeline"])) a[data-menu-xmlid="cks_token_asset.menu_cks_tokens"]',
            run: "click",
        },
        {
            content: "The devices list shows his own (lost) device only",
            trigger: `.o_list_view .o_data_row:only td[name=serial]:contains("${DEVICE}")`,
        },
        ...openMenuSteps("cks_token_asset.menu_cks_devices_root", "cks_token_asset.menu_cks_loss_reports", "the lost device records"),
        {
            content: "The record of his loss only",
            trigger: `.o_list_view .o_data_row:only:contains("${DEVICE}")`,
        },
        {
            content: "Open the subscribers",
            trigger: '.o_main_navbar a[data-menu-xmlid="cks_subscriber.menu_cks_subscribers"]',
            run: "click",
        },
        {
            content: "He sees himself only",
            trigger: `.o_kanban_view .o_kanban_record:not(.o_kanban_ghost):only:contains("${ME}")`,
        },
    ],
});
