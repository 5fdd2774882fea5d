import { registry } from "@web/core/registry";

import { pickTokenStep } from "./sign_steps";

// The giver (a test user) selects his submitted handover records in their list and signs them all
// at once through the signing agent on his computer: one dialog, one PIN, one PIN session on the
// agent, a progress bar. Run by tests/test_tours.py, which checks each record afterwards.
registry.category("web_tour.tours").add("cks_signing_agent_batch_tour", {
    steps: () => [
        {
            content: "The list shows the records waiting",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "Select them all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Sign the selected records",
            trigger: ".o_control_panel button[name=action_cks_sign_dialog]",
            run: "click",
        },
        {
            content: "The dialog lists both records and found the agent",
            trigger: ".modal:has(.o_cks_sign_documents li:nth-child(2)) .o_cks_sign_mode_agent:checked",
        },
        pickTokenStep(".o_cks_sign_agent_token", "hieupv"),
        {
            content: "Type the PIN once",
            trigger: ".modal .o_cks_sign_pin",
            run: "edit 123456",
        },
        {
            content: "Sign both",
            trigger: ".modal .o_cks_sign_confirm",
            run: "click",
        },
        {
            content: "The dialog closes once both are signed",
            trigger: "body:not(:has(.modal)) .o_list_view",
        },
    ],
});
