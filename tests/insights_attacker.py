"""An attacker of the insights: what every answer together gives away about hidden cells.

Written apart from forum.insights.suppression on purpose: it reads only the public answers
(one per group of the filter lattice, with the intensity breakdown) plus what a strong attacker
is granted, and derives what it can:

- every shown number: group sizes, each exercise row's people, each intensity's people, each
  baseline (everyone's row minus the group's), each wider group's size;
- the relations between them: along every filter dimension a group is the sum of its children
  plus the people who left that answer empty (granted to the attacker, as public lists show
  them; not the empty onset details, severities and years ill, which nothing counts), a row
  is the sum of its intensities; a line is a relation only where its true counts add up;
- bounds: every count is >= 0, and a hidden cell that is under min_reports is <= k - 1 (the
  attacker is told which hidden cells are small: stronger than the real one).

Two derivations: interval propagation over all relations until nothing tightens (differencing,
chains of differences, the non-negativity traps), and exact linear algebra
(is a hidden cell a linear combination of shown numbers?). A hidden cell is *disclosed* when
either pins it to one value.
"""

from collections import defaultdict, deque
from functools import cache
from itertools import product

from forum.insights.vectors import INTENSITIES, UNSTATED
from forum.vocabulary import (
    EXERCISE,
    FREELY_COMBINED,
    INSIGHTS_FIELDS,
    INTENSITY,
    MOST_FILTERS_WITH_DETAILS,
    ONSET_FAMILY,
)

ALL, EMPTY = "*", "?"
PRIME = 2**61 - 1
DIMENSIONS = list(INSIGHTS_FIELDS)
ONSET, DETAIL = DIMENSIONS.index("onset"), DIMENSIONS.index("onset_detail")


def filters_count(group: tuple) -> int:
    """Filters of a group as the API counts them: onset with its detail is one."""
    given = sum(1 for key in group if key != ALL)
    return given - (group[ONSET] != ALL and group[DETAIL] != ALL)


def answerable(group: tuple) -> bool:
    """The contract's rule: the freely combined filters in any number; with onset detail,
    severity or years ill at most MOST_FILTERS_WITH_DETAILS filters."""
    bound = any(
        key != ALL and name not in FREELY_COMBINED
        for name, key in zip(DIMENSIONS, group, strict=True)
    )
    return not bound or filters_count(group) <= MOST_FILTERS_WITH_DETAILS


def canonical(group: tuple) -> tuple | None:
    """A detail implies its family (the API's {onset_detail} is {onset, onset_detail}); None
    for combinations that are no cell (a detail outside its family, a detail of no family)."""
    detail = group[DETAIL]
    if detail == ALL:
        return group
    if detail == EMPTY:
        return group if group[ONSET] not in (ALL, EMPTY) else None
    family = ONSET_FAMILY[detail]
    if group[ONSET] not in (ALL, family):
        return None
    return (*group[:ONSET], family, *group[ONSET + 1 :])


def group_of(filters: dict) -> tuple:
    return canonical(tuple(filters.get(name, ALL) for name in DIMENSIONS))


@cache
def lattice() -> tuple[tuple, ...]:
    """Every group the API answers: each dimension a key or ALL, a detail with its family."""
    every = product(*([ALL, *keys] for keys in INSIGHTS_FIELDS.values()))
    groups = {canonical(group) for group in every}
    return tuple(sorted(group for group in groups if group is not None and answerable(group)))


def as_filters(group: tuple) -> dict:
    return {name: key for name, key in zip(DIMENSIONS, group, strict=True) if key != ALL}


