"""Cue words (said, told, according to) with their sources and content, found by the dependency patterns
of rules/dependency_patterns.jsonl: matcher.py runs the patterns, finder.py turns matches into CueMatches."""
