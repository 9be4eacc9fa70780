"""Length constraints: words, sentences, paragraphs, lines and characters, each with a
bound (at least / at most / exactly / between)."""

from __future__ import annotations

from vff.constraints import text
from vff.constraints.base import Bounded, ConstraintType, Verdict, failed
from vff.constraints.registry import register


class _Length(ConstraintType[Bounded]):
    params_model = Bounded
    unit: str

    def template_values(self, params: Bounded) -> dict[str, str]:
        return {"bound": params.phrase(self.unit)}

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
        "Your response should contain {bound}.",
        "Use {bound} in your answer.",
        "Keep the length of your reply to {bound}.",
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
        "Your response should contain {bound}.",
        "Write {bound}.",
        "Answer in {bound}.",
    )

    def check(self, response: str, params: Bounded) -> Verdict:
        limit = _stop_after(params)
        try:
            count = text.count_sentences(response, stop_after=limit)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        if count > limit:
            return params.verdict_more_than(limit, self.unit)
        return params.verdict(count, self.unit)


@register
class Paragraphs(_Length):
    id = "length:paragraphs"
    example = {"relation": "exactly", "n": 3}
    summary = "Number of paragraphs (blocks separated by blank lines)."
    unit = "paragraphs"
    phrasings = (
        "Your response should have {bound}, separated by blank lines.",
        "Write {bound}; put an empty line between paragraphs.",
        "Structure the answer as {bound} separated by a blank line.",
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
        "Your response should be {bound} long (blank lines do not count).",
        "Write {bound}, not counting empty lines.",
        "Answer in {bound} of text.",
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
        "Your response should be {bound} long, counting spaces.",
        "Use {bound} in total (spaces and line breaks count).",
        "Keep the response to {bound}, whitespace included.",
    )

    def measure(self, response: str, params: Bounded) -> int:
        return len(response)
