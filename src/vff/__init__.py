"""vff: make small language models follow formats, and prove it with code."""

__version__ = "0.1.0"
