"""quotesvc: quotation attribution for news articles."""
__version__ = "0.1.0"
