import base64
from datetime import timedelta

from odoo import Command, api, models
from odoo.tools import file_open

REGISTER = "cks_token_asset/demo/so_quan_ly_thiet_bi_ha_tinh.csv"
SERIAL = "54010101%s"


class CksDemoStory(models.AbstractModel):
    _inherit = "cks.demo.story"

    @api.model
    def _tell_token_story(self):
        """The devices of Hà Tĩnh: their paper register carried over (2023–2025), then a day of
        the system's life: a stocktake, a lost device, three handover records, a stocktake
        under way and an auditor's verification of the chain."""
        self._speak_vietnamese(["cks_subscriber", "cks_token_asset"])
        as_ = self._as
        token = self._token

        # the province's administrator carries the paper register over, as the province does on its first day
        with file_open(REGISTER, "rb") as register:
            wizard = as_("user_demo_quantri", "cks.custody.register.import").create(
                {"file": base64.b64encode(register.read()), "filename": "so_quan_ly_thiet_bi_ha_tinh.csv"}
            )
        wizard.action_import()

        # the officer of the Sở counts the devices of the Sở and its centre: one is not found
        stocktake = as_("user_demo_canbo", "cks.stocktake").create(
            {"body_id": self.env.ref("cks_subscriber.body_ht_stttt").id}
        )
        stocktake.action_start()
        missing = token("000025B5")
        for line in stocktake.line_ids.filtered(lambda line: line.token_id != missing):
            stocktake.scan_serial = line.serial
            stocktake.action_record()
        stocktake.action_done()

        # a subscriber loses his device; the officer confirms the record (Mẫu 15) and must have
        # the certificate revoked: the activity waits for him
        now = self.env.cr.now().replace(microsecond=0, tzinfo=None)
        loss = as_("user_demo_thuebao", "cks.loss.report").create(
            {
                "token_id": token("000023A1").id,
                "discovered_at": now - timedelta(hours=3),
                "place": "Trên đường đi công tác tại huyện Cẩm Xuyên",
                "circumstances": "Để thiết bị trong cặp tài liệu; khi về cơ quan kiểm tra thì không thấy. "
                "Đã tìm lại nơi làm việc và trên xe nhưng không thấy.",
            }
        )
        as_("user_demo_canbo", loss).action_confirm()

        # three handover records (Mẫu 14): one confirmed, one refused, one waiting for the clerk of the Sở
        confirmed = self._handover("user_demo_vanthu_vp", "user_demo_hieupv", "000023C3", "Văn phòng UBND tỉnh")
        as_("user_demo_hieupv", confirmed).action_confirm_receipt()
        refused = self._handover("user_demo_longtd", "user_demo_hoant", "000023D2", "Sở Tài chính")
        as_("user_demo_hoant", "cks.handover.refuse").create(
            {
                "handover_id": refused.id,
                "reason": "Thiết bị không kèm phong bì mã PIN niêm phong; đề nghị bàn giao lại khi đủ.",
            }
        ).action_confirm()
        self._handover(
            "user_demo_thangvv",
            "user_demo_vanthu",
            "000023A6",
            "Văn phòng Sở Thông tin và Truyền thông",
            "Bàn giao trước khi chuyển công tác.",
        )

        # the administrator counts the devices of the Sở Tài chính: under way
        counting = as_("user_demo_quantri", "cks.stocktake").create(
            {"body_id": self.env.ref("cks_subscriber.body_ht_stc").id}
        )
        counting.action_start()
        for serial in ("000023D1", "000023D3"):
            counting.scan_serial = SERIAL % serial
            counting.action_record()

        # the inspector verifies the whole chain: it holds, and its anchor is sent to the auditors
        as_("user_demo_thanhtra", "cks.custody.verification")._run()

    @api.model
    def _token(self, suffix):
        return self.env["cks.token"].search([("serial", "=", SERIAL % suffix)])

    @api.model
    def _handover(self, giver, receiver, suffix, place, remarks=False):
        """A record drafted and submitted by ``giver`` for one device, to ``receiver``."""
        handover = self._as(giver, "cks.handover").create(
            {
                "place": place,
                "receiver_id": self._user(receiver).id,
                "remarks": remarks,
                "line_ids": [Command.create({"token_id": self._token(suffix).id})],
            }
        )
        handover.action_submit()
        return handover
