import { registry } from "@web/core/registry";

// The giver (a test user) signs a submitted handover record with his token on the server:
// the button opens the signing dialog, he picks his token ("hieupv", one of the demo's SoftHSM2
// tokens, tests/signing_common.py) and types its PIN (the demo's, in the README).
// Run by tests/test_tours.py, which checks the signature afterwards.
registry.category("web_tour.tours").add("cks_signing_handover_tour", {
    steps: () => [
        {
            // the chatter has loaded (the test server answers one request at a time while it prints)
            content: "The record and its activity are shown",
            trigger: ".o-mail-Chatter .o-mail-Activity",
        },
        {
            content: "Sign the record",
            trigger: ".o_form_view .o_form_statusbar button[name=action_cks_sign_dialog]",
            run: "click",
        },
        {
            content: "Pick the giver's token",
            trigger: ".modal .o_cks_sign_token:has(option)",
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
            content: "The wrong PIN is refused and the field emptied",
            trigger: ".modal:has(.o_cks_sign_error:contains(PIN)) .o_cks_sign_pin:value()",
        },
        {
            content: "Type the right PIN",
            trigger: ".modal .o_cks_sign_pin",
            run: "edit 123456",
        },
        {
            content: "Sign",
            trigger: ".modal .o_cks_sign_confirm",
            run: "click",
        },
        {
            content: "The record shows the giver's signature",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=signed_sha256]:not(:empty)",
        },
    ],
});
