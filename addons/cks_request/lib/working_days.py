"""Working-day arithmetic with Vietnamese public holidays (no Odoo import).

The procedures give their deadlines in working days ("within 3 working days", TT 185/2019,
NĐ 130/2018 Điều 71): a working day is a day that is neither a weekly rest day (Saturday and
Sunday for the State's administrative bodies) nor a public holiday or a day off the Government
announced (Bộ luật Lao động 2019 Điều 112, and the yearly notice of the Prime Minister / the
Ministry). The holidays are data, kept per year in Odoo as the global time off of the
calendar ``cks_request.resource_calendar_cks`` (``resource.calendar.leaves``);
:func:`holiday_dates` turns those records into local dates, :class:`WorkingDays` computes.

Counting is done in closed form, so that a nightly job can compute tens of thousands of
deadlines: the number of working days up to a date is the number of non-rest weekdays up to it
(whole weeks times the working days of a week, plus the days of the last part-week) minus the
number of holidays on a working weekday up to it (a binary search in a sorted list). Both
:meth:`WorkingDays.count` and :meth:`WorkingDays.add` are O(log H), H the number of holidays,
with no precomputed span: they are exact for every date from 0001-01-01 to 9999-12-31.

    >>> from datetime import date, timedelta
    >>> tet_2026 = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]
    >>> WorkingDays(tet_2026).add(date(2026, 2, 13), 3)  # sent on Friday before Tết
    datetime.date(2026, 2, 25)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["WorkingDays", "holiday_dates"]

# Saturday and Sunday (date.weekday() numbering: Monday is 0)
DEFAULT_WEEKEND = (5, 6)
_LAST_ORDINAL = date.max.toordinal()


def _as_date(value: date, what: str) -> date:
    """Refuse a datetime: its date is the UTC date in Odoo, not the local date the rules mean."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a datetime.date (a local date), not {type(value).__name__}")
    return value


