"""Texts written for the tests that more than one test module reads."""

# The hard-wrapped example of issue 9: a quote over three lines whose cue is on the fourth, then an
# indirect quote over two lines.
WRAPPED_EXAMPLE = (
    '"We will not stop until the last\n'
    'bridge is rebuilt and the ferries\n'
    'run again," the mayor, Ana Ruiz,\n'
    'said on Monday.\n'
    '\n'
    'She added that the city\n'
    'would borrow the money.\n')

# A harbour, its master and the ferry line: a reported quote, a direct quote split by its cue, a colon
# introducer; as text and as HTML.
PIER_TEXT = (
    "The harbour master, Ines Okafor, said the new pier would open in May.\n"
    "\u201cWe have waited ten years for this,\u201d Okafor said on Tuesday. \u201cThe boats are ready.\u201d\n"
    'A spokesman for the ferry line told reporters: "Timetables will change in spring."\n'
)
PIER_HTML = (
    "<html><head><title>Pier opens</title></head><body><article>"
    "<h1>New pier to open in May</h1>"
    "<p>The harbour master, Ines Okafor, said the new pier would open in May.</p>"
    "<p>&ldquo;We have waited ten years for this,&rdquo; Okafor said on Tuesday.</p>"
    '<p>A spokesman for the ferry line told reporters: "Timetables will change in spring."</p>'
    "</article></body></html>"
)
COUNCIL_TEXT = ("Mayor Lena Ortiz told the council that the budget was balanced.\n"
                "\u201cWe will not raise taxes,\u201d she said.\n")


