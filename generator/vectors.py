"""Sparse term vectors (dicts of term -> weight), as the linking compares them.

`dot(vector, other)`: the dot product of two sparse vectors of float weights, the products of the
terms both hold added one after another in `vector`'s order (so pass the smaller one first).
Compiled (generator/_vectors.c) where it is built, and bound directly (the linking makes 1.2
million calls); else `dot_python`, its reference: the same floats.
"""

from __future__ import annotations

import operator
from functools import reduce


def dot_python(vector: dict[str, float], other: dict[str, float]) -> float:
    shared = list(filter(other.__contains__, vector))
    # (Not `sum`, which adds floats with compensation from Python 3.12 on: other floats than the loop's.)
    return reduce(operator.add, map(operator.mul, map(vector.__getitem__, shared), map(other.__getitem__, shared)), 0.0)


try:
    from generator._vectors import dot
except ImportError:
    dot = dot_python
