"""Statistical disclosure control for the aggregate results that legislators read.

Recognised stateless persons are few (tens a year), so a small count in a table can point at
a person: "the one applicant from Lebanon was rejected". Three rules keep every published
figure safe, and everything that publishes statistics (the page, the API, CSV and XLSX) goes
through them:

1. **Small counts.** Any count from 1 to 4 is published as ``"<5"``, never exactly. Zero is
   published: it is a fact about no one.
2. **Complementary suppression.** A ``"<5"`` next to its totals can be worked out again
   (row total minus the other cells). So further figures are withheld (published as ``"x"``)
   until no withheld figure can be recovered from the published ones: not from one row or
   column (the "next-smallest cell of that row" rule), not from several equations combined
   (checked exactly, in whole-number arithmetic), and not from the bounds a reader knows (a
   ``"<5"`` lies between 1 and 4; an ``"x"`` is at least 5). Tables that share a figure
   (the same total shown twice) are protected together, so a figure withheld in one table is
   withheld in every table that shows it.
3. **Derived figures.** A rate or share is withheld when a count it is computed from is
   withheld; a quantile (median, 90th percentile) is published only over at least 5 values
   and when it is neither the smallest nor the largest of them (it would be one person's
   figure).

Pure Python, no Flask or SQLAlchemy: ``protect`` takes figures and the sums that link them.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from math import ceil, gcd, inf
from typing import TypeGuard, cast

THRESHOLD = 5
SMALL = "<5"  # published instead of a count from 1 to THRESHOLD - 1
WITHHELD = "x"  # published instead of a count withheld so that a "<5" cannot be worked out
TOTAL = "total"
_MAX_ROUNDS = 200  # interval propagation stops here at the latest (bounds stay valid)

Published = int | str
# sum(a_i * x_i) = c over the withheld figures x_i: ({x_i: a_i}, c)
Equation = tuple[dict[Hashable, int], int]
# What exposed_figures found for each group of withheld figures, within one protect()
ExposedCache = dict[frozenset[Hashable], set[Hashable]]


class Mark(StrEnum):
    SHOWN = "shown"
    SMALL = "small"
    WITHHELD = "withheld"


@dataclass(frozen=True)
class Relation:
    """``total`` = the sum of ``parts``: an equation a reader can use."""

    total: Hashable
    parts: tuple[Hashable, ...]


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def publish(count: int, mark: Mark) -> Published:
    if mark is Mark.SHOWN:
        return count
    return SMALL if mark is Mark.SMALL else WITHHELD


def is_published(value: Published | None) -> TypeGuard[int]:
    return isinstance(value, int)


# --- Protecting a set of figures -------------------------------------------------------------


def protect(values: Mapping[Hashable, int], relations: Sequence[Relation]) -> dict[Hashable, Mark]:
    """Mark each figure shown, small (1-4) or withheld, so that no withheld figure can be
    recovered from the shown ones and the relations between them."""
    _check_consistent(values, relations)
    order = {key: index for index, key in enumerate(values)}
    touching: dict[Hashable, list[Relation]] = {}
    for relation in relations:
        for key in (relation.total, *relation.parts):
            touching.setdefault(key, []).append(relation)
    suppressed = {key for key, value in values.items() if is_small(value)}
    cache: ExposedCache = {}
    while True:
        exposed = exposed_figures(values, relations, suppressed, cache)
        if not exposed:
            break
        extra = _complement(
            min(exposed, key=order.__getitem__),
            values,
            relations,
            touching,
            suppressed,
            order,
            cache,
        )
        if extra is None:  # every figure that could hide it is withheld or zero already
            break
        suppressed.add(extra)
    return {key: _mark(value, key in suppressed) for key, value in values.items()}


def _mark(value: int, suppressed: bool) -> Mark:
    if not suppressed:
        return Mark.SHOWN
    return Mark.SMALL if is_small(value) else Mark.WITHHELD


def _check_consistent(values: Mapping[Hashable, int], relations: Sequence[Relation]) -> None:
    for relation in relations:
        for key in (relation.total, *relation.parts):
            if key not in values:
                raise ValueError(f"relation names an unknown figure: {key!r}")
            if values[key] < 0:
                raise ValueError(f"a count cannot be negative: {key!r}")
        if values[relation.total] != sum(values[part] for part in relation.parts):
            raise ValueError(f"the parts of {relation.total!r} do not add up to it")


def _complement(
    key: Hashable,
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    touching: Mapping[Hashable, Sequence[Relation]],
    suppressed: set[Hashable],
    order: Mapping[Hashable, int],
    cache: ExposedCache | None = None,
) -> Hashable | None:
    """The figure to withhold next so that ``key`` cannot be worked out.

    Candidates are the shown, non-zero figures of the sums that tie ``key`` to the other withheld
    figures: first those of the sums ``key`` is in (its row and column: "the next-smallest cell
    of that row"), then those of the other sums involved, each group smallest first, cells before
    totals. The first candidate that alone hides ``key`` is taken; if none does, the first
    candidate, and the search goes on from there.
    """
    involved = _component_of(key, touching, suppressed)
    own = touching.get(key, ())

    def candidates(within: Iterable[Relation]) -> list[tuple[int, bool, int, Hashable]]:
        found = {
            (values[entry], entry == relation.total, order[entry], entry)
            for relation in within
            for entry in (*relation.parts, relation.total)
            if entry not in suppressed and values[entry] > 0
        }
        return sorted(found)

    first = candidates(own)
    rest = [
        c
        for c in candidates(r for r in relations if involved & {r.total, *r.parts})
        if c not in first
    ]
    ordered = first + rest
    for *_, entry in ordered:
        trial = suppressed | {entry}
        # Only the sums tied to ``key`` can give it away: check those alone.
        tied = {
            relation
            for member in _component_of(key, touching, trial)
            for relation in touching.get(member, ())
        }
        if key not in exposed_figures(values, list(tied), trial, cache):
            return entry
    return ordered[0][-1] if ordered else None


def _component_of(
    key: Hashable, touching: Mapping[Hashable, Sequence[Relation]], suppressed: set[Hashable]
) -> set[Hashable]:
    """The withheld figures tied to ``key`` through sums that contain withheld figures."""
    component, frontier = {key}, [key]
    while frontier:
        current = frontier.pop()
        for relation in touching.get(current, ()):
            for other in {relation.total, *relation.parts} & suppressed:
                if other not in component:
                    component.add(other)
                    frontier.append(other)
    return component


# --- What a reader can work out ---------------------------------------------------------------


def reader_bounds(value: int) -> tuple[float, float]:
    """What a reader knows of a withheld figure from its mark alone: "<5" is 1-4, "x" at least 5."""
    return (1, THRESHOLD - 1) if is_small(value) else (THRESHOLD, inf)


def exposed_figures(
    values: Mapping[Hashable, int],
    relations: Sequence[Relation],
    suppressed: set[Hashable],
    cache: ExposedCache | None = None,
) -> set[Hashable]:
    """The withheld figures a reader could work out exactly from the published ones.

    Each group of withheld figures tied by sums is solved alone; ``cache`` (within one
    ``protect``, where the figures do not change) keeps the answer for each group.
    """
    equations = _equations(values, relations, suppressed)
    exposed: set[Hashable] = set()
    for component in _components(equations):
        name = frozenset(key for coefficients, _ in component for key in coefficients)
        if cache is not None and name in cache:
            exposed |= cache[name]
            continue
        found = _linearly_determined(
            [coefficients for coefficients, _ in component]
        ) | _pinned_by_bounds(component, values)
        if cache is not None:
            cache[name] = found
        exposed |= found
    return exposed


def _equations(
    values: Mapping[Hashable, int], relations: Sequence[Relation], suppressed: set[Hashable]
) -> list[Equation]:
    """Each relation touching a withheld figure as sum(a_i * x_i) = c over the withheld x_i."""
    equations: list[Equation] = []
    for relation in relations:
        coefficients: dict[Hashable, int] = {}
        constant = 0
        for key, sign in ((relation.total, -1), *((part, 1) for part in relation.parts)):
            if key in suppressed:
                coefficients[key] = coefficients.get(key, 0) + sign
            else:
                constant -= sign * values[key]
        coefficients = {key: a for key, a in coefficients.items() if a}
        if coefficients:
            equations.append((coefficients, constant))
    return equations


def _components(equations: list[Equation]) -> list[list[Equation]]:
    """Equations grouped by the withheld figures they share (each group is solved alone)."""
    parent: dict[Hashable, Hashable] = {}

    def find(key: Hashable) -> Hashable:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for coefficients, _ in equations:
        first, *rest = coefficients
        for key in rest:
            parent[find(key)] = find(first)
    groups: dict[Hashable, list[Equation]] = {}
    for equation in equations:
        groups.setdefault(find(next(iter(equation[0]))), []).append(equation)
    return list(groups.values())


def _linearly_determined(rows: list[dict[Hashable, int]]) -> set[Hashable]:
    """Unknowns fixed by the equations alone: a pivot of the reduced row echelon form whose
    row has no free unknown. Exact: whole numbers, eliminated without division (each row kept
    divided by the greatest common divisor of its coefficients), sparse rows."""
    pivots: dict[Hashable, dict[Hashable, int]] = {}
    for raw in rows:
        row = dict(raw)
        for pivot in [key for key in row if key in pivots]:
            if row.get(pivot):
                row = _eliminate(row, pivots[pivot], pivot)
        if not row:
            continue
        pivot = next(iter(row))
        for other_pivot, other in list(pivots.items()):
            if other.get(pivot):
                pivots[other_pivot] = _eliminate(other, row, pivot)
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


def _eliminate(
    row: dict[Hashable, int], pivot_row: dict[Hashable, int], pivot: Hashable
) -> dict[Hashable, int]:
    """``row`` with ``pivot`` eliminated by ``pivot_row``, scaled to whole numbers with no common
    factor."""
    a, b = pivot_row[pivot], row[pivot]
    result = {key: a * value for key, value in row.items()}
    for key, value in pivot_row.items():
        result[key] = result.get(key, 0) - b * value
    result = {key: value for key, value in result.items() if value}
    divisor = gcd(*result.values()) if result else 1
    return {key: value // divisor for key, value in result.items()} if divisor > 1 else result


def _pinned_by_bounds(equations: list[Equation], values: Mapping[Hashable, int]) -> set[Hashable]:
    """Unknowns whose interval shrinks to one value when the reader's bounds are propagated
    through the equations."""
    low: dict[Hashable, float] = {}
    high: dict[Hashable, float] = {}
    for coefficients, _ in equations:
        for key in coefficients:
            low[key], high[key] = reader_bounds(values[key])
    for _ in range(_MAX_ROUNDS):
        changed = False
        for coefficients, constant in equations:
            # The sum's least and greatest value, with its infinite terms counted apart, so
            # that each unknown's "rest of the sum" is one subtraction.
            least: float = 0
            greatest: float = 0
            least_inf = greatest_inf = 0
            terms = []
            for key, a in coefficients.items():
                lo, hi = (a * low[key], a * high[key]) if a > 0 else (a * high[key], a * low[key])
                terms.append((key, a, lo, hi))
                if lo == -inf:
                    least_inf += 1
                else:
                    least += lo
                if hi == inf:
                    greatest_inf += 1
                else:
                    greatest += hi
            for key, a, lo, hi in terms:
                rest_low = -inf if least_inf - (lo == -inf) else least - (0 if lo == -inf else lo)
                rest_high = (
                    inf if greatest_inf - (hi == inf) else greatest - (0 if hi == inf else hi)
                )
                # a * x = constant - rest, with a = +1 or -1
                if a > 0:
                    new_low, new_high = constant - rest_high, constant - rest_low
                else:
                    new_low, new_high = rest_low - constant, rest_high - constant
                if new_low > low[key]:
                    low[key], changed = new_low, True
                if new_high < high[key]:
                    high[key], changed = new_high, True
        if not changed:
            break
    return {key for key in low if low[key] == high[key]}


# --- Tables -----------------------------------------------------------------------------------


@dataclass
class Table:
    """A table of counts with its totals. Keys are ``(row, column)``; ``(row, TOTAL)`` is a row
    total, ``(TOTAL, column)`` a column total, ``(TOTAL, TOTAL)`` the grand total. A table of one
    column has no row totals (they would repeat the cells).

    ``links`` names figures shown in other tables too (the same total twice): they are
    protected as one figure.
    """

    id: str
    rows: Sequence[Hashable]
    columns: Sequence[Hashable]
    counts: Mapping[tuple[Hashable, Hashable], int]
    links: Mapping[tuple[Hashable, Hashable], str] = field(default_factory=dict)

    @property
    def has_row_totals(self) -> bool:
        return len(self.columns) > 1

    def cell(self, row: Hashable, column: Hashable) -> int:
        return self.counts.get((row, column), 0)

    def entries(self) -> dict[tuple[Hashable, Hashable], int]:
        entries = {
            (row, column): self.cell(row, column) for row in self.rows for column in self.columns
        }
        if self.has_row_totals:
            for row in self.rows:
                entries[(row, TOTAL)] = sum(self.cell(row, column) for column in self.columns)
        for column in self.columns:
            entries[(TOTAL, column)] = sum(self.cell(row, column) for row in self.rows)
        if self.has_row_totals:
            entries[(TOTAL, TOTAL)] = sum(entries[(TOTAL, column)] for column in self.columns)
        return entries

    def relations(self) -> list[Relation]:
        relations = [
            Relation((TOTAL, column), tuple((row, column) for row in self.rows))
            for column in self.columns
        ]
        if self.has_row_totals:
            relations += [
                Relation((row, TOTAL), tuple((row, column) for column in self.columns))
                for row in self.rows
            ]
            relations.append(Relation((TOTAL, TOTAL), tuple((row, TOTAL) for row in self.rows)))
            relations.append(
                Relation((TOTAL, TOTAL), tuple((TOTAL, column) for column in self.columns))
            )
        return relations

    @property
    def grand_total_key(self) -> tuple[Hashable, Hashable]:
        return (TOTAL, TOTAL) if self.has_row_totals else (TOTAL, self.columns[0])


def protect_tables(tables: Sequence[Table]) -> dict[str, dict[tuple[Hashable, Hashable], Mark]]:
    """Protect tables together: linked figures are one figure in one system of equations."""

    def global_key(table: Table, key: Hashable) -> tuple[Hashable, Hashable]:
        # A table's relations name its own (row, column) keys.
        cell = cast(tuple[Hashable, Hashable], key)
        return ("link", table.links[cell]) if cell in table.links else (table.id, key)

    values: dict[Hashable, int] = {}
    relations: list[Relation] = []
    for table in tables:
        for key, value in table.entries().items():
            name = global_key(table, key)
            if name in values and values[name] != value:
                raise ValueError(
                    f"the linked figure {name[1]!r} has different values in different tables"
                )
            values[name] = value
        relations += [
            Relation(
                global_key(table, relation.total),
                tuple(global_key(table, p) for p in relation.parts),
            )
            for relation in table.relations()
        ]
    marks = protect(values, relations)
    return {
        table.id: {key: marks[global_key(table, key)] for key in table.entries()}
        for table in tables
    }


# --- Derived figures --------------------------------------------------------------------------


def ratio(numerator: Published, denominator: Published, digits: int = 3) -> float | str | None:
    """A rate or share of two published figures: withheld when either is; None when the
    denominator is zero (no rate to speak of)."""
    if not (is_published(numerator) and is_published(denominator)):
        return WITHHELD
    if denominator == 0:
        return None
    return round(numerator / denominator, digits)


def nearest_rank(
    histogram: Iterable[tuple[int, int]], q: Fraction | str | float
) -> tuple[int, int, int] | None:
    """The q-quantile of values given as ``(value, how many)`` (nearest-rank method): the
    smallest value with at least q of all values at or below it. Returns ``(value, rank, n)``."""
    ordered = sorted((value, count) for value, count in histogram if count > 0)
    n = sum(count for _, count in ordered)
    if n == 0:
        return None
    rank = max(1, ceil(Fraction(str(q)) * n))
    seen = 0
    for value, count in ordered:
        seen += count
        if seen >= rank:
            return value, rank, n
    raise AssertionError("unreachable: the rank is at most n")


def publish_quantile(
    histogram: Iterable[tuple[int, int]], q: Fraction | str | float
) -> int | str | None:
    """The quantile, or ``"x"`` when it rests on fewer than THRESHOLD values or is the smallest
    or largest value (then it is one person's figure); None when there are no values."""
    result = nearest_rank(histogram, q)
    if result is None:
        return None
    value, rank, n = result
    if n < THRESHOLD or rank in (1, n):
        return WITHHELD
    return value
