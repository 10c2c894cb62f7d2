"""The marshmallow schema of one line of each rule file (see rules/README.md for what each field means)."""
from __future__ import annotations

from dataclasses import fields as dataclass_fields

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ..model import Gender, SieveName, SpeakerKind
from .model import ContentMode, CueClass, Parameters, PronounKind, RuleRole, WordLists

GENDERS = [g.value for g in Gender]
_NON_EMPTY = validate.Length(min=1)


class Strict(Schema):
    class Meta:
        unknown = RAISE


class CueSchema(Strict):
    lemma = fields.String(required=True, validate=_NON_EMPTY)
    class_ = fields.String(required=True, data_key="class", validate=validate.OneOf([c.value for c in CueClass]))


class CueVerbSchema(CueSchema):
    # A dialogue verb that tags a line only with one of these after it: "went on", "broke in".
    particles = fields.List(fields.String(validate=_NON_EMPTY), load_default=list)


class TitleSchema(Strict):
    title = fields.String(required=True, validate=_NON_EMPTY)
    gender = fields.String(required=True, allow_none=True, validate=validate.OneOf(GENDERS))


class RoleSchema(Strict):
    noun = fields.String(required=True, validate=_NON_EMPTY)
    kind = fields.String(required=True, validate=validate.OneOf(
        [k.value for k in SpeakerKind if k is not SpeakerKind.UNKNOWN]))


class PronounSchema(Strict):
    pronoun = fields.String(required=True, validate=_NON_EMPTY)
    gender = fields.String(required=True, allow_none=True, validate=validate.OneOf(GENDERS))
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in PronounKind]))


class FirstNameSchema(Strict):
    name = fields.String(required=True, validate=_NON_EMPTY)
    gender = fields.String(required=True, validate=validate.OneOf(GENDERS))


class TriggerSchema(Strict):
    word = fields.String(required=True, validate=_NON_EMPTY)


class PatternSchema(Strict):
    id = fields.String(required=True, validate=_NON_EMPTY)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in RuleRole]))
    confidence = fields.Float(required=True, validate=validate.Range(0.0, 1.0))
    mode = fields.String(load_default=ContentMode.SUBTREE.value, validate=validate.OneOf([m.value for m in ContentMode]))
    relative_source = fields.Boolean(load_default=True)
    pattern = fields.List(fields.Dict(), required=True, validate=validate.Length(min=2))


class SieveSchema(Strict):
    sieve = fields.String(required=True, validate=validate.OneOf([s.value for s in SieveName]))
    confidence = fields.Float(required=True, validate=validate.Range(0.0, 1.0, min_inclusive=False))
    description = fields.String(required=True, validate=_NON_EMPTY)


PARAMETER_TYPES: dict[str, str] = {f.name: str(f.type) for f in dataclass_fields(Parameters)}


class ParameterSchema(Strict):
    name = fields.String(required=True, validate=validate.OneOf(sorted(PARAMETER_TYPES)))
    value = fields.Float(required=True, allow_nan=False)
    description = fields.String(required=True, validate=_NON_EMPTY)

    @validates_schema
    def _typed(self, data: dict, **kwargs) -> None:
        name, value = data["name"], data["value"]
        if value < 0:
            raise ValidationError(f"{name} must not be negative", "value")
        if PARAMETER_TYPES[name] == "int" and value != int(value):
            raise ValidationError(f"{name} is a whole number", "value")
        if name.endswith("_factor") and not 0 < value <= 1:
            raise ValidationError(f"{name} is a factor in (0, 1]", "value")


WORD_LISTS = sorted(f.name for f in dataclass_fields(WordLists))


class WordListSchema(Strict):
    list = fields.String(required=True, validate=validate.OneOf(WORD_LISTS))
    words = fields.List(fields.String(validate=_NON_EMPTY), required=True, validate=_NON_EMPTY)
    description = fields.String(required=True, validate=_NON_EMPTY)

    @validates_schema
    def _unique(self, data: dict, **kwargs) -> None:
        seen: set[str] = set()
        for word in data["words"]:
            if word.lower() in seen:
                raise ValidationError(f"{word!r} is listed twice", "words")
            seen.add(word.lower())


class ElisionSchema(Strict):
    elision = fields.String(required=True, validate=validate.Regexp(r"^[a-z]+$", error="lower-case letters only"))
    sentence_start = fields.Boolean(required=True)
    closed = fields.Boolean(load_default=False)
