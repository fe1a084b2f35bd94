"""An attacker of the insights: what every answer together gives away about hidden cells.

Written apart from forum.insights.suppression on purpose: it reads only the public answers
(one per group of the filter lattice, with the intensity breakdown) plus what a strong attacker
is granted, and derives what it can:

- every shown number: group sizes, each exercise row's people, each intensity's people, each
  baseline (everyone's row minus the group's), each wider group's size;
- the relations between them: along every filter dimension a group is the sum of its children
  plus the people who left that answer empty (granted to the attacker, as public lists show
  them), a row is the sum of its intensities;
- bounds: every count is >= 0, and a hidden cell that is under min_reports is <= k - 1 (the
  attacker is told which hidden cells are small: stronger than the real one).

Two derivations: interval propagation over all relations until nothing tightens (differencing,
chains of differences, the non-negativity traps), and exact linear algebra
(is a hidden cell a linear combination of shown numbers?). A hidden cell is *disclosed* when
either pins it to one value.
"""

from collections import defaultdict
from itertools import product

from forum.insights.vectors import INTENSITIES, UNSTATED
from forum.vocabulary import EXERCISE, INSIGHTS_FIELDS, INTENSITY

ALL, EMPTY = "*", "?"
PRIME = 2**61 - 1
DIMENSIONS = list(INSIGHTS_FIELDS)


def lattice() -> list[tuple]:
    """Every group the API can be asked for: each dimension a key or ALL."""
    return list(product(*([ALL, *keys] for keys in INSIGHTS_FIELDS.values())))


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
                if group not in groups_seen:
                    groups_seen.add(group)
                    counts[("size", group)] += 1
                if (group, exercise) not in counted:
                    counted.add((group, exercise))
                    counts[("row", group, exercise)] += 1
                    counts[("int", group, exercise, intensity)] += 1
    return counts


def relations() -> list[tuple]:
    """(parent cell, child cells, empty cell) for every line of every table."""
    lines = []
    coordinates = [[ALL, *keys] for keys in INSIGHTS_FIELDS.values()]
    kinds = [("size",)]
    kinds += [("row", exercise) for exercise in EXERCISE]
    kinds += [("int", exercise, intensity) for exercise in EXERCISE for intensity in INTENSITIES]
    for position, keys in enumerate(INSIGHTS_FIELDS.values()):
        others = [[ALL] if p == position else c for p, c in enumerate(coordinates)]
        for group in product(*others):

            def at(key, group=group, position=position):
                return (*group[:position], key, *group[position + 1 :])

            for kind in kinds:
                lines.append(
                    (
                        (kind[0], group, *kind[1:]),
                        [(kind[0], at(key), *kind[1:]) for key in keys],
                        (kind[0], at(EMPTY), *kind[1:]),
                    )
                )
    for group in lattice():
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
                wider_group = tuple(wider["filters"].get(name, ALL) for name in DIMENSIONS)
                show(("size", wider_group), wider["group_size"])
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
            if not self._all_empty(parent, children)
        ]

    def _all_empty(self, parent, children) -> bool:
        """Lines of nobody at all (most of the exercise x intensity lattice of a small
        community) tell nothing: skipped to keep the attack fast, unless something is shown."""
        cells = (parent, *children)
        return all(self.true.get(c, 0) == 0 and c not in self.shown for c in cells)

    def hidden_cells(self) -> set:
        cells = {c for parent, children, _ in self.lines for c in (parent, *children)}
        return {c for c in cells if c not in self.shown and EMPTY not in c[1]}

    def _known(self, cell) -> int | None:
        if cell in self.shown:
            return self.shown[cell]
        if cell is not None and EMPTY in cell[1]:
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
        changed = True
        while changed:
            changed = False
            for terms, constant in self.equations:
                for coefficient, cell in terms:
                    rest_low = sum(
                        c * (low[x] if c > 0 else high[x]) for c, x in terms if x != cell
                    )
                    rest_high = sum(
                        c * (high[x] if c > 0 else low[x]) for c, x in terms if x != cell
                    )
                    # coefficient * cell = constant - rest
                    if coefficient > 0:
                        new_low, new_high = constant - rest_high, constant - rest_low
                    else:
                        new_low, new_high = rest_low - constant, rest_high - constant
                    if new_low > low[cell]:
                        low[cell], changed = new_low, True
                    if new_high < high[cell]:
                        high[cell], changed = new_high, True
        return {cell: (low[cell], high[cell]) for cell in low}

    def pinned_by_bounds(self) -> list:
        return sorted(cell for cell, (lo, hi) in self.bounds().items() if lo >= hi)

    def linearly_determined(self) -> list:
        """Hidden cells that are a linear combination of shown numbers: exact elimination of
        the equations among hidden cells, then a cell is determined when a reduced row holds it
        alone. Arithmetic is modulo the prime 2**61 - 1 for speed: the coefficients are 0 and
        +-1, so it agrees with the rationals unless that prime divides a minor of the matrix."""
        if not hasattr(self, "equations"):
            self.bounds()
        pivots: dict = {}  # pivot cell -> row {cell: Fraction}
        order = {cell: n for n, cell in enumerate(sorted(self.hidden_cells()))}
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
        return sorted(pivot for pivot, row in pivots.items() if len(row) == 1)

    def disclosed(self, linear: bool = True) -> list:
        found = set(self.pinned_by_bounds())
        if linear:
            found.update(self.linearly_determined())
        return sorted(cell for cell in found if not _unstated(cell))


def _unstated(cell) -> bool:
    """The quick answers' cell of a row (no intensity stated): never shown, so never known
    to be small; what it holds is part of the row's own breakdown (like `answers_from`), not a
    count about a group, so it is a variable of the equations and not itself a secret."""
    return cell[0] == "int" and cell[-1] == UNSTATED
