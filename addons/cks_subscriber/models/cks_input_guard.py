import functools

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..lib import flow

# The only context keys a flow action keeps from the caller: the user's language, time zone
# and companies. Every other key a client sends (default_*, tracking_disable, a key of our own
# that once unlocked a write, ...) is dropped before the flow runs.
SAFE_CONTEXT_KEYS = ("lang", "tz", "uid", "allowed_company_ids")
# Longest text a client may store, by field type (a model may set its own per field).
TEXT_LIMITS = {"char": 256, "text": 4000, "html": 50000}


def flow_action(method):
    """Decorate a public action of a flow: it runs with the caller's language, time zone and
    companies only, never with another context key the client sent."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        context = {key: self.env.context[key] for key in SAFE_CONTEXT_KEYS if key in self.env.context}
        return method(self.with_env(self.env(context=context)), *args, **kwargs)

    return run


class CksInputGuard(models.AbstractModel):
    """What a client may write into a CKS record, whatever it sends over RPC.

    - ``_flow_fields`` (states, numbers, actors, server times) are set by the flow alone: a
      client's write to them is refused, and a record a client creates gets their declared
      default (never a ``default_*`` key of the context) or the value the model's
      ``_flow_initial_values`` gives (the clock, the current user);
    - text longer than its limit (``TEXT_LIMITS`` or the model's ``_text_limits``) is refused
      with a message, never cut;
    - a write that changes one of ``_scope_fields`` (the body a record belongs to) is checked
      against the record rules again afterwards: Odoo checks them on the record as it was, so an
      officer could otherwise move a record out of their scope, into a body they do not manage;
      a managing body named there that the user does not manage is refused first, with a message
      that names it (``cks.body._user_scope_domain``), instead of Odoo's generic access error;
    - the uninstall flag, which skips the checks on deletion, is honoured only from the
      server's own uninstall (as superuser), never from a client's context.
    """

    _name = "cks.input.guard"
    _description = "Checks on What a Client Writes"

    _flow_fields: tuple[str, ...] = ()
    _scope_fields: tuple[str, ...] = ()
    _text_limits: dict[str, int] = {}

    def _declared_default(self, name):
        field = self._fields[name]
        value = field.default(self) if field.default else False
        return value.id if isinstance(value, models.BaseModel) else value

    def _flow_initial_values(self, vals):
        """``vals`` with every flow field the caller left out set to its declared default;
        models add the values only the server knows."""
        vals = dict(vals)
        for name in self._flow_fields:
            field = self._fields[name]
            if name not in vals and not field.compute and field.type not in ("one2many", "many2many"):
                vals[name] = self._declared_default(name)
        return vals

    def _refuse_flow_write(self, names):
        raise UserError(
            self.env._(
                "%(model)s: these fields change only through the steps of the procedure and cannot be "
                "written directly: %(fields)s.",
                model=self._model_label(),
                fields=", ".join(self._fields[name]._description_string(self.env) for name in names),
            )
        )

    def _refuse_flow_fields(self, vals_list):
        for vals in vals_list:
            forced = [
                name
                for name in self._flow_fields
                if name in vals and (vals[name] or False) != (self._declared_default(name) or False)
            ]
            if forced:
                self._refuse_flow_write(forced)

    def _model_label(self):
        """The model's name in the user's language, e.g. "Thiết bị lưu khóa bí mật"."""
        return self.env["ir.model"].sudo()._get(self._name).name or self._description  # sudo: a label

    def _check_text_limits(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or not isinstance(value, str):
                continue
            limit = self._text_limits.get(name) or TEXT_LIMITS.get(field.type)
            if limit and len(value) > limit:
                raise ValidationError(
                    self.env._(
                        "%(field)s is too long: %(length)s characters, at most %(limit)s are allowed.",
                        field=field._description_string(self.env),
                        length=len(value),
                        limit=limit,
                    )
                )

    def _check_scope_bodies(self, vals_list, operation):
        """Refuse, naming it, a managing body outside the user's scope put into a scope field.

        Only for users who may do ``operation`` at all (the others get Odoo's own refusal); the
        record rules are checked afterwards anyway, this only says clearly what is wrong."""
        names = [name for name in self._scope_fields if self._fields[name].comodel_name == "cks.body"]
        body_ids = {vals[name] for vals in vals_list for name in names if vals.get(name)}
        if not body_ids or self.env.su or not self.browse().has_access(operation):
            return
        Body = self.env["cks.body"].with_context(active_test=False)
        bodies = Body.browse(body_ids).exists()
        outside = bodies - Body.search(Domain("id", "in", bodies.ids) & Body._user_scope_domain())
        if outside:
            own = self.env.user.cks_body_id
            raise UserError(
                self.env._(
                    "%(body)s is outside your scope: you manage %(own)s and the bodies below it.",
                    body=outside[0].display_name,
                    own=own.display_name,
                )
                if own
                else self.env._(
                    "%(body)s is outside your scope: no managing body is set for your user. Ask the "
                    "provincial administrator to set it.",
                    body=outside[0].display_name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_scope_bodies(vals_list, "create")
        if not flow.is_open(self._name):
            self._refuse_flow_fields(vals_list)
        vals_list = [self._flow_initial_values(vals) for vals in vals_list]
        for vals in vals_list:
            self._check_text_limits(vals)
        return super().create(vals_list)

    def write(self, vals):
        if not flow.is_open(self._name):
            forced = [name for name in self._flow_fields if name in vals]
            if forced:
                self._refuse_flow_write(forced)
        self._check_scope_bodies([vals], "write")
        self._check_text_limits(vals)
        result = super().write(vals)
        if set(vals) & set(self._scope_fields):
            self.check_access("write")  # still in the writer's scope where it now belongs
        return result

    def unlink(self):
        records = self
        if self.env.context.get(MODULE_UNINSTALL_FLAG) and not self.env.su:
            records = self.with_context(**{MODULE_UNINSTALL_FLAG: False})
        return super(CksInputGuard, records).unlink()
