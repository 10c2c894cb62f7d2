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
