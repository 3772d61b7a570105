"""Statistical disclosure control (sdp/domain/disclosure.py), as pure functions.

The strongest check is ``test_random_tables_never_reveal_a_withheld_figure``: an independent
exhaustive search (branch and bound over integers) plays the reader, who knows every
published figure, every total, that "<5" is 1-4 and "x" at least 5, and tries to find a
second table consistent with all of that. For every withheld figure it must find one.
"""

import random

import pytest

from sdp.domain.disclosure import (
    SMALL,
    TOTAL,
    WITHHELD,
    Mark,
    Relation,
    Table,
    exposed_figures,
    nearest_rank,
    protect,
    protect_tables,
    publish,
    publish_quantile,
    ratio,
)
from tests.review.reader import reader_can_find_another_value


def published(table: Table, marks) -> dict:
    return {key: publish(value, marks[key]) for key, value in table.entries().items()}


def one_column(*cells: int) -> tuple[Table, dict]:
    table = Table(
        "t",
        rows=[f"r{i}" for i in range(len(cells))],
        columns=["n"],
        counts={(f"r{i}", "n"): value for i, value in enumerate(cells)},
    )
    return table, protect_tables([table])["t"]


def test_counts_from_one_to_four_are_small_zero_and_five_are_shown():
    values = {"a": 0, "b": 1, "c": 4, "d": 5, "e": 120}
    marks = protect(values, [])
    assert {key: publish(values[key], mark) for key, mark in marks.items()} == {
        "a": 0,
        "b": SMALL,
        "c": SMALL,
        "d": 5,
        "e": 120,
    }


def test_a_small_cell_takes_the_next_smallest_cell_of_its_row_with_it():
    table, marks = one_column(3, 7, 12)
    shown = published(table, marks)
    assert shown[("r0", "n")] == SMALL
    assert shown[("r1", "n")] == WITHHELD  # 22 - 12 would otherwise give 3
    assert shown[("r2", "n")] == 12 and shown[(TOTAL, "n")] == 22


def test_a_complement_too_small_to_hide_the_cell_is_passed_over():
    # Withholding the 5 would not do: x + y = 26 - 20 = 6 with x in 1..4 and y >= 5 leaves only
    # x = 1. The next cell, 20, hides the 1 alone.
    table, marks = one_column(1, 5, 20)
    shown = published(table, marks)
    assert [shown[(f"r{i}", "n")] for i in range(3)] == [SMALL, 5, WITHHELD]
    assert shown[(TOTAL, "n")] == 26


def test_a_row_total_below_five_is_small_and_hidden_in_its_column_of_totals():
    table = Table(
        "t",
        rows=["jan", "feb", "mar"],
        columns=["application", "ex_officio"],
        counts={
            ("jan", "application"): 3,
            ("feb", "application"): 9,
            ("feb", "ex_officio"): 6,
            ("mar", "application"): 11,
            ("mar", "ex_officio"): 8,
        },
    )
    shown = published(table, protect_tables([table])["t"])
    assert shown[("jan", "application")] == SMALL and shown[("jan", TOTAL)] == SMALL
    assert shown[("jan", "ex_officio")] == 0
    # The application column and the column of row totals each need a second withheld figure.
    column = [shown[(month, "application")] for month in ("jan", "feb", "mar")]
    assert column.count(SMALL) + column.count(WITHHELD) >= 2
    row_totals = [shown[(month, TOTAL)] for month in ("jan", "feb", "mar")]
    assert row_totals.count(SMALL) + row_totals.count(WITHHELD) >= 2
    assert not exposed_figures(
        table.entries(),
        table.relations(),
        {key for key, value in shown.items() if not isinstance(value, int)},
    )


