"""Samples: a prompt plus the constraints its response must follow, as data."""

from vff.suite.samples import Sample, load_samples, sample_from_record

__all__ = ["Sample", "load_samples", "sample_from_record"]
