"""extract_articles: streaming, in order, with one or more workers, on long and empty texts."""

import itertools

import tracker.extract
from tracker.models import Article
from tracker.pipeline import extract_articles

PARA = 'The minister spoke at length. "We will win this fight," he said. Aides agreed.\n\n'


def _articles():
    return [Article(text=t, id=str(i)) for i, t in enumerate(
        ["", PARA, "   \n ", "Nothing to see.", PARA * 3, ""])]


def test_order_and_empty_texts():
    out = list(extract_articles(_articles(), workers=1, batch_size=2))
    assert [e.article.id for e in out] == [str(i) for i in range(6)]
    assert [len(e.statements) for e in out][:4] == [0, 1, 0, 0]
    assert len(out[4].statements) == 3


def test_workers_give_the_same_statements():
    one = [[s.to_json() for s in e.statements] for e in extract_articles(_articles(), workers=1)]
    two = [[s.to_json() for s in e.statements] for e in extract_articles(_articles(), workers=2, batch_size=1)]
    assert one == two


def test_streaming_pulls_lazily():
    pulled = []

    def gen():
        for i in itertools.count():
            pulled.append(i)
            yield Article(text=PARA, id=str(i))

    it = extract_articles(gen(), workers=1, batch_size=2)
    first = next(it)
    assert first.article.id == "0"
    assert len(pulled) < 50


def test_long_text_is_chunked_with_offsets_shifted(monkeypatch):
    monkeypatch.setattr(tracker.extract, "CHUNK_CHARS", 2_000)
    CHUNK_CHARS = tracker.extract.CHUNK_CHARS
    text = PARA * (CHUNK_CHARS // len(PARA) * 2 + 7)
    assert len(text) > 2 * CHUNK_CHARS
    (done,) = list(extract_articles([Article(text=text, id="long")]))
    assert len(done.statements) >= text.count("he said") - 2
    for s in done.statements:
        assert text[s.claim_start:s.claim_end] == s.claim
        assert text[s.speaker_start:s.speaker_end] == s.speaker_text
    assert done.statements[-1].claim_start > 2 * CHUNK_CHARS
