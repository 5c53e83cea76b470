"""The digest of an article (generator.article.article_digest), which decides what is written and
rendered again: any change to any field must change it. And the digest of its text, which decides
what is analysed again."""

import pickle
from dataclasses import fields

from generator.article import Article, article_digest
from generator.ingest import ingest_seeds
from generator.sources import SourceRegistry

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


def _text_digest_afresh(article: Article) -> str:
    return Article(**{f.name: getattr(article, f.name) for f in fields(Article)}).text_digest


def test_the_text_digest_follows_the_text_and_is_kept_through_other_changes():
    text = BASE.text_digest
    evented = BASE.with_changes(event="ev-baghdad", date="2021-01-22")
    assert evented.__dict__["text_digest"] == text == _text_digest_afresh(evented)  # carried, and right
    for field in ("language", "kicker", "title", "body"):
        changed = BASE.with_changes(**{field: (getattr(BASE, field) or "") + "x"})
        assert "text_digest" not in changed.__dict__ and changed.text_digest != text
    assert BASE.with_changes(title=BASE.title + "\n", body=BASE.body).text_digest != \
        BASE.with_changes(title=BASE.title, body="\n" + BASE.body).text_digest  # no field runs into the next
    assert pickle.loads(pickle.dumps(evented)).__dict__["text_digest"] == text  # cached with the article


def test_a_seed_read_carries_its_text_digest(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "2021-01-22-baghdad.txt").write_text("تفجير مزدوج في بغداد\n\nقتل 32 شخصا في ساحة الطيران.\n",
                                                    encoding="utf-8")
    result = ingest_seeds(seeds, tmp_path, SourceRegistry({}))
    assert result.articles
    for article in result.articles:
        assert article.__dict__["text_digest"] == _text_digest_afresh(article)


def test_with_changes_makes_what_dataclasses_replace_makes():
    import pickle
    from dataclasses import fields, replace

    import pytest

    from generator.article import Article

    base = BASE.with_changes(kicker="عاجل")
    base.text_digest  # worked out, then kept by changes that leave the text alone
    for field in fields(Article):
        value = True if field.name == "date_inferred" else "x"
        changed, expected = base.with_changes(**{field.name: value}), replace(base, **{field.name: value})
        assert ("text_digest" in changed.__dict__) == (field.name not in ("language", "kicker", "title", "body"))
        assert "_digest" not in changed.__dict__
        fields_only = dict(list(changed.__dict__.items())[:len(expected.__dict__)])
        assert pickle.dumps(fields_only) == pickle.dumps(expected.__dict__)  # the same fields, in the same order
        assert changed == expected and hash(changed) == hash(expected) and repr(changed) == repr(expected)
        assert changed.text_digest == expected.text_digest
    several = base.with_changes(event="ev-1", date="2021-01-22", date_precision="day", date_inferred=True)
    assert several == replace(base, event="ev-1", date="2021-01-22", date_precision="day", date_inferred=True)
    with pytest.raises(TypeError):
        base.with_changes(events="ev-1")
    with pytest.raises(AttributeError):
        several.event = "ev-2"  # still frozen


def test_is_with_event_tells_what_comparing_with_the_article_given_that_event_tells_for_one_body():
    seed = BASE.with_changes(kicker="عاجل")
    stored = seed.with_changes(event="ev-1")  # the same body string: one body
    assert stored.is_with_event(seed, "ev-1") and stored == seed.with_changes(event="ev-1")
    assert not stored.is_with_event(seed, "ev-2") and not stored.is_with_event(seed, None)
    for field in fields(Article):
        if field.name in ("event", "body"):
            continue
        value = (not getattr(seed, field.name)) if field.name == "date_inferred" else "x"
        other = seed.with_changes(**{field.name: value})
        assert not stored.is_with_event(other, "ev-1") and stored != other.with_changes(event="ev-1")
    # An equal body that is another string is not taken for the same (the caller then compares).
    copied = seed.with_changes(body="".join(list(seed.body)))
    assert copied.body == seed.body and copied.body is not seed.body
    assert not stored.is_with_event(copied, "ev-1") and stored == copied.with_changes(event="ev-1")