def truth(answers) -> dict:
    """The true counts of every cell, from rows (person, exercise, profile, published, id,
    intensity), counted as the contract says: a person's latest answer among those in the group.

    Cells: ("size", group), ("row", group, exercise), ("int", group, exercise, intensity);
    a group coordinate may also be EMPTY (people who left that answer empty)."""
    by_person = defaultdict(list)
    for person, exercise, profile, published, story, intensity in answers:
        coordinates = tuple(EMPTY if value is None else value for value in profile)
        by_person[person].append((published, story, exercise, coordinates, intensity))
    counts: dict = defaultdict(int)
    for stories in by_person.values():
        stories.sort(reverse=True)
        groups_seen, counted = set(), set()
        for _, _, exercise, coordinates, intensity in stories:
            for group in product(*((value, ALL) for value in coordinates)):
                group = canonical(group)
                if group is not None and group not in groups_seen:
                    groups_seen.add(group)
                    counts[("size", group)] += 1
                if (group, exercise) not in counted:
                    counted.add((group, exercise))
                    counts[("row", group, exercise)] += 1
                    counts[("int", group, exercise, intensity)] += 1
    return counts


def _lines_of(group: tuple) -> list[tuple[list[tuple], tuple]]:
    """(children, empty leaf) of each line with `group` as its parent, along every dimension."""
    found = []
    for position, name in enumerate(DIMENSIONS):
        if group[position] != ALL:
            continue
        if name == "onset_detail":
            if group[ONSET] == ALL:
                continue  # the details of every family at once: the onset line does it
            keys = [d for d, family in ONSET_FAMILY.items() if family == group[ONSET]]
            if not keys:
                continue  # a family without details
        elif name == "onset" and group[DETAIL] != ALL:
            continue
        else:
            keys = list(INSIGHTS_FIELDS[name])

        def at(key, position=position):
            return (*group[:position], key, *group[position + 1 :])

        children = [at(key) for key in keys]
        if all(answerable(child) for child in children):
            found.append((children, at(EMPTY)))
    return found


def relations() -> list[tuple]:
    """(parent cell, child cells, empty cell) for every line of every table."""
    lines = []
    kinds = [("size",)]
    kinds += [("row", exercise) for exercise in EXERCISE]
    kinds += [("int", exercise, intensity) for exercise in EXERCISE for intensity in INTENSITIES]
    for group in lattice():
        for children, empty in _lines_of(group):
            for kind in kinds:
                lines.append(
                    (
                        (kind[0], group, *kind[1:]),
                        [(kind[0], child, *kind[1:]) for child in children],
                        (kind[0], empty, *kind[1:]),
                    )
                )
        for exercise in EXERCISE:
            lines.append(
                (
                    ("row", group, exercise),
                    [("int", group, exercise, intensity) for intensity in INTENSITIES],
                    None,
                )
            )
    return lines


def published(responses: dict) -> tuple[dict, list, list]:
    """(shown cells with values, baseline equations, contract breaches) read from the answers:
    `responses` maps each lattice group to its insights answer with detail=intensity."""
    shown: dict = {}
    baselines, breaches = [], []

    def show(cell, value):
        if cell in shown and shown[cell] != value:
            breaches.append(f"{cell} shown as {shown[cell]} and {value}")
        shown[cell] = value

    for group, response in responses.items():
        rows = {row["exercise"]: row for row in response["exercises"]}
        listed = list(rows) + list(response["suppressed"])
        if sorted(listed) != sorted(EXERCISE):
            breaches.append(f"{group}: exercises + suppressed is not the vocabulary: {listed}")
        if response["group_size"] is not None:
            show(("size", group), response["group_size"])
        elif rows:
            breaches.append(f"{group}: rows shown in a suppressed group")
        for wider in response.get("wider_groups", []):
            if wider["group_size"] is not None:
                show(("size", group_of(wider["filters"])), wider["group_size"])
        for exercise, row in rows.items():
            show(("row", group, exercise), row["people"])
            cells = {cell["intensity"]: cell for cell in row["intensities"]}
            listed = list(cells) + list(row["intensities_suppressed"])
            if sorted(listed) != sorted(INTENSITY):
                breaches.append(f"{group} {exercise}: intensities + suppressed: {listed}")
            for intensity, cell in cells.items():
                show(("int", group, exercise, intensity), cell["people"])
            if row["baseline"]["people"] is not None:
                everyone = ("row", (ALL,) * len(DIMENSIONS), exercise)
                baselines.append((everyone, ("row", group, exercise), row["baseline"]["people"]))
    return shown, baselines, breaches


