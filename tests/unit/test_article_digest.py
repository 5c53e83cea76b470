"""The digest of an article (generator.article.article_digest), which decides what is written and
rendered again: any change to any field must change it."""

from dataclasses import fields

from generator.article import Article, article_digest

BASE = Article(id="a1", title="تفجير في بغداد", language="ar", body="نص الخبر.\n\nفقرة ثانية.", date="2021-01-21",
               source="sabq")


def test_every_field_counts():
    seen = {article_digest(BASE)}
    for field in fields(Article):
        value = getattr(BASE, field.name)
        if isinstance(value, bool):
            changed = not value
        elif isinstance(value, str):
            changed = value + "x"
        else:
            changed = "None"  # a string that prints like the missing value
        seen.add(article_digest(BASE.with_changes(**{field.name: changed})))
    assert len(seen) == len(fields(Article)) + 1


def test_text_does_not_run_from_one_field_into_the_body():
    moved = BASE.with_changes(title=BASE.title + "نص", body=BASE.body[2:])
    assert article_digest(moved) != article_digest(BASE)
    assert article_digest(BASE) == article_digest(Article(**{f.name: getattr(BASE, f.name) for f in fields(Article)}))
