"""Strings numbered once for good (generator.symbols), as the link memo keeps them."""

import pickle

import pytest

from generator.symbols import Symbols


def test_a_number_is_given_once_and_survives_the_build_state():
    symbols = Symbols()
    first = symbols.numbers(["بغداد", "وبغداد", "بغداد"])
    assert list(first) == [0, 1, 0]
    kept = pickle.loads(pickle.dumps(symbols))
    assert list(kept.numbers(["كربلاء", "وبغداد"])) == [2, 1]   # new strings after the old ones
    assert kept.decode([2, 0, 1]) == ["كربلاء", "بغداد", "وبغداد"]
    assert kept.known(["بغداد", "الموصل"]) == {0}                 # only those with a number
    assert len(kept) == 3 and len(symbols) == 2                  # the copy grew, not the original


def test_new_strings_are_numbered_in_the_order_they_come_from_any_iterable():
    from collections import Counter

    symbols = Symbols(["قصف"])
    assert list(symbols.numbers(iter(["بغداد", "قصف", "الموصل", "بغداد"]))) == [1, 0, 2, 1]
    assert list(symbols.numbers(Counter({"كربلاء": 3, "الموصل": 1}))) == [3, 2]  # a mapping's keys
    assert symbols.number("البصرة") == 4 and symbols.number("قصف") == 0
    assert symbols.strings == ["قصف", "بغداد", "الموصل", "كربلاء", "البصرة"]
    assert symbols.known(["النجف"]) == set() and len(symbols) == 5  # asking does not number


def test_strings_of_any_kind_survive_the_build_state():
    # Kept as one string split on a separator; a string holding the separator keeps them apart.
    for strings in ([], [""], ["", ""], ["a", "", "ب"], ["a\0b", "c"], ["\0"], ["x", "\0", ""]):
        symbols = Symbols(strings)
        kept = pickle.loads(pickle.dumps(symbols))
        assert kept.strings == strings and len(kept) == len(strings)
        assert list(kept.numbers(strings)) == list(symbols.numbers(strings))


def _holding_any_versions():
    from generator import symbols
    versions = [symbols.holding_any_numpy]
    if symbols._compiled_holding_any is not None:
        versions.append(symbols.holding_any)
    return versions


@pytest.mark.parametrize("holding_any", _holding_any_versions(), ids=lambda f: f.__name__)
def test_which_records_hold_any_of_some_numbers(holding_any):
    import random
    from array import array

    rng = random.Random(7)
    for typecode, top in (("I", 60), ("H", 60), ("B", 60), ("Q", 70_000), ("I", 2**20)):
        for _ in range(300):
            records = [array(typecode, [rng.randrange(top) for _ in range(rng.randrange(6))])
                       for _ in range(rng.randrange(8))]
            numbers = set(rng.sample(range(top + 10), rng.randrange(4)))
            assert holding_any(records, numbers) == [not numbers.isdisjoint(record) for record in records]
    assert holding_any([array("I", [3, 9]), array("I"), array("I", [4])], {9, 400}) == [True, False, False]
    assert holding_any([array("I", [3, 9])], set()) == [False]
    assert holding_any([], {1}) == []


def test_the_compiled_version_is_built_here():
    # (pip install builds it wherever there is a C compiler, as in the test command's environment:
    # without it the linking process imports numpy for this alone)
    from generator import symbols
    assert symbols._compiled_holding_any is not None


def test_the_compiled_version_refuses_records_of_signed_numbers():
    from array import array

    from generator import symbols
    if symbols._compiled_holding_any is None:
        pytest.skip("generator._symbols is not built")
    with pytest.raises(TypeError, match="unsigned integers"):
        symbols.holding_any([array("i", [1])], {1})
