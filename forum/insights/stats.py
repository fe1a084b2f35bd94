"""Shares: Wilson intervals, Newcombe intervals for differences, tests with Holm's correction."""

import math

# The 97.5th percentile of the standard normal distribution: a two-sided 95 % interval.
Z_95 = 1.959963984540054
# The family-wise error rate the multiple-comparison correction keeps.
ALPHA = 0.05


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for successes/trials; (0, 1) when there are no trials.

    Unlike the textbook p ± z·se it stays inside [0, 1] and is honest for small samples,
    which is why ranking by its lower bound keeps 2 of 2 below 60 of 80.
    """
    if trials <= 0:
        return 0.0, 1.0
    share = successes / trials
    z2 = z * z
    centre = share + z2 / (2 * trials)
    spread = z * math.sqrt(share * (1 - share) / trials + z2 / (4 * trials * trials))
    denominator = 1 + z2 / trials
    # At 0 of n and n of n the bound is exactly 0 or 1; rounding would leave a crumb.
    low = 0.0 if successes == 0 else (centre - spread) / denominator
    high = 1.0 if successes == trials else (centre + spread) / denominator
    return max(0.0, low), min(1.0, high)


def difference_interval(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (method 10) for share_a - share_b."""
    share_a, share_b = successes_a / trials_a, successes_b / trials_b
    low_a, high_a = wilson_interval(successes_a, trials_a)
    low_b, high_b = wilson_interval(successes_b, trials_b)
    difference = share_a - share_b
    low = difference - math.sqrt((share_a - low_a) ** 2 + (high_b - share_b) ** 2)
    high = difference + math.sqrt((high_a - share_a) ** 2 + (share_b - low_b) ** 2)
    return max(-1.0, low), min(1.0, high)


def difference_p_value(successes_a: int, trials_a: int, successes_b: int, trials_b: int) -> float:
    """Two-sided p-value of share_a = share_b (the pooled two-proportion z-test)."""
    pooled = (successes_a + successes_b) / (trials_a + trials_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / trials_a + 1 / trials_b))
    if spread == 0:
        return 1.0
    z = abs(successes_a / trials_a - successes_b / trials_b) / spread
    return math.erfc(z / math.sqrt(2))


def holm_rejections(p_values: list[float], alpha: float = ALPHA) -> list[bool]:
    """Holm's step-down correction: which of these tests reject, keeping the family-wise error
    (any false "beyond chance" among them all) at most alpha."""
    order = sorted(range(len(p_values)), key=lambda index: p_values[index])
    rejected = [False] * len(p_values)
    for rank, index in enumerate(order):
        if p_values[index] > alpha / (len(p_values) - rank):
            break
        rejected[index] = True
    return rejected
