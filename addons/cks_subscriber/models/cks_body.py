from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from ..lib import flow
from ..lib.codes import BODY_LEVELS

# The fields of the contact behind a body that are written through the body (its name, tax
# code and address, as the form shows them). The contact is written with elevated rights, so
# nothing else may pass: res.partner also holds, for example, the users linked to it.
PARTNER_FIELDS = frozenset(
    {
        "name",
        "is_company",
        "vat",
        "street",
        "street2",
        "city",
        "zip",
        "state_id",
        "country_id",
        "email",
        "phone",
        "website",
    }
)


class CksBody(models.Model):
    """A managing body (cơ quan, tổ chức quản lý trực tiếp) in the province's tree.

    TT 185/2019 Điều 3: only a body with legal personality and its own seal may
    directly manage subscribers; units without it sit in the tree under the
    body that manages them.
    """

    _name = "cks.body"
    _description = "Managing Body"
    _inherit = ["mail.thread", "mail.activity.mixin", "cks.input.guard"]
    _inherits = {"res.partner": "partner_id"}
    # the contact behind a body is made with it and never changes: it is written with elevated
    # rights through the body, so pointing a body at another contact (a user's) would let its
    # officer edit that contact
    _flow_fields = ("partner_id",)
    _scope_fields = ("parent_id",)
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name"
    _rec_names_search = ["complete_name", "code", "edoc_code"]

    partner_id = fields.Many2one("res.partner", "Contact", required=True, ondelete="restrict", index=True)
    parent_id = fields.Many2one(
        "cks.body",
        "Parent Body",
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("in_user_scope", "=", True)],
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("cks.body", "parent_id", "Subordinate Bodies")
    complete_name = fields.Char("Full Name", compute="_compute_complete_name", store=True, recursive=True)
    code = fields.Char("Short Code", tracking=True)
    level = fields.Selection(BODY_LEVELS, default="unit", required=True, tracking=True)
    has_legal_personality = fields.Boolean(
        "Legal Personality and Own Seal",
        tracking=True,
        help="Only bodies with legal personality and their own seal may manage subscribers "
        "(Circular 185/2019/TT-BQP, Art. 3).",
    )
    edoc_code = fields.Char(
        "Document-Exchange Code",
        tracking=True,
        help="Electronic identification code of the body, e.g. 000.05.07.G11.",
    )
    budget_code = fields.Char("Budget-Relation Code", tracking=True)
    head_user_id = fields.Many2one("res.users", "Head", tracking=True, domain=[("share", "=", False)])
    officer_user_id = fields.Many2one("res.users", "IT Focal Officer", tracking=True, domain=[("share", "=", False)])
    member_user_ids = fields.One2many("res.users", "cks_body_id", "Users of the Body")
    subscriber_ids = fields.One2many("cks.subscriber", "body_id", "Subscribers")
    subscriber_count = fields.Integer("Subscribers (all levels)", compute="_compute_counts")
    child_count = fields.Integer("Number of Subordinate Bodies", compute="_compute_counts")
    active = fields.Boolean(default=True, tracking=True)
    in_user_scope = fields.Boolean(
        "Managed by Me",
        compute="_compute_in_user_scope",
        search="_search_in_user_scope",
    )

    _edoc_code_unique = models.UniqueIndex(
        "(edoc_code) WHERE edoc_code IS NOT NULL AND edoc_code != ''",
        "Another body already has this document-exchange code.",
    )

    @api.model
    def _user_scope_domain(self):
        """The bodies the current user manages, as the record rules of ``security/cks_rules.xml``
        define them: those the user may edit (officers and heads their own body's subtree, the
        province every body); none for a user who may not edit bodies at all."""
        if not self.browse().has_access("write"):
            return Domain.FALSE
        return self.env["ir.rule"]._compute_domain(self._name, "write")

    @api.depends_context("uid")
    def _compute_in_user_scope(self):
        ids = [body._origin.id for body in self if body._origin.id]
        domain = Domain("id", "in", ids) & self._user_scope_domain()
        scope = set(self.with_context(active_test=False).search(domain).ids) if ids else set()
        for body in self:
            body.in_user_scope = body._origin.id in scope

    def _search_in_user_scope(self, operator, value):
        if operator != "in":
            return NotImplemented
        return self._user_scope_domain() if True in value else Domain.FALSE

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for body in self:
            if body.parent_id:
                body.complete_name = f"{body.parent_id.complete_name} / {body.name}"
            else:
                body.complete_name = body.name

    def _compute_counts(self):
        """Subscribers of each body and of every body below it, from one grouped query."""
        counts = self.env["cks.subscriber"]._read_group([("body_id", "child_of", self.ids)], ["body_id"], ["__count"])
        children = dict(self._read_group([("parent_id", "in", self.ids)], ["parent_id"], ["__count"]))
        for body in self:
            prefix = body.parent_path or f"{body.id}/"
            body.subscriber_count = sum(
                count for sub_body, count in counts if (sub_body.parent_path or "").startswith(prefix)
            )
            body.child_count = children.get(body, 0)

    # The contact behind a body is part of the body: users who may edit the body
    # (checked by its own access rights and rules) edit its contact through it,
    # without needing the contact-creation rights of Odoo's own address book.
    def _split_partner_vals(self, vals):
        """(values of the body, values of its contact); refuses any other field of the contact.
        The body's own values are checked by the guard's create and write."""
        own = set(self._fields) - set(self._inherits_partner_fields())
        partner_vals = {key: value for key, value in vals.items() if key not in own}
        body_vals = {key: value for key, value in vals.items() if key in own}
        self._check_text_limits(partner_vals)
        refused = sorted(set(partner_vals) - PARTNER_FIELDS)
        if refused:
            raise UserError(
                self.env._(
                    "A managing body's contact is changed through its name, tax code and address only, not: "
                    "%(fields)s.",
                    fields=", ".join(refused),
                )
            )
        return body_vals, partner_vals

    def _inherits_partner_fields(self):
        return [name for name, field in self._fields.items() if field.inherited]

    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        self._check_scope_bodies(vals_list, "create")  # created as superuser below: checked here
        split = [self._split_partner_vals(vals) for vals in vals_list]
        partners = (
            self.env["res.partner"]
            .sudo()
            .create([{"is_company": True, **partner_vals} for _body_vals, partner_vals in split])
        )
        # created as superuser (the ORM writes the contact's defaults through it),
        # then held to the caller's record rules
        with flow.opened(self._name):
            bodies = (
                super(CksBody, self.sudo())
                .create(
                    [
                        {**body_vals, "partner_id": partner.id}
                        for (body_vals, _pv), partner in zip(split, partners, strict=True)
                    ]
                )
                .with_env(self.env)
            )
        bodies.check_access("create")
        return bodies

    def write(self, vals):
        body_vals, partner_vals = self._split_partner_vals(vals)
        if partner_vals:
            self.check_access("write")
            self.partner_id.sudo().write(partner_vals)
        return super().write(body_vals) if body_vals else True

    def _responsible_user(self):
        """Who gets this body's activities: its IT officer, else its head, else those of the parent."""
        self.ensure_one()
        for body in self.browse(map(int, reversed(self.parent_path.strip("/").split("/")))):
            if body.officer_user_id or body.head_user_id:
                return body.officer_user_id or body.head_user_id
        return self.env["res.users"]

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import Template for Managing Bodies"),
                "template": "/cks_subscriber/static/xls/cks_body_import_template.xlsx",
            }
        ]

    def action_view_subscribers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_subscriber.cks_subscriber_action")
        action["domain"] = [("body_id", "child_of", self.id)]
        action["context"] = {"default_body_id": self.id}
        return action

    def action_view_children(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("cks_subscriber.cks_body_action")
        action["domain"] = [("parent_id", "=", self.id)]
        action["context"] = {"default_parent_id": self.id}
        return action
