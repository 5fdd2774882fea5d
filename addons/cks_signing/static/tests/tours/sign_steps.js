/**
 * Steps the signing tours share: opening the signing dialog from a handover record, picking the
 * token whose label starts with ``label`` in the select ``selector``, a wrong PIN refused with the
 * field emptied, then the right PIN (the demo's, in the README).
 */
export function openSignDialogSteps() {
    return [
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
    ];
}

export function pickTokenStep(selector, label) {
    return {
        content: `Pick the token ${label}`,
        trigger: `.modal ${selector}:has(option)`,
        run(helpers) {
            const option = [...helpers.anchor.options].find((opt) => opt.textContent.trim().startsWith(`${label} `));
            return helpers.select(option.value);
        },
    };
}

export function wrongThenRightPinSteps() {
    return [
        { content: "Type a wrong PIN first", trigger: ".modal .o_cks_sign_pin", run: "edit 000000" },
        { content: "Sign", trigger: ".modal .o_cks_sign_confirm", run: "click" },
        {
            content: "The wrong PIN is refused and the field emptied",
            trigger: ".modal:has(.o_cks_sign_error:contains(PIN)) .o_cks_sign_pin:value()",
        },
        { content: "Type the right PIN", trigger: ".modal .o_cks_sign_pin", run: "edit 123456" },
        { content: "Sign", trigger: ".modal .o_cks_sign_confirm:enabled", run: "click" },
        {
            content: "The record shows the giver's signature",
            trigger: ".o_form_view:not(:has(.modal)) .o_field_widget[name=signed_sha256]:not(:empty)",
        },
    ];
}
