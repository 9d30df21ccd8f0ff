"""How long to wait after a failure: doubling from ``first_s`` up to ``max_s``, jittered so that
relays that failed together do not retry together."""

import random
from collections.abc import Callable


class Backoff:
    def __init__(self, first_s: float = 0.5, max_s: float = 30.0, rand: Callable[[], float] = random.random) -> None:
        self.first_s = first_s
        self.max_s = max_s
        self.rand = rand
        self.failures = 0

    def next_delay(self) -> float:
        """The wait after one more failure in a row: between half and all of the doubled delay."""
        ceiling = min(self.max_s, self.first_s * 2**self.failures)
        self.failures += 1
        return ceiling / 2 + self.rand() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0
