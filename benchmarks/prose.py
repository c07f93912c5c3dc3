"""Real-looking news prose of any length, for memory and time tests on long articles.

    .venv/bin/python benchmarks/prose.py 2000000 > /tmp/long.txt

Paragraphs of the kinds news is made of, from word lists written here (no corpus text): reported
speech ("X said that ..."), quotations with their speaker after or before them, quotations that
run over two paragraphs, quotations standing alone, "according to", pronouns for the last
speaker, beliefs and plans, and plain narration. Seeded: the same length gives the same text.
"""

from __future__ import annotations

import random
import sys

FIRST = ("Ann Tom Maria Luis Grace Omar Priya Daniel Ruth Kenji Elena Samuel Fatima Victor Chloe Ivan Nadia "
         "Peter Leila Hugo").split()
LAST = ("Lee Brandt Ortiz Novak Okafor Reyes Lindqvist Haddad Moreau Tanaka Costa Fischer Mensah Walsh Duarte "
        "Petrov Amari Keller Silva Byrne").split()
TITLES = ("Mayor", "Senator", "Governor", "Councillor", "Judge", "Professor", "Dr.", "Minister", "Chief")
ROLES = ("the city engineer", "the county treasurer", "a spokeswoman for the port", "the union's president",
         "an economist at the regional bank", "the harbour master", "a lawyer for the contractor",
         "the school board chair")
GROUPS = ("Residents", "Critics", "Officials", "Analysts", "Farmers", "Teachers", "Shop owners", "Commuters")
SOURCES = ("a council memo", "the budget report", "a new poll", "court records", "the agency's audit",
           "a letter seen by reporters")
SUBJECTS = ("the new bridge", "the water tax", "the harbour plan", "the school budget", "the rail line",
            "the housing scheme", "the flood wall", "the bus contract", "the hospital wing", "the farm subsidy")
PREDICATES = ("would cost more than planned", "was delayed by the winter floods", "could open by the spring",
              "had been approved without a vote", "would need another loan", "was the best deal on offer",
              "must be reviewed by an outside firm", "will create hundreds of jobs", "has split the council",
              "was never properly tested")
CLAIMS = ("We are on schedule and on budget", "Nobody will pay more while I am in office",
          "The numbers simply do not add up", "This is a good day for every family in the valley",
          "We were promised answers and we got none", "The crews have done remarkable work",
          "I have never seen a contract like this one", "It is a bridge, not a miracle",
          "We will keep fighting for a fair price", "The river does not care about our schedule")
SPEECH = ("said", "told reporters", "added", "warned", "explained", "insisted", "wrote in an email")
BELIEF = ("believe", "think", "expect", "fear", "hope")  # of groups
NARRATION = ("The meeting ran past midnight.", "Rain fell all afternoon on the half-built piers.",
             "Traffic on the old road was backed up for miles.", "The vote was set for the first week of June.",
             "Several hundred people filled the hall.", "Work on the site stopped for two weeks in March.",
             "The contract runs for another six years.", "Three of the nine members were absent.")


def _person(rng) -> tuple[str, str]:
    """(full mention, short mention) of a speaker."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if rng.random() < 0.5:
        return f"{rng.choice(TITLES)} {first} {last}", last
    return f"{first} {last}, {rng.choice(ROLES)},", last


def _said(rng, subject: str) -> str:
    return f"{subject} {rng.choice(PREDICATES)}"


def paragraph(rng) -> str:
    """One paragraph of one of the kinds news is made of."""
    full, short = _person(rng)
    subject = rng.choice(SUBJECTS)
    kind = rng.randrange(10)
    if kind == 0:
        return f"{full} said on {rng.choice(('Monday', 'Tuesday', 'Friday'))} that {_said(rng, subject)}."
    if kind == 1:
        return f'"{rng.choice(CLAIMS)}," {short} {rng.choice(SPEECH)}. "{rng.choice(CLAIMS)}."'
    if kind == 2:
        return f'{full.rstrip(",")} {rng.choice(SPEECH)}: "{rng.choice(CLAIMS)}. {rng.choice(CLAIMS)}."'
    if kind == 3:
        return f"According to {rng.choice(SOURCES)}, {_said(rng, subject)}."
    if kind == 4:
        return (f'"{rng.choice(CLAIMS)}. {rng.choice(CLAIMS)}.\n\n'
                f'"{rng.choice(CLAIMS)}," {short} {rng.choice(SPEECH)}.')
    if kind == 5:
        second = rng.choice(CLAIMS)
        second = second if second.startswith("I ") else second[0].lower() + second[1:]
        return f'"{rng.choice(CLAIMS)}, and {second}."'
    if kind == 6:
        return (f"{rng.choice(GROUPS)} {rng.choice(BELIEF)} {_said(rng, subject)}, and they plan to "
                f"{rng.choice(('protest', 'vote again', 'file a complaint'))} next month.")
    if kind == 7:
        return f"{full.rstrip(',')} spoke at length. He said {_said(rng, subject)}, {rng.choice(SOURCES)} shows."
    return " ".join(rng.sample(NARRATION, 2))


def prose(chars: int, seed: int = 0) -> str:
    """About `chars` characters (never fewer) of paragraphs separated by blank lines."""
    rng = random.Random(seed)
    parts, n = [], 0
    while n < chars:
        p = paragraph(rng)
        parts.append(p)
        n += len(p) + 2
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(prose(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
