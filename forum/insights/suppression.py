"""Which insights numbers are shown: suppression no combination of answers can undo.

Every number insights show is a cell of one table over the *filter lattice*: each filter
dimension (onset, condition, ...) takes one of its keys or "all", and a cell is a group's size,
or the people of one main exercise in a group, overall or at one intensity. Cells add up along
every dimension (a group is the sum of its children along any one filter, plus the people who
left that answer empty), and a row is the sum of its intensities. So hiding only the cells with
fewer than k = min_reports people protects nothing: a parent minus its shown children gives the
hidden child back (the differencing attack), and a missing key tells 0 apart from 1..k-1.

The method, decided for the whole lattice at once per version of the people table (so the
answer never depends on which group was asked first, and two requests cannot be combined to
undo it):

1. *Primary* suppression: every cell under k people, 0 included, is hidden (the attacker may
   assume such a cell is between 0 and k-1).
2. *Ties*: a hidden group size hides every exercise cell of that group (a suppressed group
   shows nothing), and a hidden row hides its intensities (they are only shown under a row).
3. *Complementary* suppression: along every line of the lattice (a parent and its children
   along one dimension) there are either no hidden cells or at least two; when there is one,
   the smallest shown cell of that line is hidden too.
4. *Audit against bounds*: the attacker's interval reasoning is replayed (0 <= cell, a small
   hidden cell <= k-1, parent = sum of children, propagated over every line until nothing
   tightens); a hidden cell whose interval closes to one value is determined, and the smallest
   shown cell of a line through it is hidden as well. Steps 2-4 repeat until nothing changes.

Shown numbers stay exact. People whose answer for a dimension is empty (or, for a hierarchical
dimension, who gave only the family) form a leaf no filter can select; they are treated as known
to the attacker (the conservative choice). A hierarchical dimension (a detail inside a family,
such as onset_detail inside onset) is one axis of the lattice whose lines are the root with its
families and each family with its details: register it in HIERARCHY.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from itertools import product

from forum.insights.people import PROFILE_POSITION, PeopleTable
from forum.insights.vectors import CELL, EXERCISE_AT, INTENSITIES, OUTCOMES
from forum.vocabulary import INSIGHTS_FIELDS

# A child dimension: {child field: (parent field, {child key: parent key})}; onset_detail
# registers {"onset_detail": ("onset", vocabulary.ONSET_FAMILY)} once it is an insights group.
HIERARCHY: dict[str, tuple[str, Mapping[str, str]]] = {}
EMPTY = "?"  # the leaf of people who gave no (known) answer: never a filter, never shown
UNBOUNDED = 10**12


class Axis:
    """One dimension of the lattice: its nodes (node 0 is "all"), and its lines (a parent,
    the children that sum to it, and the leaf of empty answers that completes the sum)."""

    def __init__(self, fields: tuple[str, ...], keys, families: Mapping[str, str] | None = None):
        self.fields = fields
        self.nodes: list[tuple] = [(None,) * len(fields)]
        self.parent: list[int | None] = [None]
        self.lines: list[tuple[int, list[int], int]] = []
        index = {self.nodes[0]: 0}

        def add(label: tuple, parent: int) -> int:
            index[label] = len(self.nodes)
            self.nodes.append(label)
            self.parent.append(parent)
            return index[label]

        if families is None:
            children = [add((key,), 0) for key in keys]
            self.lines.append((0, children, add((EMPTY,), 0)))
        else:
            tops = [add((key, None), 0) for key in keys]
            self.lines.append((0, tops, add((EMPTY, None), 0)))
            for key, top in zip(keys, tops, strict=True):
                details = [add((key, d), top) for d, family in families.items() if family == key]
                self.lines.append((top, details, add((key, EMPTY), top)))
        self.index = index
        self.shown = [EMPTY not in label for label in self.nodes]

    def leaf(self, values: tuple) -> int:
        """The node of one profile's answers."""
        if len(self.fields) == 1:
            return self.index[
                values if values[0] is not None and values in self.index else (EMPTY,)
            ]
        top, detail = values
        if top is None or (top, None) not in self.index:
            return self.index[(EMPTY, None)]
        if detail is None or (top, detail) not in self.index:
            return self.index[(top, EMPTY)]
        return self.index[(top, detail)]

    def ancestors(self, node: int) -> list[int]:
        chain = [node]
        while self.parent[chain[-1]] is not None:
            chain.append(self.parent[chain[-1]])
        return chain

    def node_of(self, group: Mapping[str, str]) -> int:
        """The node a group's filters select on this axis (a detail implies its family)."""
        if len(self.fields) == 1:
            return self.index.get((group.get(self.fields[0]),), 0)
        top, detail = (group.get(field) for field in self.fields)
        if detail is not None:
            for (_family, key), node in self.index.items():
                if key == detail:
                    return node
        return self.index.get((top, None), 0)


