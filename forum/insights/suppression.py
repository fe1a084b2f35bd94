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

Shown numbers stay exact. People whose answer for a dimension is empty form a leaf no filter
can select. For onset, condition, symptom and age band (answered by almost everyone) it is
treated as known to the attacker (the conservative choice: stories list their answers). For
onset detail, severity and years ill (added later, optional, empty on every older story and on
most quick answers) the leaf is most of every group: granted, it would give every group away by
itself, and nothing counts it (no filter selects "no answer", quick answers are never listed),
so it is an unknown >= 0 of its line. A hierarchical dimension (a detail
inside a family, such as onset_detail inside onset) is one axis of the lattice whose lines are
the root with its families and each family with its details: register it in HIERARCHY.

Only the groups insights answer are cells (`answerable`): the freely combined filters in any
number, and at most MOST_FILTERS_WITH_DETAILS filters with a detail, severity or years ill.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import product

import numpy as np

from forum.insights.people import PROFILE_POSITION, PeopleTable
from forum.insights.vectors import CELL, EXERCISE_AT, INTENSITIES, OUTCOMES
from forum.vocabulary import (
    FREELY_COMBINED,
    INSIGHTS_FIELDS,
    MOST_FILTERS_WITH_DETAILS,
    ONSET_FAMILY,
)

# A child dimension: {child field: (parent field, {child key: parent key})}.
HIERARCHY: dict[str, tuple[str, Mapping[str, str]]] = {"onset_detail": ("onset", ONSET_FAMILY)}
EMPTY = "?"  # the leaf of people who gave no (known) answer: never a filter, never shown
UNBOUNDED = 10**12
# The attacker's interval reasoning settles in a few sweeps over the lines; counts that do not
# add up (one person under several profiles) may never settle, so it stops after this many.
SWEEPS = 100
# Profiles whose lattice cells are summed at once (bounds the memory of one numpy step).
CHUNK = 4096


class Axis:
    """One dimension of the lattice: its nodes (node 0 is "all"), and its lines (a parent,
    the children that sum to it, and the leaf of empty answers that completes the sum).

    `free`: whether its keys combine with any other filters (FREELY_COMBINED); a detail of a
    hierarchical axis never does."""

    def __init__(
        self,
        fields: tuple[str, ...],
        keys,
        families: Mapping[str, str] | None = None,
        free: bool = True,
    ):
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
                if details:  # a family without details is a leaf itself
                    self.lines.append((top, details, add((key, EMPTY), top)))
        self.index = index
        self.shown = [EMPTY not in label for label in self.nodes]
        # Whether the attacker is granted a leaf of empty answers (see the module's docstring).
        self.granted = [
            shown or (free and not (len(label) == 2 and label[1] == EMPTY))
            for label, shown in zip(self.nodes, self.shown, strict=True)
        ]
        self.free = [free and (len(label) == 1 or label[1] is None) for label in self.nodes]
        self.line_at = {parent: (children, empty) for parent, children, empty in self.lines}

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
            return self.index.get((top, EMPTY), self.index[(top, None)])
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
        free = name in FREELY_COMBINED
        if name in children:
            child = children[name]
            axes.append(Axis((name, child), list(keys), HIERARCHY[child][1], free))
        else:
            axes.append(Axis((name,), list(keys), free=free))
    return tuple(axes)


INTENSITY_AXIS = Axis(("intensity",), INTENSITIES)


def answerable(axes: tuple[Axis, ...], nodes: tuple[int, ...]) -> bool:
    """Whether insights answer this group: the freely combined filters in any number, and at
    most MOST_FILTERS_WITH_DETAILS filters when one of them is a detail, severity or years ill
    (coarser groups: what keeps the lattice small enough to protect in full)."""
    given = [(axis, node) for axis, node in zip(axes, nodes, strict=True) if node]
    return len(given) <= MOST_FILTERS_WITH_DETAILS or all(axis.free[n] for axis, n in given)


def answerable_group(group: Mapping[str, str]) -> bool:
    """`answerable` for a group given as filters."""
    axes = profile_axes()
    return answerable(axes, tuple(axis.node_of(group) for axis in axes))


