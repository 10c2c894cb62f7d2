"""The domain types every stage shares. Serialisation happens only at the edge (schemas.py)."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal, Protocol, Sequence, TypeVar, get_args

import numpy

InputFormat = Literal["text", "html"]
INPUT_FORMATS: tuple[str, ...] = get_args(InputFormat)

E = TypeVar("E", bound=Enum)


def require_member(value: object, kind: type[E], what: str) -> E:
    """`value` itself if it is a member of `kind`, else TypeError.

    The enums are str subclasses and the code compares members with `is`, so a plain string that equals a
    member's value ("auto") would pass every type check and then match no branch: the edges (schemas, CLI)
    convert, the core refuses."""
    if isinstance(value, kind):
        return value
    raise TypeError(f"{what} must be a {kind.__name__} member, not {value!r}"
                    f" (convert at the edge: {kind.__name__}(value))")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range [start, end) into one text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"impossible span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def of(self, text: str) -> str:
        return text[self.start:self.end]


class LayoutChoice(str, Enum):
    """How a client asks plain text to be read into paragraphs (options.layout)."""

    AUTO = "auto"  # decided per document from the text's shape
    LINES = "lines"  # every non-blank line is a paragraph
    BLOCKS = "blocks"  # wrapped lines are joined; blank lines, indents and bullets separate paragraphs


class Layout(str, Enum):
    """How the paragraphs of one document were read (the answer's meta.layout)."""

    LINES = "lines"
    BLOCKS = "blocks"
    HTML = "html"  # the HTML's block elements


@dataclass(frozen=True, slots=True)
class Paragraph:
    index: int
    span: Span
    # Where the paragraph came from in the input: an element path such as "div#articleText > p:nth-of-type(3)"
    # for HTML, or the line numbers ("line 3", "lines 3-6") for plain text.
    source: str


class OffsetMap:
    """Maps offsets in a derived text back to offsets in the text the client sent.

    Built from anchor pairs (derived_offset, source_offset); offsets between anchors are mapped
    by their distance from the preceding anchor, clamped to the next anchor, so a repaired
    character (mojibake "â€™" -> "’") maps to its whole source run.
    """

    __slots__ = ("_derived", "_source", "source_length")

    def __init__(self, anchors: Sequence[tuple[int, int]], source_length: int) -> None:
        if not anchors or anchors[0] != (0, 0):
            raise ValueError("an offset map must start at (0, 0)")
        self._derived = [a for a, _ in anchors]
        self._source = [b for _, b in anchors]
        for i in range(1, len(anchors)):
            if self._derived[i] < self._derived[i - 1] or self._source[i] < self._source[i - 1]:
                raise ValueError("offset map anchors must not decrease")
        self.source_length = source_length

    def to_source(self, offset: int) -> int:
        i = bisect_right(self._derived, offset) - 1
        mapped = self._source[i] + (offset - self._derived[i])
        upper = self._source[i + 1] if i + 1 < len(self._source) else self.source_length
        return min(mapped, upper)

    def span_to_source(self, span: Span) -> Span:
        return Span(*self.range_to_source(span.start, span.end))

    def range_to_source(self, start: int, end: int) -> tuple[int, int]:
        """span_to_source on [start, end) given as two offsets (0 <= start <= end), without making Spans: an
        HTML page maps thousands of points through several maps each."""
        mapped_start = self.to_source(start)
        mapped_end = self.to_source(end)
        # An end that falls inside a repaired run must cover the whole run.
        i = bisect_right(self._derived, end - 1) - 1 if end > start else None
        if i is not None and i + 1 < len(self._derived) and self._derived[i + 1] == end:
            mapped_end = self._source[i + 1]
        return mapped_start, max(mapped_start, mapped_end)

    def ranges_to_source(self, starts: numpy.ndarray, ends: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
        """range_to_source on many ranges at once (int64 arrays, 0 <= start <= end): the thousands of quotes
        of an HTML page are placed in one pass of array operations rather than a few calls each."""
        derived = numpy.asarray(self._derived, dtype=numpy.int64)
        source = numpy.asarray(self._source, dtype=numpy.int64)
        upper = numpy.append(source[1:], self.source_length)  # where each anchor's run ends in the source
        last = len(derived) - 1

        def to_source(offsets: numpy.ndarray) -> numpy.ndarray:
            i = numpy.searchsorted(derived, offsets, side="right") - 1  # never -1: the first anchor is (0, 0)
            return numpy.minimum(source[i] + (offsets - derived[i]), upper[i])

        mapped_start, mapped_end = to_source(starts), to_source(ends)
        # An end that falls inside a repaired run must cover the whole run.
        nonempty = ends > starts
        following = numpy.searchsorted(derived, ends - 1, side="right")  # i + 1 of range_to_source
        inside = nonempty & (following <= last)
        following = numpy.minimum(following, last)
        inside &= derived[following] == ends
        mapped_end = numpy.where(inside, source[following], mapped_end)
        return mapped_start, numpy.maximum(mapped_start, mapped_end)


@dataclass(frozen=True, slots=True)
class XPathPoint:
    """A point in a browser's DOM: an element by XPath and a character offset into its text content."""

    container: str  # e.g. "/html[1]/body[1]/div[1]/p[3]"
    offset: int  # characters (code points) of the element's text content before the point


@dataclass(frozen=True, slots=True)
class Selectors:
    """A span's place in an HTML document as W3C Web Annotation selectors: a RangeSelector (`start`, `end`)
    and a TextQuoteSelector (`exact` with its `prefix` and `suffix` in the document's text)."""

    start: XPathPoint
    end: XPathPoint
    exact: str
    prefix: str
    suffix: str


class HtmlMap(Protocol):
    """Places spans of an HTML article's extracted text in the HTML as sent (intake/places.py)."""

    def span(self, span: Span) -> Span | None: ...

    def selectors(self, span: Span) -> Selectors | None: ...

    def place(self, span: Span) -> tuple[Span | None, Selectors | None]: ...

    def spans(self, spans: Sequence[Span]) -> list[Span | None]: ...

    def places(self, spans: Sequence[Span]) -> list[tuple[Span | None, Selectors | None]]: ...


@dataclass(frozen=True, slots=True)
class SourceText:
    """The plain text the NLP stages read, with its paragraphs.

    `origin` is None when `text` is exactly what the client sent (offsets need no mapping);
    otherwise it maps offsets in `text` back to the sent text (plain-text input whose
    mojibake was repaired, or whose wrapped lines were joined: each line break inside a
    paragraph reads as one space). HTML input has no origin: its answer returns `text` itself.
    """

    text: str
    paragraphs: tuple[Paragraph, ...]
    fmt: InputFormat
    layout: Layout
    origin: OffsetMap | None = None
    html: HtmlMap | None = None  # HTML input: where each span of `text` is in the HTML as sent


class QuoteKind(str, Enum):
    DIRECT = "direct"  # the content is all inside quotation marks
    MIXED = "mixed"  # reported speech that contains a verbatim quoted fragment
    INDIRECT = "indirect"  # reported speech with no marks


class SpeakerKind(str, Enum):
    PERSON = "person"
    ORGANIZATION = "organization"
    GROUP = "group"
    UNKNOWN = "unknown"


class Gender(str, Enum):
    """What titles, first names and pronouns tell of a person, so that "she" does not go to a man."""

    MALE = "male"
    FEMALE = "female"


class SieveName(str, Enum):
    """The attribution sieves, named as a quote's `rule` reports them (rules/sieves.jsonl gives their
    confidences; quotesvc/core/sieves/order.py their order). Indirect and mixed quotes report instead
    the ids of their content and source patterns, "ccomp/subject"."""

    SPEAKER_LABEL = "speaker-label"
    CUE_IN_SENTENCE = "cue-in-sentence"
    DIALOGUE_TAG = "dialogue-tag"
    DASH_CREDIT = "dash-credit"
    COLON_INTRODUCER = "colon-introducer"
    CONTINUATION = "continuation"
    PARAGRAPH_CUE = "paragraph-cue"
    ACTION_BEAT = "action-beat"
    ADDRESSEE = "addressee"
    TURN_TAKING = "turn-taking"
    SINGLE_CANDIDATE = "single-candidate"
    UNATTRIBUTED = "unattributed"


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    """Text between paired quotation marks, possibly running over several paragraphs."""

    content: Span  # without the enclosing marks
    open_mark: Span
    close_mark: Span | None  # None when the quote was never closed (ends at its paragraph's end)
    paragraphs: tuple[int, ...]  # indices of the paragraphs it covers, in order


@dataclass(frozen=True, slots=True)
class Mention:
    span: Span
    text: str
    html: Span | None = None  # HTML input: offsets into the HTML as sent


@dataclass(frozen=True, slots=True)
class Cue:
    span: Span
    text: str
    lemma: str
    html: Span | None = None  # HTML input: offsets into the HTML as sent


@dataclass(slots=True)
class Speaker:
    """One person or body, every mention of it merged."""

    id: str
    name: str | None
    kind: SpeakerKind
    titles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class SpeakerRef:
    """The speaker of one quote: the local mention it rests on and the entity it resolves to."""

    name: str | None
    mention: Mention
    entity: str | None
    kind: SpeakerKind


@dataclass(slots=True)
class Quote:
    id: str
    span: Span
    text: str
    kind: QuoteKind
    speaker: SpeakerRef | None
    cue: Cue | None
    confidence: float
    rule: str  # a SieveName's value, or "<content>/<source>": the ids of a report's two patterns
    html: Span | None = None  # HTML input: offsets into the HTML as sent
    selectors: Selectors | None = None  # HTML input: its place as W3C Web Annotation selectors

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class Options:
    indirect: bool = True
    include_text: bool = False
    min_confidence: float = 0.0
    layout: LayoutChoice = LayoutChoice.AUTO

    def __post_init__(self) -> None:
        require_member(self.layout, LayoutChoice, "Options.layout")


@dataclass(frozen=True, slots=True)
class Article:
    """One document as a client sent it."""

    content: str
    fmt: InputFormat
    id: str | None = None
    options: Options = Options()

    def __post_init__(self) -> None:
        if self.fmt not in INPUT_FORMATS:
            raise ValueError(f"Article.fmt must be one of {INPUT_FORMATS}, not {self.fmt!r}")
        if not isinstance(self.options, Options):
            raise TypeError(f"Article.options must be Options, not {self.options!r}")


@dataclass(slots=True)
class Attribution:
    """The whole answer for one article, before serialisation."""

    id: str | None
    text: str | None  # the text offsets index into, when it is to be returned
    quotes: list[Quote]
    speakers: list[Speaker]
    pipeline: str
    pipeline_version: str
    elapsed_ms: float
    layout: Layout
