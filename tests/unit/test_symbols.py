"""Strings numbered once for good (generator.symbols), as the link memo keeps them."""

import pickle

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


def test_strings_of_any_kind_survive_the_build_state():
    # Kept as one string split on a separator; a string holding the separator keeps them apart.
    for strings in ([], [""], ["", ""], ["a", "", "ب"], ["a\0b", "c"], ["\0"], ["x", "\0", ""]):
        symbols = Symbols(strings)
        kept = pickle.loads(pickle.dumps(symbols))
        assert kept.strings == strings and len(kept) == len(strings)
        assert list(kept.numbers(strings)) == list(symbols.numbers(strings))


def test_which_records_hold_any_of_some_numbers():
    import random
    from array import array

    from generator.symbols import holding_any
    rng = random.Random(7)
    for _ in range(300):
        records = [array("I", [rng.randrange(50) for _ in range(rng.randrange(6))]) for _ in range(rng.randrange(8))]
        numbers = set(rng.sample(range(60), rng.randrange(4)))
        assert holding_any(records, numbers) == [not numbers.isdisjoint(record) for record in records]
    assert holding_any([array("I", [3, 9]), array("I"), array("I", [4])], {9, 400}) == [True, False, False]
