"""vff's language detection (langdetect-rs) equals Python langdetect 1.0.9 seeded with 0."""

from __future__ import annotations

import json
from pathlib import Path

from vff.constraints.language import UNDETECTABLE, detect_language

DATA = Path(__file__).resolve().parents[1] / "data" / "ifeval"


def reference_detect(texts: list[str]) -> list[str]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    saved = DetectorFactory.seed
    DetectorFactory.seed = 0
    try:
        out = []
        for t in texts:
            try:
                out.append(detect(t))
            except LangDetectException:
                out.append(UNDETECTABLE)
        return out
    finally:
        DetectorFactory.seed = saved


def test_same_language_as_seeded_python_langdetect() -> None:
    rows = [
        json.loads(line)
        for line in (DATA / "input_response_data_gpt4_20231107_145030.jsonl").open()
    ]
    texts = [r["response"] for r in rows[::6]]  # 91 responses, several languages among them
    texts += ["", "12345 !!!", "Guten Morgen, wie geht es dir heute?", "Bonjour tout le monde"]
    assert [detect_language(t) for t in texts] == reference_detect(texts)