def test_a_withheld_figure_that_several_equations_pin_together_is_found():
    # Two 2x2 blocks of withheld cells joined by one withheld cell: every row and column has
    # two withheld figures, yet adding the rows of the first block and taking away its
    # columns gives the joining cell exactly.
    rows, columns = ["r1", "r2", "r3", "r4"], ["c1", "c2", "c3", "c4"]
    counts = {(r, c): 10 + i for i, (r, c) in enumerate((r, c) for r in rows for c in columns)}
    table = Table("t", rows, columns, counts)
    block = {
        ("r1", "c1"),
        ("r1", "c2"),
        ("r2", "c1"),
        ("r2", "c2"),
        ("r3", "c3"),
        ("r3", "c4"),
        ("r4", "c3"),
        ("r4", "c4"),
    }
    assert exposed_figures(table.entries(), table.relations(), block | {("r1", "c3")}) == {
        ("r1", "c3")
    }
    assert exposed_figures(table.entries(), table.relations(), block) == set()


def test_two_small_cells_whose_sum_is_two_are_both_one_and_are_protected():
    # x + y = 2 with both in 1..4: both are 1. A third figure must be withheld.
    table, marks = one_column(1, 1, 30)
    shown = published(table, marks)
    assert shown[("r2", "n")] == WITHHELD or shown[(TOTAL, "n")] == WITHHELD


def test_a_figure_withheld_in_one_table_is_withheld_where_another_table_repeats_it():
    by_route = Table(
        "route",
        ["application", "ex_officio"],
        ["cases"],
        {("application", "cases"): 40, ("ex_officio", "cases"): 3},
        links={(TOTAL, "cases"): "applications"},
    )
    by_state = Table(
        "state",
        ["registered", "recognized", "rejected"],
        ["cases"],
        {("registered", "cases"): 30, ("recognized", "cases"): 7, ("rejected", "cases"): 6},
        links={(TOTAL, "cases"): "applications"},
    )
    marks = protect_tables([by_route, by_state])
    assert marks["route"][("ex_officio", "cases")] is Mark.SMALL
    # In the route table the total (43) must go or 43 - 40 gives 3 back; choosing the other
    # cell (40) is as good. Whatever is chosen, the shared total is the same in both tables.
    assert marks["route"][(TOTAL, "cases")] is marks["state"][(TOTAL, "cases")]
    shown = published(by_route, marks["route"])
    assert shown[("application", "cases")] == WITHHELD or shown[(TOTAL, "cases")] == WITHHELD
    if marks["state"][(TOTAL, "cases")] is not Mark.SHOWN:
        # then the state table must hide a second figure too
        assert sum(mark is not Mark.SHOWN for mark in marks["state"].values()) >= 2


def test_linked_figures_must_agree():
    a = Table("a", ["x"], ["n"], {("x", "n"): 5}, links={(TOTAL, "n"): "shared"})
    b = Table("b", ["y"], ["n"], {("y", "n"): 6}, links={(TOTAL, "n"): "shared"})
    with pytest.raises(ValueError, match="shared"):
        protect_tables([a, b])


def test_parts_that_do_not_add_up_are_refused():
    with pytest.raises(ValueError):
        protect({"total": 10, "a": 3, "b": 4}, [Relation("total", ("a", "b"))])


def test_rates_are_withheld_with_their_counts():
    assert ratio(3, 12) == 0.25
    assert ratio(SMALL, 12) == WITHHELD
    assert ratio(7, WITHHELD) == WITHHELD
    assert ratio(0, 0) is None


def test_quantiles_by_nearest_rank_and_withheld_on_few_or_extreme_values():
    histogram = [(10, 2), (20, 3), (30, 4), (90, 1)]  # 10 values
    assert nearest_rank(histogram, "0.5") == (20, 5, 10)
    assert nearest_rank(histogram, "0.9") == (30, 9, 10)
    assert publish_quantile(histogram, "0.5") == 20
    assert publish_quantile(histogram, "0.9") == 30
    assert publish_quantile([(5, 1), (6, 1), (7, 1), (8, 1)], "0.5") == WITHHELD  # 4 values
    assert publish_quantile([(v, 1) for v in range(9)], "0.9") == WITHHELD  # the largest of 9
    assert publish_quantile([], "0.5") is None


