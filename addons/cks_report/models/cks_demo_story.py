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
