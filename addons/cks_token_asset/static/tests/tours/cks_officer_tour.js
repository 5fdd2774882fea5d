import { stepUtils } from "@web_tour/tour_utils";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { openAppSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// The officer of the Sở (demo user "canbo") registers a new subscriber of his body and uploads
// the certificate the CA issued to her: the certificate's data are read from the file.
// The test (tests/test_tours.py) makes the certificate and leaves it to the officer as an
// attachment named CERT_FILE; the tour picks it as a user picks a file in the browser.
// Runs in Vietnamese: elements are found by menu xmlids, field and button names.
const NAME = "Đinh Thị Mai Phương";
const CCCD = "042195004321";
const CERT_FILE = "cks_officer_tour_certificate.pem";
const CERT_SERIAL = "540300A1700000000042";

registry.category("web_tour.tours").add("cks_officer_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        {
            content: "Open the subscribers",
            trigger: '.o_main_navbar a[data-menu-xmlid="cks_subscriber.menu_cks_subscribers"]',
            run: "click",
        },
        {
            content: "Register a subscriber",
            trigger: ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        {
            content: "Full name",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: `edit ${NAME}`,
        },
        {
            content: "Personal ID number (CCCD)",
            trigger: ".o_form_view .o_field_widget[name=cccd] input",
            run: `edit ${CCCD}`,
        },
        {
            content: "The body is the officer's own",
            trigger: ".o_form_view .o_field_widget[name=body_id] input:value('Sở Thông tin và Truyền thông')",
        },
        ...stepUtils.saveForm(),
        {
            content: "Open the subscriber's certificates",
            trigger: ".o_action_manager button[name=action_view_certificates]",
            run: "click",
        },
        {
            content: "Register a certificate",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The holder is the new subscriber",
            trigger: `.o_form_view .o_field_widget[name=subscriber_id] input:value("${NAME}")`,
        },
        {
            content: "Upload the certificate file",
            trigger: ".o_form_view .o_field_widget[name=file] .o_select_file_button",
            async run({ anchor }) {
                const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
                    model: "ir.attachment",
                    method: "search_read",
                    args: [[["name", "=", CERT_FILE]], ["datas"]],
                    kwargs: {},
                });
                if (!attachment) {
                    throw new Error(`the test left no ${CERT_FILE} for the officer`);
                }
                const bytes = Uint8Array.from(atob(attachment.datas), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "chung_thu_so.pem", { type: "application/x-pem-file" }));
                const input = anchor.closest(".o_field_widget").querySelector("input[type=file]");
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The serial number is read from the file",
            trigger: `.o_form_view .o_field_widget[name=serial]:contains("${CERT_SERIAL}")`,
        },
        {
            content: "... and the subject",
            trigger: `.o_form_view .o_field_widget[name=subject]:contains("${NAME}")`,
        },
        ...stepUtils.saveForm(),
        {
            content: "The certificate is registered, valid",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=valid]",
        },
    ],
});