class Attack:
    """Everything derivable from the shown cells; `disclosed()` lists the hidden cells pinned."""

    def __init__(self, responses: dict, true: dict, minimum: int):
        self.true, self.minimum = true, minimum
        self.shown, self.baselines, self.breaches = published(responses)
        self.lines = [
            (parent, children, empty)
            for parent, children, empty in relations()
            if not self._all_empty(parent, children) and self._adds_up(parent, children, empty)
        ]

    def _all_empty(self, parent, children) -> bool:
        """Lines of nobody at all (most of the exercise x intensity lattice of a small
        community) tell nothing: skipped to keep the attack fast, unless something is shown."""
        cells = (parent, *children)
        return all(self.true.get(c, 0) == 0 and c not in self.shown for c in cells)

    def _adds_up(self, parent, children, empty) -> bool:
        """A line is a relation only where its counts add up: a person whose answers carry
        several profiles counts once in the parent but in more than one child, and nothing
        public says by how much, so such a line gives the attacker no equation."""
        total = sum(self.true.get(c, 0) for c in children)
        return self.true.get(parent, 0) == total + (self.true.get(empty, 0) if empty else 0)

    def hidden_cells(self) -> set:
        cells = {c for parent, children, _ in self.lines for c in (parent, *children)}
        return {c for c in cells if c not in self.shown and EMPTY not in c[1]}

    def _known(self, cell) -> int | None:
        if cell in self.shown:
            return self.shown[cell]
        if cell is not None and EMPTY in cell[1] and not _not_granted(cell):
            return self.true.get(cell, 0)  # granted: people who left an answer empty
        return None

    def bounds(self) -> dict:
        """Interval propagation until nothing tightens."""
        big = 10**9
        low, high = {}, {}
        for cell in self.hidden_cells():
            low[cell] = 0
            small = self.true.get(cell, 0) < self.minimum and not _unstated(cell)
            high[cell] = self.minimum - 1 if small else big
        for _, _, empty in self.lines:
            if empty is not None and _not_granted(empty):
                low[empty], high[empty] = 0, big  # nothing public counts them
        equations = []  # (terms [(coefficient, cell)], constant): sum(coef * cell) == constant
        for parent, children, empty in self.lines:
            terms, constant = [], 0
            for coefficient, cell in [(1, parent)] + [(-1, c) for c in children] + [(-1, empty)]:
                if cell is None:
                    continue
                known = self._known(cell)
                if known is None:
                    terms.append((coefficient, cell))
                else:
                    constant -= coefficient * known
            equations.append((terms, constant))
        for everyone, row, people in self.baselines:
            terms, constant = [], people
            for coefficient, cell in ((1, everyone), (-1, row)):
                known = self._known(cell)
                if known is None:
                    terms.append((coefficient, cell))
                else:
                    constant -= coefficient * known
            equations.append((terms, constant))
        self.equations = [(terms, constant) for terms, constant in equations if terms]
        equations_of = defaultdict(list)
        for number, (terms, _) in enumerate(self.equations):
            for _, cell in terms:
                equations_of[cell].append(number)
        waiting = deque(range(len(self.equations)))
        queued = set(waiting)
        while waiting:  # an equation is read again whenever a bound of one of its cells moves
            number = waiting.popleft()
            queued.discard(number)
            terms, constant = self.equations[number]
            total_low = sum(c * (low[x] if c > 0 else high[x]) for c, x in terms)
            total_high = sum(c * (high[x] if c > 0 else low[x]) for c, x in terms)
            for coefficient, cell in terms:
                # coefficient * cell = constant - rest
                own_low = coefficient * (low[cell] if coefficient > 0 else high[cell])
                own_high = coefficient * (high[cell] if coefficient > 0 else low[cell])
                rest_low, rest_high = total_low - own_low, total_high - own_high
                if coefficient > 0:
                    new_low, new_high = constant - rest_high, constant - rest_low
                else:
                    new_low, new_high = rest_low - constant, rest_high - constant
                moved = False
                if new_low > low[cell]:
                    low[cell], moved = new_low, True
                if new_high < high[cell]:
                    high[cell], moved = new_high, True
                if moved:
                    for other in equations_of[cell]:
                        if other not in queued:
                            queued.add(other)
                            waiting.append(other)
        return {cell: (low[cell], high[cell]) for cell in low}

    def pinned_by_bounds(self) -> list:
        hidden = self.hidden_cells()
        return sorted(c for c, (lo, hi) in self.bounds().items() if lo >= hi and c in hidden)

    def linearly_determined(self) -> list:
        """Hidden cells that are a linear combination of shown numbers: exact elimination of
        the equations among hidden cells, then a cell is determined when a reduced row holds it
        alone. Arithmetic is modulo the prime 2**61 - 1 for speed: the coefficients are 0 and
        +-1, so it agrees with the rationals unless that prime divides a minor of the matrix."""
        if not hasattr(self, "equations"):
            self.bounds()
        pivots: dict = {}  # pivot cell -> row {cell: Fraction}
        unknowns = {cell for terms, _ in self.equations for _, cell in terms}
        order = {cell: n for n, cell in enumerate(sorted(unknowns))}
        for terms, _ in self.equations:
            row = defaultdict(int)
            for coefficient, cell in terms:
                row[cell] = (row[cell] + coefficient) % PRIME
            row = {c: v for c, v in row.items() if v}
            while row:
                pivot = min(row, key=order.__getitem__)
                if pivot not in pivots:
                    inverse = pow(row[pivot], PRIME - 2, PRIME)
                    pivots[pivot] = {c: v * inverse % PRIME for c, v in row.items()}
                    break
                factor = row[pivot]
                for c, v in pivots[pivot].items():
                    value = (row.get(c, 0) - factor * v) % PRIME
                    if value:
                        row[c] = value
                    else:
                        row.pop(c, None)
        # Back-substitute, last pivot first, so each row keeps only free cells besides its pivot.
        for pivot in sorted(pivots, key=order.__getitem__, reverse=True):
            row = pivots[pivot]
            for c in [c for c in row if c != pivot and c in pivots]:
                factor = row.pop(c)
                for d, v in pivots[c].items():
                    if d == c:
                        continue
                    value = (row.get(d, 0) - factor * v) % PRIME
                    if value:
                        row[d] = value
                    else:
                        row.pop(d, None)
        hidden = self.hidden_cells()
        return sorted(p for p, row in pivots.items() if len(row) == 1 and p in hidden)

    def disclosed(self, linear: bool = True) -> list:
        found = set(self.pinned_by_bounds())
        if linear:
            found.update(self.linearly_determined())
        return sorted(cell for cell in found if not _unstated(cell))


def _not_granted(cell) -> bool:
    """A leaf of empty answers the attacker is not granted (an unknown >= 0 of its line): no
    onset detail, severity or years ill, optional answers most people leave empty, which no
    filter selects and no page counts."""
    return any(
        key == EMPTY and name not in FREELY_COMBINED
        for name, key in zip(DIMENSIONS, cell[1], strict=True)
    )


def _unstated(cell) -> bool:
    """The quick answers' cell of a row (no intensity stated): never shown, so never known
    to be small; what it holds is part of the row's own breakdown (like `answers_from`), not a
    count about a group, so it is a variable of the equations and not itself a secret."""
    return cell[0] == "int" and cell[-1] == UNSTATED
