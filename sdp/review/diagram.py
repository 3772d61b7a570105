"""The procedure as a diagram: an SVG drawn by the app from ``sdp.domain.procedure``.

No JavaScript and no layout library: states stand in columns by their distance (in steps)
from ``registered``; within a column, near the states they come from. States that several
states lead to and that lead nowhere (withdrawn, closed, referred) stand in a row of their
own below, so that their arrows do not cross the main line. Each arrow carries the number
of its step, the same number as in the list of steps and in docs/procedure.md; steps that
leave the state as it is are listed by number inside the state's box. Black on white with
grey, so it prints.
"""

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from ..domain import procedure
from ..domain.procedure import Action
from ..domain.vocabulary import State, label

BOX_W, BOX_H = 152, 84
COLUMN_PITCH, ROW_PITCH = 214, 112
MARGIN_X, MARGIN_TOP = 76, 70
BADGE_R = 11
INK, GREY, PALE = "#000000", "#505a5f", "#f3f2f1"


def step_numbers() -> dict[str, int]:
    """Each action's step number: its place in the definition, as in docs/procedure.md."""
    return {action.name: number for number, action in enumerate(procedure.ACTIONS, start=1)}


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State


@dataclass(frozen=True)
class Start:
    """An action that opens a case: an arrow into its state from no state."""

    action: Action
    target: State
    source: None = None


@dataclass
class Layout:
    column: dict[State, int]
    row: dict[State, float]
    transitions: list[Transition]
    starts: list[Start]  # actions that open a case
    in_state: dict[State, list[Action]]  # actions that leave the state as it is
    everywhere: list[Action]  # actions allowed in every state
    exits: list[State]  # the row below
    numbers: dict[str, int] = field(default_factory=step_numbers)
    gap_extra: dict[int, float] = field(default_factory=dict)  # room for many arrows after a column

    def x(self, state: State) -> float:
        return self.column_x(self.column[state])

    def column_x(self, column: int) -> float:
        return (
            MARGIN_X + column * COLUMN_PITCH + sum(self.gap_extra.get(c, 0) for c in range(column))
        )

    def y(self, state: State) -> float:
        return MARGIN_TOP + self.row[state] * ROW_PITCH


def compute_layout() -> Layout:
    everywhere = [a for a in procedure.ACTIONS if a.sources and set(a.sources) == set(State)]
    transitions = [
        Transition(action, source, target)
        for action in procedure.ACTIONS
        if action.sources and action not in everywhere
        for source in sorted(action.sources, key=_order)
        for target in action.targets
    ]
    starts = [
        Start(action, target)
        for action in procedure.ACTIONS
        if not action.sources
        for target in action.targets
    ]
    in_state = {
        spec.state: [
            a
            for a in procedure.ACTIONS
            if a.sources and not a.targets and a not in everywhere and spec.state in a.sources
        ]
        for spec in procedure.STATES
    }

    # Distance in steps from the first state.
    first = starts[0].target if starts else procedure.STATES[0].state
    distance = {first: 0}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        for t in transitions:
            if t.source == state and t.target not in distance:
                distance[t.target] = distance[state] + 1
                queue.append(t.target)
    for spec in procedure.STATES:  # unreachable states (none today) go last
        distance.setdefault(spec.state, max(distance.values()) + 1)

    sources_of: dict[State, set[State]] = {}
    for t in transitions:
        sources_of.setdefault(t.target, set()).add(t.source)
    leads_somewhere = {t.source for t in transitions}
    exits = [
        spec.state
        for spec in procedure.STATES
        if spec.state not in leads_somewhere and len(sources_of.get(spec.state, ())) > 1
    ]

    column = {state: d for state, d in distance.items() if state not in exits}
    row: dict[State, float] = {}
    for c in sorted(set(column.values())):
        members = sorted((s for s in column if column[s] == c), key=_order)
        desired: dict[State, float] = {}
        for state in members:
            earlier = [
                row[t.source]
                for t in transitions
                if t.target == state and t.source in row and column[t.source] < c
            ]
            desired[state] = sum(earlier) / len(earlier) if earlier else 0.0
        groups: dict[float, list[State]] = {}
        for state in members:
            groups.setdefault(desired[state], []).append(state)
        placed = []
        for centre, group in groups.items():
            for i, state in enumerate(group):
                placed.append((centre + i - (len(group) - 1) / 2, _order(state), state))
        placed.sort()
        previous = None
        for wanted, _, state in placed:
            position = wanted if previous is None else max(wanted, previous + 1)
            row[state] = previous = position
    lowest = min(row.values())
    row = {state: r - lowest for state, r in row.items()}

    # The row below: each exit under the middle of the states it comes from, without overlaps.
    bottom = max(row.values()) + 1.25
    taken: set[int] = set()
    for state in sorted(
        exits, key=lambda s: (sum(column[x] for x in sources_of[s]) / len(sources_of[s]), _order(s))
    ):
        wanted = round(sum(column[x] for x in sources_of[state]) / len(sources_of[state]))
        while wanted in taken:
            wanted += 1
        taken.add(wanted)
        column[state], row[state] = wanted, bottom
    # A gap between two columns that many arrows cross is widened, so their numbers do not collide.
    crossing: dict[int, int] = {}
    for t in transitions:
        if t.target not in exits and column[t.source] != column[t.target]:
            crossing[min(column[t.source], column[t.target])] = (
                crossing.get(min(column[t.source], column[t.target]), 0) + 1
            )
    gap_extra = {gap: 18.0 * (n - 3) for gap, n in crossing.items() if n > 3}
    return Layout(
        column, row, transitions, starts, in_state, everywhere, exits, gap_extra=gap_extra
    )


