"""Sparse term vectors (generator.vectors): the compiled dot product gives the reference's floats."""

import random

import pytest

from generator import vectors

compiled = vectors.dot
needs_compiled = pytest.mark.skipif(compiled is vectors.dot_python, reason="generator/_vectors.c is not built")


@pytest.mark.parametrize("dot", [vectors.dot_python, pytest.param(compiled, marks=needs_compiled)])
def test_the_products_of_shared_terms_are_added(dot):
    assert dot({"قصف": 0.5, "بغداد": 0.25, "مطار": 2.0}, {"بغداد": 4.0, "قصف": 2.0, "موصل": 9.0}) == 2.0
    assert dot({"قصف": 0.5}, {"بغداد": 1.0}) == 0.0 and dot({}, {"بغداد": 1.0}) == 0.0 and dot({}, {}) == 0.0
    assert type(dot({}, {})) is float


@needs_compiled
def test_the_compiled_sum_is_the_reference_float_for_float():
    # Added in the first vector's order, as the reference does: floats differ with the order.
    generator = random.Random(7)
    terms = [f"t{i}" for i in range(300)]
    for _ in range(2000):
        vector = {term: generator.random() for term in generator.sample(terms, generator.randint(0, 80))}
        other = {term: generator.random() * 10 for term in generator.sample(terms, generator.randint(0, 200))}
        assert compiled(vector, other) == vectors.dot_python(vector, other)
        assert compiled(other, vector) == vectors.dot_python(other, vector)


@needs_compiled
def test_the_compiled_one_refuses_what_is_no_vector():
    with pytest.raises(TypeError):
        compiled([("a", 1.0)], {"a": 1.0})
    with pytest.raises(TypeError):
        compiled({"a": "heavy"}, {"a": 1.0})
