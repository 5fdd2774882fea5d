"""What the benchmarks share: sizes from the environment, a table of figures, a timer.

The benchmarks run as scripts of `scripts/odoo shell`; their run-bench-*.sh put this folder on
PYTHONPATH so that they import it.
"""

import os
import time


def setting(name, default):
    return int(os.environ.get(name, default))


class Table:
    """Rows of figures, printed at the end as one table."""

    def __init__(self):
        self.rows = []

    def add(self, phase, rows, seconds, queries=None, note=""):
        self.rows.append((phase, rows, seconds, queries, note))
        rate = f"{rows / seconds:,.0f}/s" if rows and seconds else "-"
        print(f"  {phase}: {rows or '-'} rows, {seconds:.3f} s, {rate}, {queries or '-'} queries {note}", flush=True)

    def print(self):
        head = ("Phase", "Rows", "Seconds", "Rows/s", "ms/row", "SQL", "Note")
        lines = [
            (
                phase,
                f"{rows:,}" if rows else "-",
                f"{seconds:.3f}",
                f"{rows / seconds:,.0f}" if rows and seconds else "-",
                f"{1000 * seconds / rows:.3f}" if rows else "-",
                f"{queries:,}" if queries is not None else "-",
                note,
            )
            for phase, rows, seconds, queries, note in self.rows
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
        sep = "+".join("-" * (w + 2) for w in widths)
        print(sep)
        for index, line in enumerate([head, *lines]):
            cells = [
                f" {cell:<{w}} " if col in (0, 6) else f" {cell:>{w}} "
                for col, (cell, w) in enumerate(zip(line, widths, strict=True))
            ]
            print("|".join(cells).rstrip())
            if index == 0:
                print(sep)
        print(sep, flush=True)


class Timer:
    """Wall time and SQL queries of a block."""

    def __init__(self, env):
        self.cr = env.cr

    def __enter__(self):
        self.queries = self.cr.sql_log_count
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.queries = self.cr.sql_log_count - self.queries