@cache
def profile_axes() -> tuple[Axis, ...]:
    """The filter dimensions insights group on (INSIGHTS_FIELDS), hierarchies folded in."""
    children = {parent: child for child, (parent, _) in HIERARCHY.items()}
    axes = []
    for name, keys in INSIGHTS_FIELDS.items():
        if name in HIERARCHY:
            continue
        if name in children:
            child = children[name]
            axes.append(Axis((name, child), list(keys), HIERARCHY[child][1]))
        else:
            axes.append(Axis((name,), list(keys)))
    return tuple(axes)


INTENSITY_AXIS = Axis(("intensity",), INTENSITIES)


@dataclass
class Grid:
    """A table over some axes: cell index = mixed radix of node indexes, and its lines."""

    axes: tuple[Axis, ...]
    strides: list[int]
    size: int
    lines: list[tuple[int, tuple[int, ...], int]]
    lines_of: list[list[int]]
    addressable: list[bool]


@cache
def grid(axes: tuple[Axis, ...]) -> Grid:
    strides, size = [], 1
    for axis in reversed(axes):
        strides.insert(0, size)
        size *= len(axis.nodes)
    shown = [[n for n, ok in enumerate(axis.shown) if ok] for axis in axes]
    lines = []
    for position, axis in enumerate(axes):
        others = [range(1) if p == position else shown[p] for p in range(len(axes))]
        stride = strides[position]
        for combo in product(*others):
            base = sum(node * strides[p] for p, node in enumerate(combo))
            for parent, children, empty in axis.lines:
                lines.append(
                    (
                        base + parent * stride,
                        tuple(base + child * stride for child in children),
                        base + empty * stride,
                    )
                )
    lines_of: list[list[int]] = [[] for _ in range(size)]
    for number, (parent, children, _) in enumerate(lines):
        for cell in (parent, *children):
            lines_of[cell].append(number)
    addressable = [all(axis.shown[n] for axis, n in zip(axes, nodes, strict=True))
                   for nodes in product(*(range(len(axis.nodes)) for axis in axes))]  # fmt: skip
    return Grid(axes, strides, size, lines, lines_of, addressable)


def cell_of(grid_: Grid, nodes: tuple[int, ...]) -> int:
    return sum(node * stride for node, stride in zip(nodes, grid_.strides, strict=True))


def _combos(axes: tuple[Axis, ...], strides: list[int], profile: tuple) -> list[int]:
    """Every lattice cell (group) a profile falls in: all combinations of ancestors."""
    chains = []
    for axis in axes:
        values = tuple(profile[PROFILE_POSITION[field]] for field in axis.fields)
        chains.append(axis.ancestors(axis.leaf(values)))
    return [
        sum(node * stride for node, stride in zip(nodes, strides, strict=True))
        for nodes in product(*chains)
    ]


def lattice_counts(table: PeopleTable, axes: tuple[Axis, ...]):
    """(group sizes, {exercise: people per group x intensity node}) over the whole lattice,
    counted as PeopleTable.counts and .size count one group."""
    groups = grid(axes)
    width = len(INTENSITY_AXIS.nodes)
    per_cell = len(EXERCISE_AT) * width
    sums = [[0] * per_cell for _ in range(groups.size)]
    sizes = [0] * groups.size
    combos: dict[tuple, list[int]] = {}

    def combos_of(profile):
        if profile not in combos:
            combos[profile] = _combos(axes, groups.strides, profile)
        return combos[profile]

    for profile, vector in table.vectors.items():
        counts = [0] * per_cell
        for number, base in enumerate(EXERCISE_AT.values()):
            for position, intensity in enumerate(INTENSITIES, start=1):
                people = sum(vector[base + CELL[(intensity, outcome)]] for outcome in OUTCOMES)
                counts[number * width + position] = people
                counts[number * width] += people
        if not any(counts):
            continue
        for combo in combos_of(profile):
            row = sums[combo]
            sums[combo] = [a + b for a, b in zip(row, counts, strict=True)]
    exercise_number = {key: n for n, key in enumerate(EXERCISE_AT)}
    for (_, exercise), chain in table.mixed.items():
        seen: set[int] = set()
        at = exercise_number[exercise] * width
        for answer in chain:  # newest first: the first answer in a group counts for it
            for combo in combos_of(answer.profile):
                if combo not in seen:
                    seen.add(combo)
                    sums[combo][at] += 1
                    sums[combo][at + 1 + INTENSITIES.index(answer.intensity)] += 1
    for profile, people in table.people.items():
        if people:
            for combo in combos_of(profile):
                sizes[combo] += people
    for profiles in table.spread.values():
        for combo in set().union(*(combos_of(profile) for profile in profiles)):
            sizes[combo] += 1
    people = {
        exercise: [value for row in sums for value in row[n * width : (n + 1) * width]]
        for n, exercise in enumerate(EXERCISE_AT)
    }
    return sizes, people


