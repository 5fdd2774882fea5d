import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// A revocation after a retirement, from the draft the product made to the device to recover,
// in three tours run one after the other by tests/test_tours.py, each as the demo user whose
// step it is: the officer of the Sở ("canbo") checks, submits and verifies the draft, its head
// ("thutruong") approves it, the provincial administrator ("quantri") puts it in a letter to the
// CA, records the letter as sent and the CA's result; the device then shows its recovery deadline.
// Runs in Vietnamese: elements are found by menu xmlids, field and button names, states and demo data.
const SUBSCRIBER = "Đặng Thị Thu Hương";
const DEVICE = "54010101000025B1";
const LETTER = "131/STTTT-CNTT";

const REQUEST_ROW = `.o_list_view .o_data_row:has(td[name=subscriber_id]:contains("${SUBSCRIBER}")):has(td[name=request_type]) td[name=name]`;

function openRequestSteps() {
    return [
        ...openAppSteps(),
        ...openMenuSteps("cks_request.menu_cks_requests_root", "cks_request.menu_cks_requests", "the certification requests"),
        {
            content: `Open the revocation of ${SUBSCRIBER}`,
            trigger: REQUEST_ROW,
            run: "click",
        },
    ];
}

function stateIs(state) {
    return {
        content: `The request is ${state}`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=${state}]`,
    };
}

function decideSteps(state, comment) {
    // the header's only primary button of a submitted or verified request opens its decision
    return [
        stateIs(state),
        {
            content: "Take the step",
            trigger: ".o_form_view .o_form_statusbar .o_statusbar_buttons button.btn-primary",
            run: "click",
        },
        {
            content: "Comment on the decision",
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: `edit ${comment}`,
        },
        {
            content: "Confirm the decision",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("cks_request_officer_tour", {
    url: "/odoo",
    steps: () => [
        ...openRequestSteps(),
        stateIs("draft"),
        {
            content: "Drafted automatically on the retirement: the grounds are set",
            trigger: ".o_form_view:has(.alert-info) .o_field_widget[name=grounds]",
        },
        {
            content: "Open the notes",
            trigger: ".o_form_view .o_notebook a[name=notes]",
            run: "click",
        },
        {
            content: "Note the decision on the retirement",
            trigger: ".o_form_view .o_field_widget[name=comment] textarea",
            run: "edit Nghỉ hưu theo Quyết định số 1234/QĐ-UBND.",
        },
        {
            content: "Submit (the form is saved first)",
            trigger: ".o_form_view .o_form_statusbar button[name=action_submit]",
            run: "click",
        },
        ...decideSteps("submitted", "Đã đối chiếu quyết định nghỉ hưu."),
        stateIs("verified"),
    ],
});

registry.category("web_tour.tours").add("cks_request_head_tour", {
    url: "/odoo",
    steps: () => [
        ...openRequestSteps(),
        ...decideSteps("verified", "Đồng ý đề nghị thu hồi."),
        stateIs("approved"),
    ],
});

registry.category("web_tour.tours").add("cks_request_admin_tour", {
    url: "/odoo",
    steps: () => [
        ...openRequestSteps(),
        stateIs("approved"),
        {
            content: "Put it in a letter to the CA",
            trigger: ".o_form_view .o_form_statusbar button[name=action_create_batch]",
            run: "click",
        },
        {
            content: "The letter is being prepared, with the request",
            trigger: `.o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=draft]) .o_field_widget[name=request_ids] .o_data_row:contains("${SUBSCRIBER}")`,
        },
        {
            content: "Record the letter as sent",
            trigger: ".o_form_view .o_form_statusbar button[name=action_open_send]",
            run: "click",
        },
        {
            content: "Sent through the CA's portal (the default), today",
            trigger: ".modal .o_field_widget[name=channel] input[data-value=ca_portal]:checked",
        },
        {
            content: "The number and symbol of the letter",
            trigger: ".modal .o_field_widget[name=reference] input",
            run: `edit ${LETTER}`,
        },
        {
            content: "Record it",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The letter is sent: record the CA's result of the request",
            trigger: `.o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=sent]) .o_field_widget[name=request_ids] .o_data_row:contains("${SUBSCRIBER}") button`,
            run: "click",
        },
        {
            content: "Done by the CA (the default)",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=done]:checked",
        },
        {
            content: "Record the result",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The CA answered every request of the letter",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=closed]",
        },
        ...openMenuSteps("cks_token_asset.menu_cks_devices_root", "cks_token_asset.menu_cks_tokens", "the devices"),
        {
            content: "Open the device of the revoked certificate",
            trigger: `.o_list_view .o_data_row td[name=serial]:contains("${DEVICE}")`,
            run: "click",
        },
        {
            content: "It is to be recovered and handed back to the CA by its deadline",
            trigger: ".o_form_view .alert-warning .o_field_widget[name=recovery_deadline]:not(:empty)",
        },
    ],
});