def _random_table(rng: random.Random, name: str = "t") -> Table:
    rows = [f"r{i}" for i in range(rng.randint(1, 4))]
    columns = [f"c{i}" for i in range(rng.randint(1, 3))]
    counts = {}
    for row in rows:
        for column in columns:
            kind = rng.random()
            counts[(row, column)] = (
                0 if kind < 0.2 else rng.randint(1, 4) if kind < 0.55 else rng.randint(5, 14)
            )
    return Table(name, rows, columns, counts)


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_never_reveal_a_withheld_figure(seed):
    rng = random.Random(seed)
    for _ in range(40):
        table = _random_table(rng)
        entries = table.entries()
        shown = published(table, protect_tables([table])["t"])
        for key, value in entries.items():
            if 0 < value < 5:
                assert shown[key] == SMALL, (key, entries)
            if value == 0 or value >= 5:
                assert shown[key] in (value, WITHHELD), (key, entries)
        bound = 3 * entries[table.grand_total_key] + 10
        for key in entries:
            if not isinstance(shown[key], int):
                assert reader_can_find_another_value(
                    entries, table.relations(), shown, key, bound
                ), f"{key} can be worked out from {shown}"


def test_linked_random_tables_never_reveal_a_withheld_figure():
    rng = random.Random(99)
    for _ in range(25):
        first, second = _random_table(rng, "a"), _random_table(rng, "b")
        # the second table breaks the same column totals down another way
        second = Table("b", ["s0", "s1"], first.columns, {}, links={})
        counts = {}
        for column in first.columns:
            total = first.entries()[(TOTAL, column)]
            split = rng.randint(0, total)
            counts[("s0", column)], counts[("s1", column)] = split, total - split
        second.counts = counts
        links = {(TOTAL, column): f"col-{column}" for column in first.columns}
        first.links = second.links = links
        marks = protect_tables([first, second])
        shown = {("a", k): v for k, v in published(first, marks["a"]).items()}
        shown |= {("b", k): v for k, v in published(second, marks["b"]).items()}
        entries = {("a", k): v for k, v in first.entries().items()} | {
            ("b", k): v for k, v in second.entries().items()
        }
        relations = [
            Relation(("a", r.total), tuple(("a", p) for p in r.parts)) for r in first.relations()
        ]
        relations += [
            Relation(("b", r.total), tuple(("b", p) for p in r.parts)) for r in second.relations()
        ]
        # the linked totals are the same figure: equal in both tables
        relations += [
            Relation(("a", (TOTAL, column)), (("b", (TOTAL, column)),)) for column in first.columns
        ]
        for column in first.columns:
            assert shown[("a", (TOTAL, column))] == shown[("b", (TOTAL, column))]
        bound = 3 * sum(first.entries()[(TOTAL, c)] for c in first.columns) + 10
        for key in entries:
            if not isinstance(shown[key], int):
                assert reader_can_find_another_value(entries, relations, shown, key, bound), (
                    key,
                    shown,
                )


def test_the_readers_search_does_find_what_small_counts_alone_would_leave_open():
    # Without complementary suppression the reader recovers the "<5": the search is not idle.
    table = Table("t", ["r0", "r1", "r2"], ["n"], {("r0", "n"): 3, ("r1", "n"): 7, ("r2", "n"): 12})
    entries = table.entries()
    only_small = {key: (SMALL if 0 < value < 5 else value) for key, value in entries.items()}
    assert not reader_can_find_another_value(
        entries, table.relations(), only_small, ("r0", "n"), 100
    )
    protected = published(table, protect_tables([table])["t"])
    assert reader_can_find_another_value(entries, table.relations(), protected, ("r0", "n"), 100)
