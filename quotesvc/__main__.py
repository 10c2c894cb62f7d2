"""python -m quotesvc: the same as the `quotesvc` command."""
from .cli import main

raise SystemExit(main())
