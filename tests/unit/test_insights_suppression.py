"""forum.insights.suppression on hand-made tables: hierarchical axes and the bound traps."""

from forum.insights.suppression import Axis, grid, protect

FAMILIES = {"fall": "injury", "car": "injury", "trauma": "stress", "grief": "stress"}


def _onset_axis() -> Axis:
    return Axis(("onset", "onset_detail"), ["injury", "stress"], FAMILIES)


def test_a_hierarchical_axis_has_a_line_per_level_and_a_leaf_for_family_only():
    axis = _onset_axis()
    fall = axis.index[("injury", "fall")]

    assert axis.node_of({"onset": "injury", "onset_detail": "fall"}) == fall
    assert axis.node_of({"onset_detail": "fall"}) == fall
    assert axis.node_of({"onset": "injury"}) == axis.index[("injury", None)]
    assert axis.node_of({}) == 0
    assert axis.leaf(("injury", None)) == axis.index[("injury", "?")]
    assert axis.leaf((None, None)) == axis.index[("?", None)]
    assert axis.ancestors(fall) == [fall, axis.index[("injury", None)], 0]
    assert [len(children) for _, children, _ in axis.lines] == [2, 2, 2]


def _values(axis: Axis, counts: dict) -> list[int]:
    values = [0] * len(axis.nodes)
    for label, count in counts.items():
        for node in axis.ancestors(axis.index[label]):
            values[node] += count
    return values


def test_a_lone_small_detail_is_safe_beside_the_unknown_family_only_leaf():
    axis = _onset_axis()
    counts = {("injury", "fall"): 17, ("injury", "car"): 3, ("stress", "trauma"): 10}
    values = _values(axis, counts)

    hidden = protect(grid((axis,)), values, [False] * len(values), 5)

    shown = {axis.nodes[n] for n, hide in enumerate(hidden) if not hide and axis.shown[n]}
    # injury - fall is car plus the people who gave only "injury", whom nothing counts: car
    # (3) stays between 0 and 3. But stress - trauma = 0 would pin grief (and them) to 0.
    assert shown == {(None, None), ("injury", None), ("stress", None), ("injury", "fall")}


def test_a_lone_small_family_takes_a_sibling_with_it():
    axis = _onset_axis()
    counts = {("injury", "fall"): 17, ("stress", "trauma"): 3}
    values = _values(axis, counts)

    hidden = protect(grid((axis,)), values, [False] * len(values), 5)

    # stress (3) alone would be everyone - injury: injury is hidden too.
    shown = {axis.nodes[n] for n, hide in enumerate(hidden) if not hide and axis.shown[n]}
    assert ("stress", None) not in shown and ("injury", None) not in shown
    assert (None, None) in shown


def test_small_cells_that_must_all_be_k_minus_1_are_protected():
    axis = Axis(("symptom",), ["pain", "fatigue", "sleep"])
    # 4 + 4 hidden with a total of 20 and 12 shown would pin both at 4 (= k - 1).
    values = _values(axis, {("pain",): 12, ("fatigue",): 4, ("sleep",): 4})

    hidden = protect(grid((axis,)), values, [False] * len(values), 5)

    assert hidden[axis.index[("pain",)]]
    assert not hidden[0]


def test_two_axes_every_line_has_zero_or_two_hidden_cells():
    rows, columns = Axis(("a",), ["x", "y", "z"]), Axis(("b",), ["u", "v", "w"])
    table = grid((rows, columns))
    inner = {("x", "u"): 9, ("x", "v"): 8, ("x", "w"): 2, ("y", "u"): 7, ("y", "v"): 9}
    inner |= {("y", "w"): 6, ("z", "u"): 8, ("z", "v"): 7, ("z", "w"): 9}
    values = [0] * table.size
    for (a, b), count in inner.items():
        for r in rows.ancestors(rows.index[(a,)]):
            for c in columns.ancestors(columns.index[(b,)]):
                values[table.index[(r, c)]] += count

    hidden = protect(table, values, [False] * table.size, 5)

    for parent, children, _ in table.lines:
        assert sum(hidden[c] for c in (parent, *children)) != 1
    assert hidden[table.index[(rows.index[("x",)], columns.index[("w",)])]]
    assert sum(hidden[c] for c, ok in enumerate(table.addressable) if ok) >= 4