def audit(grid_: Grid, values, hidden, small, minimum: int) -> list[int]:
    """The hidden cells an attacker pins to one value by interval reasoning over every line:
    shown cells are known, hidden ones are >= 0, and <= minimum - 1 when `small`. Lines are
    re-read whenever a bound of one of their cells tightens, until nothing tightens."""
    low = [0 if hide else value for value, hide in zip(values, hidden, strict=True)]
    high = [
        (minimum - 1 if is_small else UNBOUNDED) if hide else value
        for value, hide, is_small in zip(values, hidden, small, strict=True)
    ]
    for cell, ok in enumerate(grid_.addressable):
        if not ok:  # people with an empty answer: assumed known
            low[cell] = high[cell] = values[cell]
    lines = grid_.lines
    # A line whose cells are all hidden and small tightens nothing until a neighbour does.
    loose = [hide and not is_small for hide, is_small in zip(hidden, small, strict=True)]
    waiting = [
        number
        for number, (parent, children, _) in enumerate(lines)
        if any(hidden[c] for c in (parent, *children))
        and any(loose[c] or not hidden[c] for c in (parent, *children))
    ]
    queued = set(waiting)
    budget = 50 * len(lines)
    while waiting:
        number = waiting.pop()
        queued.discard(number)
        parent, children, empty = lines[number]
        known = values[empty]
        sum_low = sum(low[c] for c in children) + known
        sum_high = sum(high[c] for c in children) + known
        tightened = []
        if sum_low > low[parent]:
            low[parent] = sum_low
            tightened.append(parent)
        if sum_high < high[parent]:
            high[parent] = sum_high
            tightened.append(parent)
        for child in children:
            child_low = low[parent] - (sum_high - high[child])
            child_high = high[parent] - (sum_low - low[child])
            if child_low > low[child]:
                low[child] = child_low
                tightened.append(child)
            if child_high < high[child]:
                high[child] = child_high
                tightened.append(child)
        budget -= 1
        if budget < 0:
            break  # counts that do not add up (one person under several profiles) may not settle
        for cell in tightened:
            for other in grid_.lines_of[cell]:
                if other not in queued:
                    queued.add(other)
                    waiting.append(other)
    return [c for c, hide in enumerate(hidden) if hide and low[c] == high[c]]


class _Hiding:
    """The hidden cells of one grid, with how many each line has, choosing complements that
    add the fewest lines with a single hidden cell (those would need complements of their own)."""

    def __init__(self, grid_: Grid, values, hidden: list[bool]):
        self.grid, self.values, self.hidden = grid_, values, hidden
        self.count = [
            hidden[parent] + sum(hidden[c] for c in children) for parent, children, _ in grid_.lines
        ]
        self.hidden_count = sum(hidden)
        self.touched: set[int] = set()  # lines with a cell hidden since last asked

    def hide(self, cell: int) -> None:
        if not self.hidden[cell]:
            self.hidden[cell] = True
            self.hidden_count += 1
            for number in self.grid.lines_of[cell]:
                self.count[number] += 1
                self.touched.add(number)

    def _cost(self, cell: int) -> tuple:
        alone = sum(1 for number in self.grid.lines_of[cell] if self.count[number] == 0)
        return (alone, self.values[cell], cell)

    def complement(self, numbers) -> bool:
        """Hide the cheapest shown cell on these lines; False when there is none."""
        candidates = {
            c
            for number in numbers
            for c in (self.grid.lines[number][0], *self.grid.lines[number][1])
            if not self.hidden[c] and self.grid.addressable[c]
        }
        if not candidates:
            return False
        self.hide(min(candidates, key=self._cost))
        return True


def _line_pinned(line, values, hidden, small, minimum: int) -> bool:
    """Whether this line alone tells a hidden cell of it: one hidden cell, or hidden cells
    their bounds pin (a remainder of 0, or small cells that must all be minimum - 1)."""
    parent, children, empty = line
    hid = [c for c in children if hidden[c]]
    if len(hid) + hidden[parent] == 1:
        return True
    known = values[empty] + sum(values[c] for c in children if not hidden[c])
    high = {c: minimum - 1 if small[c] else UNBOUNDED for c in (parent, *hid)}
    top = high[parent] if hidden[parent] else values[parent]
    bottom = 0 if hidden[parent] else values[parent]
    room = sum(high[c] for c in hid)
    if hidden[parent] and min(top, known + room) <= known:
        return True
    for child in hid:
        low = max(0, bottom - known - (room - high[child]))
        if low >= min(high[child], top - known):
            return True
    return False


