"""Synthetic Arabic news corpus of any size, for benchmarks: deterministic given N and the seed.

    python scripts/synthetic_corpus.py OUT_DIR -n 100000 [--seed 1] [--start 2012-01-01] [--days D]

Writes one JSONL dump per day (`OUT_DIR/YYYY-MM-DD.jsonl`), records with the keys the archive's
default `[dump_fields]` read: `source` (an outlet id of content/sources.toml), `url` (unique, used
as the record id), `date` (`YYYY-MM-DD hh:mm:ss`), `title`, `author`, `content` (paragraphs
separated by blank lines), plus `synthetic_story` (the story the record was generated for, which
the archive ignores) and `reprint_of` for reprints.

What makes it stand in for a real archive:
- text: sentences from a small grammar over ordinary news vocabulary, with a long tail of word
  forms made from Arabic roots, patterns, proclitics and suffixes (scripts/synthetic_vocabulary.json,
  written for this project), so the number of distinct words grows with the archive as in a real
  one; article lengths follow SaudiNewsNet's (log-normal, median about 200 words, a tail past
  1,000), outlets its article counts;
- events: stories told by several outlets over one to three days, every report sharing the
  story's names, places and numbers but worded from different templates; most stories are
  singletons, and a few reports are reprinted by another outlet (near-duplicates);
- dates: spread evenly over `--days` (default: about 80 articles a day, so 100k span 3.4 years).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

VOCABULARY = Path(__file__).resolve().with_name("synthetic_vocabulary.json")
DEFAULT_START = date(2012, 1, 1)
ARTICLES_PER_DAY = 80
EVENT_SHARE = 0.4       # share of articles that are reports of a multi-report story
REPRINT_SHARE = 0.05    # share of articles that reprint an earlier one (near-duplicates)
LEXICON_SEED = 0        # the long-tail word forms are one fixed "language" whatever the seed
# Ranks of long-tail stems follow a steep power law past a broad head: the number of distinct words
# then grows with the archive about as SaudiNewsNet's does (measured: 86k, 178k and 306k distinct
# words in 3k, 10k and 31k synthetic articles; 102k, 170k and 280k in as many corpus articles).
# Past the real roots come pseudo-roots of three letters: rare words, names, misspellings.
LONG_TAIL_EXPONENT = 5.0
LONG_TAIL_OFFSET = 7000
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_SLOT = re.compile(r"\{(\w+)\}")


class Vocabulary:
    def __init__(self, path: Path = VOCABULARY):
        data = json.loads(path.read_text(encoding="utf-8"))
        self.outlets = list(data["outlets"])
        self.outlet_weights = list(itertools.accumulate(data["outlets"].values()))
        self.wire = data["wire"]
        self.wire_name = data["wire_name"]
        self.first_names = data["first_names"].split()
        self.family_names = data["family_names"].split()
        self.cities, self.regions, self.countries = data["cities"], data["regions"], data["countries"]
        self.organisations, self.offices = data["organisations"], data["offices"]
        self.fields, self.teams, self.weekdays = data["fields"], data["teams"], data["weekdays"]
        self.function_words = data["function_words"].split()
        self.verbs = data["verbs"].split()
        self.nouns = data["nouns"].split()
        self.indefinite_nouns = data["indefinite_nouns"].split()
        self.adjectives = data["adjectives"].split()
        self.openers = data["openers"]
        self.authors = data["authors"]
        self.events = data["events"]
        self.prefixes, self.prefix_weights = _weighted(data["prefixes"])
        self.suffixes, self.suffix_weights = _weighted(data["suffixes"])
        stems = sorted({_apply_pattern(pattern, root) for root in data["roots"].split()
                        for pattern in data["patterns"]})
        random.Random(LEXICON_SEED).shuffle(stems)
        self.stems = stems
        self.patterns = data["patterns"]
        self.pseudo_stems = len(LETTERS) ** 3 * len(self.patterns)
        self._zipf_weights: dict[int, list[float]] = {}

    def stem(self, rank: int) -> str:
        if rank < len(self.stems):
            return self.stems[rank]
        # Scatter the ranks (7919 is prime to the count) so that neighbours are unlike words.
        index = ((rank - len(self.stems)) * 7919 + 13) % self.pseudo_stems
        index, pattern = divmod(index, len(self.patterns))
        index, third = divmod(index, len(LETTERS))
        first, second = divmod(index, len(LETTERS))
        return _apply_pattern(self.patterns[pattern], LETTERS[first] + LETTERS[second] + LETTERS[third])

    def zipf(self, n: int) -> list[float]:
        """Cumulative weights for a list ordered from the most to the least common word."""
        if n not in self._zipf_weights:
            self._zipf_weights[n] = _zipf(n, 1.0)
        return self._zipf_weights[n]


def _weighted(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    return list(weights), list(itertools.accumulate(weights.values()))


def _zipf(n: int, exponent: float) -> list[float]:
    # Offset 2.7 flattens the head a little, as in real word counts (Zipf-Mandelbrot).
    return list(itertools.accumulate(1 / (rank + 2.7) ** exponent for rank in range(n)))


def _apply_pattern(pattern: str, root: str) -> str:
    return pattern.replace("1", root[0]).replace("2", root[1]).replace("3", root[2])


@dataclass
class Story:
    """What every report of one event shares: its kind, names, places, numbers and days."""
    key: str
    kind: dict
    facts: dict[str, str]
    topic: list[str]
    first_day: int
    span: int                      # days over which it is reported (1-3)
    reports: int
    titles_used: list[int] = field(default_factory=list)


class Writer:
    def __init__(self, seed: int, vocabulary: Vocabulary, start: date, days: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.v = vocabulary
        self.start = start
        self.days = days
        self.serial = 0

    # -- small choices --------------------------------------------------------------------------
    def pick(self, items: list[str]) -> str:
        return items[self.rng.randrange(len(items))]

    def zipf_pick(self, items: list[str]) -> str:
        return self.rng.choices(items, cum_weights=self.v.zipf(len(items)))[0]

    def person(self) -> str:
        first, father = self.rng.sample(self.v.first_names, 2)
        family = self.pick(self.v.family_names)
        return f"{first} بن {father} {family}" if self.rng.random() < 0.3 else f"{first} {family}"

    def long_tail_word(self) -> str:
        rng, v = self.rng, self.v
        # Inverse of the power law's distribution function, over all real and pseudo stems.
        low, high = LONG_TAIL_OFFSET ** (1 - LONG_TAIL_EXPONENT), (
            len(v.stems) + v.pseudo_stems + LONG_TAIL_OFFSET) ** (1 - LONG_TAIL_EXPONENT)
        rank = int((low - rng.random() * (low - high)) ** (1 / (1 - LONG_TAIL_EXPONENT)) - LONG_TAIL_OFFSET)
        stem = v.stem(min(rank, len(v.stems) + v.pseudo_stems - 1))
        suffix = rng.choices(v.suffixes, cum_weights=v.suffix_weights)[0]
        if stem.endswith("ة"):  # a feminine stem takes only the plural: مفاعلة -> مفاعلات
            stem, suffix = (stem[:-1], suffix) if suffix == "ات" else (stem, "")
        return rng.choices(v.prefixes, cum_weights=v.prefix_weights)[0] + stem + suffix

    # -- text -----------------------------------------------------------------------------------
    def topic(self, facts: dict[str, str] | None) -> list[str]:
        """Words a story keeps coming back to: its names, and a few words of its own."""
        names = [facts[name] for name in ("person", "city", "org", "country", "field")] if facts else []
        return names + [self.long_tail_word() for _ in range(10)] + [self.zipf_pick(self.v.nouns) for _ in range(3)]

    def noun_phrase(self, topic: list[str]) -> list[str]:
        rng, v = self.rng, self.v
        roll = rng.random()
        if roll < 0.25:
            words = [self.pick(topic)]
            if rng.random() < 0.3:
                words.append(self.pick(topic))
        elif roll < 0.42:
            words = [self.zipf_pick(v.nouns)]
            if rng.random() < 0.4:
                words.append(self.zipf_pick(v.adjectives))
        elif roll < 0.52:
            words = [self.zipf_pick(v.indefinite_nouns), self.zipf_pick(v.nouns)]
        elif roll < 0.9:
            words = [self.long_tail_word()]
            if rng.random() < 0.45:
                words.append(self.long_tail_word())
        elif roll < 0.96:
            words = [self.pick(self.pick([v.cities, v.countries, v.organisations, v.fields]))]
        else:
            words = [str(rng.choice([rng.randint(2, 99), rng.randint(100, 9999)])),
                     self.zipf_pick(v.indefinite_nouns)]
        return words

    def filler_sentence(self, topic: list[str]) -> str:
        rng, v = self.rng, self.v
        words: list[str] = []
        if rng.random() < 0.35:
            words.append(self.pick(v.openers))
        if words and words[-1].endswith(("أن", "إن")):  # أن is followed by its subject, then the verb
            words += self.noun_phrase(topic) + [self.zipf_pick(v.verbs)]
        else:
            words += [self.zipf_pick(v.verbs)] + self.noun_phrase(topic)
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            words.append(self.zipf_pick(v.function_words))
            words += self.noun_phrase(topic)
        if rng.random() < 0.3:
            words += [self.pick(["التي", "الذي", "حيث", "بعد أن", "كما"]), self.zipf_pick(v.verbs)]
            words += self.noun_phrase(topic)
        if rng.random() < 0.25:
            words += ["و" + self.zipf_pick(v.verbs)] + self.noun_phrase(topic)
        return " ".join(words) + "."

    def body(self, sentences: list[str], topic: list[str]) -> str:
        """Sentences (the story's own first), then more about its topic to a length drawn like the
        corpus's."""
        target = min(3000, max(25, int(self.rng.lognormvariate(5.3, 0.83))))
        words = sum(len(s.split()) for s in sentences)
        sentences = list(sentences)
        while words < target:
            sentence = self.filler_sentence(topic)
            sentences.append(sentence)
            words += len(sentence.split())
        if self.rng.random() < 0.2:
            return " ".join(sentences)
        paragraphs, i = [], 0
        while i < len(sentences):
            size = self.rng.choice((1, 1, 2, 2, 3))
            paragraphs.append(" ".join(sentences[i:i + size]))
            i += size
        return "\n\n".join(paragraphs)

    # -- stories --------------------------------------------------------------------------------
    def story(self, key: str, reports: int) -> Story:
        rng, v = self.rng, self.v
        kind = self.pick(v.events)
        city, city2 = rng.sample(v.cities, 2)
        team, team2 = rng.sample(v.teams, 2)
        facts = {"person": self.person(), "person2": self.person(), "city": city, "city2": city2,
                 "region": self.pick(v.regions), "country": self.pick(v.countries),
                 "org": self.pick(v.organisations), "field": self.pick(v.fields),
                 "team": team, "team2": team2}
        facts["office"] = fill(self.pick(v.offices), facts)
        for name, (low, high) in kind["numbers"].items():
            facts[name] = str(rng.randint(low, high))
        span = 1 if reports == 1 else rng.choice((1, 2, 2, 3))
        first_day = rng.randrange(max(1, self.days - span + 1))
        return Story(key, kind, facts, self.topic(facts), first_day, span, reports)

    def report(self, story: Story, outlet: str, number: int) -> dict:
        rng, v = self.rng, self.v
        day = story.first_day + (0 if number == 0 else rng.randrange(story.span))
        when = datetime.combine(self.start + timedelta(days=day), datetime.min.time()) + timedelta(
            hours=rng.randint(5, 23), minutes=rng.randrange(60), seconds=rng.randrange(60))
        facts = dict(story.facts, day=v.weekdays[when.weekday()])
        titles = story.kind["titles"]
        unused = [i for i in range(len(titles)) if i not in story.titles_used] or list(range(len(titles)))
        title_index = self.pick(unused)
        story.titles_used.append(title_index)
        facts_sentences = rng.sample(story.kind["facts"], rng.randint(2, len(story.kind["facts"])))
        sentences = [fill(self.pick(story.kind["leads"]), facts)] + [fill(s, facts) for s in facts_sentences]
        author = fill(self.pick(v.authors), dict(facts, person=self.person()))
        return self.record(outlet, when, fill(titles[title_index], facts), author,
                           self.body(sentences, story.topic), story.key)

    def miscellany(self, key: str) -> dict:
        """A singleton that is no kind of event report: a column, a feature, a notice."""
        rng = self.rng
        when = datetime.combine(self.start + timedelta(days=rng.randrange(self.days)), datetime.min.time()) + timedelta(
            hours=rng.randint(5, 23), minutes=rng.randrange(60), seconds=rng.randrange(60))
        topic = self.topic(None)
        words = self.filler_sentence(topic).rstrip(".").split()
        title = " ".join(words[:rng.randint(4, 10)])
        author = fill(self.pick(self.v.authors), {"person": self.person(), "city": self.pick(self.v.cities)})
        return self.record(self.outlet(), when, title, author, self.body([], topic), key)

    def reprint(self, original: dict) -> dict:
        """The same report filed again by another outlet, from the wire: a near-duplicate."""
        rng = self.rng
        filed = datetime.fromisoformat(original["date"])
        when = min(filed + timedelta(minutes=rng.randint(5, 600)), filed.replace(hour=23, minute=59, second=59))
        paragraphs = original["content"].split("\n\n")
        if len(paragraphs) > 2 and rng.random() < 0.5:
            paragraphs = paragraphs[:-1]
        outlet = self.outlet(exclude=(original["source"],))
        record = self.record(outlet, when, original["title"], f"{self.v.wire_name} - {self.pick(self.v.cities)}",
                             "\n\n".join(paragraphs), original["synthetic_story"])
        record["reprint_of"] = original["url"]
        return record

    def outlet(self, exclude: tuple[str, ...] = ()) -> str:
        while True:
            outlet = self.rng.choices(self.v.outlets, cum_weights=self.v.outlet_weights)[0]
            if outlet not in exclude:
                return outlet

    def record(self, outlet: str, when: datetime, title: str, author: str, content: str, story: str) -> dict:
        self.serial += 1
        url = f"https://{outlet}.example/s{self.seed}/{when:%Y/%m/%d}/{self.serial}"
        return {"source": outlet, "url": url, "date": when.strftime("%Y-%m-%d %H:%M:%S"), "title": title,
                "author": author, "content": content, "synthetic_story": story}


def fill(template: str, facts: dict[str, str]) -> str:
    return _SLOT.sub(lambda match: facts[match.group(1)], template)


def default_days(articles: int) -> int:
    return max(7, math.ceil(articles / ARTICLES_PER_DAY))


def generate(articles: int, seed: int = 1, start: date = DEFAULT_START, days: int | None = None,
             vocabulary: Vocabulary | None = None) -> list[dict]:
    """`articles` records in date order (then generation order), the same for the same arguments."""
    writer = Writer(seed, vocabulary or Vocabulary(), start, days or default_days(articles))
    records: list[dict] = []
    in_events = 0
    stories = 0
    while len(records) < articles:
        stories += 1
        key = f"s{seed}-{stories}"
        if records and writer.rng.random() < REPRINT_SHARE:
            records.append(writer.reprint(records[writer.rng.randrange(max(0, len(records) - 50), len(records))]))
        elif in_events < EVENT_SHARE * len(records):
            size = min(10, 2 + int(writer.rng.expovariate(0.6)), articles - len(records))
            story = writer.story(key, size)
            outlets: list[str] = []
            for number in range(size):
                outlets.append(writer.outlet(exclude=tuple(outlets) if len(outlets) < 10 else ()))
                records.append(writer.report(story, outlets[-1], number))
            in_events += size
        elif writer.rng.random() < 0.6:
            records.append(writer.report(writer.story(key, 1), writer.outlet(), 0))
        else:
            records.append(writer.miscellany(key))
    order = sorted(range(len(records)), key=lambda i: (records[i]["date"], i))
    return [records[i] for i in order]


def write_day_files(records: list[dict], folder: Path, prefix: str = "") -> list[Path]:
    """One JSONL dump per day, as a crawler would leave them."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for day, group in itertools.groupby(records, key=lambda record: record["date"][:10]):
        path = folder / f"{prefix}{day}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in group), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder for the day files (e.g. a project's seeds/)")
    parser.add_argument("-n", "--articles", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START, help="first day (YYYY-MM-DD)")
    parser.add_argument("--days", type=int, default=None,
                        help=f"days the archive spans (default: one per {ARTICLES_PER_DAY} articles)")
    args = parser.parse_args(argv)
    files = write_day_files(generate(args.articles, args.seed, args.start, args.days), args.out)
    print(f"{args.articles} articles in {len(files)} day files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
