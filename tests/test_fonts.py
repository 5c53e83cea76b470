"""The self-hosted fonts: fonts.css points only at woff2 files shipped in templates/assets/fonts/,
nothing is loaded from outside the site, the OFL licence ships with them, and the Arabic files keep
the OpenType features that join Arabic letters and place its marks (checked with fontTools when it
is importable; it is not a project dependency)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ASSETS = Path(__file__).resolve().parent.parent / "templates" / "assets"
FONTS_CSS = ASSETS / "fonts.css"
FONTS_DIR = ASSETS / "fonts"

ARABIC_FAMILY = "Archive Naskh"
LATIN_FAMILY = "Archive Latin"
# Arabic shaping: contextual forms (initial, medial, final), required and standard ligatures
# (lam-alef), then diacritics (tashkeel) attached to their base letters and to each other.
ARABIC_GSUB = {"init", "medi", "fina", "rlig", "liga"}
ARABIC_GPOS = {"mark", "mkmk"}
# The budget for an article page is 30 KB of HTML plus CSS; this file is part of every page's CSS.
FONTS_CSS_BUDGET = 4 * 1024


def _css() -> str:
    return FONTS_CSS.read_text(encoding="utf-8")


def _without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def _font_faces() -> list[dict[str, str]]:
    faces = []
    for body in re.findall(r"@font-face\s*\{(.*?)\}", _without_comments(_css()), flags=re.S):
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                declarations[name.strip().lower()] = value.strip()
        faces.append(declarations)
    return faces


def _urls(text: str) -> list[str]:
    return [u.strip().strip("'\"") for u in re.findall(r"url\(\s*([^)]*?)\s*\)", text)]


def _family(face: dict[str, str]) -> str:
    return face.get("font-family", "").strip("'\"")


def _unicode_range(value: str) -> list[tuple[int, int]]:
    ranges = []
    for part in value.split(","):
        part = part.strip().upper()
        assert part.startswith("U+"), f"unexpected unicode-range part {part!r}"
        low, _, high = part[2:].partition("-")
        assert "?" not in part, f"wildcard ranges are not used here: {part!r}"
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


def _in_ranges(codepoint: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= codepoint <= high for low, high in ranges)


def _font_file(url: str) -> Path:
    return (FONTS_CSS.parent / url).resolve()


def test_fonts_css_has_both_families_in_regular_and_bold():
    faces = _font_faces()
    assert faces, "fonts.css declares no @font-face"
    weights = {(_family(face), face.get("font-weight")) for face in faces}
    for family in (ARABIC_FAMILY, LATIN_FAMILY):
        assert {(family, "400"), (family, "700")} <= weights, f"{family} needs weights 400 and 700"
    assert {_family(face) for face in faces} == {ARABIC_FAMILY, LATIN_FAMILY}


def test_every_face_is_a_woff2_limited_by_unicode_range_and_never_shifts_layout():
    for face in _font_faces():
        label = f"{_family(face)} {face.get('font-weight')}"
        urls = _urls(face.get("src", ""))
        assert len(urls) == 1 and urls[0].endswith(".woff2"), f"{label}: src must be one woff2 file"
        assert 'format("woff2")' in face["src"] or "format('woff2')" in face["src"], label
        assert face.get("unicode-range"), f"{label}: without unicode-range every page downloads it"
        _unicode_range(face["unicode-range"])
        # optional: the browser never swaps a late font in, so font loading cannot move the layout.
        assert face.get("font-display") == "optional", f"{label}: font-display must stay optional"


def test_every_url_points_to_a_shipped_woff2_file():
    urls = _urls(_without_comments(_css()))
    assert urls
    for url in urls:
        assert url.startswith("fonts/"), f"{url!r}: must be relative to fonts.css (fonts/...)"
        path = _font_file(url)
        assert path.parent == FONTS_DIR.resolve(), f"{url!r} is outside templates/assets/fonts"
        assert path.is_file(), f"{url!r} does not exist"
        assert path.suffix == ".woff2"
        assert path.read_bytes()[:4] == b"wOF2", f"{url!r} has no woff2 signature"


def test_no_font_file_is_shipped_unused():
    used = {_font_file(url).name for url in _urls(_without_comments(_css()))}
    shipped = {path.name for path in FONTS_DIR.iterdir() if path.suffix in {".woff2", ".woff", ".ttf", ".otf"}}
    assert shipped == used


def test_nothing_is_loaded_from_outside_the_site():
    css = _css()
    for scheme in ("http:", "https:"):
        assert scheme not in css.lower(), f"fonts.css mentions {scheme}"
    for url in _urls(_without_comments(css)):
        assert not url.startswith(("/", "//")), f"{url!r}: absolute paths break a sub-path site"
        assert ":" not in url, f"{url!r}: no scheme (data:, file:, ...) in font urls"
    assert "@import" not in _without_comments(css)
    assert "local(" not in _without_comments(css), "local() would use whatever version is installed"


def test_fonts_css_stays_small():
    size = FONTS_CSS.stat().st_size
    assert size <= FONTS_CSS_BUDGET, f"fonts.css is {size} bytes; it counts in the 30 KB page budget"


def test_ofl_licence_and_origin_ship_with_the_fonts():
    licence = (FONTS_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "The Noto Project Authors" in licence
    readme = (FONTS_DIR / "README.md").read_text(encoding="utf-8")
    for package in ("@fontsource/noto-naskh-arabic@5.", "@fontsource/noto-serif@5."):
        assert package in readme, f"fonts/README.md does not name {package}"
    for url in _urls(_without_comments(_css())):
        assert _font_file(url).name in readme, f"fonts/README.md does not list {url}"


def _fonttools():
    pytest.importorskip(
        "fontTools.ttLib",
        reason="fontTools is not a project dependency: install fonttools and brotli to check the "
               "OpenType features inside the woff2 files",
    )
    pytest.importorskip("brotli", reason="fontTools needs brotli to read woff2 files")
    from fontTools.ttLib import TTFont
    return TTFont


def _arabic_faces() -> list[dict[str, str]]:
    faces = [face for face in _font_faces() if _family(face) == ARABIC_FAMILY]
    assert faces
    return faces


def _features(font, table: str, script: str = "arab") -> set[str]:
    """The feature tags that `table` registers for `script` (default language system included)."""
    layout = font[table].table
    records = layout.FeatureList.FeatureRecord
    tags = set()
    for script_record in layout.ScriptList.ScriptRecord:
        if script_record.ScriptTag != script:
            continue
        systems = [script_record.Script.DefaultLangSys] + [r.LangSys for r in script_record.Script.LangSysRecord]
        for system in filter(None, systems):
            tags.update(records[i].FeatureTag for i in system.FeatureIndex)
            if system.ReqFeatureIndex != 0xFFFF:
                tags.add(records[system.ReqFeatureIndex].FeatureTag)
    return tags


def test_arabic_fonts_keep_joining_and_mark_features():
    TTFont = _fonttools()
    for face in _arabic_faces():
        (url,) = _urls(face["src"])
        font = TTFont(_font_file(url))
        assert "GSUB" in font and "GPOS" in font, f"{url}: OpenType layout tables were stripped"
        gsub, gpos = _features(font, "GSUB"), _features(font, "GPOS")
        assert ARABIC_GSUB <= gsub, f"{url}: GSUB for Arabic lacks {sorted(ARABIC_GSUB - gsub)}"
        assert ARABIC_GPOS <= gpos, f"{url}: GPOS for Arabic lacks {sorted(ARABIC_GPOS - gpos)}"


def test_arabic_fonts_cover_letters_tashkeel_and_digits_within_their_unicode_range():
    TTFont = _fonttools()
    letters = range(0x0621, 0x064B)      # hamza .. yeh
    tashkeel = range(0x064B, 0x0653)     # fathatan .. sukun
    digits = range(0x0660, 0x066A)       # Arabic-Indic digits
    for face in _arabic_faces():
        (url,) = _urls(face["src"])
        cmap = TTFont(_font_file(url)).getBestCmap()
        for block in (letters, tashkeel, digits):
            missing = [f"U+{c:04X}" for c in block if c not in cmap]
            assert not missing, f"{url} lacks {missing}"
        # Whatever Arabic the file can draw, its unicode-range lets the browser use it for.
        declared = _unicode_range(face["unicode-range"])
        outside = [f"U+{c:04X}" for c in cmap
                   if unicodedata.name(chr(c), "").startswith("ARABIC") and not _in_ranges(c, declared)]
        assert not outside, f"{url}: unicode-range leaves out {outside[:10]}"
