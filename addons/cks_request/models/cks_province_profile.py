from datetime import datetime
from zoneinfo import ZoneInfo

from odoo import api, fields, models

from ..lib import request_rules as rules
from ..lib.working_days import WorkingDays, holiday_dates


class CksProvinceProfile(models.Model):
    _inherit = "cks.province.profile"

    focal_body_id = fields.Many2one(
        "cks.body",
        "Focal Unit Body",
        tracking=True,
        help="The body that sends on the requests the province routes through its focal unit.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Calendar",
        default=lambda self: self.env.ref("cks_request.resource_calendar_cks", raise_if_not_found=False),
        help="The working days and public holidays deadlines are counted in "
        "(Tết moves every year: check the days off).",
    )

    def _cks_route(self, request_type):
        """The route the province gives this request type (direct when the province is not set)."""
        group = rules.ROUTE_GROUP.get(request_type)
        return (self[f"route_{group}"] if self and group else False) or "direct"

    @api.model
    def _cks_working_days(self):
        """The working days of the province's calendar: weekdays it works, minus its public holidays."""
        profile = self._get_current()
        calendar = profile.calendar_id or self.env.ref("cks_request.resource_calendar_cks", raise_if_not_found=False)
        if not calendar:
            return WorkingDays(())
        calendar = calendar.sudo()  # sudo: the calendar every role's deadlines use
        # the leaves Odoo's own calendar counts: global time off of this calendar or of all
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search_fetch(
                [("calendar_id", "in", [False, calendar.id]), ("resource_id", "=", False), ("time_type", "=", "leave")],
                ["date_from", "date_to"],
            )
        )
        weekdays = {int(line.dayofweek) for line in calendar.attendance_ids if not line.display_type and line.dayofweek}
        weekend = tuple(day for day in range(7) if day not in weekdays) or (5, 6)
        return WorkingDays(
            holiday_dates([(leave.date_from, leave.date_to) for leave in leaves], calendar.tz or "Asia/Ho_Chi_Minh"),
            weekend=weekend,
        )

    @api.model
    def _cks_today(self):
        """Today in the province (the calendar's time zone), whoever runs the step: a cron user
        without a time zone would otherwise get the UTC date."""
        calendar = self._get_current().calendar_id or self.env.ref(
            "cks_request.resource_calendar_cks", raise_if_not_found=False
        )
        tz = (calendar.sudo().tz if calendar else None) or "Asia/Ho_Chi_Minh"
        return datetime.now(ZoneInfo(tz)).date()
