"""Sparse term vectors (dicts of term -> weight), as the linking compares them."""

from __future__ import annotations

import operator
from functools import reduce


def dot(vector: dict[str, float], other: dict[str, float]) -> float:
    """The dot product of two sparse vectors of float weights: the products of the terms both hold,
    added one after another in `vector`'s order (so iterate the smaller one). Compiled
    (generator/_vectors.c) where it is built, else `dot_python`, its reference: the same floats."""
    return _compiled_dot(vector, other)


def dot_python(vector: dict[str, float], other: dict[str, float]) -> float:
    shared = list(filter(other.__contains__, vector))
    # (Not `sum`, which adds floats with compensation from Python 3.12 on: other floats than the loop's.)
    return reduce(operator.add, map(operator.mul, map(vector.__getitem__, shared), map(other.__getitem__, shared)), 0.0)


try:
    from generator._vectors import dot as _compiled_dot
except ImportError:
    _compiled_dot = dot_python
