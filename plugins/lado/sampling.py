"""The annual audit's sample: stratified by sector, so every sector is heard from.

The sample size is a percentage of the year's referrals (rounded, at least one) or a number.
It is shared out in proportion to each sector's referrals (largest remainders), then every
sector with referrals gets at least one when the sample is big enough for that, taken from the
largest share. Within a sector the referrals are drawn at random (a fresh seed from the
system's secure source each time, so nobody can steer which referrals are picked); the same
seed gives the same draw, which is what the tests rely on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence


def sample_size(population: int, mode: str, value: int) -> int:
    if population == 0:
        return 0
    if mode == "percentage":
        return min(population, max(1, math.floor(population * value / 100 + 0.5)))
    return min(population, value)


def shares(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """How many to draw from each stratum: proportional, by largest remainder, each stratum
    represented when `total` allows, never more than a stratum holds."""
    strata = sorted(k for k, n in sizes.items() if n > 0)
    population = sum(sizes[k] for k in strata)
    if not strata or total <= 0:
        return dict.fromkeys(sizes, 0)
    exact = {k: total * sizes[k] / population for k in strata}
    out = {k: math.floor(exact[k]) for k in strata}
    by_remainder = sorted(strata, key=lambda k: (-(exact[k] - out[k]), -sizes[k], k))
    for k in by_remainder[: total - sum(out.values())]:
        out[k] += 1
    if total >= len(strata):
        _represent_every_stratum(out)
    return {k: out.get(k, 0) for k in sizes}


def _represent_every_stratum(out: dict[str, int]) -> None:
    for k in sorted(k for k, n in out.items() if n == 0):
        donor = max(out, key=lambda d: (out[d], d))
        out[donor] -= 1
        out[k] += 1


def draw(strata: Mapping[str, Sequence[str]], mode: str, value: int,
         seed: int) -> dict[str, list[str]]:
    """The ids drawn from each stratum (each stratum's ids in a stable order first)."""
    sizes = {k: len(v) for k, v in strata.items()}
    wanted = shares(sizes, sample_size(sum(sizes.values()), mode, value))
    rng = random.Random(seed)  # noqa: S311 - a reproducible audit sample, not a secret
    return {k: sorted(rng.sample(sorted(strata[k]), wanted[k])) for k in sorted(strata)}
