import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// The inspector (demo user "thanhtra") verifies the custody chain from the list of past
// verifications, reads the result, then opens a device and its custody history. He reads
// everything and changes nothing: no device steps are offered to him.
// Runs in Vietnamese: elements are found by menu xmlids, field and button names, and demo data.
const DEVICE = "54010101000023A1";

registry.category("web_tour.tours").add("cks_auditor_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        ...openMenuSteps("cks_subscriber.menu_cks_configuration", "cks_token_asset.menu_cks_custody_verifications", "the chain verifications"),
        {
            content: "The past verifications are listed (the demo's, intact)",
            trigger: ".o_list_view .o_data_row td[name=intact] input:checked",
        },
        {
            content: "Verify the chain now",
            trigger: ".o_control_panel button[name=action_verify_now]",
            run: "click",
        },
        {
            content: "The new result says the chain is intact",
            trigger: ".o_form_view:has(.alert-success):not(:has(.alert-danger)) .o_field_widget[name=intact] input:checked",
        },
        {
            content: "... and shows the anchor it took, to keep outside the system",
            trigger: ".o_form_view .o_field_widget[name=anchor_text]:not(:empty)",
        },
        ...openMenuSteps("cks_token_asset.menu_cks_devices_root", "cks_token_asset.menu_cks_tokens", "the devices"),
        {
            content: "He may not register a device",
            trigger: ".o_control_panel:has(.o_searchview):not(:has(.o_list_button_add))",
        },
        {
            content: "Open the lost device of the demo",
            trigger: `.o_list_view .o_data_row td[name=serial]:contains("${DEVICE}")`,
            run: "click",
        },
        {
            content: "Open its custody history",
            trigger: ".o_form_view .o_notebook a[name=history]",
            run: "click",
        },
        {
            content: "The history lists its events, from the paper register to the loss",
            trigger: ".o_form_view .o_field_widget[name=event_ids] .o_data_row:eq(2)",
        },
        {
            content: "No step of the device is offered to him",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_recover], button[name=action_relocate]))",
        },
    ],
});
