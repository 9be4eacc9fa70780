"""Text measurements shared by the constraint families: words, sentences, paragraphs, lines.

Word and sentence counts follow IFEval's reference: a word is a run of ``\\w`` characters,
and sentences are split by NLTK's Punkt tokenizer with the English ``punkt_tab`` model,
which ships inside vff (``data/punkt_tab``), so nothing is downloaded at check time.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterator
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
        int,
        {
            word: int(flag)
            for word, flag in (line.split("\t") for line in _lines("ortho_context.tab"))
        },
    )
    return PunktSentenceTokenizer(params)


def sentences(text: str) -> list[str]:
    """Sentences as IFEval's reference splits them (Punkt, English)."""
    return sentence_tokenizer().tokenize(text)


#: Sentences are always split exactly in texts up to this many characters.
SENTENCE_SCAN_LIMIT = 10_000

#: Punkt spends about 40 microseconds per possible sentence end ("." "?" "!") plus about
#: 0.25 per character of the words around it. A longer text whose
#: ``ends * (160 + longest word)`` stays within this budget is still split whole, in well
#: under 100 ms; beyond it only a prefix is split (see :func:`sentence_spans`).
SPLIT_BUDGET = 400_000

#: Whitespace between two ASCII letters or digits. Neither NLTK's Treebank word tokenizer
#: nor Punkt looks across it (their rules that look at neighbours need a quote or
#: punctuation at the edge, and Punkt reads a sentence end's context only up to the next
#: whitespace), so text can be split or tokenized in pieces cut there, with the same result.
TOKEN_CUT = re.compile(r"(?<=[A-Za-z0-9])[ \t\n\r]+(?=[A-Za-z0-9])")


class TooLongToCount(ValueError):
    """A count is needed beyond the prefix of a long text that can be split exactly."""


def _splits_whole(text: str) -> bool:
    if len(text) <= SENTENCE_SCAN_LIMIT:
        return True
    ends = text.count(".") + text.count("?") + text.count("!")
    if ends == 0 or ends * 160 > SPLIT_BUDGET:
        return ends == 0
    longest = max(map(len, text.split()), default=0)
    return ends * (160 + longest) <= SPLIT_BUDGET


def sentence_spans(text: str) -> tuple[Iterator[tuple[int, int]], int]:
    """Punkt's sentence spans of ``text[:covered]``, lazily, and ``covered``.

    A text within the budget is covered whole. Of another, only a prefix of at most
    :data:`SENTENCE_SCAN_LIMIT` characters is split, cut at :data:`TOKEN_CUT`: Punkt never
    ends a sentence there and decides every sentence end from the text up to the next
    whitespace, so the prefix's sentences are the text's, except that the last one
    continues past the cut.
    """
    tokenizer = sentence_tokenizer()
    if _splits_whole(text):
        return tokenizer.span_tokenize(text), len(text)
    covered = 0
    for cut in TOKEN_CUT.finditer(text, 0, SENTENCE_SCAN_LIMIT + 1):
        covered = cut.start()
    return tokenizer.span_tokenize(text[:covered]), covered


def too_long(what: str, text: str) -> TooLongToCount:
    return TooLongToCount(
        f"too long to count {what}: {len(text):,} characters with many possible sentence "
        f"ends, and the first {SENTENCE_SCAN_LIMIT:,} characters do not decide"
    )


def count_sentences(text: str, stop_after: int | None = None) -> int:
    """Number of sentences (Punkt, English, as IFEval's reference counts them).

    With ``stop_after``, counting stops once the count exceeds it (the result is then
    ``stop_after + 1``, meaning "more than ``stop_after``"). Raises :class:`TooLongToCount`
    when the count is needed beyond what :func:`sentence_spans` can split exactly.
    """
    spans, covered = sentence_spans(text)
    count = 0
    for _ in spans:
        count += 1  # in a prefix too: each span starts a sentence of the whole text
        if stop_after is not None and count > stop_after:
            return count
    if covered < len(text):
        raise too_long("sentences", text)
    return count


def paragraphs(text: str) -> list[str]:
    """Non-empty blocks of text separated by blank lines."""
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def nonblank_lines(text: str) -> list[str]:
    """Lines with any non-whitespace character."""
    return [line for line in text.splitlines() if line.strip()]