@dataclass
class Grid:
    """A table over some axes: its answerable cells (node tuples, numbered), and its lines.
    With the intensity axis last, cell (group, intensity) is group * width + intensity."""

    axes: tuple[Axis, ...]
    cells: list[tuple[int, ...]]
    index: dict[tuple[int, ...], int]
    lines: list[tuple[int, tuple[int, ...], int]]
    lines_of: list[list[int]]
    addressable: list[bool]
    addressable_array: np.ndarray
    granted: list[bool]  # addressable, or a leaf of empty answers the attacker is granted
    granted_array: np.ndarray
    # The lines as numpy arrays, one block per number of children: (parents, the children
    # with the empty leaf last).
    blocks: list[tuple[np.ndarray, np.ndarray]]
    combos: dict[tuple, list[int]] = field(default_factory=dict)  # profile -> its cells

    @property
    def size(self) -> int:
        return len(self.cells)


def _cells(axes: tuple[Axis, ...]) -> list[tuple[int, ...]]:
    if axes and axes[-1] is INTENSITY_AXIS:
        groups = grid(axes[:-1]).cells
        return [(*nodes, n) for nodes in groups for n in range(len(INTENSITY_AXIS.nodes))]
    # `answerable` over the whole product at once (hundreds of thousands of node tuples).
    every = np.indices([len(axis.nodes) for axis in axes]).reshape(len(axes), -1).T
    given = (every > 0).sum(axis=1)
    bound = np.zeros(len(every), dtype=bool)
    for position, axis in enumerate(axes):
        bound |= ~np.array(axis.free, dtype=bool)[every[:, position]] & (every[:, position] > 0)
    keep = (given <= MOST_FILTERS_WITH_DETAILS) | ~bound
    return [tuple(nodes) for nodes in every[keep].tolist()]


@cache
def grid(axes: tuple[Axis, ...]) -> Grid:
    cells = _cells(axes)
    index = {nodes: number for number, nodes in enumerate(cells)}
    lines = []
    for nodes in cells:
        hidden_axes = [
            p for p, (axis, n) in enumerate(zip(axes, nodes, strict=True)) if not axis.shown[n]
        ]
        for position, axis in enumerate(axes):
            # Lines through a leaf of empty answers on another axis are all known: useless.
            if [p for p in hidden_axes if p != position] or nodes[position] not in axis.line_at:
                continue
            children, empty = axis.line_at[nodes[position]]
            around = [
                index.get((*nodes[:position], node, *nodes[position + 1 :]))
                for node in (*children, empty)
            ]
            if None not in around:
                lines.append((index[nodes], tuple(around[:-1]), around[-1]))
    lines_of: list[list[int]] = [[] for _ in cells]
    for number, (parent, children, _) in enumerate(lines):
        for cell in (parent, *children):
            lines_of[cell].append(number)
    addressable = [
        all(axis.shown[n] for axis, n in zip(axes, nodes, strict=True)) for nodes in cells
    ]
    granted = [all(axis.granted[n] for axis, n in zip(axes, nodes, strict=True)) for nodes in cells]
    by_length: dict[int, list] = {}
    for line in lines:
        by_length.setdefault(len(line[1]), []).append(line)
    blocks = [
        (
            np.array([parent for parent, _, _ in same], dtype=np.int64),
            np.array([(*children, empty) for _, children, empty in same], dtype=np.int64),
        )
        for same in by_length.values()
    ]
    return Grid(
        axes, cells, index, lines, lines_of,
        addressable, np.array(addressable, dtype=bool),
        granted, np.array(granted, dtype=bool),
        blocks,
    )  # fmt: skip


def _combos(grid_: Grid, profile: tuple) -> list[int]:
    """Every answerable lattice cell (group) a profile falls in: its ancestors' combinations."""
    chains = []
    for axis in grid_.axes:
        values = tuple(profile[PROFILE_POSITION[field]] for field in axis.fields)
        chains.append(axis.ancestors(axis.leaf(values)))
    cells = (grid_.index.get(nodes) for nodes in product(*chains))
    return [cell for cell in cells if cell is not None]


def _combos_of(grid_: Grid, profile: tuple) -> list[int]:
    found = grid_.combos.get(profile)
    if found is None:
        found = grid_.combos[profile] = _combos(grid_, profile)
    return found


# Where each exercise's people at each intensity are in a profile's vector of counts.
_AT = np.array(
    [
        [[base + CELL[(intensity, outcome)] for outcome in OUTCOMES] for intensity in INTENSITIES]
        for base in EXERCISE_AT.values()
    ]
)


