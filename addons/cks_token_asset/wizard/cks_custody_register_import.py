import base64
import datetime as dt
from zoneinfo import ZoneInfo

from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.cks_subscriber.models.cks_input_guard import flow_action

from ..lib import paper_register
from ..models.cks_custody_event import from_paper_register

# the register's steps that are a device's own step (the rest: "received", the device's registration)
STEP_MOVES = {step: step for step in paper_register.STEPS if step != "received"}
SHOWN_PROBLEMS = 20


class CksCustodyRegisterImport(models.TransientModel):
    """Carry a body's paper register of devices (sổ quản lý thiết bị) into the custody chain.

    Each line keeps the date the register gives as the time its event happened, and is stamped
    with the moment it is entered; both are hashed. Only devices the system does not know yet are
    brought in, each with its history up to today: the register tells the past, the system
    everything after. Every line is checked first; one faulty line and nothing is imported.
    """

    _name = "cks.custody.register.import"
    _description = "Import a Paper Register of Devices"

    file = fields.Binary("Register (CSV)", required=True, help="UTF-8 CSV, one line per event; see the columns below.")
    filename = fields.Char()

    @flow_action
    def action_import(self):
        self.ensure_one()
        if not self.env.user.has_group("cks_subscriber.group_cks_admin"):
            raise AccessError(self.env._("Paper registers are carried over by the provincial administrator."))
        tokens = self._import_register(base64.b64decode(self.file or b""))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Devices from the Paper Register"),
            "res_model": "cks.token",
            "view_mode": "list,form",
            "domain": [("id", "in", tokens.ids)],
        }

    def _import_register(self, data):
        """Check every line of ``data`` (the CSV file), then chain them in date order; returns the
        devices brought in."""
        tz = ZoneInfo(self.env.user.tz or "Asia/Ho_Chi_Minh")
        today = fields.Datetime.now().replace(tzinfo=dt.UTC).astimezone(tz).date()
        try:
            lines = paper_register.parse(data, today)
        except paper_register.RegisterError as exc:
            self._raise_problems([(problem.number, self._problem_text(problem)) for problem in exc.problems])
        bodies, users, certificates = self._resolve(lines)
        tokens = self.env["cks.token"]
        by_serial = {}
        # the chain in the register's date order; a device's lines keep their order within a day
        for line in sorted(lines, key=lambda line: (line.date, line.number)):
            # the day the register gives, at midnight in the province, as UTC
            when = dt.datetime.combine(line.date, dt.time(), tz).astimezone(dt.UTC).replace(tzinfo=None)
            try:
                reason = line.reason or self.env._("From the paper register")
                with from_paper_register(when, reason, line.document or None):
                    token = by_serial[line.serial] = self._apply(line, by_serial.get(line.serial), bodies, users)
                if line.certificate:
                    token.write({"certificate_ids": [Command.link(certificates[line.certificate].id)]})
            except UserError as exc:
                self._raise_problems([(line.number, exc.args[0])])
        return tokens.union(*by_serial.values())

    def _resolve(self, lines):
        """The bodies (by code), users (by login) and certificates (by serial) the register names,
        and the serials it brings in, each checked."""
        problems = []
        codes = {line.body for line in lines if line.body}
        logins = {line.custodian for line in lines if line.custodian}
        bodies = {body.code: body for body in self.env["cks.body"].search([("code", "in", list(codes))])}
        users = {user.login: user for user in self.env["res.users"].search([("login", "in", list(logins))])}
        serials = list({line.certificate for line in lines if line.certificate})
        certificates = {
            cert.serial.upper(): cert for cert in self.env["cks.certificate"].search([("serial", "in", serials)])
        }
        known = set(
            self.env["cks.token"]
            .with_context(active_test=False)
            .search([("serial", "in", list({line.serial for line in lines}))])
            .mapped("serial")
        )
        for line in lines:
            if line.body and line.body not in bodies:
                problems.append((line.number, self.env._("no managing body has the code %(code)s", code=line.body)))
            if line.custodian and line.custodian not in users:
                problems.append((line.number, self.env._("no user has the login %(login)s", login=line.custodian)))
            if line.certificate and line.certificate not in certificates:
                problems.append(
                    (
                        line.number,
                        self.env._("no certificate has the serial number %(serial)s", serial=line.certificate),
                    )
                )
            if line.step == "received" and line.serial in known:
                problems.append(
                    (
                        line.number,
                        self.env._(
                            "device %(serial)s is already in the system: its history goes on there", serial=line.serial
                        ),
                    )
                )
        if problems:
            self._raise_problems(problems)
        return bodies, users, certificates

    def _apply(self, line, token, bodies, users):
        if line.step == "received":
            token = self.env["cks.token"].create(
                {"serial": line.serial, "token_type": line.token_type, "make_model": line.model or False}
            )
            if not line.location:
                return token
        token._transition(
            "relocate" if line.step == "received" else STEP_MOVES[line.step],
            body=bodies[line.body] if line.step == "issue" else None,
            custodian=users[line.custodian] if line.step in ("assign", "handover") else None,
            location=line.location or None,
        )
        return token

    def _problem_text(self, problem):
        """A problem the register's reader found, in the user's language."""
        texts = {
            "not_utf8": self.env._("the file is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"),
            "empty": self.env._("the file is empty"),
            "no_lines": self.env._("the file has a header but no line"),
            "too_many": self.env._("%(count)s lines: import at most %(limit)s at a time"),
            "unknown_column": self.env._("unknown column %(name)s (the columns are: %(known)s)"),
            "duplicate_column": self.env._("column %(name)s appears twice"),
            "missing_columns": self.env._("the column(s) %(names)s are required"),
            "missing_value": self.env._("the %(name)s is missing"),
            "bad_date": self.env._("%(value)s is not a date (write it as DD/MM/YYYY)"),
            "future": self.env._("%(date)s is in the future"),
            "too_old": self.env._("%(date)s is before %(year)s"),
            "unknown_step": self.env._("unknown step %(value)s (the steps are: %(known)s)"),
            "first_not_received": self.env._("the first line of device %(serial)s must be the step 'received'"),
            "received_twice": self.env._("device %(serial)s is received twice"),
            "out_of_order": self.env._("device %(serial)s: %(date)s is before its line %(line)s"),
            "needs_body": self.env._("the step 'issue' needs the body's code"),
            "needs_custodian": self.env._("the step %(step)s needs the custodian's login"),
            "needs_location": self.env._("the step 'relocate' needs the new location"),
            "unknown_type": self.env._("unknown device type %(value)s (usb, sim or other)"),
        }
        return texts.get(problem.code, paper_register.PROBLEMS.get(problem.code, problem.code)) % dict(problem.params)

    def _raise_problems(self, problems):
        shown = "\n".join(
            self.env._("Line %(number)s: %(problem)s", number=number, problem=problem) if number else problem
            for number, problem in problems[:SHOWN_PROBLEMS]
        )
        more = len(problems) - SHOWN_PROBLEMS
        if more > 0:
            shown += "\n" + self.env._("… and %(count)s more.", count=more)
        raise UserError(self.env._("The register was not imported; nothing changed.\n%(problems)s", problems=shown))
