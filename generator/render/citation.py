"""'Cite this' for an article page: APA (7th edition, news website) and BibTeX, as plain text.

The text is built here from untrusted article fields and escaped for BibTeX; the template
escapes it again for HTML (autoescape), so nothing here is markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.article import Article, parse_iso_date
from generator.render.i18n import MONTHS

_NO_DATE = {"ar": "د.ت.", "en": "n.d."}
_BIBTEX_LANGUAGE = {"ar": "arabic", "en": "english"}
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class CitationFacts:
    article: Article
    source_name: str | None      # the outlet, in the interface language
    site_title: str              # the archive, in the interface language
    permalink: str               # absolute URL of the article page


def _sentence(text: str) -> str:
    """`text` closed by a full stop unless it already ends a sentence."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!", "؟")) else text + "."


def apa(facts: CitationFacts, lang: str) -> str:
    """APA: 'Author. (2021, January 22). Title. Outlet. URL' (the outlet stands in for a missing author)."""
    text, url = apa_parts(facts, lang)
    return f"{text} {url}"


def apa_parts(facts: CitationFacts, lang: str) -> tuple[str, str]:
    """The APA reference as (text, URL), so a page can isolate the URL's direction."""
    article = facts.article
    when = parse_iso_date(article.date) if article.date else None
    if when is None:
        date = _NO_DATE[lang]
    elif lang == "ar":
        date = f"{when.year}، {when.day} {MONTHS['ar'][when.month - 1]}"
    else:
        date = f"{when.year}, {MONTHS['en'][when.month - 1]} {when.day}"
    author = article.author or facts.source_name
    container = facts.source_name if article.author and facts.source_name else facts.site_title
    if author:
        parts = [_sentence(author), f"({date}).", _sentence(article.title), _sentence(container)]
    else:
        parts = [_sentence(article.title), f"({date}).", _sentence(container)]
    return " ".join(parts), facts.permalink


_BIBTEX_SPECIAL = str.maketrans({
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "$": r"\$", "&": r"\&", "#": r"\#",
    "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
})


def bibtex_escape(text: str) -> str:
    """`text` safe inside a braced BibTeX field: special characters escaped, whitespace on one line."""
    return " ".join(text.split()).translate(_BIBTEX_SPECIAL)


def bibtex(facts: CitationFacts) -> str:
    article = facts.article
    when = parse_iso_date(article.date) if article.date else None
    fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(article.title) + "}")]
    author = article.author or facts.source_name
    if author:
        fields.append(("author", "{{" + bibtex_escape(author) + "}}"))   # never split into first/last
    if facts.source_name:
        fields.append(("organization", "{" + bibtex_escape(facts.source_name) + "}"))
    if when:
        fields += [("year", f"{{{when.year}}}"), ("month", _BIBTEX_MONTHS[when.month - 1]),
                   ("date", f"{{{when.date().isoformat()}}}")]
    fields += [
        ("url", "{" + facts.permalink.replace("{", "%7B").replace("}", "%7D") + "}"),  # verbatim field
        ("howpublished", "{" + bibtex_escape(facts.site_title) + "}"),
        ("language", "{" + _BIBTEX_LANGUAGE.get(article.language, article.language) + "}"),
    ]
    key = f"{article.source or 'article'}-{article.id}"
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}"
