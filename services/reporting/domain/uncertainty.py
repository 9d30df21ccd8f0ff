"""Uncertainty ranges, propagated with independent errors combined in quadrature (first-order,
as the GHG Protocol's uncertainty tool and ADEME's guidance do):

- a product of independent factors (activity x factor x ...): relative uncertainties combine as
  u = sqrt(u1^2 + u2^2 + ...);
- a sum of independent terms: absolute uncertainties combine as U = sqrt(U1^2 + U2^2 + ...).

A figure's range is [value - U, value + U], with U the absolute uncertainty at the confidence
level the sources state theirs (ADEME: 95 %).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ranged:
    """A value with its absolute uncertainty U (same unit)."""

    value: float
    uncertainty: float

    @property
    def low(self) -> float:
        return self.value - self.uncertainty

    @property
    def high(self) -> float:
        return self.value + self.uncertainty

    @property
    def relative(self) -> float:
        return self.uncertainty / abs(self.value) if self.value else math.nan


def product(value: float, relative_uncertainties: Iterable[float]) -> Ranged:
    """``value`` is a product of independent factors with these relative uncertainties (0.1 for
    10 %)."""
    relative = math.sqrt(sum(u * u for u in relative_uncertainties))
    return Ranged(value, abs(value) * relative)


def total(terms: Iterable[Ranged]) -> Ranged:
    """The sum of independent terms."""
    items = list(terms)
    return Ranged(sum(t.value for t in items), math.sqrt(sum(t.uncertainty**2 for t in items)))
