import { registry } from "@web/core/registry";

// The giver (a test user) signs a submitted handover record with his token plugged into his own
// computer: the dialog finds the CKS signing agent (run by tests/test_tours.py on SoftHSM2, on
// loopback), he picks his token ("hieupv") and types its PIN, first a wrong one; the PIN goes to
// the agent only. The test checks the signature and every request Odoo received afterwards.
registry.category("web_tour.tours").add("cks_signing_agent_tour", {
    steps: () => [
        {
            content: "The record and its activity are shown",
            trigger: ".o-mail-Chatter .o-mail-Activity",
        },
        {
            content: "Sign the record",
            trigger: ".o_form_view .o_form_statusbar button[name=action_cks_sign_dialog]",
            run: "click",
        },
        {
            content: "The dialog found the signing agent: the token on this computer is chosen",
            trigger: ".modal .o_cks_sign_mode_agent:checked",
        },
        {
            content: "Pick the giver's token among those plugged into his computer",
            trigger: ".modal .o_cks_sign_agent_token:has(option)",
            run(helpers) {
                const option = [...helpers.anchor.options].find((opt) => opt.textContent.trim().startsWith("hieupv "));
                return helpers.select(option.value);
            },
        },
        {
            content: "Type a wrong PIN first",
            trigger: ".modal .o_cks_sign_pin",
            run: "edit 000000",
        },
        {
            content: "Sign",
            trigger: ".modal .o_cks_sign_confirm",
            run: "click",
        },
        {
            content: "The agent refuses the wrong PIN and the field is emptied",
            trigger: ".modal:has(.o_cks_sign_error:contains(PIN)) .o_cks_sign_pin:value()",
        },
        {
            content: "Type the right PIN",
            trigger: ".modal .o_cks_sign_pin",
            run: "edit 123456",
        },
        {
            content: "Sign",
            trigger: ".modal .o_cks_sign_confirm:enabled",
            run: "click",
        },
        {
            content: "The record shows the giver's signature",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=signed_sha256]:not(:empty)",
        },
    ],
});
