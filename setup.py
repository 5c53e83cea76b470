"""The compiled modules: generator/_postings.c (the hot loops of reading Pagefind's postings),
generator/_symbols.c (symbols.holding_any), generator/_vectors.c (vectors.dot) and
generator/_words.c (arabic.words). Optional: where they cannot be built (no C compiler), the
generator runs the same code in Python and numpy, slower. Everything else about the package is in
pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("generator._postings", ["generator/_postings.c"], optional=True,
                             # (no fused multiply-adds: the ranking's bounds are the numpy reference's numbers)
                             extra_compile_args=["-O2", "-ffp-contract=off"]),
                   Extension("generator._symbols", ["generator/_symbols.c"], optional=True,
                             extra_compile_args=["-O2"]),
                   Extension("generator._vectors", ["generator/_vectors.c"], optional=True,
                             # (no fused multiply-adds: the same sums as the Python reference)
                             extra_compile_args=["-O2", "-ffp-contract=off"]),
                   Extension("generator._words", ["generator/_words.c"], optional=True,
                             extra_compile_args=["-O2"])])
