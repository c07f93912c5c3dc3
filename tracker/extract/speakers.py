"""Speakers within one article: who a pronoun, title, surname or short form refers to.

The article is read in order. Named people (with the titles written next to their names),
organizations and places are registered as they appear; a later mention resolves to the
registered canonical name ("he" -> the last person speaking, "Guterres" -> "Antonio Guterres",
"the UN chief" -> the person titled "United Nations Secretary-General", "Beijing" -> "China",
"the readout" -> the owner of "a UN readout").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from . import cues

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_DET = {"the", "a", "an", "this", "that", "these", "those"}


def _clean_name(s: str) -> str:
    s = " ".join(s.split())
    s = _POSSESSIVE.sub("", s)
    return s.strip(" ,.;:\"'“”‘’")


def acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper() and w.lower() not in ("of", "the", "and", "for")]
    return "".join(w[0] for w in words) if len(words) >= 2 else ""


# words before a name that are titles, not given names ("Sen. Ted Cruz", "Mrs. Clinton")
_TITLE_WORDS = frozenset("mr mrs ms miss dr sen rep gov gen lt col capt sgt rev prof president senator "
                         "governor secretary minister mayor judge justice pope sir dame lord lady".split())


def _given(toks: list) -> Optional[str]:
    """The given name in a person's name (its first word that is no title), lower-cased; None
    for a surname alone."""
    for t in toks[:-1]:
        w = t.lower().strip(".")
        if w and w not in _TITLE_WORDS:
            return w
    return None


def _same_given(a: str, b: Optional[str]) -> bool:
    """"Donald" and "Donald", or "D" and "Donald": the same given name."""
    if b is None:
        return False
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


@dataclass
class Person:
    name: str
    titles: list = field(default_factory=list)  # lower-cased title strings ("united nations secretary-general")


@dataclass
class Resolved:
    name: str
    kind: Optional[str]
    owner_kind: Optional[str] = None  # for "a UN readout": the kind of its owner, the speaker


class ArticleSpeakers:
    """Registry of the named speakers of one article, filled in reading order."""

    def __init__(self):
        self.persons: list[Person] = []
        # surname -> the people named with a given name and that surname ("Donald Trump",
        # "Melania Trump": two people); a surname named alone before any of them ("Trump")
        self.by_surname: dict[str, list[Person]] = {}
        self.bare: dict[str, Person] = {}
        self.outlets: list[str] = []  # canonical names of the news outlets named so far, in order
        self.orgs: dict[str, str] = {}  # acronym or short form -> full name
        self.last_person: Optional[str] = None
        self.last_group: Optional[str] = None
        self.documents: dict = {}  # document head lemma -> Resolved owner
        self.ents: list = []
        self.ent_at: dict = {}  # token index -> entity span, for the chunk being read

    # -- registration
    def observe_doc(self, doc) -> None:
        """Register the people, organizations and titles named in a parsed chunk."""
        self.ents = list(doc.ents)  # doc.ents is rebuilt on every access: read it once
        self.ent_at = {}
        for ent in self.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent
        for ent in self.ents:
            name = _clean_name(ent.text)
            if name.lower() in cues.OUTLET_NAMES or ent.label_ == "ORG" and len(name.split()) > 1 \
                    and name.split()[-1].lower() in cues.PAPER_WORDS:
                self.outlet(ent.text)  # named in full: "the Post" later is this one
            if ent.label_ == "PERSON":
                self.add_person(ent)
            elif ent.label_ in ("ORG", "GPE", "NORP"):
                name = _clean_name(ent.text)
                if name.lower().startswith("the "):
                    name = name[4:]
                ac = acronym(name)
                if ac and ac not in self.orgs:
                    self.orgs[ac] = name

    def add_person(self, ent) -> Person:
        """The person a PERSON entity names, registered with the titles written beside it. People
        who share a surname are one person only when their given names agree."""
        name = _clean_name(ent.text)
        toks = name.split()
        if not toks:
            return None
        surname = toks[-1].lower()
        p = self.find_person(name)
        if p is None and _given(toks) is None:
            # a surname alone: the surname's one person, else a person of its own name
            p = self.bare.setdefault(surname, Person(name))
            if p not in self.persons:
                self.persons.append(p)
        elif p is None:
            same = self.by_surname.setdefault(surname, [])
            p = self.bare.pop(surname, None) if not same else None  # "Trump ... Donald Trump"
            if p is None:
                p = Person(name)
                self.persons.append(p)
            p.name = name
            same.append(p)
        elif len(toks) > len(p.name.split()) and _given(toks) is not None:
            p.name = name
        # a title written before the name within the noun phrase ("UN human rights chief Michelle Bachelet")
        root = ent.root
        doc = ent.doc
        left = root.left_edge.i
        if left < ent.start:
            words = [t.text for t in doc[left:ent.start] if t.lower_ not in _DET and not t.is_punct or t.text == "-"]
            title = " ".join(words).replace(" - ", "-").strip()
            if title and any(t.lower_ in cues.PERSON_NOUNS or t.lower_.split("-")[-1] in cues.PERSON_NOUNS
                             or "-" in t.text for t in doc[left:ent.start]):
                self.add_title(p, title)
        # an apposition after the name ("Guterres, the UN secretary-general,")
        for c in root.children:
            if c.dep_ == "appos" and c.i > root.i and c.lemma_.lower() in cues.PERSON_NOUNS | cues.LEADER_TITLES:
                words = [t.text for t in c.subtree if t.lower_ not in _DET and not t.is_punct or t.text == "-"]
                self.add_title(p, " ".join(words).replace(" - ", "-"))
        return p

    def add_title(self, p: Person, title: str) -> None:
        t = self.normalize_title(title)
        if t and t not in p.titles:
            p.titles.append(t)

    def normalize_title(self, title: str) -> str:
        """Lower-cased title with organization names replaced by their short forms."""
        t = " ".join(title.replace(" - ", "-").split())
        for short, full in list(cues.ALIASES.items()) + list(self.orgs.items()):
            if full in t and len(short) < len(full) and short.isupper():
                t = t.replace(full, short)
        t = t.replace("U.N.", "UN").replace("U.S.", "US")
        return t.lower()

    def outlet(self, mention: str) -> Optional[str]:
        """The canonical name of the news outlet a mention names ("the AP", "AP", "The Associated
        Press" -> "The Associated Press"; "Saturday's New York Times" -> "The New York Times";
        "Fox and Friends" -> "Fox News"), registering it; "the Post" is the Post the article named
        before; an outlet not listed keeps its whole name ("the Tampa Bay Times" -> "Tampa Bay
        Times"); "the newspaper" is the last outlet the article named; None for no outlet."""
        text = _clean_name(mention.split("'s ")[-1].split("’s ")[-1])
        words = text.split()
        definite = bool(words) and words[0].lower() == "the"
        if definite:
            words = words[1:]
        low = " ".join(words).lower()
        if low in cues.PAPER_WORDS:
            named = next((o for o in reversed(self.outlets) if o.lower().split()[-1] == low), None)
            return named or cues.SHORT_OUTLETS.get(low)
        name = cues.OUTLET_NAMES.get(low) or cues.OUTLET_NAMES.get("the " + low)
        if name is None and len(words) > 1 and words[-1].lower() in cues.PAPER_WORDS \
                and all(w[:1].isupper() for w in words):
            name = " ".join(words)  # an outlet not listed, kept whole ("National Post")
        if name is None and len(words) > 1:
            name = cues.OUTLET_NAMES.get(words[0].lower())  # its show or station ("Fox and Friends")
        if name is None:  # "the newspaper": the one the article named last, if it named one
            return self.outlets[-1] if self.outlets and definite and low in cues.NEWS_HEADS else None
        if name in self.outlets:
            self.outlets.remove(name)
        self.outlets.append(name)
        return name

    def find_person(self, name: str) -> Optional[Person]:
        """The person of the article a name is: the one with its given name and surname; for a
        surname alone ("Mr. Trump"), the one person named with it (None when there are two)."""
        toks = _clean_name(name).split()
        if not toks:
            return None
        surname = toks[-1].lower()
        same = self.by_surname.get(surname, [])
        given = _given(toks)
        if given is None:
            return same[0] if len(same) == 1 else (self.bare.get(surname) if not same else None)
        return next((p for p in same if _same_given(given, _given(p.name.split()))), None)

    def shared_surname(self, name: str) -> bool:
        """Is this a surname alone that two people of the article share?"""
        toks = _clean_name(name).split()
        return bool(toks) and _given(toks) is None and len(self.by_surname.get(toks[-1].lower(), ())) > 1

    # -- resolution
    def resolve(self, head, span_text: str) -> Resolved:
        """Canonical name and kind of the speaker mention `span_text` headed by token `head`."""
        text = _clean_name(span_text)
        low = text.lower()
        bare = text[4:] if low.startswith("the ") else text
        lemma = head.lemma_.lower() if head is not None else ""
        doc = head.doc if head is not None else None
        # pronouns
        if head is not None and head.pos_ == "PRON" or low in cues.PRONOUNS_PERSON | cues.PRONOUNS_OTHER:
            if low in ("he", "she", "him", "her", "his"):
                return Resolved(self.last_person or text, "person")
            if low in ("they", "them") and self.last_group:
                return Resolved(self.last_group, "group")
            return Resolved(text, "person" if low in cues.PRONOUNS_PERSON else None)
        # media outlets
        if low in cues.MEDIA or bare.lower() in cues.MEDIA:
            return Resolved(self.outlet(text), "media")
        if bare.lower() in cues.PAPER_WORDS and (named := self.outlet(text)) is not None:
            return Resolved(named, "media")  # "the Herald" the article named
        # documents and intermediaries: "a UN readout of the meetings" -> United Nations
        if lemma in cues.SOURCE_NOUNS and head is not None:
            owner = self.owner_of(head)
            if owner is None and lemma in self.documents:
                owner = self.documents[lemma]
            if owner is not None:
                self.documents[lemma] = owner
                kind = "document" if cues.SOURCE_NOUNS[lemma] in cues.DOCUMENT_SOURCES else owner.kind
                return Resolved(owner.name, kind if cues.SOURCE_NOUNS[lemma] in cues.DOCUMENT_SOURCES else "person",
                                owner.kind)
            kind = "document" if cues.SOURCE_NOUNS[lemma] in cues.DOCUMENT_SOURCES else "person"
            return Resolved(text, kind)
        # a named person in the mention
        if doc is not None:
            ent = self.ent_at.get(head.i)
            if ent is not None and ent.label_ == "PERSON":
                p = self.add_person(ent)
                if p is not None and not self.shared_surname(ent.text):
                    self.last_person = p.name
                    return Resolved(p.name, "person")
        # a name the article gave before ("Mr. Trump", "Guterres"); a surname two people share
        # stays as written
        if bare and (head is None or head.pos_ == "PROPN") and len(bare.split()) <= 3:
            if self.shared_surname(bare):
                return Resolved(bare, "person")
            p = self.find_person(bare)
            if p is not None:
                self.last_person = p.name
                return Resolved(p.name, "person")
        # short forms and capitals
        if bare in cues.ALIASES:
            name = cues.ALIASES[bare]
            return Resolved(name, "government" if name in cues.ALIASES.values() and bare not in ("UN", "U.N.", "EU", "E.U.", "WHO", "NATO", "IMF") else "organization")
        if bare in self.orgs:
            return Resolved(self.orgs[bare], "organization")
        # a title with the name beside it: "The former treasury secretary, Steve Mnuchin,"
        if head is not None and head.pos_ == "NOUN":
            named = next((self.ent_at.get(c.i) for c in head.children if c.dep_ == "appos" and c.i > head.i
                          and c.ent_type_ == "PERSON"), None)
            if named is not None and named.label_ == "PERSON" and (p := self.add_person(named)) is not None \
                    and not self.shared_surname(named.text):
                self.last_person = p.name
                return Resolved(p.name, "person")
        # titles: "the Secretary-General", "the UN chief"
        if head is not None and (lemma in cues.PERSON_NOUNS or lemma in cues.LEADER_TITLES or
                                 lemma.split("-")[-1] in cues.PERSON_NOUNS):
            p = self.person_by_title(text)
            if p is not None:
                self.last_person = p.name
                return Resolved(p.name, "person")
            if head.tag_ in ("NNS", "NNPS"):
                self.last_group = text
                return Resolved(text, "group")
            self.last_person = text
            return Resolved(text, "person")
        if head is not None:
            ent = self.ent_at.get(head.i)
            if ent is not None:
                name = _clean_name(ent.text)
                name = name[4:] if name.lower().startswith("the ") else name
                if ent.label_ == "GPE":
                    return Resolved(cues.ALIASES.get(name, name), "government")
                if ent.label_ == "ORG":
                    if name.lower() in cues.MEDIA:
                        return Resolved(self.outlet(name), "media")
                    return Resolved(self.orgs.get(name, cues.ALIASES.get(name, name)), "organization")
                if ent.label_ == "NORP":
                    self.last_group = name
                    return Resolved(name, "group")
            if lemma in cues.MEDIA_HEADS:  # "the newspaper": the outlet the article named, if any
                return Resolved(self.outlet(text) or text, "media")
            if any(w in low for w in cues.GOVERNMENT_WORDS):
                return Resolved(text, "government")
            if head.tag_ in ("NNS", "NNPS") or lemma in cues.GROUP_NOUNS:
                self.last_group = text
                return Resolved(text, "group")
        return Resolved(text, None)

    def owner_of(self, head) -> Optional[Resolved]:
        """The organization or person a document or spokesperson belongs to."""
        for c in head.children:
            if c.dep_ in ("compound", "poss", "nmod", "amod") and c.i < head.i:
                if c.pos_ == "PRON":
                    if c.lower_ in ("his", "her"):
                        if self.last_person:
                            return Resolved(self.last_person, "person")
                    continue
                sub = " ".join(t.text for t in c.subtree if not t.is_punct)
                r = self.resolve(c, sub)
                if r.name:
                    return r
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("from", "by"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        return self.resolve(p, " ".join(t.text for t in p.subtree))
        return None

    def person_by_title(self, text: str) -> Optional[Person]:
        t = self.normalize_title(text)
        for det in ("the ", "a ", "an "):
            if t.startswith(det):
                t = t[len(det):]
        if not t:
            return None
        # an exact title match wins
        for p in reversed(self.persons):
            if t in p.titles:
                return p
        words = t.split()
        head = words[-1]
        mods = words[:-1]
        # the head title alone ("the secretary-general") matches a title ending in it
        if not mods:
            for p in reversed(self.persons):
                if any(pt.split()[-1] == head for pt in p.titles):
                    return p
            return None
        # "the UN chief": the leader of exactly that organization
        if head in cues.LEADER_TITLES:
            for p in reversed(self.persons):
                for pt in p.titles:
                    pw = pt.split()
                    if pw[-1] in cues.LEADER_TITLES and pw[:-1] == mods:
                        return p
            for p in reversed(self.persons):
                for pt in p.titles:
                    pw = pt.split()
                    # "united nations secretary-general": the organization, then its leader title
                    if pw[-1] in cues.LEADER_TITLES and " ".join(pw[:-1]) == " ".join(mods):
                        return p
                    if len(pw) >= 2 and pw[-1] in cues.LEADER_TITLES and pw[:len(mods)] == mods and \
                            len(pw) == len(mods) + 1:
                        return p
        return None

    def spoke(self, resolved: Resolved) -> None:
        """Remember who spoke last, for pronouns in later sentences."""
        if resolved.kind == "person":
            self.last_person = resolved.name
        elif resolved.kind in ("group",):
            self.last_group = resolved.name


def peek(speakers: "ArticleSpeakers", head, span_text: str) -> Resolved:
    """Resolve a mention without moving the article's reading state (who spoke last, which
    document belongs to whom): for mentions read ahead of their turn."""
    saved = speakers.last_person, speakers.last_group, dict(speakers.documents)
    try:
        return speakers.resolve(head, span_text)
    finally:
        speakers.last_person, speakers.last_group, speakers.documents = saved


def remember_subject(sent, speakers: "ArticleSpeakers") -> None:
    """The subject of a sentence's main verb is who a later 'he' most likely means."""
    root = sent.root
    for c in root.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            if c.ent_type_ == "PERSON" or c.lemma_.lower() in cues.PERSON_NOUNS and c.tag_ == "NN":
                text = " ".join(t.text for t in c.subtree if not t.is_punct)
                if len(text) < 80:
                    r = speakers.resolve(c, text)
                    speakers.spoke(r)
            break
