"""The rules of rules/ as data: model.py has their types, schemas.py the schema of each file's lines, loader.py
reads and validates the files."""
from .loader import default_rules_dir, load_rules
from .model import (ContentMode, CueClass, DependencyRule, Elision, Origin, Parameters, Pronoun, PronounKind, Role,
                    RuleError, RuleRole, Rules, SieveSetting, WordLists)

__all__ = ["ContentMode", "CueClass", "DependencyRule", "Elision", "Origin", "Parameters", "Pronoun", "PronounKind",
           "Role", "RuleError", "RuleRole", "Rules", "SieveSetting", "WordLists", "default_rules_dir", "load_rules"]
