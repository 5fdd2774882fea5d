import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// The clerk of the Sở (demo user "vanthu") opens the handover record waiting for her, confirms
// that she received the device, and then finds the device among those in her custody.
// Runs in Vietnamese: elements are found by menu xmlids, field and button names, and demo data.
const DEVICE = "54010101000023A6";

registry.category("web_tour.tours").add("cks_custodian_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        ...openMenuSteps("cks_token_asset.menu_cks_devices_root", "cks_token_asset.menu_cks_handovers", "the handover records"),
        {
            content: "Open the record Võ Văn Thắng gave her, waiting for her",
            trigger: '.o_list_view .o_data_row:has(td[name=giver_id]:contains("Võ Văn Thắng")) td[name=name]',
            run: "click",
        },
        {
            content: "The record lists the device",
            trigger: `.o_form_view .o_field_widget[name=line_ids] .o_data_row:contains("${DEVICE}")`,
        },
        {
            content: "She is the receiver: confirm the receipt",
            trigger: ".o_form_view .o_form_statusbar button[name=action_confirm_receipt]",
            run: "click",
        },
        {
            content: "Yes, she received the device",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The record is confirmed",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
        {
            content: "She can no longer confirm or refuse it",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_confirm_receipt], button[name=action_refuse]))",
        },
        ...openMenuSteps("cks_token_asset.menu_cks_devices_root", "cks_token_asset.menu_cks_tokens", "the devices"),
        {
            content: "The device is now in her custody, assigned to her",
            trigger: `.o_list_view .o_data_row:has(td[name=serial]:contains("${DEVICE}")) td[name=custodian_id]:contains("Trần Thị Bình")`,
        },
    ],
});
