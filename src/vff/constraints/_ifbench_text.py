"""Text measurements IFBench's checks are defined by (private to :mod:`vff.constraints.ifbench`).

* :func:`split_sentences`: the rule-based sentence splitter IFBench's reference uses for
  most sentence checks (a sequence of regular-expression rewrites that protect abbreviation
  and number dots, then cut after every ``.``, ``?`` and ``!``). Re-implemented here from its
  behaviour; every pattern is fixed (nothing is built from user input) and linear.
* :func:`word_tokens`, :func:`first_tokens`, :func:`last_tokens`: NLTK's ``word_tokenize``
  (Punkt sentences with vff's shipped English model, then the Treebank word tokenizer),
  with bounded work on long texts.
* :func:`trigram_overlap`: counts of distinct character trigrams, and of those a reference
  text shares, for a response and its loose variants without a set per variant.
* :func:`stopwords`: NLTK's English stopword list, shipped in ``data/stopwords``.
* :func:`looks_like_verb`: vff's stand-in for a part-of-speech tagger (see its docstring).
"""

from __future__ import annotations

import collections
import functools
import re
import string
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from vff.constraints import text

PUNCTUATION = string.punctuation
#: Deletes ASCII punctuation (``str.translate``), as the reference's ``maketrans`` table.
DELETE_PUNCTUATION = str.maketrans("", "", PUNCTUATION)
#: What the reference strips from word edges: ASCII punctuation and the space.
EDGE = PUNCTUATION + " "

_STOPWORDS = Path(__file__).parent / "data" / "stopwords" / "english"


