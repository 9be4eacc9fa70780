"""Response language, detected with langdetect, deterministically.

Detection runs on ``langdetect-rs``, a port of langdetect 1.0.9 that reproduces its
results bit for bit (same random walk, same floating-point operations) about 40 times
faster, with langdetect's own language profiles.

langdetect draws random samples of a text's n-grams; unseeded, the same text can get a
different answer on another call. Here every call builds a fresh detector from one
private factory whose seed is 0, so each detection replays the same random sequence: the
same text gives the same language in every call and every process (this equals langdetect
with ``DetectorFactory.seed = 0``, which reproduces IFEval's golden verdicts). The
language profiles are read once, on first use, in sorted file order.

:func:`detect_language` never raises; a text with nothing to detect from (no letters)
gives :data:`UNDETECTABLE`.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import field_validator

from vff.constraints.base import ConstraintType, Params, Verdict, failed, passed
from vff.constraints.registry import register

if TYPE_CHECKING:
    from langdetect_rs import DetectorFactory

#: What :func:`detect_language` returns when the text has no features to detect from.
UNDETECTABLE = ""

#: The languages langdetect knows (its profile names), with English names.
LANGUAGES: dict[str, str] = {
    "af": "Afrikaans",
    "ar": "Arabic",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "gu": "Gujarati",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "kn": "Kannada",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "ne": "Nepali",
    "nl": "Dutch",
    "no": "Norwegian",
    "pa": "Punjabi",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "so": "Somali",
    "sq": "Albanian",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "tl": "Tagalog",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "vi": "Vietnamese",
    "zh-cn": "Chinese (Simplified)",
    "zh-tw": "Chinese (Traditional)",
}

_SEED = 0
_lock = threading.Lock()
_factory_instance: DetectorFactory | None = None


def _factory() -> DetectorFactory:
    """The private, seeded detector factory; profiles are loaded on the first call."""
    global _factory_instance
    if _factory_instance is None:
        with _lock:
            if _factory_instance is None:
                import langdetect
                from langdetect_rs import DetectorFactory

                profile_dir = Path(langdetect.__file__).parent / "profiles"
                profiles = [
                    path.read_text(encoding="utf-8")
                    for path in sorted(profile_dir.iterdir())
                    if path.is_file() and not path.name.startswith(".")
                ]
                factory = DetectorFactory()
                factory.load_json_profile(profiles)
                factory.set_seed(_SEED)  # an instance attribute: the global default stays
                _factory_instance = factory
    return _factory_instance


# langdetect reads only the first ``max_text_length`` characters of a text after removing
# URLs and e-mail addresses and normalising Vietnamese diacritics. For long texts, the
# helpers below compute exactly that prefix without running langdetect's e-mail pattern
# over the whole text (it costs about 0.3 s per megabyte of letters).
_FAST_PATH_CHARS = 100_000
_CHUNK = 65_536
_SPACES = re.compile(" {2,}")


def _sub_prefix(pattern: re.Pattern[str], text: str, need: int, reach: int) -> str:
    """A prefix of ``pattern.sub(" ", text)`` that is exact for at least ``need``
    characters (or the whole result when shorter). ``reach`` bounds how far past its
    start an attempt of ``pattern`` can look (the pattern has no anchors or lookbehind),
    so matches starting ``reach`` characters before a chunk's end are final."""
    out: list[str] = []
    produced = 0
    pos = 0
    n = len(text)
    while pos < n and produced < need:
        end = min(n, pos + _CHUNK)
        settled = n if end == n else end - reach
        last = pos
        for match in pattern.finditer(text, pos, end):
            if match.start() >= settled:
                break
            out.append(text[last : match.start()])
            out.append(" ")
            produced += match.start() - last + 1
            last = match.end()
        resume = max(last, settled)
        out.append(text[last:resume])
        produced += resume - last
        pos = resume
    return "".join(out)


def _detector_text(text: str, max_chars: int) -> str:
    """The text a langdetect detector holds after ``append(text)`` on a fresh detector."""
    from langdetect_rs.detector import Detector
    from langdetect_rs.utils.ngram import NGram

    cleaned = Detector.URL_RE.sub(" ", text)
    # The e-mail pattern spans at most 64 + 1 + 255 + 255 characters.
    cleaned = _sub_prefix(Detector.MAIL_RE, cleaned, 2 * max_chars + 2, 64 + 1 + 255 + 255 + 2)
    # Vietnamese normalisation turns two characters into one, at most: the first
    # ``max_chars`` output characters come from the first ``2 * max_chars + 1`` input ones.
    cleaned = NGram.normalize_vi(cleaned[: 2 * max_chars + 2])
    return _SPACES.sub(" ", cleaned[:max_chars])


def _new_detector(text: str, *, fast: bool | None = None) -> Any:
    detector = _factory().create()
    if fast is None:
        fast = len(text) > _FAST_PATH_CHARS
    if fast:
        detector.text = _detector_text(text, detector.max_text_length)
    else:
        detector.append(text)
    return detector


def detect_language(text: str) -> str:
    """The language of ``text`` as a langdetect code ("en", "de", "zh-cn", ...).

    Deterministic (seed 0, fresh detector per call). Returns :data:`UNDETECTABLE` when the
    text has nothing to detect from, and "unknown" when no language is probable enough
    (langdetect's own answer). Never raises.
    """
    from langdetect_rs import LangDetectException

    try:
        return str(_new_detector(text).detect())
    except LangDetectException:
        return UNDETECTABLE


def language_name(code: str) -> str:
    """A code with its language's name, like ``German (de)``; unknown codes are quoted."""
    name = LANGUAGES.get(code)
    return f"{name} ({code})" if name else repr(code)


class LanguageParams(Params):
    language: str

    @field_validator("language")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(
                f"unknown language code {value!r:.40}; use one of {', '.join(LANGUAGES)}"
            )
        return value


@register
class ResponseLanguage(ConstraintType[LanguageParams]):
    """IFEval ``language:response_language``: the whole response is in one language."""

    source = "ifeval"
    id = "language:response_language"
    summary = "The response is in the given language (langdetect, seeded; IFEval semantics)."
    params_model = LanguageParams
    example = {"language": "de"}
    phrasings = (
        "Your ENTIRE response must be written in {language_name}; no other language is allowed.",
        "Respond only in {language_name}. Do not use any other language anywhere in the answer.",
        "Write the whole answer in the {language_name} language and nothing else.",
    )

    def template_values(self, params: LanguageParams) -> dict[str, str]:
        return {"language": params.language, "language_name": LANGUAGES[params.language]}

    def check(self, response: str, params: LanguageParams) -> Verdict:
        detected = detect_language(response)
        if detected == UNDETECTABLE:
            # IFEval treats text langdetect cannot read (no letters) as following.
            return passed("no language detectable in the response (counted as followed)")
        if detected == params.language:
            return passed(f"detected {language_name(detected)}")
        return failed(
            f"expected {language_name(params.language)}, detected {language_name(detected)}"
        )
