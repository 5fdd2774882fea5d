"""Benchmark of the custody chain (cks_token_asset), run inside Odoo:

    scripts/odoo shell -d DB < bench/bench_custody.py      (see run-bench-custody.sh)

Loads BENCH_TOKENS devices and BENCH_EVENTS custody events (hashes computed with the addon's
chain core, rows written with COPY; each device's record of its history and the head set to
match), then times, best of 3 each:
- the floor: streaming the chain alone (COPY into a sink that does nothing);
- the verification, in one process: reading the devices' records (one SELECT), then
  `custody_chain.verify_cursor` (every row streamed with COPY, every hash recomputed, the
  chain's ends compared with the records and the head);
- a naive verification through the ORM, one event record at a time (measured on BENCH_NAIVE
  events and extrapolated, printed as such).
Figures on a shared machine drift: read the verification against the floor of the same run.
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
        "recorded_at": base + dt.timedelta(seconds=index * 60),
    }
    buffer.write(chain.event_line(event, writer.append(event)).decode())  # a COPY line, as stored
hash_seconds = time.perf_counter() - start
buffer.seek(0)
start = time.perf_counter()
cr.copy_expert(f"COPY cks_custody_event ({', '.join(chain.EVENT_FIELDS)}, event_hash) FROM STDIN", buffer)
# each device's record of its history and the head, as the model keeps them with every event
# (the columns are added here if this checkout's model does not have them yet)
cr.execute("ALTER TABLE cks_token ADD COLUMN IF NOT EXISTS history_length integer")
cr.execute("ALTER TABLE cks_token ADD COLUMN IF NOT EXISTS history_hash varchar")
cr.execute("CREATE TEMP TABLE bench_history (id integer, length integer, hash varchar) ON COMMIT DROP")
records = "".join(f"{token_id}\t{length}\t{last_hash}\n" for token_id, (length, last_hash) in writer.tokens.items())
cr.copy_expert("COPY bench_history FROM STDIN", io.StringIO(records))
cr.execute(
    "UPDATE cks_token t SET history_length = h.length, history_hash = h.hash FROM bench_history h WHERE h.id = t.id"
)
cr.execute("UPDATE cks_custody_head SET event_count = %s, last_hash = %s", [writer.head_count, writer.head_hash])
figure("load: events, hashing (chain core)", EVENTS, hash_seconds)
figure("load: events, COPY, device records", EVENTS, time.perf_counter() - start)
cr.commit()
env.invalidate_all()
# as autovacuum would have done long before a verification: without it the first reads of the
# new rows write their hint bits, and autovacuum may start in the middle of the measurements
cr._cnx.autocommit = True
cr.execute("VACUUM ANALYZE cks_custody_event")
cr.execute("VACUUM ANALYZE cks_token")
cr._cnx.autocommit = False


# ------------------------------------------------------------------ measurements
def floor():
    count = [0]

    def write(_line):
        count[0] += 1

    start = time.perf_counter()
    cr.execute(chain.SESSION_SQL)
    cr.copy_expert(chain.copy_sql(), SimpleNamespace(write=write))
    cr.rollback()
    return count[0], time.perf_counter() - start


def verify():
    """What the verification does: the devices' records and the head, then one pass."""
    start = time.perf_counter()
    cr.execute("SELECT id, history_length, history_hash FROM cks_token")
    devices = {token_id: (length or 0, last_hash) for token_id, length, last_hash in cr.fetchall()}
    cr.execute("SELECT event_count, last_hash FROM cks_custody_head")
    head = cr.fetchone()
    report = chain.verify_cursor(cr, devices=devices, head=head)
    seconds = time.perf_counter() - start
    assert report.ok and report.events_checked == EVENTS, report.summary()
    cr.rollback()
    return report, seconds


rounds = [(floor(), verify()) for _ in range(3)]  # in turns, so that both see the machine alike
count, floor_seconds = min((pair[0] for pair in rounds), key=lambda pair: pair[1])
figure("floor: stream every row (COPY), no hashing", count, floor_seconds, "best of 3")
report, verify_seconds = min((pair[1] for pair in rounds), key=lambda pair: pair[1])
figure("verify: whole chain, devices and head, 1 process", report.events_checked, verify_seconds, "best of 3")

# naive: the ORM, one event at a time, recomputing the same hashes
Event = env["cks.custody.event"]
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

print(f"\nFigures ({os.cpu_count()} cores):")
print(f" {'Phase':<52} | {'Rows':>10} | {'Seconds':>8} | {'Rows/s':>10} | Note")
for label, rows, seconds, rate, note in rows_out:
    print(f" {label:<52} | {rows:>10} | {seconds:>8} | {rate:>10} | {note}")
print(
    f"\nVerification: {report.events_checked / verify_seconds:,.0f} events/s in one process (target 300,000), "
    f"{verify_seconds / floor_seconds:.2f}x the time of streaming the rows alone "
    f"({count / floor_seconds:,.0f} rows/s)."
)
print(f"Ratio naive ORM verification / verification: {naive_seconds / verify_seconds:.1f}x")
