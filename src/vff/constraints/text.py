"""Text measurements shared by the constraint families: words, sentences, paragraphs, lines.

Word and sentence counts follow IFEval's reference: a word is a run of ``\\w`` characters,
and sentences are split by NLTK's Punkt tokenizer with the English ``punkt_tab`` model,
which ships inside vff (``data/punkt_tab``), so nothing is downloaded at check time.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

_WORD = re.compile(r"\w+")
_BLANK_LINE = re.compile(r"\n\s*\n")
PUNKT_DIR = Path(__file__).parent / "data" / "punkt_tab" / "english"


def words(text: str) -> list[str]:
    """Words as IFEval counts them: maximal runs of word characters."""
    return _WORD.findall(text)


_NON_WORD_BYTES = bytes(
    b if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95) else 32 for b in range(256)
)


def count_words(text: str) -> int:
    """Number of words (runs of ``\\w``); an ASCII fast path gives the same count."""
    if text.isascii():
        return len(text.encode("ascii").translate(_NON_WORD_BYTES).split())
    return len(_WORD.findall(text))


def _lines(name: str) -> list[str]:
    with open(PUNKT_DIR / name, encoding="utf-8") as fh:
        return [line[:-1] if line.endswith("\n") else line for line in fh]


@functools.cache
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """NLTK's Punkt tokenizer with the shipped English model (loaded once)."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_lines("abbrev_types.txt"))
    params.sent_starters = set(_lines("sent_starters.txt"))
    params.collocations = {tuple(line.split("\t")) for line in _lines("collocations.tab")}
    params.ortho_context = defaultdict(
        int, {word: int(flag) for word, flag in (line.split("\t") for line in _lines("ortho_context.tab"))}
    )
    return PunktSentenceTokenizer(params)


def sentences(text: str) -> list[str]:
    """Sentences as IFEval's reference splits them (Punkt, English)."""
    return sentence_tokenizer().tokenize(text)


#: Sentences are counted exactly in texts up to this many characters; in longer texts only
#: while the verdict is decided within the first this-many characters (Punkt costs about
#: 10 microseconds per character on adversarial text, so an unbounded count could take seconds).
SENTENCE_SCAN_LIMIT = 10_000


class TooLongToCount(ValueError):
    """The text is too long for an exact sentence count, and its prefix does not decide."""


def _count_spans(text: str, stop_after: int | None) -> int:
    count = 0
    for _ in sentence_tokenizer().span_tokenize(text):
        count += 1
        if stop_after is not None and count > stop_after:
            break
    return count


def count_sentences(text: str, stop_after: int | None = None) -> int:
    """Number of sentences (Punkt, English, as IFEval's reference counts them).

    With ``stop_after``, counting stops once the count exceeds it (Punkt works left to
    right, so the count up to there is exact): the result is then ``stop_after + 1``,
    meaning "more than ``stop_after``". A text longer than :data:`SENTENCE_SCAN_LIMIT` is
    counted only if its prefix of that length already holds more than ``stop_after``
    complete sentences; otherwise :class:`TooLongToCount` is raised.
    """
    if len(text) <= SENTENCE_SCAN_LIMIT:
        return _count_spans(text, stop_after)
    if stop_after is not None:
        # Every boundary but the last one found in the prefix is a boundary of the whole text.
        in_prefix = _count_spans(text[:SENTENCE_SCAN_LIMIT], stop_after + 1) - 1
        if in_prefix > stop_after:
            return stop_after + 1
    raise TooLongToCount(
        f"too long to count sentences: {len(text):,} characters "
        f"(exact counts up to {SENTENCE_SCAN_LIMIT:,})"
    )


def paragraphs(text: str) -> list[str]:
    """Non-empty blocks of text separated by blank lines."""
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def nonblank_lines(text: str) -> list[str]:
    """Lines with any non-whitespace character."""
    return [line for line in text.splitlines() if line.strip()]