def protect(grid_: Grid, values, hidden, minimum: int, tie=None):
    """Complete `hidden` (the cells under `minimum` and the ones forced) into a pattern in which
    no hidden cell is derived: see the module's steps 2-4. `tie(hidden)` lists what must be
    hidden with the cells hidden so far."""
    small = [value < minimum for value in values]
    hidden = [h or s for h, s in zip(hidden, small, strict=True)]
    if all(hide for hide, ok in zip(hidden, grid_.addressable, strict=True) if ok):
        return hidden  # nothing shown, nothing to derive from
    state = _Hiding(grid_, values, hidden)
    lengths = [1 + len(children) for _, children, _ in grid_.lines]
    dirty = range(len(grid_.lines))
    while True:
        before = state.hidden_count
        for cell in tie(hidden) if tie else ():
            state.hide(cell)
        for number in dirty:
            # A line without a shown cell tells nothing by itself (the audit reads it).
            if 0 < state.count[number] < lengths[number] and _line_pinned(
                grid_.lines[number], values, hidden, small, minimum
            ):
                state.complement([number])
        if state.hidden_count > before:
            dirty = sorted(state.touched)
            state.touched.clear()
            continue
        pinned = audit(grid_, values, hidden, small, minimum)
        fixed: set[int] = set()  # one cell per line each round: the rest may be freed by it
        for cell in pinned:
            free = grid_.addressable[cell] and not fixed.intersection(grid_.lines_of[cell])
            if free and state.complement(grid_.lines_of[cell]):
                fixed.update(grid_.lines_of[cell])
        if not fixed:
            return hidden
        dirty = sorted(state.touched)
        state.touched.clear()


@dataclass
class Pattern:
    """The shown/hidden decision for every insights cell, and the lattice's counts."""

    axes: tuple[Axis, ...]
    sizes: list[int]
    size_hidden: list[bool]
    people: dict[str, list[int]]
    hidden: dict[str, list[bool]]

    def _group(self, group: Mapping[str, str]) -> int:
        return cell_of(grid(self.axes), tuple(axis.node_of(group) for axis in self.axes))

    def group_size(self, group: Mapping[str, str]) -> int | None:
        """The group's size, or None when it is hidden."""
        cell = self._group(group)
        return None if self.size_hidden[cell] else self.sizes[cell]

    def row_shown(self, group: Mapping[str, str], exercise: str) -> bool:
        return not self.hidden[exercise][self._group(group) * len(INTENSITY_AXIS.nodes)]

    def intensity_shown(self, group: Mapping[str, str], exercise: str, intensity: str) -> bool:
        at = self._group(group) * len(INTENSITY_AXIS.nodes) + 1 + INTENSITIES.index(intensity)
        return not self.hidden[exercise][at]


def _tie_intensities(width: int):
    def tie(hidden: list[bool]) -> list[int]:
        """The intensities of hidden rows that are not hidden yet."""
        return [
            row + offset
            for row in range(0, len(hidden), width)
            if hidden[row]
            for offset in range(1, width)
            if not hidden[row + offset]
        ]

    return tie


def _threshold_only(grid_: Grid, values, hidden, minimum: int, tie=None) -> list[bool]:
    hidden = [hide or value < minimum for value, hide in zip(values, hidden, strict=True)]
    for cell in tie(hidden) if tie else ():
        hidden[cell] = True
    return hidden


def pattern(
    table: PeopleTable,
    minimum: int,
    complementary: bool = True,
    previous: Pattern | None = None,
) -> Pattern:
    """The suppression pattern of the whole lattice for this table and min_reports.

    Without `complementary` only the cells under min_reports (and what goes with them) are
    hidden: that protects nobody against differencing, and exists for tests of the counting.
    A table of the `previous` pattern (same minimum and method) whose counts and forced cells
    did not change keeps its decision: the pattern is a function of the counts alone, so this
    only saves time (a change usually touches one exercise).
    """
    complete = protect if complementary else _threshold_only
    axes = profile_axes()
    sizes, people = lattice_counts(table, axes)
    groups = grid(axes)
    if previous is not None and previous.sizes == sizes:
        size_hidden = previous.size_hidden
    else:
        size_hidden = complete(groups, sizes, [False] * groups.size, minimum)
    cells = grid((*axes, INTENSITY_AXIS))
    width = len(INTENSITY_AXIS.nodes)
    forced = [hide for hide in size_hidden for _ in range(width)]
    tie = _tie_intensities(width)
    same_forced = previous is not None and previous.size_hidden == size_hidden
    hidden = {
        exercise: previous.hidden[exercise]
        if same_forced and previous.people[exercise] == values
        else complete(cells, values, list(forced), minimum, tie)
        for exercise, values in people.items()
    }
    return Pattern(axes, sizes, size_hidden, people, hidden)
