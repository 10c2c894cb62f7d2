"""The rules of rules/ as data: model.py has their types, loader.py reads and validates the files."""
from .loader import default_rules_dir, load_rules
from .model import GENDERS, CueClass, DependencyRule, Origin, Pronoun, Role, RuleError, Rules

__all__ = ["GENDERS", "CueClass", "DependencyRule", "Origin", "Pronoun", "Role", "RuleError", "Rules",
           "default_rules_dir", "load_rules"]
