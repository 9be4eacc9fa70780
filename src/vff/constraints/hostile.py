"""Hostile responses of about 1 MB: the inputs every check must answer in bounded time.

Each stresses one kind of work a check may do: bracket or JSON nesting, one huge line or
word run, many lines, Markdown nesting, dots and sentences (sentence splitting), ``*``
(loose variants), lone surrogates and NUL, YAML aliases, tables and CSV. vff's registry
tests check every constraint type on them, and ``benchmarks/check_speed.py`` times them;
use them to test a new constraint type the same way.
"""

from __future__ import annotations

#: Name -> response text.
INPUTS: dict[str, str] = {
    "deep_brackets": "[" * 500_000 + "]" * 500_000,
    "deep_braces": '{"a":' * 200_000 + "1" + "}" * 200_000,
    "one_long_line": "a" * 1_000_000,
    "long_words": "word " * 200_000,
    "many_lines": "- item\n" * 140_000,
    "markdown_nesting": ">" * 1_000_000,
    "dots": ". " * 500_000,
    "sentences": "This is a sentence. " * 50_000,
    "stars": "*" * 1_000_000,
    "surrogates_nul": "\ud800\x00\udfff" * 300_000,
    "yaml_aliases": "a: &a [x, x]\n"
    + "".join(f"b{i}: &b{i} [*{'a' if i == 0 else f'b{i - 1}'}]\n" for i in range(50)),
    "table": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 100_000,
    "csv": "a,b,c\n" + "1,2,3\n" * 160_000,
}
