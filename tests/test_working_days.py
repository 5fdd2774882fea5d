"""Tests of addons/cks_request/lib/working_days.py (pure Python, no Odoo).

Weekends, holidays, a deadline across Tết, days == 0, count(), the UTC/+07:00 boundaries of
holiday_dates(), refusals, and the closed-form arithmetic checked against a plain day-by-day
walk over random calendars, dates and spans (including dates far from every holiday)."""

import random
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from cks_request_lib.working_days import WorkingDays, holiday_dates

HCM = "Asia/Ho_Chi_Minh"
ONE_DAY = timedelta(days=1)


def days(first, last):
    """The dates from first to last, inclusive."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# The days off of 2026 announced by the Government (see the module's cks_calendar_data.xml).
HOLIDAYS_2026 = [
    *days(date(2026, 1, 1), date(2026, 1, 4)),  # Tết Dương lịch, with Friday 2/1 swapped
    *days(date(2026, 2, 14), date(2026, 2, 22)),  # Tết Nguyên Đán Bính Ngọ
    *days(date(2026, 4, 26), date(2026, 4, 27)),  # Giỗ Tổ Hùng Vương on a Sunday, off on Monday
    *days(date(2026, 4, 30), date(2026, 5, 1)),  # 30/4 and 1/5
    *days(date(2026, 8, 29), date(2026, 9, 2)),  # Quốc khánh, with Monday 31/8 swapped
]


def naive_add(calendar, start, n):
    d = start
    while n:
        d += ONE_DAY
        if calendar.is_working(d):
            n -= 1
    return d


def naive_count(calendar, after, until):
    return sum(1 for d in days(after + ONE_DAY, until) if calendar.is_working(d)) if until > after else 0


# ---------------------------------------------------------------------------------------------


def test_weekend_only():
    wd = WorkingDays()
    friday = date(2026, 3, 6)
    assert wd.is_working(friday)
    assert not wd.is_working(date(2026, 3, 7))  # Saturday
    assert not wd.is_working(date(2026, 3, 8))  # Sunday
    assert wd.add(friday, 1) == date(2026, 3, 9)  # Monday
    assert wd.add(friday, 5) == date(2026, 3, 13)
    assert wd.add(date(2026, 3, 2), 4) == date(2026, 3, 6)  # Monday + 4 = Friday
    # the start is never counted, even on a rest day: Saturday + 1 is Monday
    assert wd.add(date(2026, 3, 7), 1) == date(2026, 3, 9)
    assert wd.add(date(2026, 3, 8), 1) == date(2026, 3, 9)


def test_other_weekend():
    wd = WorkingDays(weekend=(6,))  # Sunday only
    assert wd.is_working(date(2026, 3, 7))
    assert wd.add(date(2026, 3, 6), 2) == date(2026, 3, 9)
    assert wd.weekend == frozenset({6})


def test_holidays():
    wd = WorkingDays(HOLIDAYS_2026)
    assert not wd.is_working(date(2026, 4, 27))  # compensatory Monday of Giỗ Tổ
    assert not wd.is_working(date(2026, 8, 31))  # swapped Monday
    assert wd.is_working(date(2026, 4, 28))
    # Friday 24/4 + 1: Monday 27/4 is off → Tuesday 28/4; + 3: 28, 29, then 30/4-3/5 off → 4/5
    assert wd.add(date(2026, 4, 24), 1) == date(2026, 4, 28)
    assert wd.add(date(2026, 4, 24), 3) == date(2026, 5, 4)
    # New Year: Wednesday 31/12/2025 + 1 → Monday 5/1/2026
    assert wd.add(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert wd.holidays == frozenset(HOLIDAYS_2026)


def test_deadline_across_tet_2026():
    wd = WorkingDays(HOLIDAYS_2026)
    sent = date(2026, 2, 13)  # Friday before the 9 days off (14/2-22/2)
    for day in days(date(2026, 2, 14), date(2026, 2, 22)):
        assert not wd.is_working(day)
    assert wd.add(sent, 1) == date(2026, 2, 23)
    assert wd.add(sent, 3) == date(2026, 2, 25)
    assert wd.count(sent, date(2026, 2, 25)) == 3
    # a request that arrives during Tết starts counting after it
    assert wd.add(date(2026, 2, 17), 3) == date(2026, 2, 25)
    # 5 working days from Wednesday 11/2: 12, 13, 23, 24, 25
    assert wd.add(date(2026, 2, 11), 5) == date(2026, 2, 25)


def test_zero_days_is_the_same_day():
    wd = WorkingDays(HOLIDAYS_2026)
    for d in (date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 17), date(2026, 3, 8)):
        assert wd.add(d, 0) == d


def test_count():
    wd = WorkingDays(HOLIDAYS_2026)
    monday, friday = date(2026, 3, 2), date(2026, 3, 6)
    assert wd.count(monday, friday) == 4  # after is excluded, until included
    assert wd.count(monday, monday) == 0
    assert wd.count(friday, monday) == 0
    assert wd.count(date(2026, 3, 6), date(2026, 3, 8)) == 0  # only the weekend
    assert wd.count(date(2026, 2, 13), date(2026, 2, 22)) == 0  # only Tết
    # 261 weekdays in 2026, less 1-2/1, 16-20/2, 27/4, 30/4-1/5, 31/8-2/9
    assert wd.count(date(2025, 12, 31), date(2026, 12, 31)) == 261 - 2 - 5 - 1 - 2 - 3


def test_refusals():
    wd = WorkingDays()
    with pytest.raises(ValueError, match="negative"):
        wd.add(date(2026, 3, 2), -1)
    with pytest.raises(TypeError):
        wd.add(date(2026, 3, 2), 1.0)
    with pytest.raises(TypeError):
        wd.add(date(2026, 3, 2), True)
    with pytest.raises(TypeError, match="local date"):
        wd.add(datetime(2026, 3, 2, 8, 0), 1)  # a datetime's date may be the UTC one
    with pytest.raises(TypeError):
        wd.is_working(datetime(2026, 3, 2))
    with pytest.raises(TypeError):
        WorkingDays([datetime(2026, 3, 2)])
    with pytest.raises(ValueError):
        WorkingDays(weekend=range(7))
    with pytest.raises(ValueError):
        WorkingDays(weekend=(7,))


# ---------------------------------------------------------------------------------------------
# holiday_dates: Odoo stores naive UTC; the dates are those of Asia/Ho_Chi_Minh (UTC+07:00)


def test_holiday_dates_whole_local_days():
    # Tết 2026 as the data file stores it: local 14/2 00:00 → 22/2 23:59:59
    leave = (datetime(2026, 2, 13, 17, 0, 0), datetime(2026, 2, 22, 16, 59, 59))
    assert holiday_dates([leave], HCM) == set(days(date(2026, 2, 14), date(2026, 2, 22)))
    # the same leave ending at local midnight of the next day: 23/2 is not included
    leave = (datetime(2026, 2, 13, 17, 0, 0), datetime(2026, 2, 22, 17, 0, 0))
    assert holiday_dates([leave], HCM) == set(days(date(2026, 2, 14), date(2026, 2, 22)))


def test_holiday_dates_boundaries():
    # one second past local midnight of 23/2 touches 23/2
    leave = (datetime(2026, 2, 21, 17, 0, 0), datetime(2026, 2, 22, 17, 0, 1))
    assert holiday_dates([leave], HCM) == {date(2026, 2, 22), date(2026, 2, 23)}
    # starting one second before local midnight touches the day before
    leave = (datetime(2026, 2, 13, 16, 59, 59), datetime(2026, 2, 14, 16, 59, 59))
    assert holiday_dates([leave], HCM) == {date(2026, 2, 13), date(2026, 2, 14)}
    # a UTC day is not the local day: 1/5 00:00-23:59 UTC is 1/5 07:00 → 2/5 06:59 local
    leave = (datetime(2026, 5, 1, 0, 0), datetime(2026, 5, 1, 23, 59, 59))
    assert holiday_dates([leave], HCM) == {date(2026, 5, 1), date(2026, 5, 2)}
    # an afternoon off (13:30-17:00 local) counts for its whole day
    leave = (datetime(2026, 3, 4, 6, 30), datetime(2026, 3, 4, 10, 0))
    assert holiday_dates([leave], HCM) == {date(2026, 3, 4)}
    # an aware datetime is converted as it is
    leave = (
        datetime(2026, 9, 2, 0, 0, tzinfo=timezone(timedelta(hours=7))),
        datetime(2026, 9, 3, 0, 0, tzinfo=timezone(timedelta(hours=7))),
    )
    assert holiday_dates([leave], HCM) == {date(2026, 9, 2)}
    # in UTC itself the naive values are the local ones
    assert holiday_dates([(datetime(2026, 9, 2), datetime(2026, 9, 3))], "UTC") == {date(2026, 9, 2)}


def test_holiday_dates_degenerate_and_many():
    assert holiday_dates([], HCM) == set()
    # ends before it starts, or at the same instant: nothing
    assert holiday_dates([(datetime(2026, 3, 5), datetime(2026, 3, 4))], HCM) == set()
    assert holiday_dates([(datetime(2026, 3, 5), datetime(2026, 3, 5))], HCM) == set()
    # half a second at local midnight still touches its day
    moment = datetime(2026, 3, 4, 17, 0, 0)
    assert holiday_dates([(moment, moment + timedelta(microseconds=500_000))], HCM) == {date(2026, 3, 5)}
    # overlapping leaves are merged
    leaves = [
        (datetime(2026, 4, 29, 17), datetime(2026, 5, 1, 16, 59, 59)),
        (datetime(2026, 4, 30, 17), datetime(2026, 5, 3, 16, 59, 59)),
    ]
    assert holiday_dates(leaves, HCM) == set(days(date(2026, 4, 30), date(2026, 5, 3)))
    with pytest.raises(TypeError):
        holiday_dates([(date(2026, 3, 4), date(2026, 3, 5))], HCM)


def test_from_leaves():
    leaves = [(datetime(2026, 2, 13, 17), datetime(2026, 2, 22, 16, 59, 59))]
    wd = WorkingDays.from_leaves(leaves, HCM)
    assert wd.add(date(2026, 2, 13), 3) == date(2026, 2, 25)


# ---------------------------------------------------------------------------------------------
# the closed form against a day-by-day walk


def _random_calendar(rng):
    weekend = rng.choice([(5, 6), (5, 6), (6,), (4, 5), (), (0, 2, 4, 6), (0, 1, 2, 3, 4, 5)])
    first = date(1995, 1, 1).toordinal()
    span = date(2035, 12, 31).toordinal() - first
    holidays = {date.fromordinal(first + rng.randrange(span)) for _ in range(rng.randrange(0, 400))}
    # clusters like Tết: a week or two off in a row
    for _ in range(rng.randrange(0, 30)):
        start = date.fromordinal(first + rng.randrange(span))
        holidays.update(days(start, start + timedelta(days=rng.randrange(1, 15))))
    return WorkingDays(holidays, weekend)


def _random_start(rng):
    # mostly within the holidays' span, sometimes far outside it, sometimes near the ends of time
    pick = rng.random()
    if pick < 0.75:
        return date(1994, 6, 1) + timedelta(days=rng.randrange(15_500))
    if pick < 0.95:
        return date.fromordinal(rng.randrange(1, date(9990, 1, 1).toordinal()))
    return date(1, 1, 1) + timedelta(days=rng.randrange(60))


@pytest.mark.parametrize("seed", range(12))
def test_add_and_count_match_a_day_by_day_walk(seed):
    rng = random.Random(seed)
    calendar = _random_calendar(rng)
    for _ in range(400):
        start = _random_start(rng)
        n = rng.choice([0, 1, 2, 3, 5, 7, 10, rng.randrange(0, 60), rng.randrange(0, 800)])
        deadline = calendar.add(start, n)
        assert deadline == naive_add(calendar, start, n), (start, n)
        assert calendar.count(start, deadline) == n
        if n:
            assert calendar.is_working(deadline)
        until = start + timedelta(days=rng.randrange(-5, 400))
        assert calendar.count(start, until) == naive_count(calendar, start, until), (start, until)


def test_far_dates():
    wd = WorkingDays(HOLIDAYS_2026)
    assert wd.count(date(1, 1, 1), date(1, 1, 7)) == 4  # 0001-01-01 is a Monday: Tuesday to Friday
    assert wd.add(date(1, 1, 1), 5) == date(1, 1, 8)
    assert wd.add(date(9999, 12, 24), 5) == date(9999, 12, 31)
    # 100,000 weeks from a Monday to a Monday: 500,000 weekdays less the 13 off in 2026
    start = date(2000, 1, 3)
    until = start + timedelta(weeks=100_000)
    assert wd.count(start, until) == 500_000 - 13
    assert wd.add(start, 500_000 - 13) == until
    assert wd.add(start, 500_000 - 14) == until - timedelta(days=3)  # the Friday before
    with pytest.raises(OverflowError):
        wd.add(date(9999, 12, 30), 10)


def test_bulk_speed():
    """The nightly job computes tens of thousands of deadlines: it must not walk day by day."""
    rng = random.Random(7)
    wd = _random_calendar(rng)
    starts = [_random_start(rng) for _ in range(50_000)]
    began = time.perf_counter()
    for start in starts:
        wd.count(start, wd.add(start, 10))
    assert time.perf_counter() - began < 10  # about 0.2 s on one core