def _order(state: State) -> int:
    return [spec.state for spec in procedure.STATES].index(state)


# --- Drawing ----------------------------------------------------------------------------------


def _wrap(text: str, width: int = 24) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def _bezier_point(p0, p1, p2, p3, t=0.5):
    return tuple(
        (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d
        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )


def render_svg(
    layout: Layout,
    translate: Callable[[str], str] = lambda text: text,
    *,
    title: str = "",
    description: str = "",
    id_prefix: str = "procedure",
) -> str:
    """The diagram as an SVG document fragment (an ``<svg>`` element)."""
    _ = translate
    numbers = layout.numbers
    width = layout.column_x(max(layout.column.values())) + BOX_W + 24
    footer_y = max(layout.y(s) for s in layout.row) + BOX_H + 44
    height = footer_y + 22 * max(1, len(layout.everywhere)) + 30
    # texts outside the f-strings, where pybabel can extract them
    key_arrows = _("Numbers are the steps in the list. An arrow: a step that changes the state.")
    key_boxes = _(
        "Numbers at the foot of a box: steps taken in that state, which do not change it."
    )
    in_every_state = _("In every state:")
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="{id_prefix}-title '
        f'{id_prefix}-desc" font-family="sans-serif" class="procedure-diagram">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        "<defs>",
        f'<marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{INK}"/></marker>',
        "</defs>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="12" y="24" font-size="14" fill="{INK}">{escape(key_arrows)}</text>',
        f'<text x="12" y="44" font-size="14" fill="{INK}">{escape(key_boxes)}</text>',
    ]

    def badge(x: float, y: float, action: Action) -> str:
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{BADGE_R}" fill="#ffffff" stroke="{INK}" '
            f'stroke-width="1.5"/><text x="{x:.1f}" y="{y + 4.5:.1f}" font-size="12" '
            f'font-weight="bold" text-anchor="middle" fill="{INK}">{numbers[action.name]}</text>'
        )

    def edge_title(t: Transition | Start) -> str:
        source = _(label(t.source)) if t.source else _("Start")
        return f"{numbers[t.action.name]}. {_(t.action.title)}: {source} → {_(label(t.target))}"

    pairs = {(t.source, t.target) for t in layout.transitions}
    exits = set(layout.exits)
    # Spread the arrows that leave a box downwards, and those that arrive at an exit.
    down_from: dict[State, list[Transition]] = {}
    into: dict[State, list[Transition]] = {}
    for t in layout.transitions:
        if t.target in exits:
            down_from.setdefault(t.source, []).append(t)
            into.setdefault(t.target, []).append(t)
    for (
        group
    ) in down_from.values():  # leave towards the left from the left of the box: fewer crossings
        group.sort(key=lambda t: (layout.column[t.target], _order(t.target)))
    for group in into.values():
        group.sort(key=lambda t: (layout.column[t.source], _order(t.source)))

    badges: list[str] = []
    for t in layout.transitions:
        out.append(
            '<g class="transition" '
            f'data-action="{t.action.name}"><title>{escape(edge_title(t))}</title>'
        )
        sx, sy, tx, ty = (
            layout.x(t.source),
            layout.y(t.source),
            layout.x(t.target),
            layout.y(t.target),
        )
        if t.target in exits:
            siblings = down_from[t.source]
            arrivals = into[t.target]
            start = (
                sx + BOX_W / 2 + (siblings.index(t) - (len(siblings) - 1) / 2) * 34,
                sy + BOX_H,
            )
            end = (tx + BOX_W / 2 + (arrivals.index(t) - (len(arrivals) - 1) / 2) * 30, ty)
            c1, c2 = (start[0], start[1] + 50), (end[0], end[1] - 50)
            if arrivals.index(t) == 0:
                badges.append(
                    badge(tx + BOX_W / 2 - (len(arrivals) + 1) * 15 - BADGE_R, ty - 14, t.action)
                )
        else:
            bend = 13 if (t.target, t.source) in pairs else 0
            if layout.column[t.target] > layout.column[t.source]:
                start, end = (sx + BOX_W, sy + BOX_H / 2 - bend), (tx, ty + BOX_H / 2 - bend)
                reach = (end[0] - start[0]) / 2
                c1, c2 = (start[0] + reach, start[1]), (end[0] - reach, end[1])
            else:  # back to an earlier column: leave on the left, arrive on the right
                start, end = (sx, sy + BOX_H / 2 + bend), (tx + BOX_W, ty + BOX_H / 2 + bend)
                reach = (start[0] - end[0]) / 2
                c1, c2 = (start[0] - reach, start[1]), (end[0] + reach, end[1])
            mx, my = _bezier_point(start, c1, c2, end)
            badges.append(badge(mx, my, t.action))
        out.append(
            f'<path d="M{start[0]:.1f},{start[1]:.1f} C{c1[0]:.1f},{c1[1]:.1f} '
            f'{c2[0]:.1f},{c2[1]:.1f} {end[0]:.1f},{end[1]:.1f}" fill="none" stroke="{INK}" '
            f'stroke-width="1.4" marker-end="url(#{id_prefix}-arrow)"/></g>'
        )

    for opening in layout.starts:
        tx, ty = layout.x(opening.target), layout.y(opening.target) + BOX_H / 2
        out.append(
            '<g class="transition" '
            f'data-action="{opening.action.name}">'
            f"<title>{escape(edge_title(opening))}</title><circle "
            f'cx="{tx - 58:.1f}" cy="{ty:.1f}" r="7" fill="{INK}"/><path '
            f'd="M{tx - 51:.1f},{ty:.1f} L{tx:.1f},{ty:.1f}" stroke="{INK}" stroke-width="1.4" '
            f'marker-end="url(#{id_prefix}-arrow)"/>{badge(tx - 27, ty - 14, opening.action)}</g>'
        )

    for spec in procedure.STATES:
        state = spec.state
        x, y = layout.x(state), layout.y(state)
        terminal = state in procedure.TERMINAL_STATES
        out.append(
            f'<g class="state" data-state="{state.value}"><title>{escape(_(label(state)))}: '
            f"{escape(_(spec.description))}</title>"
        )
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" '
            f'rx="{4 if terminal else 12}" fill="{PALE if terminal else "#ffffff"}" stroke="{INK}" '
            f'stroke-width="{1.2 if terminal else 2}"/>'
        )
        lines = _wrap(_(label(state)), 17)[:2]
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{x + 9:.1f}" y="{y + 21 + i * 18:.1f}" font-size="15" '
                f'font-weight="bold" fill="{INK}">{escape(line)}</text>'
            )
        out.append(
            f'<text x="{x + 9:.1f}" y="{y + 21 + len(lines) * 18:.1f}" font-size="11" '
            f'font-family="monospace" fill="{GREY}">{state.value}</text>'
        )
        for i, action in enumerate(layout.in_state[state]):
            out.append(
                '<g class="step-in-state" '
                f'data-action="{action.name}"><title>{numbers[action.name]}. '
                f'{escape(_(action.title))}</title><text x="{x + 9 + i * 17:.1f}" '
                f'y="{y + BOX_H - 9:.1f}" '
                f'font-size="13" font-weight="bold" fill="{INK}" text-decoration="underline">'
                f"{numbers[action.name]}</text></g>"
            )
        out.append("</g>")
    out.extend(badges)

    for i, action in enumerate(layout.everywhere):
        y = footer_y + i * 22
        out.append(
            '<g class="step-everywhere" '
            f'data-action="{action.name}"><title>{numbers[action.name]}. '
            f"{escape(_(action.title))}</title>{badge(MARGIN_X + BADGE_R, y - 4, action)}"
            f'<text x="{MARGIN_X + 2 * BADGE_R + 8}" y="{y:.1f}" font-size="15" fill="{INK}">'
            f"{escape(in_every_state)} {escape(_(action.title))}</text></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def describe(layout: Layout, translate: Callable[[str], str] = lambda text: text) -> str:
    """A sentence for the diagram's <desc>: what it shows, in words."""
    _ = translate
    return _(
        "%(states)d states and %(steps)d steps of the procedure. A case starts as registered; each "
        "arrow is a step that moves a case from one state to another, numbered as in the list of "
        "steps; steps that leave the state as it is are listed by number in its box. The list of "
        "steps and the table of transitions give the same information as text."
    ) % {"states": len(procedure.STATES), "steps": len(procedure.ACTIONS)}
