"""A library of a few hundred news articles in real English, built from hand-written news
paragraphs: the words, their spellings and their frequencies are those of news text (a
minister in many articles, a ceasefire in some, a bushfire in a few; bush, party, case and
chase as the everyday words they are), which the benchmark corpus' made-up words are not."""

from __future__ import annotations

import random
from datetime import date, timedelta

PARAGRAPHS = {
    "ceasefire": [
        "Negotiators from Egypt and Qatar said on Tuesday that a ceasefire agreement was "
        "within reach, after two days of talks in Cairo that officials described as serious "
        "and constructive.",
        "The proposed ceasefire would begin with a six-week pause in fighting, during which "
        "hostages would be released in exchange for prisoners and aid convoys would be "
        "allowed to cross the border.",
        "A senior official close to the negotiations warned that the truce remained fragile, "
        "saying that both sides had accused each other of violating earlier understandings.",
    ],
    "parliament": [
        "The prime minister told parliament on Wednesday that the government would introduce "
        "legislation to reform the electoral system before the end of the year.",
        "Opposition members of parliament walked out of the chamber in protest, accusing the "
        "minister of misleading the house about the cost of the programme.",
        "The finance minister defended the budget in a heated debate, insisting that the "
        "measures were necessary to bring inflation under control.",
        "A parliamentary committee will examine the bill in detail, and the speaker said a "
        "final vote in parliament was expected within weeks.",
    ],
    "bushfire": [
        "Firefighters battled a bushfire that had burned through more than ten thousand "
        "hectares of forest and farmland by Sunday evening, fanned by strong winds.",
        "Residents of several towns were told to evacuate as the bushfire jumped containment "
        "lines, and the emergency services minister warned that conditions would worsen.",
        "The bushfire season has started earlier than usual after a dry winter, and "
        "authorities said more than forty fires were burning across the state.",
    ],
    "party": [
        "The governing party lost its majority in the local elections, in a result that "
        "party officials blamed on low turnout and the rising cost of living.",
        "The opposition party's leader said the vote showed that people wanted change, and "
        "called on the prime minister to hold an early general election.",
        "Members of the party gathered for a conference at the weekend, where the main "
        "debate was over housing and the future of public transport.",
    ],
    "everyday": [
        "Police said the case had been referred to prosecutors, and that a man in his "
        "thirties had been charged after a car chase through the city centre.",
        "Hundreds of volunteers planted native bush and trees along the river bank, in a "
        "project that organisers said would help bring back birds and wildlife.",
        "Production at the plant ceased in March after the company ran out of parts, and the "
        "union said workers had not been paid since.",
        "The court heard the case over three days, and the judge is expected to deliver a "
        "ruling next month on whether the contract was lawful.",
        "Shops and cafes in the old market reopened after the flooding had ceased, although "
        "some owners said it would take months to repair the damage.",
    ],
    "economy": [
        "The central bank raised interest rates by a quarter of a percentage point, saying "
        "that prices were still rising faster than wages in most parts of the economy.",
        "The trade minister said exports had recovered strongly in the second quarter, led "
        "by energy, machinery and agricultural products.",
        "Economists said unemployment was likely to rise slightly next year as businesses "
        "cut back on hiring in response to higher borrowing costs.",
    ],
    "health": [
        "The health minister announced funding for two new hospitals and said waiting lists "
        "for surgery had fallen for the first time in three years.",
        "Doctors and nurses at the main hospital went on strike for better pay, and the "
        "ministry said emergency care would continue as normal.",
    ],
}

TITLES = {
    "ceasefire": [
        "Ceasefire talks resume in Cairo",
        "Mediators push for a truce",
        "Hostage deal hinges on ceasefire terms",
    ],
    "parliament": [
        "Parliament debates electoral reform",
        "Minister faces questions in the house",
        "Budget passes first vote",
    ],
    "bushfire": [
        "Bushfire threatens towns",
        "Evacuations as fires spread",
        "Early start to fire season",
    ],
    "party": [
        "Governing party loses majority",
        "Opposition calls for election",
        "Party conference opens",
    ],
    "everyday": ["Court hears contract case", "River planting project", "Plant closes"],
    "economy": ["Central bank raises rates", "Exports recover", "Jobs outlook"],
    "health": ["New hospitals announced", "Hospital staff strike"],
}


def news_article(i: int) -> str:
    """Article ``i`` in the seed format: a title, a date, and three to six paragraphs from a
    main topic and one other (same ``i``, same text)."""
    rng = random.Random(1000 + i)
    topics = sorted(PARAGRAPHS)
    weights = [6 if t in ("parliament", "economy", "party", "health") else 3 for t in topics]
    weights[topics.index("bushfire")] = 1
    main = rng.choices(topics, weights=weights)[0]
    other = rng.choice(topics)
    paras = rng.sample(PARAGRAPHS[main], min(len(PARAGRAPHS[main]), rng.randint(2, 3)))
    paras += rng.sample(PARAGRAPHS[other], rng.randint(1, min(2, len(PARAGRAPHS[other]))))
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
    title = rng.choice(TITLES[main])
    return "\n\n".join([title, day.strftime("%a %b %d %Y"), *paras]) + "\n"


def news_files(n: int = 300) -> dict[str, str]:
    """``n`` articles as file name -> text."""
    return {f"n{i:03d}.txt": news_article(i) for i in range(n)}
