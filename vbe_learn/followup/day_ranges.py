"""Headcount and completed per enhet on many days in one pass: a sweep over day ranges.

The report days d0 < d1 < … are numbered 0, 1, …; placements and completions become
ranges of day numbers [from_day, to_day):

- a placement covers the days with valid_from <= d < valid_to;
- a completion counts on the days with completed_on <= d, completed_on > validity_start(d)
  (the N-year window) and before the first day its version is superseded by a newer one
  that requires renewal (rates.renewal_condition);
- a person's completion ranges are merged (two completions, a renewal) so that each day
  is covered once; the merged ranges are cut to each placement of the person.

Each range adds +1 at its from_day and -1 at its to_day, summed per enhet and day number;
the count on day i is the sum of the changes at numbers <= i. The work grows with the
number of placements and completions, not with placements × days (a count per day would).
"""

from bisect import bisect_left
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from ..models import Completion, Placement


def _number(value: int):
    """A day number as an inline constant."""
    return literal_column(str(int(value)), Integer)


def first_day_on_or_after(column, days: list[date], low: int = 0, high: int | None = None):
    """The number of the first day >= the column's value, len(days) when none (or NULL):
    a binary search, so about log2(len(days)) comparisons per row."""
    high = len(days) if high is None else high
    if low == high:
        return _number(low)
    middle = (low + high) // 2
    return case(
        (column <= days[middle], first_day_on_or_after(column, days, low, middle)),
        else_=first_day_on_or_after(column, days, middle + 1, high),
    )


def _superseded_from(days: list[date], marked):
    """Per completion: the number of the first day it no longer counts because a newer
    version requires renewal (len(days) when none does)."""
    cutoffs = sorted(
        (bisect_left(days, required_on), version_id, course_id)
        for version_id, course_id, required_on in marked
    )
    whens = [
        (
            and_(
                Completion.course_id == course_id,
                func.coalesce(Completion.course_version_id, 0) < version_id,
            ),
            _number(first),
        )
        for first, version_id, course_id in cutoffs
        if first < len(days)
    ]
    return case(*whens, else_=_number(len(days))) if whens else _number(len(days))


def placed_ranges(days: list[date], by_close: bool, units, completed=None):
    """The placements that can cover a report day: enhet (Invånarnära), person, range.

    With `completed` (completed_ranges), each placement's range is cut to the person's
    ranges of counting completions instead (joined by the index on placements.user_id).
    """
    from_day = first_day_on_or_after(Placement.valid_from, days)
    to_day = first_day_on_or_after(Placement.valid_to, days)
    if completed is not None:
        from_day = case((completed.c.from_day > from_day, completed.c.from_day), else_=from_day)
        to_day = case((completed.c.to_day < to_day, completed.c.to_day), else_=to_day)
    query = select(
        Placement.unit_id,
        *([Placement.close_to_residents] if by_close else []),
        Placement.user_id,
        from_day.label("from_day"),
        to_day.label("to_day"),
    ).where(
        Placement.valid_from <= days[-1],
        or_(Placement.valid_to.is_(None), Placement.valid_to > days[0]),
    )
    if units is not None:
        query = query.where(Placement.unit_id.in_(units))
    if completed is not None:  # only the days both cover
        query = query.join(completed, completed.c.user_id == Placement.user_id)
        query = query.where(from_day < to_day)
    return query.cte("done" if completed is not None else "placed").prefix_with("MATERIALIZED")


def completed_ranges(days: list[date], starts: list[date], marked, people):
    """Per person, disjoint ranges of report days on which one of their completions counts.

    `starts` is each day's validity_start, `marked` versions_requiring_renewal(); `people`
    (a select of user ids, or None for everyone) narrows the completions read.
    """
    ranges = select(
        Completion.user_id,
        first_day_on_or_after(Completion.completed_on, days).label("from_day"),
        first_day_on_or_after(Completion.completed_on, starts).label("expires"),
        _superseded_from(days, marked).label("superseded"),
    ).where(Completion.completed_on <= days[-1], Completion.completed_on > starts[0])
    if people is not None:
        ranges = ranges.where(Completion.user_id.in_(people))
    ranges = ranges.cte("ranges").prefix_with("MATERIALIZED")
    to_day = case((ranges.c.superseded < ranges.c.expires, ranges.c.superseded),
                  else_=ranges.c.expires)  # fmt: skip
    counting = (
        select(ranges.c.user_id, ranges.c.from_day, to_day.label("to_day"))
        .where(ranges.c.from_day < to_day)
        .cte("counting")
        .prefix_with("MATERIALIZED")
    )
    # Each range minus those starting before it (up to their furthest end): disjoint pieces.
    before = func.max(counting.c.to_day).over(
        partition_by=counting.c.user_id,
        order_by=(counting.c.from_day, counting.c.to_day),
        rows=(None, -1),
    )
    ordered = select(counting, before.label("before")).subquery("ordered")
    from_day = case((ordered.c.before > ordered.c.from_day, ordered.c.before),
                    else_=ordered.c.from_day)  # fmt: skip
    return (
        select(ordered.c.user_id, from_day.label("from_day"), ordered.c.to_day)
        .where(or_(ordered.c.before.is_(None), ordered.c.to_day > ordered.c.before))
        .subquery("completed")
    )


def per_unit_on_days(days: list[date], placed, done, by_close: bool):
    """Headcount and completed per day and enhet (and Invånarnära), for enheter with people.

    `placed` and `done` are placed_ranges() without and with the completed ranges.
    """
    changes = union_all(
        _changes(placed, placed.c.from_day, 1, "people", days, by_close),
        _changes(placed, placed.c.to_day, -1, "people", days, by_close),
        _changes(done, done.c.from_day, 1, "completed", days, by_close),
        _changes(done, done.c.to_day, -1, "completed", days, by_close),
    ).subquery("changes")
    numbered = union_all(
        *(select(_number(i).label("number"), literal(day, Date).label("day")) for i, day in
          enumerate(days))
    ).subquery("days")  # fmt: skip
    change_groups = [changes.c.unit_id, *([changes.c.close_to_residents] if by_close else [])]
    return (
        select(
            numbered.c.day,
            *change_groups,
            func.sum(changes.c.people).label("headcount"),
            func.sum(changes.c.completed).label("completed"),
        )
        .join(numbered, changes.c.number <= numbered.c.number)
        .group_by(numbered.c.day, *change_groups)
        .having(func.sum(changes.c.people) > 0)
    )


def _changes(ranges, number, sign: int, counted: str, days: list[date], by_close: bool):
    """+count of ranges per enhet starting at each number (sign 1), -count ending (sign -1)."""
    groups = [ranges.c.unit_id, *([ranges.c.close_to_residents] if by_close else [])]
    count = func.count() if sign > 0 else -func.count()
    zero = _number(0)
    query = select(
        *groups,
        number.label("number"),
        (count if counted == "people" else zero).label("people"),
        (count if counted == "completed" else zero).label("completed"),
    ).group_by(*groups, number)
    return query if sign > 0 else query.where(number < _number(len(days)))