def _summed_over_cells(grid_: Grid, profiles: list[tuple], rows: np.ndarray) -> np.ndarray:
    """rows[i] added into every cell profiles[i] falls in: (cells, *row shape)."""
    sums = np.zeros((grid_.size, *rows.shape[1:]), dtype=np.int64)
    for start in range(0, len(profiles), CHUNK):
        combos = [_combos_of(grid_, profile) for profile in profiles[start : start + CHUNK]]
        owners = np.repeat(np.arange(len(combos)), [len(cells) for cells in combos])
        cells = np.fromiter((c for cells in combos for c in cells), np.int64, len(owners))
        np.add.at(sums, cells, rows[start : start + CHUNK][owners])
    return sums


def lattice_counts(table: PeopleTable, axes: tuple[Axis, ...]):
    """(group sizes, {exercise: people per group x intensity node}) over the whole lattice,
    counted as PeopleTable.counts and .size count one group."""
    groups = grid(axes)
    width = len(INTENSITY_AXIS.nodes)
    profiles = [profile for profile, vector in table.vectors.items() if any(vector)]
    per_profile = np.zeros((len(profiles), len(EXERCISE_AT), width), dtype=np.int64)
    if profiles:
        vectors = np.array([table.vectors[profile] for profile in profiles], dtype=np.int64)
        per_intensity = vectors[:, _AT].sum(axis=3)  # profiles x exercises x intensities
        per_profile[:, :, 1 : 1 + len(INTENSITIES)] = per_intensity
        per_profile[:, :, 0] = per_intensity.sum(axis=2)
    sums = _summed_over_cells(groups, profiles, per_profile)
    exercise_number = {key: n for n, key in enumerate(EXERCISE_AT)}
    for (_, exercise), chain in table.mixed.items():
        seen: set[int] = set()
        number = exercise_number[exercise]
        for answer in chain:  # newest first: the first answer in a group counts for it
            for combo in _combos_of(groups, answer.profile):
                if combo not in seen:
                    seen.add(combo)
                    sums[combo, number, 0] += 1
                    sums[combo, number, 1 + INTENSITIES.index(answer.intensity)] += 1
    single = [profile for profile, people in table.people.items() if people]
    counts = np.array([table.people[profile] for profile in single], dtype=np.int64)
    sizes = _summed_over_cells(groups, single, counts)
    for profiles_of_one in table.spread.values():
        for combo in set().union(*(_combos_of(groups, profile) for profile in profiles_of_one)):
            sizes[combo] += 1
    people = {
        exercise: sums[:, number, :].ravel().tolist()
        for exercise, number in exercise_number.items()
    }
    return sizes.tolist(), people


def audit(grid_: Grid, values, hidden, small, minimum: int) -> list[int]:
    """The hidden cells an attacker pins to one value by interval reasoning over every line:
    shown cells are known, hidden ones are >= 0, and <= minimum - 1 when `small`. Lines are
    swept again wherever a bound of one of their cells tightened, until nothing tightens."""
    values = np.asarray(values, dtype=np.int64)
    hide, small_ = np.asarray(hidden, dtype=bool), np.asarray(small, dtype=bool)
    # Leaves of empty answers are known when granted (see Axis.granted), else unknown >= 0.
    unknown = hide & grid_.addressable_array
    secret = ~grid_.granted_array
    low = np.where(unknown | secret, 0, values)
    high = np.where(
        unknown, np.where(small_, minimum - 1, UNBOUNDED), np.where(secret, UNBOUNDED, values)
    )
    moved = unknown | secret
    for _ in range(SWEEPS):
        before_low, before_high = low.copy(), high.copy()
        for parents, children in grid_.blocks:
            active = moved[parents] | moved[children].any(axis=1)
            if not active.any():
                continue
            parent, child = parents[active], children[active]
            np.maximum.at(low, parent, low[child].sum(axis=1))
            np.minimum.at(high, parent, high[child].sum(axis=1))
            sum_low = low[child].sum(axis=1, keepdims=True)
            sum_high = high[child].sum(axis=1, keepdims=True)
            np.maximum.at(low, child, low[parent][:, None] - (sum_high - high[child]))
            np.minimum.at(high, child, high[parent][:, None] - (sum_low - low[child]))
        moved = (low != before_low) | (high != before_high)
        if not moved.any():
            break
    return np.flatnonzero(hide & (low == high)).tolist()


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
        self.fresh = [cell for cell, hide in enumerate(hidden) if hide]  # hidden, not yet tied

    def hide(self, cell: int) -> None:
        if not self.hidden[cell]:
            self.hidden[cell] = True
            self.hidden_count += 1
            self.fresh.append(cell)
            for number in self.grid.lines_of[cell]:
                self.count[number] += 1
                self.touched.add(number)

    def take_fresh(self) -> list[int]:
        fresh, self.fresh = self.fresh, []
        return fresh

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


