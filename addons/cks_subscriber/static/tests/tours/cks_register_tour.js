import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// An officer registers a subscriber of his body: a malformed personal ID number
// is refused with the reason, the corrected one is saved.
registry.category("web_tour.tours").add("cks_register_tour", {
    steps: () => [
        {
            content: "Create a subscriber",
            trigger: ".o_control_panel_main_buttons button.o-kanban-button-new",
            run: "click",
        },
        {
            content: "Full name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Phan Thị Thu Trang",
        },
        {
            content: "Managing body",
            trigger: ".o_field_widget[name=body_id] input",
            run: "edit Sở Kế hoạch",
        },
        {
            content: "Choose the body of the officer",
            trigger: ".o-autocomplete--dropdown-item a:contains('Sở Kế hoạch và Đầu tư')",
            run: "click",
        },
        {
            content: "A personal ID number with 11 digits",
            trigger: ".o_field_widget[name=cccd] input",
            run: "edit 04219000123",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "The number is refused, with the reason",
            trigger: ".o_error_dialog:contains('exactly 12 digits')",
        },
        {
            content: "Close the message",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Correct the number",
            trigger: ".o_field_widget[name=cccd] input",
            run: "edit 042190001234",
        },
        ...stepUtils.saveForm(),
        {
            content: "The subscriber is registered, working",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Working')",
        },
    ],
});
