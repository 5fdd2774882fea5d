import { registry } from "@web/core/registry";
import { openAppSteps, openMenuSteps } from "@cks_subscriber/../tests/tours/cks_tour_steps";

// The provincial administrator (demo user "quantri") makes the province's annual report: the
// wizard counts the year from the records, he types the number of documents signed and
// validates; then he reads the dashboard of requests by type and state. Run by
// tests/test_tours.py, in Vietnamese: elements are found by menu xmlids, field and button names.
registry.category("web_tour.tours").add("cks_report_annual_tour", {
    url: "/odoo",
    steps: () => [
        ...openAppSteps(),
        ...openMenuSteps("cks_report.menu_cks_reports_root", "cks_report.menu_cks_periodic_report_new", "a new periodic report"),
        {
            content: "The year is this year, written as a year",
            trigger: `.modal .o_field_widget[name=year] input:value(${new Date().getFullYear()})`,
        },
        {
            content: "A report of the whole year",
            trigger: ".modal .o_field_widget[name=period_kind] input[data-value=year]",
            run: "click",
        },
        {
            content: "Create it and count the year",
            trigger: ".modal .modal-footer button[name=action_create]",
            run: "click",
        },
        {
            content: "The report is a draft, with its figures counted",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=draft]) .o_field_widget[name=computed_by_id]:not(:empty)",
        },
        {
            content: "Open the results and assessment",
            trigger: ".o_form_view .o_notebook_headers a[name=narrative]",
            run: "click",
        },
        {
            content: "Type the number of documents signed",
            trigger: ".o_form_view .o_field_widget[name=documents_signed] input",
            run: "edit 95120",
        },
        {
            content: "Validate",
            trigger: ".o_form_view .o_form_statusbar button[name=action_validate]",
            run: "click",
        },
        {
            content: "Confirm the validation",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The report is validated and numbered",
            trigger: ".o_form_view:has(.o_statusbar_status button.o_arrow_button_current[data-value=done]) .o_field_widget[name=name]:contains(/BC-CKS)",
        },
        ...openMenuSteps("cks_report.menu_cks_reports_root", "cks_report.menu_cks_dashboard_requests", "the requests by type and state"),
        {
            content: "The dashboard draws its graph",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
    ],
});
