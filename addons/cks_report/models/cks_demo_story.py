from odoo import api, models


class CksDemoStory(models.AbstractModel):
    _inherit = "cks.demo.story"

    @api.model
    def _tell_report_story(self):
        """The province's half-yearly report: the provincial administrator counts the first six
        months of the year from the records, types what the records cannot tell (documents signed,
        public services, difficulties, causes, tasks, proposals) and validates it."""
        self._speak_vietnamese(["cks_subscriber", "cks_token_asset", "cks_request", "cks_report"])
        wizard = self._as("user_demo_quantri", "cks.periodic.report.wizard").create(
            {"period_kind": "h1", "year": self.env["cks.province.profile"]._cks_today().year, "body_id": False}
        )
        report = self._as("user_demo_quantri", "cks.periodic.report").browse(wizard.action_create()["res_id"])
        report.write(
            {
                "deployment": "Chữ ký số chuyên dùng Chính phủ được sử dụng trong gửi, nhận văn bản điện tử qua "
                "Hệ thống Quản lý văn bản và điều hành tỉnh và trong giải quyết thủ tục hành chính trên Cổng Dịch vụ "
                "công trực tuyến tỉnh.",
                "documents_signed": 48216,
                "documents_signed_note": "Văn bản đi của các sở, ban, ngành và UBND cấp huyện được ký số trước khi "
                "phát hành qua trục liên thông văn bản.",
                "public_services": 312,
                "public_services_note": "Kết quả giải quyết thủ tục hành chính được ký số và trả cho người dân, "
                "doanh nghiệp trên Cổng Dịch vụ công.",
                "difficulties": "Một số cán bộ chưa thành thạo ký số trên thiết bị di động; thiết bị lưu khóa bí mật "
                "của một số thuê bao bị khóa do nhập sai mật khẩu.",
                "causes": "Công tác tập huấn chưa thường xuyên; cán bộ thay đổi vị trí công tác nhưng chưa kịp đề "
                "nghị thu hồi, thay đổi thông tin chứng thư số.",
                "tasks": "Tổ chức tập huấn sử dụng chữ ký số cho cán bộ mới; rà soát, đề nghị thu hồi chứng thư số "
                "của cán bộ nghỉ hưu, chuyển công tác.",
                "proposals": "Đề nghị Cục Chứng thực số và Bảo mật thông tin hỗ trợ cấp bổ sung thiết bị lưu khóa "
                "bí mật dự phòng cho Trung tâm Thông tin - Công báo - Tin học.",
            }
        )
        report.action_validate()
        self._print_demo_forms()

    @api.model
    def _print_demo_forms(self):
        """The forms of the demo's records, printed as the province keeps them, each on its record:
        the handover record (Mẫu 14), the lost-device record (Mẫu 15), the requests' forms (odd
        forms, and Mẫu 13 of a device handed back), the letters sent to the CA (even forms) and
        the validated half-yearly report. The provincial administrator prints them; a print is
        kept on its record as an attachment (the report's ``attachment`` name).

        The records of a kind are printed in one run of wkhtmltopdf, which Odoo splits into each
        record's attachment when every record has its own page(s); a record whose form spans
        several pages is printed again on its own, to be kept too."""
        printed = [
            ("cks_report.action_report_form_14", "cks.handover", [("state", "=", "done")]),
            ("cks_report.action_report_form_15", "cks.loss.report", [("state", "=", "confirmed")]),
            (
                "cks_report.action_report_request_form",
                "cks.request",
                [
                    ("state", "not in", ("draft", "cancelled")),
                    "|",
                    ("request_type", "!=", "recovery"),
                    ("device_received_at", "!=", False),
                ],
            ),
            ("cks_report.action_report_batch_letter", "cks.request.batch", [("state", "in", ("sent", "closed"))]),
            ("cks_report.action_report_periodic", "cks.periodic.report", [("state", "=", "done")]),
        ]
        Report = self._as("user_demo_quantri", "ir.actions.report").with_context(force_report_rendering=True)
        for report, model, domain in printed:
            records = self.env[model].search(domain)
            Report._render_qweb_pdf(report, records.ids)
            kept = set(
                self.env["ir.attachment"]
                .search([("res_model", "=", model), ("res_id", "in", records.ids)])
                .mapped("res_id")
            )
            for record in records:
                if record.id not in kept:
                    Report._render_qweb_pdf(report, record.ids)
