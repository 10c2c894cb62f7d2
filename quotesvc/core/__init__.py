"""The NLP core: pure functions and types, no web framework, no environment, no I/O beyond loading.

The stages, in the order quotesvc.core.attributor.Attributor runs them:
intake (HTML or text -> paragraphs) -> nlp (tokenize and parse) -> quotemarks (paired quotation marks)
-> cues (speech verbs with their sources and contents) -> sieves (who said each quote) -> speakers
(mentions resolved to people) -> the Attribution answer (quotesvc.core.model).
"""
