"""Wilson and Newcombe intervals against published values and their basic properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forum.insights.stats import (
    difference_interval,
    difference_p_value,
    holm_rejections,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high", "tolerance"),
    [
        (34, 57, 0.467, 0.714, 5e-4),  # the contract's example, given to 3 places
        # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (score).
        (81, 263, 0.2553, 0.3662, 5e-5),
        (15, 148, 0.0624, 0.1605, 5e-5),
        (0, 20, 0.0, 0.1611, 5e-5),
        (1, 29, 0.0061, 0.1718, 5e-5),
    ],
)
def test_wilson_matches_published_values(successes, trials, low, high, tolerance):
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=tolerance)


def test_wilson_without_trials_says_nothing_is_known():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_lower_bound_ranks_many_good_reports_above_a_few_perfect_ones():
    assert wilson_interval(60, 80)[0] > wilson_interval(2, 2)[0]
    assert wilson_interval(60, 80)[0] > wilson_interval(3, 3)[0]


@given(
    st.integers(min_value=1, max_value=10_000).flatmap(
        lambda trials: st.tuples(st.integers(min_value=0, max_value=trials), st.just(trials))
    )
)
def test_wilson_interval_holds_the_share_inside_zero_and_one(pair):
    successes, trials = pair
    low, high = wilson_interval(successes, trials)
    assert 0.0 <= low <= successes / trials <= high <= 1.0


def test_newcombe_difference_matches_the_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, example (a): 56/70 vs 48/80.
    low, high = difference_interval(56, 70, 48, 80)
    assert round(low, 4) == pytest.approx(0.0524)
    assert round(high, 4) == pytest.approx(0.3339)


def test_newcombe_difference_is_symmetric():
    low, high = difference_interval(9, 10, 3, 10)
    swapped_low, swapped_high = difference_interval(3, 10, 9, 10)
    assert (low, high) == pytest.approx((-swapped_high, -swapped_low))


def test_holm_turns_a_lone_p_of_0_04_among_15_rows_into_cannot_tell_apart():
    p_values = [0.04] + [0.6] * 14
    assert holm_rejections(p_values) == [False] * 15
    assert holm_rejections([0.04]) == [True]


def test_holm_steps_down_from_the_smallest_p_value():
    assert holm_rejections([0.001, 0.02, 0.03]) == [True, True, True]
    assert holm_rejections([0.001, 0.04, 0.03]) == [True, False, False]


def test_the_p_value_of_equal_shares_is_one_and_of_a_clear_gap_is_small():
    assert difference_p_value(5, 10, 10, 20) == 1.0
    assert difference_p_value(56, 70, 48, 80) == pytest.approx(0.0085, abs=0.001)
