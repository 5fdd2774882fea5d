"""The working-day library against Odoo's own calendar.

The holidays live in Odoo as the global time off of ``cks_request.resource_calendar_cks``; the
deadlines are computed by ``lib/working_days.py`` without the ORM. These tests load the calendar
the module installs and check that the library and Odoo agree.

How Odoo 19 answers the same question (resource/models/resource_calendar.py):

* ``_work_intervals_batch(start, end)`` gives the work intervals (attendance lines less the
  leaves) in the calendar's time zone. The leaves it subtracts are those with ``time_type =
  'leave'``, no resource, and ``calendar_id`` this calendar OR empty (a leave without calendar is
  for every calendar), which is the domain used below to build the library's holidays.
* ``plan_days(days, day_dt, compute_leaves=True)`` walks those intervals from ``day_dt`` on and
  returns the END of the interval in which the ``days``-th distinct date with work appears (a
  datetime, in ``day_dt``'s time zone). Starting at local 00:00 of the day AFTER ``start``,
  the ``days``-th date with work is exactly the library's ``add(start, days)`` ("the start is
  not counted, whatever it is"), so ``plan_days(n, local midnight of start + 1).date() ==
  add(start, n)`` for n >= 1. For n == 0 ``plan_days`` returns ``day_dt`` itself: at local
  midnight of ``start`` that is ``start``, the library's "same day".
* ``_works_on_date(date)`` only looks at the attendance lines (the weekday), not at the leaves:
  it says a Tết weekday is worked, so it is not a holiday check.
"""

import random
from datetime import date, datetime, time, timedelta

import pytz

from odoo.tests import TransactionCase, tagged

from ..lib.working_days import WorkingDays, holiday_dates

ONE_DAY = timedelta(days=1)


@tagged("post_install", "-at_install")
class TestWorkingDays(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.ref("cks_request.resource_calendar_cks")
        cls.tz = pytz.timezone(cls.calendar.tz)
        cls.leaves = cls.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "in", [False, cls.calendar.id]),
                ("resource_id", "=", False),
                ("time_type", "=", "leave"),
            ]
        )
        rows = cls.leaves.read(["date_from", "date_to"])
        cls.working_days = WorkingDays(holiday_dates([(r["date_from"], r["date_to"]) for r in rows], cls.calendar.tz))

    def _midnight(self, day):
        return self.tz.localize(datetime.combine(day, time.min))

    def _odoo_add(self, start, days):
        """The library's add(start, days) computed by Odoo (see the module docstring)."""
        if days == 0:
            planned = self.calendar.plan_days(0, self._midnight(start), compute_leaves=True)
        else:
            planned = self.calendar.plan_days(days, self._midnight(start + ONE_DAY), compute_leaves=True)
        self.assertTrue(planned, f"Odoo planned nothing for {days} days from {start}")
        return planned.astimezone(self.tz).date()

    def test_calendar(self):
        self.assertEqual(self.calendar.tz, "Asia/Ho_Chi_Minh")
        self.assertFalse(self.calendar.company_id)
        self.assertAlmostEqual(self.calendar.hours_per_day, 7.5)
        work = self.calendar.attendance_ids.filtered(lambda a: a.day_period != "lunch")
        self.assertEqual(sorted(set(work.mapped("dayofweek"))), ["0", "1", "2", "3", "4"])
        self.assertEqual(sorted(set(work.mapped(lambda a: (a.hour_from, a.hour_to)))), [(7.5, 11.5), (13.5, 17.0)])
        self.assertEqual(self.working_days.weekend, frozenset({5, 6}))

    def test_leaves_cover_whole_local_days(self):
        own = self.leaves.filtered(lambda leave: leave.calendar_id == self.calendar)
        self.assertEqual(len(own), 15)  # 5 periods a year, 2025-2027
        for leave in own:
            local_from = pytz.utc.localize(leave.date_from).astimezone(self.tz)
            local_to = pytz.utc.localize(leave.date_to).astimezone(self.tz)
            self.assertEqual(local_from.time(), time(0, 0, 0), leave.name)
            self.assertEqual(local_to.time(), time(23, 59, 59), leave.name)

    def test_tet_2026_and_yearly_counts(self):
        wd = self.working_days
        for day in (date(2026, 2, 16) + timedelta(days=i) for i in range(5)):  # Mon 16 - Fri 20/2
            self.assertFalse(wd.is_working(day), day)
        self.assertTrue(wd.is_working(date(2026, 2, 13)))
        self.assertTrue(wd.is_working(date(2026, 2, 23)))
        self.assertEqual(wd.add(date(2026, 2, 13), 3), date(2026, 2, 25))
        # working weekdays off: 2025 = 1/1, 27-31/1, 7/4, 30/4-2/5, 1-2/9;
        # 2026 = 1-2/1, 16-20/2, 27/4, 30/4-1/5, 31/8-2/9; 2027 = 1/1, 4-5/2, 8-10/2, 16/4, 30/4, 3/5, 2-3/9
        for year, off in ((2025, 12), (2026, 13), (2027, 11)):
            weekdays = sum(1 for d in self._days(date(year, 1, 1), date(year, 12, 31)) if d.weekday() < 5)
            self.assertEqual(wd.count(date(year - 1, 12, 31), date(year, 12, 31)), weekdays - off, year)

    @staticmethod
    def _days(first, last):
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]

    def test_every_day_agrees_with_odoo_work_intervals(self):
        first, last = date(2024, 12, 1), date(2028, 1, 31)
        intervals = self.calendar._work_intervals_batch(self._midnight(first), self._midnight(last + ONE_DAY))[False]
        odoo_days = {start.astimezone(self.tz).date() for start, _stop, _meta in intervals}
        lib_days = {d for d in self._days(first, last) if self.working_days.is_working(d)}
        self.assertEqual(sorted(lib_days ^ odoo_days), [])
        self.assertEqual(len(lib_days), 826 - 36)  # 826 weekdays from 1/12/2024 to 31/1/2028, 36 off

    def test_add_agrees_with_odoo_plan_days(self):
        rng = random.Random(2025)
        span = (date(2027, 12, 31) - date(2025, 1, 1)).days
        starts = {date(2025, 1, 1) + timedelta(days=rng.randrange(span + 1)) for _ in range(260)}
        # and the days around every holiday period, where a mistake would show
        for leave in self.leaves:
            first = pytz.utc.localize(leave.date_from).astimezone(self.tz).date()
            last = pytz.utc.localize(leave.date_to).astimezone(self.tz).date()
            starts.update({first - 3 * ONE_DAY, first - ONE_DAY, first, last, last + ONE_DAY})
        checked = 0
        for start in sorted(starts):
            for days in range(11):
                self.assertEqual(self.working_days.add(start, days), self._odoo_add(start, days), (start, days))
                checked += 1
        self.assertGreater(checked, 3000)
