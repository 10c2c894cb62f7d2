"""The archive backfill: `quotesvc backfill INPUT... --output DIR` attributes millions of articles on Ray
and writes Parquet tables of articles, quotes and speakers, resumable shard by shard.

Modules, in the order the job uses them: inputs.py (files and shards), planning.py (the plan and the
duplicate ids), records.py (checking one record), worker.py (a shard through the Attributor), tables.py
(the rows and schemas), manifest.py (the output folder and what is complete), progress.py (the bar and
the summary), runner.py (Ray). Needs the `backfill` extra: pip install 'quotesvc[backfill]'.
"""
from .runner import BackfillConfig, BackfillError, run

__all__ = ["BackfillConfig", "BackfillError", "run"]
