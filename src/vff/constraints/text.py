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


def count_words(text: str) -> int:
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


def count_sentences(text: str, stop_after: int | None = None) -> int:
    """Number of sentences; with ``stop_after``, counting stops once it exceeds that number
    (Punkt works left to right, so the count up to there is exact and long texts stay fast)."""
    count = 0
    for _ in sentence_tokenizer().span_tokenize(text):
        count += 1
        if stop_after is not None and count > stop_after:
            break
    return count


def paragraphs(text: str) -> list[str]:
    """Non-empty blocks of text separated by blank lines."""
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def nonblank_lines(text: str) -> list[str]:
    """Lines with any non-whitespace character."""
    return [line for line in text.splitlines() if line.strip()]
