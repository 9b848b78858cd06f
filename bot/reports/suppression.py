"""Hiding small counts so that no one person can be picked out of a report.

Primary suppression: a count under the threshold, zero included, is hidden and shown as "<5".

Secondary suppression: a table publishes its totals, and a reader knows that a hidden count is
between 0 and 4 (or, for the second kind of hidden number, 5 or more). Each row and column of a
table is an equation, so a hidden count can sometimes be worked out: alone in its row, two 4s
that must add up to 8, or by combining rows and columns. For every hidden count, a linear
programme finds the smallest and largest value the published numbers allow, which is what a
determined reader could do. Where that pins down a count other than zero, the smallest shown
count in one of its lines is hidden too, and the check runs again. A zero that can be worked out
is left alone: that nobody asked points at no one, and hiding a large number for it would cost
the reader for nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, Dict, Hashable, List, Mapping, Optional, Sequence, Set, Tuple

import numpy as np
from scipy.optimize import linprog

DEFAULT_THRESHOLD = 5
TOTAL = "total"


class Shown(enum.Enum):
    VALUE = "value"
    SMALL = "small"  # under the threshold
    PROTECTING = "protecting"  # not small: hidden so that a small one can't be worked out


@dataclass(frozen=True)
class Cell:
    count: int
    shown: Shown = Shown.VALUE

    @property
    def visible(self) -> bool:
        return self.shown is Shown.VALUE

    def value(self) -> int | None:
        """The count when it may be published, else None: nothing may be computed from a hidden cell."""
        return self.count if self.visible else None


Key = Tuple[Hashable, Hashable]
Line = Tuple[Sequence[Key], Key]  # the parts, and the key of their total


def protect(
    counts: Mapping[Key, int],
    lines: Sequence[Line],
    threshold: int,
    covers: Callable[[Key], List[Set[Key]]],
) -> Dict[Key, Cell]:
    """Primary, then secondary suppression, for cells tied by the given lines. `covers(key)` lists
    groups of cells whose hiding together would let that cell's value move (in a cross table, the
    other three corners of a rectangle)."""
    small: Set[Key] = {key for key, count in counts.items() if count < threshold}
    hidden = set(small)
    while pinned := _pinned(counts, lines, hidden, small, threshold):
        exposed = pinned[0]
        # The cover that costs the reader least (the smallest sum of newly hidden counts) and frees
        # the exposed count; if none frees it alone, the cheapest one, and then the next round.
        options = sorted(
            (group - hidden for group in covers(exposed) if group - hidden),
            key=lambda group: sum(counts[key] for key in group),
        )
        freeing = [
            group
            for group in options
            if exposed not in _pinned(counts, lines, hidden | group, small, threshold, exposed)
        ]
        chosen = (freeing or options or [{min(set(counts) - hidden, key=counts.__getitem__)}])[0]
        hidden |= chosen
    return {
        key: Cell(count, Shown.SMALL if key in small else Shown.PROTECTING if key in hidden else Shown.VALUE)
        for key, count in counts.items()
    }


def _pinned(
    counts: Mapping[Key, int],
    lines: Sequence[Line],
    hidden: Set[Key],
    small: Set[Key],
    threshold: int,
    only: Optional[Key] = None,
) -> List[Key]:
    """Hidden counts other than zero that the published numbers allow only one value for."""
    if not hidden:
        return []
    keys = list(counts)
    index = {key: i for i, key in enumerate(keys)}
    equations = np.zeros((len(lines), len(keys)))
    for row, (parts, total) in enumerate(lines):
        for key in parts:
            equations[row, index[key]] += 1
        equations[row, index[total]] -= 1
    bounds = [
        (0, threshold - 1)
        if key in small
        else (threshold, None)
        if key in hidden
        else (counts[key], counts[key])
        for key in keys
    ]
    pinned = []
    # Small counts first: a hidden large count is usually exposed only because a small one is.
    order = sorted((key for key in hidden if counts[key] > 0), key=lambda key: (key not in small, index[key]))
    if only is not None:
        order = [only]
    for key in order:
        objective = np.zeros(len(keys))
        objective[index[key]] = 1
        low = linprog(objective, A_eq=equations, b_eq=np.zeros(len(lines)), bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=equations, b_eq=np.zeros(len(lines)), bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0 and -high.fun - low.fun < 0.5:
            pinned.append(key)
    return pinned


def single(count: int, threshold: int) -> Cell:
    """A count that no other published number adds up with."""
    return Cell(count, Shown.SMALL if count < threshold else Shown.VALUE)


def protect_column(counts: Sequence[int], threshold: int) -> Tuple[List[Cell], Cell]:
    """A list of counts and their published total: the cells, and the total's cell."""
    keys: List[Key] = [(index, "count") for index in range(len(counts))]
    table: Dict[Key, int] = dict(zip(keys, counts, strict=True))
    table[(TOTAL, "count")] = sum(counts)
    total = (TOTAL, "count")

    def covers(key: Key) -> List[Set[Key]]:
        return [{other} for other in [*keys, total] if other != key]

    cells = protect(table, [(keys, total)], threshold, covers)
    return [cells[key] for key in keys], cells[total]


def protect_table(
    counts: Mapping[Key, int], rows: Sequence[Hashable], columns: Sequence[Hashable], threshold: int
) -> Dict[Key, Cell]:
    """A cross table with its row totals, column totals and grand total (keys with TOTAL)."""
    table: Dict[Key, int] = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        table[(r, TOTAL)] = sum(table[(r, c)] for c in columns)
    for c in columns:
        table[(TOTAL, c)] = sum(table[(r, c)] for r in rows)
    table[(TOTAL, TOTAL)] = sum(table[(r, TOTAL)] for r in rows)
    lines: List[Line] = [([(r, c) for c in columns], (r, TOTAL)) for r in [*rows, TOTAL]]
    lines += [([(r, c) for r in rows], (TOTAL, c)) for c in [*columns, TOTAL]]
    all_rows, all_columns = [*rows, TOTAL], [*columns, TOTAL]

    def covers(key: Key) -> List[Set[Key]]:
        """The other corners of every rectangle through the cell: moving one unit round them keeps
        every row and column total, so the cell's value can no longer be pinned down."""
        row, column = key
        return [
            {(row, c), (r, column), (r, c)} for r in all_rows for c in all_columns if r != row and c != column
        ]

    return protect(table, lines, threshold, covers)
