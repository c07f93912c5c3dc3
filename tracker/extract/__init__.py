"""Attribution extraction: a parsed article in, statements out. Knows nothing of SQLite.

- extract_text(text): parse (in chunks) and extract; convenient for tests and scripts.
- extract_doc(doc, text=None): statements of one parsed article (doc from tracker.nlp.load_nlp()).
- extract_parsed(text, chunks): the same for an article parsed in chunks [(offset, doc), ...].
Offsets are into the article text exactly as given: text[claim_start:claim_end] == claim.

Modules: extractor (the orchestration), frames (the registry of attribution patterns), finder
(runs them on a sentence), statements and orphans (statements from attributions and from
unclaimed quotations), speakers, quotes, clean, syntax, cues, and the learned parts: model,
neural, encoder.
"""

from .encoder import EncoderMissing
from .extractor import (CHUNK_CHARS, Candidate, ModelMissing, accurate_model, extract_doc, extract_parsed,
                        extract_text, parse_chunks)

__all__ = ["CHUNK_CHARS", "Candidate", "EncoderMissing", "ModelMissing", "accurate_model", "extract_doc",
           "extract_parsed", "extract_text", "parse_chunks"]