@functools.cache
def stopwords() -> frozenset[str]:
    """NLTK's English stopwords (the list IFBench's reference reads)."""
    with open(_STOPWORDS, encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


# --------------------------------------------------------------------------------------
# The rule-based splitter. Markers: "<prd>" stands for a protected dot, "<stop>" for a cut.

_LETTER = "([A-Za-z])"


class _Rule:
    """One rewrite of the splitter: ``pattern.sub(replacement, work)``, skipped when the
    text cannot match. ``hint`` states a necessary condition for a match cheaply: a
    pattern that starts with a literal dot, which the regex engine searches for fast, then
    looks behind it; skipping a rule that cannot match changes nothing."""

    __slots__ = ("hint", "pattern", "replacement")

    def __init__(self, pattern: str, replacement: str, *, hint: str | None = None) -> None:
        self.pattern = re.compile(pattern)
        self.replacement = replacement
        self.hint = re.compile(hint) if hint else None

    def apply(self, work: str) -> str:
        if self.hint is not None and self.hint.search(work) is None:
            return work
        return self.pattern.sub(self.replacement, work)


def _compile_rules() -> tuple[tuple[_Rule, ...], tuple[_Rule, ...]]:
    starters = (
        r"(Mr|Mrs|Ms|Dr|Prof|Capt|Cpt|Lt|He\s|She\s|It\s|They\s|Their\s|Our\s|We\s|But\s"
        r"|However\s|That\s|This\s|Wherever)"
    )
    acronym = "([A-Z][.][A-Z][.](?:[A-Z][.])?)"
    suffixes = "(Inc|Ltd|Jr|Sr|Co)"
    suffix_dot = r"\.(?:(?<=Inc\.|Ltd\.)|(?<=Jr\.|Sr\.|Co\.))"
    two_letters = r"\.(?<=[A-Za-z]\.[A-Za-z]\.)"  # "x.y." somewhere
    return (
        _Rule(
            "(Mr|St|Mrs|Ms|Dr)[.]", r"\1<prd>", hint=r"\.(?:(?<=Mr\.|St\.|Ms\.|Dr\.)|(?<=Mrs\.))"
        ),
        _Rule("[.](com|net|org|io|gov|edu|me)", r"<prd>\1"),
    ), (
        _Rule(r"\s" + _LETTER + "[.] ", r" \1<prd> ", hint=r"\.(?<=\s[A-Za-z]\.) "),
        _Rule(acronym + " " + starters, r"\1<stop> \2", hint=r"\.(?<=[A-Z]\.[A-Z]\.) "),
        _Rule(
            _LETTER + "[.]" + _LETTER + "[.]" + _LETTER + "[.]",
            r"\1<prd>\2<prd>\3<prd>",
            hint=two_letters,
        ),
        _Rule(_LETTER + "[.]" + _LETTER + "[.]", r"\1<prd>\2<prd>", hint=two_letters),
        _Rule(" " + suffixes + "[.] " + starters, r" \1<stop> \2", hint=suffix_dot),
        _Rule(" " + suffixes + "[.]", r" \1<prd>", hint=suffix_dot),
        _Rule(" " + _LETTER + "[.]", r" \1<prd>", hint=r"\.(?<= [A-Za-z]\.)"),
    )


_EARLY, _LATE = _compile_rules()
_DOT_RUNS = re.compile(r"\.{2,}")


def _dot_run(match: re.Match[str]) -> str:
    return "<prd>" * len(match.group(0)) + "<stop>"


def split_sentences(value: str) -> tuple[str, ...]:
    """Sentences as IFBench's reference splits them (stripped; a trailing empty one
    dropped). Results for texts up to :data:`text.SPAN_CACHE_CHARS` are remembered."""
    if len(value) <= text.SPAN_CACHE_CHARS:
        return _remembered_split(value)
    last = _last_long
    if last and last[0] == value:
        return last[1]
    result = _split(value)
    _last_long[:] = [value, result]
    return result


#: The last long text split and its sentences (a response is checked by several types).
_last_long: list = []


#: A dot between two digits.
_DECIMAL_DOT = re.compile(r"\.(?<=[0-9]\.)(?=[0-9])")


def _protect_decimal_dots(work: str) -> str:
    """``re.sub("([0-9])[.]([0-9])", r"\1<prd>\2", work)``, found from the dots: each
    match spans digit, dot, digit, and the next one starts after it (so in "1.2.3" only
    the first dot is protected)."""
    pieces: list[str] = []
    copied = 0
    covered = -1  # where the last match ended
    for match in _DECIMAL_DOT.finditer(work):
        dot = match.start()
        if dot - 1 < covered:
            continue
        pieces += (work[copied:dot], "<prd>")
        copied, covered = dot + 1, dot + 2
    if not pieces:
        return work
    pieces.append(work[copied:])
    return "".join(pieces)


def _split(value: str) -> tuple[str, ...]:
    work = f" {value}  ".replace("\n", " ")
    for rule in _EARLY:
        work = rule.apply(work)
    work = _protect_decimal_dots(work)
    if ".." in work:
        work = _DOT_RUNS.sub(_dot_run, work)
    if "Ph.D" in work:
        work = work.replace("Ph.D.", "Ph<prd>D<prd>")
    for rule in _LATE:
        work = rule.apply(work)
    if "”" in work:
        work = work.replace(".”", "”.")
    if '"' in work:
        for before, after in (('."', '".'), ('!"', '"!'), ('?"', '"?')):
            work = work.replace(before, after)
    for mark in ".?!":
        if mark in work:
            work = work.replace(mark, mark + "<stop>")
    pieces = [piece.strip() for piece in work.replace("<prd>", ".").split("<stop>")]
    if pieces and not pieces[-1]:
        pieces.pop()
    return tuple(pieces)


_remembered_split = text.memo(256)(_split)


# --------------------------------------------------------------------------------------
# Character trigrams


def trigrams(value: str) -> set[tuple[str, str, str]]:
    """The distinct character trigrams of ``value``."""
    return set(zip(value, value[1:], value[2:], strict=False))


def _trigram_codes(value: str) -> np.ndarray:
    """Each trigram of ``value`` as one integer (three 21-bit code points)."""
    points = np.frombuffer(value.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    points = points.astype(np.int64)
    return (points[:-2] << 42) | (points[1:-1] << 21) | points[2:]


@text.memo(64)
def _reference_codes(reference: str) -> np.ndarray:
    return np.sort(_trigram_codes(reference))  # repeats do no harm to a lookup


@text.memo(16)
def _trigram_index(whole: str, reference: str) -> tuple[np.ndarray, np.ndarray]:
    """For each trigram position of ``whole``: where the same trigram last occurred before
    it (-1 if nowhere), and whether ``reference`` has it."""
    codes = _trigram_codes(whole)
    order = np.argsort(codes, kind="stable")  # equal codes stay in text order
    ordered = codes[order]
    repeat = ordered[1:] == ordered[:-1]
    previous = np.full(len(codes), -1, dtype=np.int64)
    previous[order[1:][repeat]] = order[:-1][repeat]
    known = _reference_codes(reference)
    if not len(known):
        return previous, np.zeros(len(codes), dtype=bool)
    at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
    return previous, known[at] == codes


#: Texts recently indexed by :func:`trigram_overlap` (a response, then its variants,
#: which are substrings of it or of it without ``*``).
_indexed: collections.deque[str] = collections.deque(maxlen=4)


def trigram_overlap(value: str, reference: str) -> tuple[int, int]:
    """``(len(trigrams(value)), len(trigrams(value) & trigrams(reference)))``.

    The trigrams of a substring of an indexed text are counted from the text's index: a
    trigram at position ``i`` of the substring starting at ``a`` is a new one when its
    previous occurrence lies before ``a``. So a response's loose variants cost a count,
    not a set each."""
    if len(value) < 3:
        return 0, 0
    for whole in reversed(list(_indexed)):  # the latest first
        start = whole.find(value) if len(whole) >= len(value) else -1
        if start >= 0:
            break
    else:
        whole, start = value, 0
        _indexed.append(value)
    previous, shared = _trigram_index(whole, reference)
    end = start + len(value) - 2
    new = previous[start:end] < start
    return int(np.count_nonzero(new)), int(np.count_nonzero(new & shared[start:end]))


# --------------------------------------------------------------------------------------
# NLTK's word_tokenize, bounded

#: Sentences are tokenized in pieces of about this many characters (cut where neither
#: tokenizer looks across, see :data:`vff.constraints.text.TOKEN_CUT`).
_PIECE = 2_000
#: A piece longer than this (no such cut for that long) is not tokenized: the check fails
#: saying so (the Treebank tokenizer spends seconds on a megabyte of punctuation).
MAX_PIECE = 20_000


def _treebank():  # noqa: ANN202 - the tokenizer function
    from vff.constraints.ifeval import _treebank as treebank

    return treebank()


#: Pieces up to this long have their tokens remembered (loose variants of a response
#: share most of their sentences).
_PIECE_MEMO_CHARS = 2_000


@text.memo(4_096)
def _remembered_tokens(piece: str) -> tuple[str, ...]:
    return tuple(_treebank()(piece))


def _sentence_tokens(sentence: str) -> Iterator[str]:
    """The Treebank tokens of one sentence, lazily, piece by piece."""
    if len(sentence) <= _PIECE_MEMO_CHARS:
        yield from _remembered_tokens(sentence)
        return
    tokenize = _treebank()
    start = 0
    while start < len(sentence):
        cut = (
            text.TOKEN_CUT.search(sentence, start + _PIECE)
            if len(sentence) - start > 2 * _PIECE
            else None
        )
        end = cut.start() if cut else len(sentence)
        if end - start > MAX_PIECE:
            raise text.TooLongToCount(
                f"too long to split into words: {end - start:,} characters without a break "
                "between two words"
            )
        yield from tokenize(sentence[start:end])
        start = cut.end() if cut else len(sentence)


def word_tokens(value: str) -> Iterator[str]:
    """``nltk.word_tokenize(value)``, lazily. Raises :class:`text.TooLongToCount` once the
    tokens are needed past the prefix that Punkt can split within its budget."""
    spans, covered = text.sentence_spans(value)
    for start, end in spans:
        if end >= covered and covered < len(value):
            raise text.too_long("words", value)
        yield from _sentence_tokens(value[start:end])
    if covered < len(value):
        raise text.too_long("words", value)


#: :func:`head_tokens` reads about this many characters.
_HEAD = 400


def head_tokens(value: str) -> list[str]:
    """The first tokens of ``nltk.word_tokenize(value)``, read from about its first
    :data:`_HEAD` characters only (none for a text under twice that long, or without a
    :data:`text.TOKEN_CUT` after them): a prefix cut there has the text's sentences, but
    its last one continues past the cut, so the prefix's last token is left out."""
    if len(value) <= 2 * _HEAD:
        return []
    cut = text.TOKEN_CUT.search(value, _HEAD)
    if cut is None or cut.start() > 4 * _HEAD:
        return []
    prefix = value[: cut.start()]
    tokens = [t for s, e in text.punkt_spans(prefix) for t in _sentence_tokens(prefix[s:e])]
    return tokens[:-1]


def first_tokens(value: str, count: int) -> list[str]:
    """The first ``count`` tokens of ``nltk.word_tokenize(value)`` (fewer if it has fewer).

    Tokens of the prefix that :func:`text.sentence_spans` covers are exact up to its cut,
    so only the last (cut) sentence needs care."""
    head = head_tokens(value)
    if len(head) >= count:
        return head[:count]
    spans, covered = text.sentence_spans(value)
    out: list[str] = []
    for start, end in spans:
        sentence = value[start:end]
        if end >= covered and covered < len(value):
            # the prefix's last sentence continues past the cut: its tokens are exact
            # except possibly the last one
            tokens = list(_sentence_tokens(sentence))[:-1]
            out.extend(tokens)
            if len(out) >= count:
                return out[:count]
            raise text.too_long("words", value)
        for token in _sentence_tokens(sentence):
            out.append(token)
            if len(out) >= count:
                return out
    if covered < len(value):
        raise text.too_long("words", value)
    return out


#: How far from the end the last tokens are looked for in a long text.
_TAIL = 4_000


def last_tokens(value: str, count: int) -> list[str]:
    """The last ``count`` tokens of ``nltk.word_tokenize(value)`` (fewer if it has fewer).

    A long text is tokenized from a cut near its end: Punkt and the Treebank tokenizer
    give a suffix that starts at such a cut the same sentences and tokens as the text."""
    if len(value) > 2 * _TAIL:
        cut = text.TOKEN_CUT.search(value, len(value) - _TAIL)
        if cut is not None:
            tail = value[cut.end() :]
            tokens = [t for s, e in text.punkt_spans(tail) for t in _sentence_tokens(tail[s:e])]
            if len(tokens) >= count:
                return tokens[-count:]
    spans, covered = text.sentence_spans(value)
    if covered < len(value):
        tokens = list(word_tokens(value))  # raises: the text cannot be split in budget
        return tokens[-count:] if count else []
    out: list[str] = []
    for start, end in reversed(list(spans)):  # tokens never cross sentences
        out[:0] = _sentence_tokens(value[start:end])
        if len(out) >= count:
            break
    return out[-count:] if count else []


#: A character after one that is not a letter or digit (or at the start): where a token
#: can start. Not after an apostrophe that follows an ASCII letter, digit or underscore
#: ("It's"): the tokenizer cuts before such an apostrophe, never after it.
_AFTER_BREAK = re.compile(r"(?<![^\W_])(?<![A-Za-z0-9_]').", re.DOTALL)
#: Where the tokenizer cuts inside a word (its contraction rules): NLTK's patterns, without
#: their word-boundary conditions (finding more than they do only costs time).
_CUT_INSIDE_WORDS = re.compile(r"(?i)cannot|d'ye|gimme|gonna|gotta|lemme|more'n|wanna|'tis|'twas")


def may_start_lowercase_token(value: str) -> bool:
    """False only when no token of ``nltk.word_tokenize(value)`` starts with a lowercase
    character. The tokenizer separates tokens at whitespace and around punctuation, so a
    token starts at the text's start, after a character that is not a letter or digit, or
    where a contraction is cut (``n't``, "cannot", "gonna", ...): when no lowercase
    character sits at such a place, none starts a token."""
    if "n't" in value or _CUT_INSIDE_WORDS.search(value):
        return True
    return any(map(str.islower, _AFTER_BREAK.findall(value)))


# --------------------------------------------------------------------------------------
# Verbs

# Common English verbs in their base form (vff's own list), used by looks_like_verb.
_VERBS = """
accept achieve act add address adjust admire admit adopt advise affect agree aim allow
alter analyze analyse answer apologize appear apply appreciate approach approve argue
arrange arrive ask assess assign assist assume attach attack attempt attend avoid bake
balance be bear beat become begin believe belong bend bet bind bite blame blend blow boil
book borrow bother break breathe bring brush build burn buy calculate call calm care carry
catch cause celebrate change charge chase check cheer choose cite claim clarify classify
clean clear climb close collect combine come compare compile complete compose compute
conceive concentrate conclude conduct confirm connect consider construct consult contact
contain continue contrast contribute control convert convince cook copy correct count
cover craft crawl create cross cry cultivate cut dance deal debate decide declare decorate
define delete deliver demonstrate deny depend describe design destroy detail detect
determine develop devise dig direct discover discuss dive divide do document donate draft
drag draw dream dress drink drive drop dry earn eat edit educate elaborate eliminate
embrace emphasize employ enable encourage end engage enhance enjoy ensure enter establish
estimate evaluate examine exchange exist expand expect experience experiment explain
explore express extend extract face fail fall feed feel fetch fight figure fill find
finish fit fix fly focus fold follow forget forgive form formulate frame gain gather
generate get give glance go grab grant greet grow guess guide handle hang happen hate have
head hear help hide highlight hire hit hold hope hunt hurry identify ignore illustrate
imagine implement improve include increase indicate inform inspect install integrate
interpret introduce invent investigate invite join judge jump justify keep kick kill
kneel knock know label land laugh launch lay lead lean learn leave lend let lie lift like
limit link list listen live load locate look lose love maintain make manage map mark
master match measure meet memorize mention merge mind minimize miss mix modify monitor
move multiply name navigate need negotiate note notice observe obtain offer open operate
order organize outline overcome own paint pass pause pay perform persuade pick picture
place plan plant play point polish ponder pour practice practise praise pray predict
prefer prepare present preserve press pretend prevent print prioritize proceed process
produce program promise promote propose protect prove provide publish pull punch purchase
pursue push put question quit quote raise rank rate reach read realize rebuild recall
receive recognize recommend record recover reduce reflect refuse regard reject relate
relax release rely remain remember remind remove repair repeat replace reply report
represent request require research resolve respect respond rest restore retain retire
return reveal review revise rewrite ride ring rise risk roll rotate run save say scan
schedule search see seek select sell send separate serve set settle shake shape share
shift shine shoot shop show shut sign simplify sing sink sit sketch skip sleep slide slow
smell smile solve sort speak specify spell spend split spread stand start state stay
steal step stick stop store strengthen stretch strike structure study submit succeed
suggest summarize supply support suppose surround survive swim switch take talk taste
teach tear tell tend test thank think throw tie touch trace track train transform
translate travel treat trust try turn type understand undertake unite unlock update use
validate value verify view visit wait wake walk want warn wash watch wear welcome whisper
win wish wonder work worry wrap write yell
"""

#: Words ending in -ing that are not verb forms.
_ING_NOUNS = frozenset(
    "anything bring ceiling cling during evening everything king morning nothing ping "
    "pudding ring sibling something spring sting string swing thing viking wing".split()
)


@functools.cache
def _verb_forms() -> frozenset[str]:
    forms: set[str] = set()
    for verb in _VERBS.split():
        forms.add(verb)
        forms.add(verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else verb + "s")
        stem = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
        forms.add(stem + "ing")
        forms.add(verb + "d" if verb.endswith("e") else stem + "ed")
        if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
            forms.add(verb[:-1] + "ies")
            forms.add(verb[:-1] + "ied")
    return frozenset(forms)


def looks_like_verb(token: str) -> bool:
    """Whether a token is (probably) a verb: a form of one of the common verbs vff lists
    (base form, -s, -ed, -ing), or a word of five or more letters ending in "ing" that is
    not one of a few nouns. A deterministic stand-in for NLTK's averaged-perceptron
    tagger, which IFBench's reference uses and which vff cannot ship."""
    word = token.lower()
    if word in _verb_forms():
        return True
    return word.isalpha() and len(word) >= 5 and word.endswith("ing") and word not in _ING_NOUNS