def _line_pinned(line, values, hidden, small, minimum: int, granted: list[bool]) -> bool:
    """Whether this line alone tells a hidden cell of it: one hidden cell, or hidden cells
    their bounds pin (a remainder of 0, or small cells that must all be minimum - 1). An empty
    leaf that is not granted is one more unknown of the line."""
    parent, children, empty = line
    hid = [c for c in children if hidden[c]]
    if len(hid) + hidden[parent] + (not granted[empty]) == 1:
        return True
    known = (values[empty] if granted[empty] else 0) + sum(
        values[c] for c in children if not hidden[c]
    )
    high = {c: minimum - 1 if small[c] else UNBOUNDED for c in (parent, *hid)}
    if not granted[empty]:
        hid, high[empty] = [*hid, empty], UNBOUNDED
    top = high[parent] if hidden[parent] else values[parent]
    bottom = 0 if hidden[parent] else values[parent]
    room = sum(high[c] for c in hid)
    if hidden[parent] and min(top, known + room) <= known:
        return True
    for child in (c for c in hid if c != empty):
        low = max(0, bottom - known - (room - high[child]))
        if low >= min(high[child], top - known):
            return True
    return False


def protect(grid_: Grid, values, hidden, minimum: int, tie=None):
    """Complete `hidden` (the cells under `minimum` and the ones forced) into a pattern in which
    no hidden cell is derived: see the module's steps 2-4. `tie(hidden)` lists what must be
    hidden with some newly hidden cells."""
    small = [value < minimum for value in values]
    hidden = [h or s for h, s in zip(hidden, small, strict=True)]
    if all(hide for hide, ok in zip(hidden, grid_.addressable, strict=True) if ok):
        return hidden  # nothing shown, nothing to derive from
    state = _Hiding(grid_, values, hidden)
    lengths = [1 + len(children) for _, children, _ in grid_.lines]
    dirty = range(len(grid_.lines))
    while True:
        before = state.hidden_count
        while tie and state.fresh:
            for cell in tie(state.take_fresh()):
                state.hide(cell)
        for number in dirty:
            # A line without a shown cell tells nothing by itself (the audit reads it).
            if 0 < state.count[number] < lengths[number] and _line_pinned(
                grid_.lines[number], values, hidden, small, minimum, grid_.granted
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

    def _group(self, group: Mapping[str, str]) -> int | None:
        """The group's cell; None for a group insights do not answer (see `answerable`)."""
        return grid(self.axes).index.get(tuple(axis.node_of(group) for axis in self.axes))

    def group_size(self, group: Mapping[str, str]) -> int | None:
        """The group's size, or None when it is hidden."""
        cell = self._group(group)
        return None if cell is None or self.size_hidden[cell] else self.sizes[cell]

    def row_shown(self, group: Mapping[str, str], exercise: str) -> bool:
        cell = self._group(group)
        return cell is not None and not self.hidden[exercise][cell * len(INTENSITY_AXIS.nodes)]

    def intensity_shown(self, group: Mapping[str, str], exercise: str, intensity: str) -> bool:
        cell = self._group(group)
        if cell is None:
            return False
        at = cell * len(INTENSITY_AXIS.nodes) + 1 + INTENSITIES.index(intensity)
        return not self.hidden[exercise][at]


def _tie_intensities(width: int):
    def tie(cells: list[int]) -> list[int]:
        """The intensities of the rows among these newly hidden cells."""
        return [row + offset for row in cells if row % width == 0 for offset in range(1, width)]

    return tie


def _threshold_only(grid_: Grid, values, hidden, minimum: int, tie=None) -> list[bool]:
    hidden = [hide or value < minimum for value, hide in zip(values, hidden, strict=True)]
    for cell in tie([cell for cell, hide in enumerate(hidden) if hide]) if tie else ():
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
