"""Attribution sieves: which quotes there are, and who said each.

order.py lists the sieves in the order they run and runs them; context.py has what they read (one Context
per document) and answer; transcripts.py, direct.py, dialogue.py and filters.py hold the sieves of quoted
spans, reported.py the indirect and mixed quotes of reported speech.
"""
from .context import Draft, ReportRule
from .order import QUOTE_SIEVES, attribute

__all__ = ["QUOTE_SIEVES", "Draft", "ReportRule", "attribute"]
