from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.cks_subscriber.lib import flow
from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action
from odoo.addons.cks_token_asset.models.cks_token import lock_rows_nowait

from ..lib import request_rules as rules

REQUEST_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("verified", "Verified"),
    ("approved", "Approved"),
    ("forwarded", "Forwarded"),
    ("batched", "In a Letter to the CA"),
    ("sent", "Sent to the CA"),
    ("recovering", "Device Awaited"),
    ("received", "Device at the Body"),
    ("done", "Done"),
    ("refused", "Refused by the CA"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "submitted", "verified", "approved", "forwarded", "batched", "sent", "recovering", "received")
CLOSED_STATES = ("done", "refused", "cancelled")
# What the drafter states; it changes only while the request is a draft.
CONTENT_FIELDS = (
    "request_type",
    "subscriber_id",
    "certificate_id",
    "token_id",
    "grounds",
    "loss_report_id",
    "change_details",
    "purpose",
)


class CksRequest(models.Model):
    """A certification request (yêu cầu chứng thực, TT 185/2019 Điều 3) on its way from the
    subscriber through the managing body to the CA, or a device recovery after a revocation.

    QĐ 19/2020 Hà Tĩnh, Điều 9.2: the managing body examines and confirms the request and answers
    for the accuracy of its information; Điều 9.3: it sends it on to the CA.
    """

    _name = "cks.request"
    _description = "Certification Request"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _order = "id desc"
    _flow_fields = (
        "name",
        "state",
        # the subscriber's body, stored: without this a client's write would set it apart from the
        # subscriber (Odoo stores a written related field) and hand the request to another body
        "body_id",
        "holder_body_id",
        "route",
        "drafted_by_id",
        "auto_drafted",
        "submitted_by_id",
        "submitted_at",
        "verified_by_id",
        "verified_at",
        "approved_by_id",
        "approved_at",
        "batch_id",
        "result_at",
        "result_by_id",
        "result_reason",
        "effect_applied",
        "origin_id",
        "step_start",
        "step_days",
        "deadline",
        "overdue",
        "device_received_at",
        "handed_back_ref",
    )
    _scope_fields = ("subscriber_id",)
    _text_limits = {"change_details": 2000, "purpose": 2000}

    name = fields.Char("Number", default="/", readonly=True, copy=False, tracking=True)
    request_type = fields.Selection(rules.REQUEST_TYPES, "Request", required=True, tracking=True, index=True)
    form_pair = fields.Char("Forms", compute="_compute_form_pair")
    subscriber_id = fields.Many2one("cks.subscriber", required=True, index=True, tracking=True, ondelete="restrict")
    subscriber_kind = fields.Selection(related="subscriber_id.kind", string="Subscriber Kind")
    body_id = fields.Many2one(related="subscriber_id.body_id", store=True, index=True, string="Managing Body")
    holder_body_id = fields.Many2one(
        "cks.body",
        "Now With",
        readonly=True,
        index=True,
        tracking=True,
        help="The body the request is with now: its managing body, then the focal unit or the next body up "
        "when the province routes it there.",
    )
    certificate_id = fields.Many2one(
        "cks.certificate", index="btree_not_null", tracking=True, domain="[('subscriber_id', '=', subscriber_id)]"
    )
    token_id = fields.Many2one("cks.token", "Device", index="btree_not_null", tracking=True)
    grounds = fields.Selection(rules.GROUNDS, "Grounds of Revocation", tracking=True)
    loss_report_id = fields.Many2one(
        "cks.loss.report", "Lost Device Record (Form 15)", domain="[('state', '=', 'confirmed')]"
    )
    change_details = fields.Text("Information to Change")
    purpose = fields.Text("Device, Service or Software and Purpose")
    state = fields.Selection(REQUEST_STATES, default="draft", required=True, readonly=True, tracking=True, index=True)
    route = fields.Selection(rules.ROUTES, readonly=True, tracking=True)
    drafted_by_id = fields.Many2one("res.users", readonly=True)
    auto_drafted = fields.Boolean("Drafted Automatically", readonly=True)
    submitted_by_id = fields.Many2one("res.users", readonly=True)
    submitted_at = fields.Datetime("Submitted On", readonly=True)
    verified_by_id = fields.Many2one("res.users", readonly=True)
    verified_at = fields.Datetime("Verified On", readonly=True)
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_at = fields.Datetime("Approved On", readonly=True)
    batch_id = fields.Many2one("cks.request.batch", "Letter to the CA", readonly=True, index="btree_not_null")
    sent_date = fields.Date(related="batch_id.sent_date", string="Sent On")
    result_at = fields.Datetime("Result Recorded On", readonly=True)
    result_by_id = fields.Many2one("res.users", "Result Recorded By", readonly=True)
    result_reason = fields.Text("Reason for the Refusal", readonly=True)
    effect_applied = fields.Boolean(readonly=True, copy=False)
    origin_id = fields.Many2one("cks.request", "Opened By", readonly=True, index="btree_not_null")
    step_start = fields.Date("Step Started On", readonly=True)
    step_days = fields.Integer("Working Days for the Step", readonly=True)
    deadline = fields.Date(readonly=True, index=True, tracking=True)
    overdue = fields.Boolean(readonly=True, index=True)
    device_received_at = fields.Datetime("Device Received On", readonly=True)
    handed_back_ref = fields.Char("Hand-Back Record", readonly=True)
    decision_ids = fields.One2many("cks.request.decision", "request_id", "Decisions")
    comment = fields.Text("Notes")
    active = fields.Boolean(default=True)
    # what the record rules compare (security/cks_request_rules.xml), see _search_in_body_scope
    own_request = fields.Boolean("My Own Request", compute="_compute_user_scope", search="_search_own_request")
    in_body_scope = fields.Boolean("Of My Bodies", compute="_compute_user_scope", search="_search_in_body_scope")

    @api.depends("request_type")
    def _compute_form_pair(self):
        for request in self:
            pair = rules.FORM_PAIRS.get(request.request_type)
            request.form_pair = (
                self.env._("Form %(odd)s / Form %(even)s", odd=pair[0], even=pair[1])
                if pair
                else (self.env._("Hand-back record") if request.request_type == "recovery" else False)
            )

    @api.depends("name", "request_type")
    def _compute_display_name(self):
        labels = dict(self._fields["request_type"]._description_selection(self.env))
        for request in self:
            number = request.name if request.name and request.name != "/" else self.env._("New")
            request.display_name = f"{number} · {labels.get(request.request_type, '')}".strip(" ·")

    # The record rules name the user's subscribers and bodies by their ids, read at each search: a rule
    # with subscriber_id.user_id or child_of joins every request to its subscriber and bodies, and the
    # OR of the two rules then makes PostgreSQL read every open request (the officer's list page:
    # 154 ms at 50,000 requests, 34 ms by ids: bench/bench_request.py).
    def _cks_user_subscriber_ids(self):
        Subscriber = self.env["cks.subscriber"].sudo().with_context(active_test=False)  # sudo: ids for the rules
        return Subscriber.search([("user_id", "=", self.env.uid)]).ids

    def _cks_user_body_ids(self):
        bodies = self.env.user.cks_body_id
        Body = self.env["cks.body"].sudo().with_context(active_test=False)  # sudo: ids for the rules
        return Body.search([("id", "child_of", bodies.ids)]).ids if bodies else []

    @api.depends_context("uid")
    def _compute_user_scope(self):
        subscribers = set(self._cks_user_subscriber_ids())
        bodies = set(self._cks_user_body_ids())
        for request in self:
            request.own_request = request.subscriber_id.id in subscribers
            request.in_body_scope = bool({request.body_id.id, request.holder_body_id.id} & bodies)

    def _search_own_request(self, operator, value):
        if operator != "in":
            return NotImplemented
        return [("subscriber_id", "in", self._cks_user_subscriber_ids())]

    def _search_in_body_scope(self, operator, value):
        if operator != "in":
            return NotImplemented
        bodies = self._cks_user_body_ids()
        return ["|", ("body_id", "in", bodies), ("holder_body_id", "in", bodies)]

    # ------------------------------------------------------------------ create
    def _flow_initial_values(self, vals):
        vals = super()._flow_initial_values(vals)
        vals["drafted_by_id"] = self.env.uid
        if not flow.is_open(self._name):
            vals["state"] = "draft"
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        self._check_subscribers_in_scope(vals_list)
        requests = super().create(vals_list)
        with flow.opened(self._name):
            for request in requests:
                vals = {"holder_body_id": request.body_id.id}
                if request.name == "/":
                    vals["name"] = self.env["ir.sequence"].next_by_code("cks.request") or "/"
                request.write(vals)
        return requests

    def _check_subscribers_in_scope(self, vals_list):
        """A clear refusal for a subscriber the user may not draft for (the record rules refuse it
        anyway): a subscriber drafts for themself, an officer for the subscribers of their bodies."""
        if self.env.su:
            return
        ids = {vals["subscriber_id"] for vals in vals_list if vals.get("subscriber_id")}
        visible = self.env["cks.subscriber"].search([("id", "in", list(ids))])
        if len(visible) != len(ids):
            raise UserError(
                self.env._(
                    "This subscriber is outside your scope: draft requests for yourself, or as an officer for "
                    "the subscribers of your managing body and the bodies below it."
                )
            )

    def write(self, vals):
        if not flow.is_open(self._name) and set(vals) & set(CONTENT_FIELDS):
            for request in self:
                if request.state != "draft":
                    raise UserError(
                        self.env._(
                            "Request %(name)s is %(state)s: its content changes only while it is a draft "
                            "(a refusal returns it to draft).",
                            name=request.display_name,
                            state=request._state_label(),
                        )
                    )
        if "active" in vals and any(request.state not in CLOSED_STATES for request in self):
            raise UserError(
                self.env._("Only a finished request can be archived: an open one stays in sight until it ends.")
            )
        # the record rules are checked on the request as it was, and it stays with the body it was
        # with: another subscriber must be one the user may draft for, and takes the draft along
        moved = bool(vals.get("subscriber_id")) and not flow.is_open(self._name)
        if moved:
            self._check_subscribers_in_scope([vals])
        result = super().write(vals)
        if moved:
            with flow.opened(self._name):
                for request in self.filtered(lambda r: r.holder_body_id != r.body_id):
                    request.write({"holder_body_id": request.body_id.id})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(request.state != "draft" or request.decision_ids for request in self):
            raise UserError(self.env._("Only a draft that was never submitted can be deleted; cancel the others."))

    # ----------------------------------------------------------------- helpers
    def _state_label(self, state=None):
        return dict(self._fields["state"]._description_selection(self.env))[state or self.state]

    def _lock(self):
        lock_rows_nowait(self, self.env._("Another user is deciding on this request right now; try again in a moment."))

    def _expect(self, states, step):
        """Refuse the step unless every request is in one of ``states`` (read after the lock)."""
        for request in self:
            if request.state not in states:
                raise UserError(
                    self.env._(
                        "Request %(name)s is %(state)s: it cannot be %(step)s.",
                        name=request.display_name,
                        state=request._state_label(),
                        step=step,
                    )
                )

    def _start_step(self, states, step, group=None, group_message=None):
        """The checks of every step: the caller's role and rights, the rows locked, then the state
        read again under the lock (of two people deciding at once, the second is refused at once)."""
        if group:
            self._require_group(group, group_message)
        self.check_access("write")
        self._lock()
        self._expect(states, step)

    def _require_group(self, xmlid, message):
        if not self.env.user.has_group(xmlid):
            raise AccessError(message)

    def _log(self, step, state_from, comment=None):
        """Append the decision to the request's log (who, when, what, why) and its chatter."""
        self.env["cks.request.decision"].sudo()._record(self, step, state_from, comment)  # sudo: append-only log

    def _move(self, state, days=None, extra=None):
        """Set the state (and a new step with its deadline when ``days`` is given) inside the flow."""
        vals = {"state": state, "overdue": False, **(extra or {})}
        if days is not None:
            today = self.env["cks.province.profile"]._cks_today()
            vals.update(step_start=today, step_days=days, deadline=self._working_days().add(today, days))
        elif state in CLOSED_STATES:
            vals.update(deadline=False, step_days=0, step_start=False)
        with flow.opened(self._name):
            self.write(vals)
        self._close_overdue_activities()

    def _working_days(self):
        return self.env["cks.province.profile"]._cks_working_days()

    def _facts(self):
        self.ensure_one()
        cert = self.certificate_id.sudo()  # sudo: the facts the checks read, for a request the user may see
        token = self.token_id.sudo()
        missing = tuple(
            name for name in rules.required_subscriber_fields(self.request_type) if not self.subscriber_id.sudo()[name]
        )
        duplicate = self.sudo().search_count(
            [
                ("id", "!=", self.id),
                ("request_type", "=", self.request_type),
                ("state", "not in", ("draft", *CLOSED_STATES)),
                ("subscriber_id", "=", self.subscriber_id.id),
                ("certificate_id", "=", self.certificate_id.id),
                ("token_id", "=", self.token_id.id),
            ],
            limit=1,
        )
        return rules.RequestFacts(
            request_type=self.request_type,
            subscriber_kind=self.subscriber_id.sudo().kind,
            certificate_state=cert.state if cert else None,
            certificate_valid_to=cert.valid_to if cert else None,
            renewal_count=cert.renewal_count if cert else 0,
            token_state=token.state if token else None,
            grounds=self.grounds or None,
            has_confirmed_loss_record=bool(
                self.loss_report_id.sudo().state == "confirmed"
                and (not token or self.loss_report_id.sudo().token_id == token)
            ),
            change_details=self.change_details,
            missing_subscriber_fields=missing,
            has_open_duplicate=bool(duplicate),
        )

    def _problem_text(self, problem):
        """The message of a refused submission, citing the article the rule comes from."""
        kinds = dict(self.env["cks.subscriber"]._fields["kind"]._description_selection(self.env))
        cert_states = dict(self.env["cks.certificate"]._fields["state"]._description_selection(self.env))
        token_states = dict(self.env["cks.token"]._fields["state"]._description_selection(self.env))
        subscriber_fields = self.env["cks.subscriber"]._fields
        values = problem.values
        texts = {
            "kind_mismatch": lambda: self.env._(
                "This form is for a subscriber of the kind %(wanted)s, and %(name)s is %(kind)s "
                "(Circular 185/2019/TT-BQP, Art. 8: Forms 01, 03 and 05).",
                wanted=kinds.get(values["wanted"], values["wanted"]),
                name=self.subscriber_id.display_name,
                kind=kinds.get(values["kind"], values["kind"] or "-"),
            ),
            "subscriber_fields": lambda: self.env._(
                "The form needs these details of the subscriber, which are missing: %(fields)s "
                "(Circular 185/2019/TT-BQP, Art. 8).",
                fields=", ".join(subscriber_fields[name]._description_string(self.env) for name in values["fields"]),
            ),
            "no_certificate": lambda: self.env._("Choose the certificate the request is about."),
            "certificate_state": lambda: self.env._(
                "The certificate is %(state)s: only a valid or suspended certificate can be renewed, changed or "
                "revoked (Circular 185/2019/TT-BQP, Art. 9 and 10).",
                state=cert_states.get(values["state"], values["state"]),
            ),
            "renewed_before": lambda: self.env._(
                "This certificate was already renewed once: a certificate is renewed only once; request a new "
                "certificate instead (Circular 185/2019/TT-BQP, Art. 9; Decision 29/2021 Điện Biên, Art. 21)."
            ),
            "renewal_too_late": lambda: self.env._(
                "The certificate has %(days)s days of validity left: a renewal is requested at least 60 days "
                "before it expires (Circular 185/2019/TT-BQP, Art. 9).",
                days=values["days"],
            ),
            "no_change_details": lambda: self.env._(
                "Say which information of the certificate changes (Circular 185/2019/TT-BQP, Art. 9, Form 07)."
            ),
            "no_grounds": lambda: self.env._(
                "Give the grounds of the revocation from the legal list (Decree 130/2018/ND-CP, Art. 68; "
                "Circular 185/2019/TT-BQP, Art. 10)."
            ),
            "no_loss_record": lambda: self.env._(
                "A revocation for a lost device is sent with the confirmed lost device record (Form 15) of that "
                "device (Decision 19/2020 Hà Tĩnh, Art. 6.2.c; Decision 09/2023 Bắc Ninh, Art. 5.2.c)."
            ),
            "no_device": lambda: self.env._("Choose the device the request is about."),
            "device_not_locked": lambda: self.env._(
                "The device is %(state)s: only a device locked by wrong PINs is restored "
                "(Circular 185/2019/TT-BQP, Art. 11; Decision 29/2021 Điện Biên, Art. 20.1).",
                state=token_states.get(values["state"], values["state"]),
            ),
            "duplicate": lambda: self.env._(
                "The same request for this subscriber is already on its way: follow that one instead."
            ),
        }
        return texts[problem.code]()

    # ------------------------------------------------------------------- steps
    @flow_action
    def action_submit(self):
        """The drafter (the subscriber or the body's officer) submits the request to the body."""
        self._start_step(("draft",), self.env._("submitted"))
        now = fields.Datetime.now()
        for request in self:
            if request.request_type == "recovery":
                raise UserError(self.env._("A device recovery is opened by a revocation, not submitted."))
            problems = rules.check_submission(request._facts(), now)
            if problems:
                raise UserError("\n".join(request._problem_text(problem) for problem in problems))
        for request in self:
            request._move(
                "submitted",
                rules.STEP_DAYS["submitted"],
                {"submitted_by_id": self.env.uid, "submitted_at": now},
            )
            request._log("submit", "draft")
            request._schedule_step_activity()
        return True

    @flow_action
    def action_verify(self, comment=None):
        """The body's officer examines the request and answers for its accuracy (QĐ 19/2020 Hà Tĩnh,
        Điều 9.2)."""
        self._start_step(
            ("submitted",),
            self.env._("verified"),
            "cks_subscriber.group_cks_officer",
            self.env._("A request is verified by the officer of its managing body."),
        )
        for request in self:
            request._move(
                "verified",
                rules.STEP_DAYS["verified"],
                {"verified_by_id": self.env.uid, "verified_at": fields.Datetime.now()},
            )
            request._log("verify", "submitted", comment)
            request._schedule_step_activity()
        return True

    @flow_action
    def action_approve(self, comment=None):
        """The head of the body approves; never the person who drafted or verified the request."""
        self._start_step(
            ("verified",),
            self.env._("approved"),
            "cks_subscriber.group_cks_head",
            self.env._("A request is approved by the head of its managing body."),
        )
        profile = self.env["cks.province.profile"]._get_current()
        for request in self:
            if self.env.user in (request.drafted_by_id | request.verified_by_id):
                raise UserError(
                    self.env._(
                        "You drafted or verified request %(name)s: another person, the head of the body, approves it.",
                        name=request.display_name,
                    )
                )
            route = profile._cks_route(request.request_type)
            holder, state = request._routed_holder(route, profile)
            request._move(
                state,
                rules.STEP_DAYS[state],
                {
                    "approved_by_id": self.env.uid,
                    "approved_at": fields.Datetime.now(),
                    "route": route,
                    "holder_body_id": holder.id,
                },
            )
            request._log("approve", "verified", comment)
            if route == "notify":
                request._notify_focal_unit(profile)
            request._schedule_step_activity()
        return True

    def _routed_holder(self, route, profile):
        """The body the approved request goes to, and its state (QĐ 09/2023 Bắc Ninh Điều 5.3: a copy
        to the centre; QĐ …/2020 Bắc Giang Điều 7.2: Mẫu 12 to Sở TTTT; QĐ 25/2020 Vĩnh Phúc Điều 3.2,
        7.2: commune to district to Sở)."""
        self.ensure_one()
        body = self.body_id
        if route in ("direct", "notify"):
            return body, "approved"
        focal = profile.focal_body_id
        if not focal:
            raise UserError(
                self.env._(
                    "The province sends this request through its focal unit, and no focal unit body is set: the "
                    "provincial administrator sets it in the province profile."
                )
            )
        if route == "focal" or body == focal:
            return (body, "approved") if body == focal else (focal, "forwarded")
        # escalate: one level up; the parent then forwards it on until it reaches the focal unit
        return (body.parent_id or focal), "forwarded"

    @flow_action
    def action_forward(self, comment=None):
        """The officer of the body the request is with sends it one level up (escalation)."""
        self._start_step(
            ("forwarded",),
            self.env._("forwarded"),
            "cks_subscriber.group_cks_officer",
            self.env._("A request is forwarded by an officer of the body it is with."),
        )
        focal = self.env["cks.province.profile"]._get_current().focal_body_id
        for request in self:
            if request.route != "escalate" or request.holder_body_id == focal:
                raise UserError(
                    self.env._(
                        "Request %(name)s has reached the body that sends it to the CA: put it in a letter to the CA.",
                        name=request.display_name,
                    )
                )
            request._require_holder()
            parent = request.holder_body_id.parent_id or focal
            request._move("forwarded", rules.STEP_DAYS["forwarded"], {"holder_body_id": parent.id})
            request._log("forward", "forwarded", comment)
            request._schedule_step_activity()
        return True

    def _require_holder(self):
        """Only the body the request is with (or the province) acts on it now."""
        user = self.env.user
        for request in self:
            if user.has_group("cks_subscriber.group_cks_admin"):
                continue
            if not user.cks_body_id or request.holder_body_id not in self.env["cks.body"].search(
                [("id", "child_of", user.cks_body_id.ids)]
            ):
                raise UserError(
                    self.env._(
                        "Request %(name)s is with %(body)s now: its officers act on it.",
                        name=request.display_name,
                        body=request.holder_body_id.display_name,
                    )
                )

    @flow_action
    def action_refuse(self, comment=None):
        """The officer (submitted) or the head (verified) refuses: back to draft, with the reason."""
        if not (comment or "").strip():
            raise UserError(self.env._("Give the reason for the refusal: the drafter reads it."))
        self._start_step(
            ("submitted", "verified"),
            self.env._("refused"),
            "cks_subscriber.group_cks_officer",
            self.env._("A request is refused by the officer or head of its body."),
        )
        for request in self:
            if request.state == "verified" and not self.env.user.has_group("cks_subscriber.group_cks_head"):
                raise AccessError(self.env._("A verified request is refused by the head of the body."))
            state_from = request.state
            request._move(
                "draft",
                rules.STEP_DAYS["draft"],
                {"submitted_by_id": False, "submitted_at": False, "verified_by_id": False, "verified_at": False},
            )
            request._log("refuse", state_from, comment)
            request.message_post(body=self.env._("Returned to draft: %(reason)s", reason=comment))
        return True

    @flow_action
    def action_cancel(self):
        """The drafter or the officer withdraws a draft."""
        self._start_step(("draft",), self.env._("cancelled"))
        for request in self:
            request._move("cancelled")
            request._log("cancel", "draft")
        return True

    @flow_action
    def action_create_batch(self):
        """Group the selected approved requests into one letter to the CA (the even form)."""
        return self.env["cks.request.batch"]._create_from_requests(self)

    def _notify_focal_unit(self, profile):
        """QĐ 09/2023 Bắc Ninh, Điều 5.3: one notice of every request to the provincial centre."""
        admins = self.env.ref("cks_subscriber.group_cks_admin").sudo().all_user_ids.filtered(lambda u: not u.share)
        if admins:
            self.message_notify(
                partner_ids=admins.partner_id.ids,
                subject=self.env._("Request %(name)s notified to the focal unit", name=self.display_name),
                body=self.env._(
                    "%(body)s sends request %(name)s to the CA; notice to %(unit)s.",
                    body=self.body_id.display_name,
                    name=self.display_name,
                    unit=profile.focal_unit or profile.display_name,
                ),
            )

    # -------------------------------------------------------------- activities
    def _responsible_for_step(self):
        """Who acts next: the head for a verified request, else the officer of the body it is with."""
        self.ensure_one()
        body = self.holder_body_id or self.body_id
        if self.state == "verified":
            head = self._head_of(body)
            if head:
                return head
        if self.state == "draft" and not self.auto_drafted:
            return self.drafted_by_id
        return body._responsible_user() or self.env.ref("base.user_admin")

    def _head_of(self, body):
        for candidate in self.env["cks.body"].browse(map(int, reversed(body.parent_path.strip("/").split("/")))):
            if candidate.head_user_id:
                return candidate.head_user_id
        return self.env["res.users"]

    def _schedule_step_activity(self):
        activity_type = self.env.ref("cks_request.mail_activity_type_request_step")
        labels = {
            "draft": self.env._("Check and submit"),
            "submitted": self.env._("Verify"),
            "verified": self.env._("Approve"),
            "approved": self.env._("Put in a letter to the CA"),
            "forwarded": self.env._("Forward"),
            "batched": self.env._("Send the letter to the CA"),
            "sent": self.env._("Record the CA's result"),
            "recovering": self.env._("Recover the device"),
            "received": self.env._("Hand the device back to the CA"),
        }
        for request in self:
            request._close_step_activity()
            if request.state not in labels:
                continue
            request.sudo().activity_schedule(  # sudo: the next actor may be outside the current user's reach
                activity_type_id=activity_type.id,
                summary=f"{labels[request.state]}: {request.display_name}",
                date_deadline=request.deadline or self.env["cks.province.profile"]._cks_today(),
                user_id=request._responsible_for_step().id or self.env.uid,
            )

    def _close_step_activity(self):
        # sudo: the next actor's reminder, whoever took the step
        self.sudo().activity_unlink(["cks_request.mail_activity_type_request_step"])

    def _close_overdue_activities(self):
        # sudo: the system's own alarms (created by the nightly job, not "automated" ones)
        self.sudo().activity_unlink(["cks_request.mail_activity_type_request_overdue"], only_automated=False)