class WorkingDays:
    """The working days of a calendar: every day but the weekly rest days and the holidays.

    :param holidays: the local dates off (public holidays, compensatory days, the days the
        Government swapped); a holiday that falls on a rest day changes nothing.
    :param weekend: the weekly rest days as ``date.weekday()`` numbers (Monday 0 ... Sunday 6),
        Saturday and Sunday by default; at least one day of the week must remain working.

    A day that is normally a rest day but worked by decision (a "làm bù" Saturday of a swap)
    cannot be expressed: it stays a rest day, so a deadline across it is at most one day later
    than the strict one.
    """

    __slots__ = ("_holiday_ordinals", "_holidays", "_per_week", "_prefix", "_weekdays", "_weekend")

    def __init__(self, holidays: Iterable[date] = (), weekend: Iterable[int] = DEFAULT_WEEKEND) -> None:
        rest = frozenset(weekend)
        if not rest <= set(range(7)):
            raise ValueError(f"weekend days must be weekday numbers 0..6, got {sorted(rest)}")
        weekdays = tuple(d for d in range(7) if d not in rest)
        if not weekdays:
            raise ValueError("a calendar needs at least one working day a week")
        self._weekend: frozenset[int] = rest
        self._weekdays: tuple[int, ...] = weekdays
        self._per_week: int = len(weekdays)
        # _prefix[r]: working weekdays among the weekdays 0 .. r-1 (r = 0..7)
        prefix = [0]
        for day in range(7):
            prefix.append(prefix[-1] + (day not in rest))
        self._prefix: tuple[int, ...] = tuple(prefix)
        days = frozenset(_as_date(d, "a holiday") for d in holidays)
        self._holidays: frozenset[date] = days
        # only the holidays on a working weekday change a count
        self._holiday_ordinals: list[int] = sorted(d.toordinal() for d in days if d.weekday() not in rest)

    @classmethod
    def from_leaves(
        cls,
        leaves: Iterable[tuple[datetime, datetime]],
        tz_name: str,
        weekend: Iterable[int] = DEFAULT_WEEKEND,
    ) -> WorkingDays:
        """The calendar of Odoo's global leaves: ``(date_from, date_to)`` in naive UTC, see :func:`holiday_dates`."""
        return cls(holiday_dates(leaves, tz_name), weekend)

    @property
    def holidays(self) -> frozenset[date]:
        """The holidays given, including those that fall on a rest day."""
        return self._holidays

    @property
    def weekend(self) -> frozenset[int]:
        """The weekly rest days (``date.weekday()`` numbers)."""
        return self._weekend

    def is_working(self, d: date) -> bool:
        """True when ``d`` is neither a rest day of the week nor a holiday."""
        d = _as_date(d, "the day")
        return d.weekday() not in self._weekend and d not in self._holidays

    # -- closed forms over date ordinals (0001-01-01 is ordinal 1, a Monday) -------------------

    def _weekdays_upto(self, ordinal: int) -> int:
        """Number of working weekdays among the ordinals 1 .. ordinal (ordinal >= 0)."""
        weeks, rest = divmod(ordinal, 7)
        return weeks * self._per_week + self._prefix[rest]

    def _nth_weekday(self, n: int) -> int:
        """Ordinal of the n-th working weekday counted from 0001-01-01 (n >= 1)."""
        weeks, index = divmod(n - 1, self._per_week)
        return weeks * 7 + self._weekdays[index] + 1

    def _holidays_upto(self, ordinal: int) -> int:
        return bisect_right(self._holiday_ordinals, ordinal)

    def _working_upto(self, ordinal: int) -> int:
        """Number of working days among the ordinals 1 .. ordinal."""
        return self._weekdays_upto(ordinal) - self._holidays_upto(ordinal)

    # -- public arithmetic ------------------------------------------------------------------

    def count(self, after: date, until: date) -> int:
        """Number of working days ``d`` with ``after < d <= until`` (0 when ``until <= after``)."""
        after = _as_date(after, "after")
        until = _as_date(until, "until")
        if until <= after:
            return 0
        return self._working_upto(until.toordinal()) - self._working_upto(after.toordinal())

    def add(self, start: date, days: int) -> date:
        """The deadline "within ``days`` working days from ``start``".

        It is the ``days``-th working day after ``start``; ``start`` itself is never counted,
        whether it is a working day or not (a request received on a Saturday or during Tết has
        its first day on the next working day). ``days == 0`` means "the same day" and returns
        ``start``. A negative number of days raises ``ValueError``.
        """
        start = _as_date(start, "start")
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"days must be an int, not {type(days).__name__}")
        if days < 0:
            raise ValueError(f"a number of working days cannot be negative: {days}")
        if days == 0:
            return start
        # The answer is the first ordinal whose working-day count reaches `target`. It is the
        # (target + h)-th working weekday, h the number of holidays on working weekdays before
        # it; iterate from h = 0: each step only moves forward and never passes the answer,
        # and stops when no new holiday was crossed (a few steps even across Tết).
        target = self._working_upto(start.toordinal()) + days
        ordinal = self._nth_weekday(target)
        while True:
            following = self._nth_weekday(target + self._holidays_upto(ordinal))
            if following == ordinal:
                if ordinal > _LAST_ORDINAL:
                    raise OverflowError(f"{days} working days after {start} is after {date.max}")
                return date.fromordinal(ordinal)
            ordinal = following


def holiday_dates(leaves: Iterable[tuple[datetime, datetime]], tz_name: str) -> set[date]:
    """The local dates off that Odoo's time-off records cover.

    :param leaves: ``(date_from, date_to)`` pairs as Odoo stores ``resource.calendar.leaves``:
        naive datetimes in UTC (an aware datetime is converted as it is).
    :param tz_name: the calendar's time zone, e.g. ``"Asia/Ho_Chi_Minh"``.

    Rule: every local date from the local date of ``date_from`` to the local date of
    ``date_to`` minus one second, inclusive, is a holiday, so a leave counts for each day it
    touches, wholly or partly. A whole day in Odoo runs from local 00:00:00 to 23:59:59
    (what Odoo's form proposes) or to 00:00:00 of the next day: both give that day alone.
    Public holidays are whole days, so "partly" only matters for a hand-made leave of a few
    hours, which then removes the whole day (the later, safer deadline). A leave that ends
    before or when it starts covers nothing.

    For "Asia/Ho_Chi_Minh" (UTC+07:00, no daylight saving since 1975): the day D runs from
    D-1 17:00:00 UTC to D 16:59:59 UTC.
    """
    zone = ZoneInfo(tz_name)
    one_second = timedelta(seconds=1)
    one_day = timedelta(days=1)
    result: set[date] = set()
    for date_from, date_to in leaves:
        start = _to_local(date_from, zone)
        end = _to_local(date_to, zone)
        if end <= start:
            continue
        day = start.date()
        last = max(day, (end - one_second).date())  # a leave of less than a second still touches its day
        while day <= last:
            result.add(day)
            day += one_day
    return result


def _to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"a leave bound must be a datetime (naive UTC), not {type(moment).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)
