import base64
import datetime as dt

from odoo import Command, api, models

from odoo.addons.cks_subscriber.lib import cert_factory, flow

from ..lib import request_rules as rules

NEW_DEVICE = "54010101000025C1"  # the device the CA delivers with the new official's certificate
OVERDUE_BY_DAYS = 10


class CksDemoStory(models.AbstractModel):
    _inherit = "cks.demo.story"

    @api.model
    def _tell_request_story(self):
        """The requests of Hà Tĩnh: the Sở Thông tin và Truyền thông, whose officer (canbo) and
        head (thutruong) take the body's steps, sends requests of every type to the CA.

        - a new official gets her certificate and a new device (letter 118/STTTT-CNTT, done);
          the Sở's organisation certificate is renewed (letter 119/STTTT-CNTT, done);
        - a letter of four revocations (125/STTTT-CNTT, through the CA's portal): an official
          transferred (drafted automatically) and the document system's key exposed (drafted
          automatically by the device's report) are revoked, each device then to be recovered;
          the CA refuses one (Nguyễn Thị Lan Anh); the lost device of Nguyễn Văn An (its Form 15
          confirmed in the device chapter) still waits for the CA's answer;
        - the document system's device is back at the Sở; the transferred official's device is
          overdue; a new certificate for the document system is in a letter being prepared, one
          for the online public-service portal (its certificate expires in 12 days: too late to
          renew) is approved; the clerk's device locked by wrong PINs waits at the CA for its
          restoration (127/STTTT-CNTT); her change of e-mail waits for the head's approval;
          Nguyễn Văn An asks for a new certificate; a request drafted by mistake is cancelled;
          an official retires and the revocation drafted for her waits for the officer.

        Every step goes through the models' own methods, as the demo user whose role it is. The
        only backdating of the demo: the overdue recovery's step is moved 10 days back (the flows
        stamp today's date) before the nightly deadline job runs; a deadline is not part of the
        custody chain, which still verifies.
        """
        self._speak_vietnamese(["cks_subscriber", "cks_token_asset", "cks_request"])
        org_cert = self._request_scene_new_official_and_renewal()
        transferred = self._request_scene_revocations()
        self._request_scene_open_requests(org_cert)

        # the night: the deadlines job. The transferred official's device was due back 5 working
        # days after the revocation; the step is moved 10 days back (more across public holidays)
        # to show it overdue (the demo's only backdating: a deadline is not part of the custody chain)
        Request = self.env["cks.request"]
        late_recovery = Request.search([("origin_id", "=", transferred.id)])
        today = self.env["cks.province.profile"]._cks_today()
        working_days = late_recovery._working_days()
        start = late_recovery.step_start - dt.timedelta(days=OVERDUE_BY_DAYS)
        while working_days.add(start, late_recovery.step_days) >= today:  # public holidays in between
            start -= dt.timedelta(days=1)
        with flow.opened("cks.request"):
            late_recovery.write({"step_start": start})
        # in the province's language: the cron's own user (OdooBot) speaks English
        Request.with_context(lang="vi_VN", tz="Asia/Ho_Chi_Minh")._cron_deadlines()

    @api.model
    def _request_scene_new_official_and_renewal(self):
        """A new official gets her certificate and a new device; the Sở's organisation
        certificate is renewed. Returns that certificate."""
        as_ = self._as
        # a new official of the Sở: the officer registers her and asks for her certificate (Form 01);
        # the CA issues it with a new device, delivered to the Sở
        chau = as_("user_demo_canbo", "cks.subscriber").create(
            {
                "name": "Nguyễn Thị Minh Châu",
                "kind": "individual",
                "body_id": self.env.ref("cks_subscriber.body_ht_stttt").id,
                "cccd": "042198007215",
                "position": "Chuyên viên",
                "department": "Phòng Bưu chính, Viễn thông và CNTT",
                "mobile": "0912 778 215",
                "email": "chauntm.stttt@hatinh.gov.vn",
            }
        )
        new_cert = self._request(
            "user_demo_canbo",
            request_type="new_individual",
            subscriber_id=chau.id,
            comment="Công chức mới tuyển dụng, cần ký số văn bản trên hệ thống QLVB.",
        )
        self._approve(new_cert, "Hồ sơ đầy đủ, thông tin chính xác.", "Đồng ý đề nghị cấp.")
        self._send_letter(new_cert, "ca_portal", "118/STTTT-CNTT")
        as_("user_demo_canbo", new_cert).action_record_result(
            "done",
            certificate_file=self._issued_certificate(chau.name),
            certificate_file_name="nguyen_thi_minh_chau.cer",
            device_serial=NEW_DEVICE,
            device_type="usb",
        )

        # the Sở's organisation certificate is renewed (Form 07/08), by three years
        org_cert = self._valid_certificate("sub_ht_org_stttt")
        renewal = self._request(
            "user_demo_canbo",
            request_type="renewal",
            subscriber_id=org_cert.subscriber_id.id,
            certificate_id=org_cert.id,
        )
        self._approve(renewal, "Chứng thư số còn hiệu lực, chưa gia hạn lần nào.", "Đồng ý gia hạn.")
        self._send_letter(renewal, "axis", "119/STTTT-CNTT")
        as_("user_demo_canbo", renewal).action_record_result(
            "done", valid_to=rules.add_years(org_cert.valid_to, rules.MAX_RENEWAL_YEARS)
        )
        return org_cert

    @api.model
    def _request_scene_revocations(self):
        """Four revocations in one letter to the CA: two done, one refused, one waiting; the
        devices of the revoked certificates to recover. Returns the transferred official's."""
        as_ = self._as
        sub = self._subscriber
        # an official transferred: the officer records it, the revocation drafts itself
        thang = sub("sub_ht_vo_van_thang")
        as_("user_demo_canbo", thang).write({"employment_status": "transferred"})
        transferred = self._auto_draft(thang)
        # an official transferred earlier (her certificate suspended since): drafted by the officer
        lan_anh = sub("sub_ht_nguyen_thi_lan_anh")
        job_change = self._request(
            "user_demo_canbo",
            request_type="revocation",
            subscriber_id=lan_anh.id,
            certificate_id=lan_anh.certificate_ids.filtered(lambda cert: cert.state == "suspended")[:1].id,
            grounds="job_change",
            comment="Đã chuyển công tác sang Sở Nội vụ; chứng thư số đang tạm dừng.",
            submit=False,
        )
        # the document system's PIN was found written on its server: the officer reports the key
        # exposed, the revocation drafts itself
        qlvb_token = self._token("000023A8")
        as_("user_demo_canbo", "cks.token.transition").create(
            {
                "token_ids": [Command.set(qlvb_token.ids)],
                "move": "report_compromised",
                "reason": "Mã PIN của thiết bị bị ghi lại trên máy chủ cấu hình ký số của hệ thống QLVB; "
                "nghi lộ khóa bí mật.",
                "document_ref": "05/BB-TTCNTT",
            }
        ).action_confirm()
        exposed = self._auto_draft(sub("sub_ht_dev_qlvb"))
        # the subscriber who lost his device asks for the revocation with the confirmed Form 15
        lost_token = self._token("000023A1")
        loss = self.env["cks.loss.report"].search([("token_id", "=", lost_token.id), ("state", "=", "confirmed")])
        lost = as_("user_demo_thuebao", "cks.request").create(
            {
                "request_type": "revocation",
                "subscriber_id": sub("sub_ht_nguyen_van_an").id,
                "certificate_id": lost_token.certificate_ids[:1].id,
                "token_id": lost_token.id,
                "grounds": "device_lost",
                "loss_report_id": loss.id,
                "comment": "Thiết bị bị mất khi đi công tác tại huyện Cẩm Xuyên (biên bản Mẫu 15 đã xác nhận).",
            }
        )
        lost.action_submit()
        as_("user_demo_canbo", lost).action_verify("Đã đối chiếu biên bản Mẫu 15.")
        for request in transferred | exposed | job_change:
            as_("user_demo_canbo", request).action_submit()
            as_("user_demo_canbo", request).action_verify("Thông tin chính xác.")
        revocations = transferred | exposed | job_change | lost
        as_("user_demo_thutruong", revocations).action_approve("Đồng ý đề nghị thu hồi.")

        # ... sent to the CA in one letter; the CA revokes two, refuses one, the lost device's waits
        self._send_letter(revocations, "ca_portal", "125/STTTT-CNTT")
        as_("user_demo_canbo", transferred).action_record_result("done")
        as_("user_demo_canbo", exposed).action_record_result("done")
        as_("user_demo_canbo", job_change).action_record_result(
            "refused",
            reason="Số định danh cá nhân của thuê bao trong văn bản đề nghị (Mẫu 10) không khớp với thông tin "
            "đăng ký chứng thư số; đề nghị cơ quan kiểm tra, điều chỉnh và gửi lại.",
        )
        # the document system's device is back at the Sở (the transferred official's is not)
        exposed_recovery = self.env["cks.request"].search([("origin_id", "=", exposed.id)])
        as_("user_demo_canbo", exposed_recovery).action_device_received("Đã thu hồi thiết bị về Sở, niêm phong.")
        return transferred

    @api.model
    def _request_scene_open_requests(self, org_cert):
        """The requests still on their way, one in each state before the CA."""
        as_ = self._as
        sub = self._subscriber
        # a new certificate for the document system (Form 05), in a letter being prepared
        qlvb = self._request(
            "user_demo_canbo",
            request_type="new_device",
            subscriber_id=sub("sub_ht_dev_qlvb").id,
            purpose="Thiết bị ký số tự động của Hệ thống Quản lý văn bản và điều hành tỉnh Hà Tĩnh, thay chứng "
            "thư số bị thu hồi do nghi lộ khóa bí mật; ký số văn bản đi của các cơ quan trên hệ thống.",
        )
        self._approve(qlvb, "Cấp thay thế chứng thư số đã thu hồi.", "Đồng ý, gửi CA sớm.")
        as_("user_demo_canbo", qlvb).action_create_batch()

        # the online public-service portal: its certificate expires in 12 days, too late to renew
        # (60 days): a new certificate, approved, waits for its letter
        portal = self._request(
            "user_demo_canbo",
            request_type="new_device",
            subscriber_id=sub("sub_ht_dev_dvc").id,
            purpose="Cổng Dịch vụ công trực tuyến tỉnh Hà Tĩnh: ký số kết quả giải quyết thủ tục hành chính "
            "trả cho người dân, doanh nghiệp. Chứng thư số hiện tại sắp hết hạn, không còn đủ thời hạn gia hạn.",
        )
        self._approve(portal, "Thông tin chính xác.", "Đồng ý.")

        # the clerk entered wrong PINs: her device is locked; its restoration (Form 11/12) is at the CA
        locked = self._token("000023A4")
        as_("user_demo_canbo", "cks.token.transition").create(
            {
                "token_ids": [Command.set(locked.ids)],
                "move": "lock",
                "reason": "Nhập sai mã PIN quá số lần cho phép; thiết bị bị khóa.",
            }
        ).action_confirm()
        binh = sub("sub_ht_tran_thi_binh")
        restoration = self._request(
            "user_demo_vanthu",
            request_type="restoration",
            subscriber_id=binh.id,
            token_id=locked.id,
            comment="Thiết bị bị khóa do nhập sai mã PIN nhiều lần.",
        )
        self._approve(restoration, "Thiết bị bị khóa, còn nguyên vẹn.", "Đồng ý đề nghị khôi phục.")
        self._send_letter(restoration, "in_person", "127/STTTT-CNTT")

        # the clerk's change of e-mail (Form 07), verified, waits for the head
        change = self._request(
            "user_demo_vanthu",
            request_type="change",
            subscriber_id=binh.id,
            certificate_id=self._valid_certificate("sub_ht_tran_thi_binh").id,
            change_details="Thư điện tử công vụ: binhtt.stttt@hatinh.gov.vn đổi thành binhtt@hatinh.gov.vn "
            "(hệ thống thư điện tử công vụ của tỉnh chuyển tên miền).",
        )
        as_("user_demo_canbo", change).action_verify("Đã đối chiếu với văn bản của Văn phòng Sở.")

        # Nguyễn Văn An asks for a new certificate (Form 01) for the one his lost device held
        self._request(
            "user_demo_thuebao",
            request_type="new_individual",
            subscriber_id=sub("sub_ht_nguyen_van_an").id,
            comment="Đề nghị cấp chứng thư số mới thay chứng thư số trên thiết bị bị mất.",
        )

        # drafted by mistake: the Sở's organisation certificate is valid (and just renewed)
        mistake = self._request(
            "user_demo_canbo", request_type="new_organization", subscriber_id=org_cert.subscriber_id.id, submit=False
        )
        mistake.write({"comment": "Lập nhầm: chứng thư số của Sở còn hiệu lực và vừa được gia hạn."})
        mistake.action_cancel()

        # an official retires: the revocation drafted for her waits for the officer
        as_("user_demo_canbo", sub("sub_ht_dang_thi_thu_huong")).write({"employment_status": "retired"})

    # ------------------------------------------------------------------ helpers
    @api.model
    def _subscriber(self, xmlid):
        return self.env.ref(f"cks_subscriber.{xmlid}")

    @api.model
    def _valid_certificate(self, xmlid):
        return self._subscriber(xmlid).certificate_ids.filtered(lambda cert: cert.state == "valid")[:1]

    @api.model
    def _request(self, drafter, submit=True, **vals):
        """A request drafted (and submitted) by ``drafter``."""
        request = self._as(drafter, "cks.request").create(vals)
        if submit:
            request.action_submit()
        return request

    @api.model
    def _auto_draft(self, subscriber):
        """The open revocation the product drafted itself for ``subscriber``."""
        return self.env["cks.request"].search(
            [("subscriber_id", "=", subscriber.id), ("auto_drafted", "=", True), ("state", "=", "draft")]
        )

    @api.model
    def _approve(self, request, verified, approved):
        """The officer verifies the submitted request, the head approves it."""
        self._as("user_demo_canbo", request).action_verify(verified)
        self._as("user_demo_thutruong", request).action_approve(approved)

    @api.model
    def _send_letter(self, requests, channel, reference):
        """The officer puts the approved requests in a letter and records it sent to the CA."""
        action = self._as("user_demo_canbo", requests).action_create_batch()
        batch = self._as("user_demo_canbo", self.env["cks.request.batch"].browse(action["res_id"]))
        batch.action_send(channel, None, reference)
        return batch

    @api.model
    def _issued_certificate(self, name):
        """The certificate file the CA issued (a test certificate, made in memory: its key is dropped)."""
        now = dt.datetime.now(dt.UTC)
        cert = cert_factory.make_pki().issue(
            cert_factory.person_name(name),
            serial=0x5403_00A1_7000_0000_0118,
            not_before=now - dt.timedelta(hours=1),
            not_after=now + dt.timedelta(days=5 * 365),
        )
        return base64.b64encode(cert.public_bytes(cert_factory.DER))
