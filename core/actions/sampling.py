"""The random sample of signed-off actions revisited to see whether practice changed.

Each action signed off as met is picked with probability `review_sample_rate` (default 20%,
Havering). The generator is the app's `actions.rng` if one is set (tests set a seeded
`random.Random` so the sample is reproducible), else the system's.
"""

from __future__ import annotations

import random
from typing import Any

from flask import current_app

RNG_KEY = "actions.rng"


def generator() -> Any:
    rng = current_app.extensions.get(RNG_KEY)
    if rng is None:
        rng = current_app.extensions[RNG_KEY] = random.SystemRandom()
    return rng


def picked_for_review(rate: float, rng: Any = None) -> bool:
    """One draw: True for about `rate` of the calls."""
    if rate <= 0:
        return False
    return (rng or generator()).random() < rate
