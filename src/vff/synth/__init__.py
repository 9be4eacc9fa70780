"""vff synth: verified training data from fresh prompts, without labels or an LLM judge.

Prompts come from vff-core's generator, in the training task space only, decontaminated
against every test set vff ships (:mod:`vff.synth.prompts`). A model answers each prompt
``K`` times; every response is verified; passing responses become SFT data, passes paired
with failures become preference data, and verified fixes of failures become
self-correction data (:mod:`vff.synth.records`). Output is appended prompt by prompt and
resumes exactly (:mod:`vff.synth.output`); generation runs in process or on Ray
(:mod:`vff.synth.engine`).
"""

from vff.synth.engine import SynthConfig, SynthError, synth
from vff.synth.records import validate_pair, validate_repair, validate_sft

__all__ = [
    "SynthConfig",
    "SynthError",
    "synth",
    "validate_pair",
    "validate_repair",
    "validate_sft",
]
