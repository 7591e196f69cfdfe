"""Deterministic generator of realistic seed-format news articles, for benchmarks and tests.

Each article: a title, a date line, a share-noise line, a dateline paragraph, 5-12 paragraphs
(~600 words), words drawn from a Zipf-like vocabulary of real and made-up words, names with
curly possessives (``Israel’s``), hyphenated compounds and curly quotes.

    python benchmarks/corpus.py OUT_DIR N [SEED]
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path


def _words(text: str) -> list[str]:
    return text.split()


COMMON = _words("""
the of and to a in that is was he for it with as his on be at by i this had not are but
from or have an they which one you were her all she there would their we him been has when
who will more no if out so said what up its about into than them can only other new some
could time these two may then do first any my now such like our over man me even most made
after also did many before must through back years where much your way well down should
because each just those people how too little state good very make world still own see men
work long get here between both life being under never day same another know while last
might us great old year off come since against go came right used take three
""")

NEWS = _words("""
government minister officials president talks ceasefire truce negotiations military forces
attack attacks killed wounded civilians hospital border city capital election vote
parliament court ruling police protest protesters economy inflation prices market markets
bank oil energy security council agreement deal sanctions troops refugees aid humanitarian
crisis spokesman spokeswoman statement report reported according sources region regional
international united nations war conflict peace hostage hostages prisoners release
evacuation orders southern northern eastern western operation operations strike strikes
missile drone drones leaders leadership delegation negotiators mediators proposal demands
withdrawal permanent temporary community communities residents families children women
health ministry interior foreign defence defense army navy weapons fighters group groups
movement political party opposition coalition budget taxes workers union strike
investigation investigators charges trial judge estimate estimating estimated evacuating
evacuated accusations reiterated determination untenable precarious consultations
deliberations optimism necessity
""")

NAMES = _words("""
Israel Hamas Gaza Rafah Cairo Qatar Egypt Jordan Lebanon Syria Iran Iraq Turkey Russia
Ukraine Kyiv Moscow Washington London Paris Berlin Brussels Beijing Tokyo Delhi Netanyahu
Haniyeh Biden Macron Scholz Erdogan Putin Zelensky Blinken Guterres Sudan Yemen Libya
""")

HYPHENATED = _words("""
al-Qanou long-anticipated hostage-prisoner week-long seven-month cease-fire well-known
high-level so-called post-war low-income far-right
""")

PLACES = _words("""
GAZA CAIRO WASHINGTON LONDON BEIRUT DOHA KYIV PARIS
""")

_SYLLABLES = _words("""
ka lo mi ren tor sa vel dun pri ga zet ol um bra ni sto cal fer quin dra
""")


def _made_up_words(rng: random.Random, count: int) -> list[str]:
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Vocabulary:
    """Words ranked by frequency, sampled with Zipf-like weights (1 / rank ** 1.05)."""

    def __init__(self, rng: random.Random, size: int = 20_000) -> None:
        words = COMMON + NEWS + NAMES + _made_up_words(rng, size)
        rng.shuffle(words[len(COMMON) :])  # keep function words the most frequent
        self.words = words
        self.cum = list(accumulate(1.0 / (rank + 1) ** 1.05 for rank in range(len(words))))

    def sample(self, rng: random.Random, k: int) -> list[str]:
        """``k`` words, Zipf-distributed."""
        return rng.choices(self.words, cum_weights=self.cum, k=k)


def _sentence(rng: random.Random, vocab: Vocabulary) -> str:
    words = vocab.sample(rng, rng.randint(8, 24))
    if rng.random() < 0.35:
        words[rng.randrange(len(words))] = rng.choice(NAMES) + rng.choice(["’s", "'s", ""])
    if rng.random() < 0.2:
        words[rng.randrange(len(words))] = rng.choice(HYPHENATED)
    text = " ".join(words)
    text = text[0].upper() + text[1:] + "."
    if rng.random() < 0.15:
        text = f"“{text}” {rng.choice(NAMES)} said."
    return text


def article(index: int, seed: int = 0) -> str:
    """The text of article ``index`` (same index and seed, same text)."""
    rng = random.Random(seed * 1_000_003 + index)
    vocab = _vocabulary(seed)
    title_words = [*vocab.sample(rng, rng.randint(5, 10)), rng.choice(NAMES)]
    title = " ".join(w.capitalize() for w in title_words)
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(5 * 365))
    paragraphs: list[str] = []
    words = 0
    target = rng.randint(450, 750)
    count = rng.randint(5, 12)
    for i in range(count):
        sentences = []
        while True:
            sentences.append(_sentence(rng, vocab))
            words += len(sentences[-1].split())
            if len(sentences) >= 2 and words >= target * (i + 1) / count:
                break
        paragraphs.append(" ".join(sentences))
    paragraphs[0] = f"{rng.choice(PLACES)}: {paragraphs[0]}"
    noise = "icon-facebook icon-twitter icon-whatsapp"
    return "\n\n".join([title, day.strftime("%a %b %d %Y") + "\n" + noise, *paragraphs, noise])


_vocabularies: dict[int, Vocabulary] = {}


def _vocabulary(seed: int) -> Vocabulary:
    if seed not in _vocabularies:
        _vocabularies[seed] = Vocabulary(random.Random(seed))
    return _vocabularies[seed]


def write_corpus(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` articles as ``folder/a00000.txt`` ...; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"a{i:05d}.txt"
        path.write_text(article(i, seed) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1])
    written = write_corpus(out, int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    print(f"wrote {len(written)} articles to {out}")
