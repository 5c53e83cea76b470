"""The bilingual gazetteer (`content/gazetteer.toml`): names of people, places and groups in
Arabic and English, so that an English report and an Arabic one can be seen to speak of the same
things. Archivists extend it; each entry is an id with its Arabic and English spellings.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from generator.arabic import fold, tokens

GAZETTEER_FILENAME = "gazetteer.toml"


class GazetteerError(Exception):
    pass


@dataclass(frozen=True)
class Gazetteer:
    # first token of a name -> [(the name's tokens, entry id)], longest names first
    _by_first_token: dict[str, list[tuple[tuple[str, ...], str]]]

    def anchors(self, text: str) -> set[str]:
        """Ids of the entries named in `text` (any spelling variant, article or clitic attached)."""
        return self.anchors_in_tokens(tokens(text))

    def anchors_in_tokens(self, words: list[str]) -> set[str]:
        """Like `anchors`, for text already split by `arabic.tokens`."""
        found: set[str] = set()
        if not self._by_first_token:
            return found
        for index, word in enumerate(words):
            for candidate in (word, *_without_proclitics(word)):
                for name, entry_id in self._by_first_token.get(candidate, ()):
                    if tuple(words[index + 1: index + len(name)]) == name[1:]:
                        found.add(entry_id)
                        break
        return found


@lru_cache(maxsize=200_000)
def _without_proclitics(word: str) -> tuple[str, ...]:
    """The word without attached و/ف and ب/ك/ل (وبغداد, لبغداد -> بغداد; وللعراق -> العراق)."""
    forms = []
    conjunctionless = word[1:] if word[:1] in ("و", "ف") and len(word) > 3 else None
    for form in (word, conjunctionless):
        if form is None:
            continue
        if form != word:
            forms.append(form)
        if form.startswith("لل") and len(form) > 4:
            forms.append("ال" + form[2:])
        elif form[:1] in ("ب", "ك", "ل") and len(form) > 3:
            forms.append(form[1:])
    return tuple(forms)


def empty_gazetteer() -> Gazetteer:
    return Gazetteer({})


def load_gazetteer(content_dir: Path) -> Gazetteer:
    path = content_dir / GAZETTEER_FILENAME
    if not path.exists():
        return empty_gazetteer()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path}: not valid TOML: {error}") from None
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for entry_id, entry in sorted(data.items()):
        if not isinstance(entry, dict) or set(entry) - {"ar", "en"}:
            raise GazetteerError(f"{path}: [{entry_id}] takes only 'ar' and 'en' lists of names")
        for lang in ("ar", "en"):
            names = entry.get(lang, [])
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                raise GazetteerError(f"{path}: [{entry_id}] {lang} must be a list of names")
            for name in names:
                name_tokens = tuple(tokens(fold(name)))
                if name_tokens:
                    by_first.setdefault(name_tokens[0], []).append((name_tokens, entry_id))
    for names in by_first.values():
        names.sort(key=lambda item: (-len(item[0]), item))
    return Gazetteer(by_first)
