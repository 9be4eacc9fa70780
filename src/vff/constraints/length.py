"""Length constraints: words, sentences, paragraphs, lines and characters, each with a
bound (at least / at most / exactly / between)."""

from __future__ import annotations

from vff.constraints import text
from vff.constraints.base import Bounded, ConstraintType, Verdict
from vff.constraints.registry import register


class _Length(ConstraintType[Bounded]):
    params_model = Bounded
    unit: str

    def template_values(self, params: Bounded) -> dict[str, str]:
        return {"bound": params.phrase(), "unit": self.unit}

    def measure(self, response: str, params: Bounded) -> int:
        raise NotImplementedError

    def check(self, response: str, params: Bounded) -> Verdict:
        return params.verdict(self.measure(response, params), self.unit)


def _stop_after(params: Bounded) -> int:
    """Counting past this number cannot change the verdict."""
    return params.upper if params.upper is not None else params.n


@register
class Words(_Length):
    id = "length:words"
    example = {"relation": "at most", "n": 50}
    summary = "Number of words (runs of letters, digits or underscores)."
    unit = "words"
    phrasings = (
        "Your response should contain {bound} words.",
        "Use {bound} words in your answer.",
        "Keep the length of your reply to {bound} words.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return text.count_words(response)


@register
class Sentences(_Length):
    id = "length:sentences"
    example = {"relation": "between", "n": 2, "upper": 4}
    summary = "Number of sentences (NLTK Punkt, English)."
    unit = "sentences"
    phrasings = (
        "Your response should contain {bound} sentences.",
        "Write {bound} sentences.",
        "Answer in {bound} sentences.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return text.count_sentences(response, stop_after=_stop_after(params))

    def check(self, response: str, params: Bounded) -> Verdict:
        count = self.measure(response, params)
        verdict = params.verdict(count, self.unit)
        if count > _stop_after(params) and not verdict.ok:
            return Verdict(False, f"expected {params.phrase()} sentences, found more than {_stop_after(params)}")
        return verdict


@register
class Paragraphs(_Length):
    id = "length:paragraphs"
    example = {"relation": "exactly", "n": 3}
    summary = "Number of paragraphs (blocks separated by blank lines)."
    unit = "paragraphs"
    phrasings = (
        "Your response should have {bound} paragraphs, separated by blank lines.",
        "Write {bound} paragraphs; put an empty line between paragraphs.",
        "Structure the answer as {bound} paragraphs separated by a blank line.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return len(text.paragraphs(response))


@register
class Lines(_Length):
    id = "length:lines"
    example = {"relation": "at least", "n": 5}
    summary = "Number of non-blank lines."
    unit = "lines"
    phrasings = (
        "Your response should be {bound} lines long (blank lines do not count).",
        "Write {bound} non-empty lines.",
        "Answer in {bound} lines of text.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return len(text.nonblank_lines(response))


@register
class Characters(_Length):
    id = "length:characters"
    example = {"relation": "at most", "n": 280}
    summary = "Number of characters, including spaces and newlines."
    unit = "characters"
    phrasings = (
        "Your response should be {bound} characters long, counting spaces.",
        "Use {bound} characters in total (spaces and line breaks count).",
        "Keep the response to {bound} characters, whitespace included.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return len(response)
