"""Strings numbered in the order first seen, so that many records can hold them as arrays of
numbers: the build state then loads and saves those records as bytes, not as millions of
references to strings (for the 31k archive's link analyses 0.8 s to load instead of 3.7 s).
A number never changes once given, so records made by earlier builds stay readable."""

from __future__ import annotations

from array import array
from typing import Iterable


class _Numbers(dict):
    """string -> number; a string looked up (`[]`) without one is given the next, in `strings`."""
    __slots__ = ("strings",)

    def __init__(self, strings: list[str]):
        super().__init__(zip(strings, range(len(strings))))
        self.strings = strings

    def __missing__(self, string: str) -> int:
        number = self[string] = len(self.strings)
        self.strings.append(string)
        return number


class Symbols:
    def __init__(self, strings: Iterable[str] = ()):
        self.strings: list[str] = list(strings)
        self._numbers = _Numbers(self.strings)

    def __reduce__(self):
        # Pickled as one string where it can be: 300,000 strings of their own took 0.15 s to load,
        # split from one 0.03 s (the linking process loads them before it can start).
        joined = _SEPARATOR.join(self.strings)
        if joined.count(_SEPARATOR) == max(0, len(self.strings) - 1):  # no string holds the separator
            return _joined, (joined, len(self.strings))
        return Symbols, (self.strings,)

    def __len__(self) -> int:
        return len(self.strings)

    def number(self, string: str) -> int:
        """The string's number, given now if it has none."""
        return self._numbers[string]

    def numbers(self, strings: Iterable[str]) -> array:
        # Looked up in C, with a Python call (__missing__) only for the strings new here: linking
        # numbers the 10.8 million words and terms of the 31k archive's analyses (a call per string
        # took 5 s; a pass for them all, then one over those of an article holding a new one,
        # 3.1-3.7 s; this 2.6 s).
        return array("I", map(self._numbers.__getitem__, strings))

    def known(self, strings: Iterable[str]) -> set[int]:
        """The numbers of those of `strings` that have one."""
        numbers = self._numbers
        return {numbers[string] for string in strings if string in numbers}

    def decode(self, numbers: Iterable[int]) -> list[str]:
        return list(map(self.strings.__getitem__, numbers))


_SEPARATOR = "\0"


def _joined(text: str, count: int) -> Symbols:
    symbols = Symbols.__new__(Symbols)
    symbols.strings = text.split(_SEPARATOR) if count else []
    symbols._numbers = _Numbers(symbols.strings)
    return symbols


def holding_any(records: list[array], numbers: set[int]) -> list[bool]:
    """For each record (an array of numbers, all of one type), whether it holds any of `numbers`,
    in one pass over all of them: a rebuild asks it of every article's words and terms (9 million
    numbers in the 31k archive, a few hundred asked about), where set.isdisjoint made 111,000 calls.
    Compiled (generator/_symbols.c) where it is built, else `holding_any_numpy`."""
    if _compiled_holding_any is None:
        return holding_any_numpy(records, numbers)
    return _compiled_holding_any(records if isinstance(records, list) else list(records), numbers)


def holding_any_numpy(records: list[array], numbers: set[int]) -> list[bool]:
    """holding_any's reference, in numpy."""
    if not numbers or not records or not any(records):
        return [False] * len(records)
    import numpy  # (60 ms to import: not by the builds that never get here)

    held = numpy.frombuffer(b"".join(records), dtype=numpy.dtype(records[0].typecode))
    wanted = numpy.zeros(max(int(held.max()), max(numbers)) + 1, dtype=bool)
    wanted[list(numbers)] = True
    lengths = numpy.fromiter(map(len, records), dtype=numpy.int64, count=len(records))
    starts = numpy.cumsum(lengths) - lengths
    filled = lengths > 0  # (reduceat would give an empty record the next one's first number)
    found = numpy.zeros(len(records), dtype=bool)
    found[filled] = numpy.logical_or.reduceat(wanted[held], starts[filled])
    return found.tolist()


try:  # (the numpy version costs the linking process 0.09 s to import numpy before it can start)
    from generator._symbols import holding_any as _compiled_holding_any
except ImportError:
    _compiled_holding_any = None
