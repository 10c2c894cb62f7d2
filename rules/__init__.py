"""The rule files (lexicons, dependency patterns, thresholds) as package data: see README.md here."""
