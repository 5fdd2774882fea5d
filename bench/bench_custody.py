"""Benchmark of the custody chain (cks_token_asset), run inside Odoo:

    scripts/odoo shell -d DB < bench/bench_custody.py      (see run-bench-custody.sh)

Loads BENCH_TOKENS devices and BENCH_EVENTS custody events (hashes computed with
the addon's chain core, rows written with COPY), then times:
- the full-chain verification as the daily cron runs it (`_verify_chain`: every row
  streamed from PostgreSQL with COPY and both chains recomputed), in events per second,
  with the default number of processes (two on two cores) and with one;
- the floor: streaming the same rows alone (COPY into a sink that does nothing);
- a naive verification through the ORM, one event record at a time (measured on
  BENCH_NAIVE events and extrapolated, printed as such);
and prints the ratio naive / cron measured in the same run.
"""

import datetime as dt
import io
import os
import random
import time
from types import SimpleNamespace

from odoo.addons.cks_token_asset.lib import custody_chain as chain

TOKENS = int(os.environ.get("BENCH_TOKENS", "100000"))
EVENTS = int(os.environ.get("BENCH_EVENTS", "1000000"))
NAIVE = int(os.environ.get("BENCH_NAIVE", "20000"))
env = env  # noqa: F821, PLW0127 (given by `odoo shell`)
cr = env.cr
rows_out = []


def figure(label, rows, seconds, note=""):
    rate = f"{rows / seconds:,.0f}" if seconds and rows else "-"
    rows_out.append((label, f"{rows:,}" if rows else "-", f"{seconds:.2f}", rate, note))
    print(f"  {label}: {seconds:.2f} s {note}", flush=True)


# ------------------------------------------------------------------ load the data
start = time.perf_counter()
uid = env.ref("base.user_admin").id
cr.execute(
    """
    INSERT INTO cks_token (serial, token_type, condition, state, classification, active,
                           create_uid, write_uid, create_date, write_date)
    SELECT 'BENCH-' || lpad(n::text, 7, '0'), 'usb', 'good', 'assigned', 'Mật', true,
           %s, %s, now() at time zone 'utc', now() at time zone 'utc'
    FROM generate_series(1, %s) n
    RETURNING id, serial
    """,
    [uid, uid, TOKENS],
)
tokens = cr.fetchall()
figure("load: devices (SQL)", TOKENS, time.perf_counter() - start)

rng = random.Random(7)
writer = chain.ChainWriter()
base = dt.datetime(2021, 1, 1)
users = env["res.users"].search([], limit=50).ids
types = ("issued", "assigned", "handover", "location", "stocktake")
buffer = io.StringIO()
start = time.perf_counter()
for index in range(EVENTS):
    token_id, serial = tokens[index % TOKENS] if index < TOKENS else tokens[rng.randrange(TOKENS)]
    sequence, global_sequence = writer.next_sequences(token_id)
    event = {
        "sequence": sequence,
        "global_sequence": global_sequence,
        "token_id": token_id,
        "token_serial": serial,
        "event_type": types[index % len(types)],
        "state_from": "issued" if sequence > 1 else None,
        "state_to": "assigned",
        "actor_id": uid,
        "custodian_from_id": rng.choice(users),
        "custodian_to_id": rng.choice(users),
        "body_id": None,
        "location": "Tủ sắt phòng Văn thư",
        "occurred_at": base + dt.timedelta(seconds=index * 60),
        "reason": "Bàn giao theo Mẫu 14",
        "document_ref": f"{index % 999 + 1}/BB-BG",
    }
    buffer.write(chain.event_line(event, writer.append(event)).decode())  # a COPY line, as stored
hash_seconds = time.perf_counter() - start
buffer.seek(0)
start = time.perf_counter()
cr.copy_expert(
    f"COPY cks_custody_event ({', '.join(chain.EVENT_FIELDS)}, event_hash) FROM STDIN",
    buffer,
)
head = env.ref("cks_token_asset.custody_head_main")
head.write({"last_hash": writer.head_hash, "event_count": writer.head_count})
env.flush_all()
cr.execute("ANALYZE cks_custody_event")
figure("load: events, hashing (chain core)", EVENTS, hash_seconds)
figure("load: events, COPY", EVENTS, time.perf_counter() - start)
cr.commit()

# ------------------------------------------------------------------ measurements
Event = env["cks.custody.event"]

Param = env["ir.config_parameter"].sudo()


def floor():
    count = [0]

    def write(_line):
        count[0] += 1

    start = time.perf_counter()
    cr.execute(chain.SESSION_SQL)
    cr.copy_expert(chain.copy_sql(), SimpleNamespace(write=write))
    return count[0], time.perf_counter() - start


def verify(processes):
    Param.set_param("cks_token_asset.verify_processes", processes)
    cr.commit()  # a transaction that has written nothing may hand slices to workers
    timings = []
    for _attempt in range(3):
        start = time.perf_counter()
        report, problems, _seconds = Event._verify_chain()
        timings.append(time.perf_counter() - start)
        assert report.ok and not problems, (report.first_break_by_token(), problems)
        cr.rollback()
    return report, min(timings)


count, floor_seconds = min((floor() for _ in range(3)), key=lambda pair: pair[1])
figure("floor: stream every row (COPY), no hashing", count, floor_seconds, "best of 3")
report1, single_seconds = verify(1)
figure("verify: whole chain, 1 process", report1.events_checked, single_seconds, "best of 3")
report, cron_seconds = verify(0)
figure(f"verify: whole chain, {report.slices} processes (default)", report.events_checked, cron_seconds, "best of 3")
Param.set_param("cks_token_asset.verify_processes", False)
cr.commit()

# naive: the ORM, one event at a time, recomputing the same hashes
ids = Event.search([], order="global_sequence", limit=NAIVE).ids
env.invalidate_all()
start = time.perf_counter()
prev_token, prev_global = {}, None
for event_id in ids:
    record = Event.browse(event_id)
    values = {name: record[name] for name in chain.EVENT_FIELDS}
    for name in ("token_id", "actor_id", "custodian_from_id", "custodian_to_id", "body_id"):
        values[name] = values[name].id or None
    for name in ("state_from", "state_to", "location", "reason", "document_ref"):
        values[name] = values[name] or None
    event_hash = chain.compute_hash(prev_token.get(values["token_id"]), prev_global, values)
    assert event_hash == record.event_hash
    prev_token[values["token_id"]] = prev_global = event_hash
    env.invalidate_all()
naive_seconds = (time.perf_counter() - start) * EVENTS / len(ids)
figure(f"naive: ORM one record at a time (measured on {len(ids):,})", EVENTS, naive_seconds, "EXTRAPOLATED")

print("\nFigures (2 cores):")
print(f" {'Phase':<52} | {'Rows':>10} | {'Seconds':>8} | {'Rows/s':>10} | Note")
for label, rows, seconds, rate, note in rows_out:
    print(f" {label:<52} | {rows:>10} | {seconds:>8} | {rate:>10} | {note}")
print(
    f"\nVerification: {report.events_checked / cron_seconds:,.0f} events/s with {report.slices} processes, "
    f"{report1.events_checked / single_seconds:,.0f} with one (target 300,000); streaming the rows alone "
    f"{count / floor_seconds:,.0f} rows/s."
)
print(f"Ratio naive ORM verification / cron verification: {naive_seconds / cron_seconds:.1f}x")
