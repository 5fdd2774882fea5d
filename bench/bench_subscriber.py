"""Benchmark of cks_subscriber at the scale of a province: import, list reads, nightly expiry cron.

Run inside Odoo on a SCRATCH database (it commits a large data set), normally through
``bench/run-bench-subscriber.sh``; by hand::

    scripts/odoo shell -d cks_bench_subscriber --log-level=warn < bench/bench_subscriber.py

Sizes come from the environment (defaults in brackets): BENCH_SUBSCRIBERS [100000],
BENCH_CERTIFICATES [120000, at least BENCH_SUBSCRIBERS], BENCH_BATCH [5000, vals per create()],
BENCH_LOAD [5000, rows of the load() sample], BENCH_LAPSED [10000, certificates past their end
for the cron], BENCH_NAIVE [0 = all lapsed ones; N = time the naive loop on the first N and extrapolate],
BENCH_REPEAT [5, runs of each list read], BENCH_DIAG [1, the diagnostics after the main figures].

Phases:

1. Import: bodies, then subscribers and certificates through ``create()`` with lists of
   BENCH_BATCH vals, as the provincial administrator (not the superuser: access rights and
   record rules are checked), mail tracking and chatter off (context ``tracking_disable``,
   ``mail_create_nolog``, ``mail_notrack``), one commit per batch. Also ``load()`` (what the
   import dialog calls) of BENCH_LOAD subscribers, extrapolated and rolled back.
2. List read: ``search_read`` of one page of 80 certificates (body child_of a department
   with several units, valid, valid_to within 90 days), plus ``search_count`` for the pager,
   as an officer of that department (record rules apply) and as the admin.
3. Nightly cron ``_cron_expire()`` over BENCH_LAPSED certificates pushed past their end
   date, against a naive loop (one certificate at a time) over the same set, reset by a
   rollback between the runs.
"""

import hashlib
import os
import random
import statistics
import time
from datetime import timedelta

from benchlib import Table, Timer, setting

from odoo import Command, fields
from odoo.tools import SQL

from odoo.addons.cks_subscriber.lib.cccd import validate_cccd

SEED = 185
NO_MAIL = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
ISSUERS = (
    "CN=CA phục vụ các cơ quan Nhà nước G2,O=Ban Cơ yếu Chính phủ,C=VN",
    "CN=CA phục vụ các cơ quan Đảng G2,O=Ban Cơ yếu Chính phủ,C=VN",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quang", "Ngọc", "Xuân", "Thu")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Tâm")
POSITIONS = ("Chuyên viên", "Phó Trưởng phòng", "Trưởng phòng", "Phó Giám đốc", "Giám đốc", "Văn thư", "Kế toán")
DEPARTMENTS = (
    "Sở Thông tin và Truyền thông",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Tài nguyên và Môi trường",
    "Sở Công Thương",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Thanh tra tỉnh",
    "Văn phòng UBND tỉnh",
    "UBND thành phố Hà Tĩnh",
    "UBND thị xã Hồng Lĩnh",
    "UBND thị xã Kỳ Anh",
    "UBND huyện Cẩm Xuyên",
    "UBND huyện Thạch Hà",
    "UBND huyện Đức Thọ",
    "UBND huyện Hương Sơn",
)
UNITS_PER_DEPARTMENT = 8
LIST_FIELDS = [
    "subscriber_id",
    "kind",
    "body_id",
    "serial",
    "valid_to",
    "state",
    "activity_ids",
    "activity_state",
    "activity_user_id",
    "activity_summary",
]


def make_cccd(index):
    """A valid, unique 12-digit number: Hà Tĩnh (042), born 1950-1999, sequence = index."""
    number = f"042{index % 2}{50 + index % 50:02d}{index:06d}"
    return validate_cccd(number)


# ----------------------------------------------------------------------------- data
def create_bodies(env):
    Body = env["cks.body"]
    province = Body.create(
        {"name": "UBND tỉnh Hà Tĩnh", "level": "province", "has_legal_personality": True, "code": "HT"}
    )
    departments = Body.create(
        [
            {"name": name, "level": "department", "parent_id": province.id, "has_legal_personality": True}
            for name in DEPARTMENTS
        ]
    )
    units = Body.create(
        [
            {
                "name": f"Đơn vị {n + 1} - {dept.name}",
                "level": "unit",
                "parent_id": dept.id,
                "has_legal_personality": True,
            }
            for dept in departments
            for n in range(UNITS_PER_DEPARTMENT)
        ]
    )
    return province, departments, units


def subscriber_vals(index, body, rng):
    roll = rng.random()
    if roll < 0.93:
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {index}"
        return {
            "name": name,
            "kind": "individual",
            "body_id": body.id,
            "cccd": make_cccd(index),
            "position": rng.choice(POSITIONS),
            "email": f"tb{index}@hatinh.gov.vn",
            "mobile": f"09{index:08d}",
        }
    if roll < 0.97:
        return {"name": f"Tổ chức {index} - {body.name}", "kind": "organization", "body_id": body.id}
    return {"name": f"Máy chủ ký số {index}", "kind": "device", "body_id": body.id}


def certificate_vals(number, subscriber_id, name, body_name, now, rng, *, previous=False):
    serial = f"54{number:014X}"
    issuer = ISSUERS[number % 2]
    renewal = not previous and rng.random() < 0.1
    years = 3 if renewal else 5
    if previous:  # the older, already expired certificate of a renewed subscriber
        valid_to = now - timedelta(days=rng.randint(1, 3 * 365), seconds=rng.randint(0, 86399))
        valid_from = valid_to - timedelta(days=5 * 365)
    else:  # the current one, started 1 day to 'years' years ago
        valid_from = now - timedelta(days=rng.randint(1, years * 365 - 1), seconds=rng.randint(0, 86399))
        valid_to = valid_from + timedelta(days=years * 365)
    return {
        "subscriber_id": subscriber_id,
        "serial": serial,
        "issuer": issuer,
        "issuer_cn": issuer.split(",")[0][3:],
        "subject": f"CN={name},O={body_name},C=VN",
        "subject_cn": name,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "key_usage": "digitalSignature, nonRepudiation",
        "fingerprint_sha256": hashlib.sha256(f"{issuer}/{serial}".encode()).hexdigest(),
        "issue_type": "renewal" if renewal else "new",
        "renewal_count": 1 if renewal else 0,
    }


def import_in_batches(env, model, vals_list, batch):
    """create() in batches, committing each (the commit runs the flush and the pre-commit hooks)."""
    ids = []
    with Timer(env) as timer:
        for start in range(0, len(vals_list), batch):
            ids += model.create(vals_list[start : start + batch]).ids
            env.cr.commit()
            env.invalidate_all()
    return ids, timer


# ----------------------------------------------------------------------------- phases
def phase_import(env, table, cfg):
    print("1. Import (create() in batches, mail tracking/chatter disabled by context)", flush=True)
    rng = random.Random(SEED)
    admin = env.ref("base.user_admin")
    aenv = env(user=admin.id, su=False, context=dict(env.context, **NO_MAIL))
    with Timer(env) as timer:
        _province, departments, units = create_bodies(aenv)
        env.cr.commit()
    bodies = [*departments, *units]
    table.add("import: bodies (1 province, departments, units)", len(bodies) + 1, timer.seconds, timer.queries)

    rng_bodies = [rng.choice(bodies) for _ in range(cfg["subscribers"] + cfg["load"])]
    sub_vals = [subscriber_vals(i, rng_bodies[i], rng) for i in range(cfg["subscribers"])]
    sub_ids, timer = import_in_batches(env, aenv["cks.subscriber"], sub_vals, cfg["batch"])
    table.add(f"import: subscribers, create() x{cfg['batch']}", len(sub_ids), timer.seconds, timer.queries, "as admin")

    now = fields.Datetime.now()
    renewed = set(rng.sample(range(len(sub_ids)), cfg["certificates"] - len(sub_ids)))
    cert_vals = []
    for i, sub_id in enumerate(sub_ids):
        args = (sub_id, sub_vals[i]["name"], rng_bodies[i].name, now, rng)
        cert_vals.append(certificate_vals(len(cert_vals), *args))
        if i in renewed:
            cert_vals.append(certificate_vals(len(cert_vals), *args, previous=True))
    rng.shuffle(cert_vals)
    cert_ids, timer = import_in_batches(env, aenv["cks.certificate"], cert_vals, cfg["batch"])
    table.add(
        f"import: certificates, create() x{cfg['batch']}", len(cert_ids), timer.seconds, timer.queries, "as admin"
    )
    total_rows = len(sub_ids) + len(cert_ids)
    total_seconds = table.rows[-1][2] + table.rows[-2][2]
    table.add("import: subscribers + certificates", total_rows, total_seconds, table.rows[-1][3] + table.rows[-2][3])

    # load(): what the import dialog calls, one row per line of the file, the body given by name
    names = {b.id: b.complete_name for b in aenv["cks.body"].browse([b.id for b in bodies])}
    load_fields = ["name", "kind", "body_id", "cccd", "position", "email", "mobile"]
    rows = []
    for i in range(cfg["subscribers"], cfg["subscribers"] + cfg["load"]):
        vals = subscriber_vals(i, rng_bodies[i], rng)
        rows.append([vals.get(f) or "" for f in load_fields[:2]] + [names[vals["body_id"]]])
        rows[-1] += [vals.get(f) or "" for f in load_fields[3:]]
    lenv = aenv(context=dict(aenv.context, import_file=True))
    with Timer(env) as timer:
        result = lenv["cks.subscriber"].load(load_fields, rows)
        env.cr.flush()
    errors = [m for m in result["messages"] if m.get("type") == "error"]
    if errors or len(result["ids"] or []) != len(rows):
        raise RuntimeError(f"load() failed: {errors[:3]}")
    env.cr.rollback()
    table.add(f"import: subscribers, one load() of {len(rows)}", len(rows), timer.seconds, timer.queries, "rolled back")
    factor = cfg["subscribers"] / len(rows)
    table.add(
        f"import: subscribers via load(), extrapolated x{factor:g}",
        cfg["subscribers"],
        timer.seconds * factor,
        round(timer.queries * factor),
        "EXTRAPOLATED",
    )

    # the statistics a production database would have (autovacuum): plans as in real life
    env.cr.execute("ANALYZE cks_body, cks_subscriber, cks_certificate")
    env.cr.commit()
    print("  (ANALYZE run on cks_body, cks_subscriber, cks_certificate after the import)", flush=True)
    return departments


def phase_list(env, table, cfg, departments):
    print("2. Certificate list: search_read(limit=80) + search_count", flush=True)
    Cert = env["cks.certificate"]
    Body = env["cks.body"]
    # the department with the most certificates: a department and its units
    counts = dict(Cert._read_group([], ["body_id"], ["__count"]))
    dept = max(departments, key=lambda d: sum(n for b, n in counts.items() if b.parent_path.startswith(d.parent_path)))
    units = Body.search_count([("parent_id", "=", dept.id)])
    officer = (
        env["res.users"]
        .with_context(no_reset_password=True, **NO_MAIL)
        .create(
            {
                "name": "Cán bộ đầu mối (bench)",
                "login": "bench_officer",
                "email": "bench_officer@hatinh.gov.vn",
                "group_ids": [Command.set([env.ref("cks_subscriber.group_cks_officer").id])],
                "cks_body_id": dept.id,
            }
        )
    )
    admin = env.ref("base.user_admin")
    env.cr.commit()
    assert not officer.has_group("cks_subscriber.group_cks_admin")

    now = fields.Datetime.now()
    domain = [
        ("body_id", "child_of", dept.id),
        ("state", "=", "valid"),
        ("valid_to", ">=", now),
        ("valid_to", "<=", now + timedelta(days=90)),
    ]
    print(f"  body filter: {dept.complete_name} (id {dept.id}) with {units} units; domain {domain}", flush=True)
    seen = {}
    for label, user in (("officer", officer), ("admin", admin)):
        model = env(user=user.id, su=False)["cks.certificate"]
        reads, count_times, first = [], [], None
        for run in range(cfg["repeat"] + 1):
            env.invalidate_all()
            with Timer(env) as t_read:
                records = model.search_read(domain, LIST_FIELDS, limit=80)
            with Timer(env) as t_count:
                total = model.search_count(domain)
            if run == 0:
                first = (t_read, t_count)
            else:
                reads.append((t_read.seconds, t_read.queries))
                count_times.append((t_count.seconds, t_count.queries))
        seen[label] = (len(records), total, model.search_count([]))
        note = f"{label}; median of {cfg['repeat']} (cold ORM cache each)"
        med_read = statistics.median(s for s, _ in reads)
        med_count = statistics.median(s for s, _ in count_times)
        table.add(f"list ({label}): search_read 80 of {total}", len(records), med_read, reads[0][1], note)
        table.add(f"list ({label}): search_count (pager)", None, med_count, count_times[0][1], note)
        table.add(
            f"list ({label}): first call, read + count",
            len(records),
            first[0].seconds + first[1].seconds,
            first[0].queries + first[1].queries,
            "first call after the import (rule caches cold)",
        )
        # what the web client really sends: web_search_read (search_fetch + web_read + count)
        spec = {name: {} for name in LIST_FIELDS}
        for name in ("subscriber_id", "body_id", "activity_user_id"):
            spec[name] = {"fields": {"display_name": {}}}
        times = []
        for _run in range(cfg["repeat"]):
            env.invalidate_all()
            with Timer(env) as t_web:
                model.web_search_read(domain, spec, limit=80, count_limit=10001)
            times.append((t_web.seconds, t_web.queries))
        table.add(
            f"list ({label}): web_search_read 80 + count",
            len(records),
            statistics.median(s for s, _ in times),
            times[0][1],
            note,
        )
    if seen["officer"][:2] != seen["admin"][:2] or seen["officer"][2] >= seen["admin"][2]:
        raise RuntimeError(f"record rules do not behave as expected: {seen}")
    print(
        f"  check: the officer sees {seen['officer'][2]:,} of {seen['admin'][2]:,} certificates (record rule); "
        f"filtered: {seen['officer'][1]} rows for both users",
        flush=True,
    )


def lapse(env, cfg):
    """Push BENCH_LAPSED valid certificates past their end date (as if time had passed), commit."""
    now = fields.Datetime.now()
    env.cr.execute("SELECT id FROM cks_certificate WHERE state = 'valid' ORDER BY id")
    ids = [row[0] for row in env.cr.fetchall()]
    ids = sorted(random.Random(SEED + 1).sample(ids, cfg["lapsed"]))
    env.cr.execute(
        """
        UPDATE cks_certificate c
           SET valid_to = t.v, valid_from = t.v - interval '1000 days'
          FROM (SELECT id, %s::timestamp - interval '1 minute' - random() * interval '47 hours' AS v
                  FROM unnest(%s::int[]) AS id) t
         WHERE c.id = t.id
        """,
        [now, ids],
    )
    env.cr.commit()
    env.invalidate_all()
    return ids


def count_lapsed(env):
    now = fields.Datetime.now()
    return env["cks.certificate"].search_count([("state", "in", ("valid", "suspended")), ("valid_to", "<", now)])


def run_cron(env, context=None):
    """_cron_expire() as the cron would run it (superuser), flushed with its tracking messages."""
    model = env["cks.certificate"].with_context(**(context or {}))
    with Timer(env) as timer:
        model._cron_expire()
        env.cr.flush()  # writes and the pre-commit hooks (mail tracking messages)
    left = count_lapsed(env)
    env.cr.execute("SELECT count(*) FROM mail_message WHERE model = 'cks.certificate'")
    messages = env.cr.fetchone()[0]
    env.cr.rollback()  # back to the committed data set: every lapsed certificate valid again
    return timer, left, messages


def run_naive(env, ids, context=None):
    """One certificate at a time: browse, check the date, expire it alone."""
    Cert = env["cks.certificate"].with_context(**(context or {}))
    reason = env._("Validity period ended")
    now = fields.Datetime.now()
    done = 0
    with Timer(env) as timer:
        for cert_id in ids:
            cert = Cert.browse(cert_id)
            if cert.valid_to < now and cert.state in ("valid", "suspended"):
                cert._transition("expire", reason=reason)
                done += 1
        env.cr.flush()
    env.cr.rollback()
    return timer, done


def phase_cron(env, table, cfg):
    print(f"3. Nightly cron _cron_expire() over {cfg['lapsed']:,} lapsed certificates", flush=True)
    ids = lapse(env, cfg)
    assert count_lapsed(env) == len(ids)
    crons = []
    for attempt in (1, 2):
        timer, left, messages = run_cron(env)
        if left:
            raise RuntimeError(f"_cron_expire left {left} lapsed certificates")
        crons.append(timer)
        table.add(f"cron: _cron_expire() run {attempt}", len(ids), timer.seconds, timer.queries, "")
        if attempt == 1:
            print(f"  ({messages:,} mail.message rows on certificates after the cron: tracking of 'state')")
            naive_ids = ids if not cfg["naive"] else ids[: cfg["naive"]]
            naive, done = run_naive(env, naive_ids)
            if done != len(naive_ids):
                raise RuntimeError(f"naive loop expired {done} of {len(naive_ids)}")
            table.add("naive: browse/check/_transition one by one", done, naive.seconds, naive.queries, "measured")
    cron_seconds = statistics.mean(t.seconds for t in crons)
    factor = len(ids) / len(naive_ids)
    naive_full = naive.seconds * factor
    if factor != 1:
        table.add(
            f"naive: extrapolated x{factor:g} to {len(ids):,}",
            len(ids),
            naive_full,
            round(naive.queries * factor),
            f"EXTRAPOLATED from {len(naive_ids):,}",
        )
    ratio = naive_full / cron_seconds
    print(
        f"  ratio naive/cron: {ratio:.1f}x ({naive_full:.1f} s{' extrapolated' if factor != 1 else ''} / "
        f"{cron_seconds:.1f} s, mean of the 2 cron runs)",
        flush=True,
    )
    return ids, ratio, naive_ids


def phase_diagnostics(env, table, cfg, naive_ids):
    """Where the time goes; every change is rolled back."""
    print("4. Diagnostics (rolled back)", flush=True)
    # (a) the duplicate check of cks.certificate.create(): one SELECT per vals
    rng = random.Random(SEED + 2)
    now = fields.Datetime.now()
    sub = env["cks.subscriber"].search([], limit=1)
    vals_list = [
        certificate_vals(10_000_000 + n, sub.id, sub.name, sub.body_id.name, now, rng) for n in range(cfg["batch"])
    ]
    env.invalidate_all()
    with Timer(env) as timer:
        env["cks.certificate"]._check_duplicate(vals_list)
    table.add("diag: _check_duplicate() of one create() batch", len(vals_list), timer.seconds, timer.queries)
    share = timer.seconds * cfg["certificates"] / len(vals_list)
    table.add(
        f"diag: _check_duplicate() share of the {cfg['certificates']:,} import",
        cfg["certificates"],
        share,
        round(timer.queries * cfg["certificates"] / len(vals_list)),
        "EXTRAPOLATED",
    )
    # (b) the same cron without mail tracking: how much of it is the per-record tracking message
    timer, left, _messages = run_cron(env, {"tracking_disable": True})
    assert not left
    table.add("diag: _cron_expire() with tracking_disable", cfg["lapsed"], timer.seconds, timer.queries)
    timer, done = run_naive(env, naive_ids, {"tracking_disable": True})
    assert done == len(naive_ids)
    table.add("diag: naive loop with tracking_disable", done, timer.seconds, timer.queries)
    # (c) the other nightly cron: expiry reminders (one activity per certificate)
    in_window = env["cks.certificate"].search_count(
        [("state", "=", "valid"), ("valid_to", ">", now), ("valid_to", "<=", now + timedelta(days=90))]
    )
    env.invalidate_all()
    with Timer(env) as timer:
        env["cks.certificate"]._cron_expiry_reminders()
        env.cr.flush()
    env.cr.rollback()
    table.add("diag: _cron_expiry_reminders() (first night)", in_window, timer.seconds, timer.queries)
    # (d) plan of the officer's list query
    officer = env["res.users"].search([("login", "=", "bench_officer")])
    model = env(user=officer.id, su=False)["cks.certificate"]
    domain = [
        ("body_id", "child_of", officer.cks_body_id.id),
        ("state", "=", "valid"),
        ("valid_to", ">=", now),
        ("valid_to", "<=", now + timedelta(days=90)),
    ]
    query = model._search(domain, limit=80, order=model._order)
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query.select()))
    print("  plan of the officer's page query:")
    for (line,) in env.cr.fetchall():
        print(f"    {line}")
    env.cr.rollback()


def main(env):
    cfg = {
        "subscribers": setting("BENCH_SUBSCRIBERS", 100_000),
        "certificates": setting("BENCH_CERTIFICATES", 120_000),
        "batch": setting("BENCH_BATCH", 5_000),
        "load": setting("BENCH_LOAD", 5_000),
        "lapsed": setting("BENCH_LAPSED", 10_000),
        "naive": setting("BENCH_NAIVE", 0),
        "repeat": setting("BENCH_REPEAT", 5),
        "diag": setting("BENCH_DIAG", 1),
    }
    if cfg["certificates"] < cfg["subscribers"]:
        raise SystemExit("BENCH_CERTIFICATES must be at least BENCH_SUBSCRIBERS")
    if env["cks.subscriber"].search_count([], limit=1):
        raise SystemExit(f"database {env.cr.dbname} already holds subscribers: use a fresh scratch database")
    print(f"cks_subscriber bench on {env.cr.dbname}: {cfg}", flush=True)
    table = Table()
    start = time.perf_counter()
    departments = phase_import(env, table, cfg)
    phase_list(env, table, cfg, departments)
    _ids, ratio, naive_ids = phase_cron(env, table, cfg)
    if cfg["diag"]:
        phase_diagnostics(env, table, cfg, naive_ids)
    print()
    print(f"Figures ({os.cpu_count()} CPUs, database {env.cr.dbname}, total {time.perf_counter() - start:.0f} s):")
    table.print()
    naive_how = (
        f"naive loop measured on {len(naive_ids):,} and EXTRAPOLATED to {cfg['lapsed']:,}"
        if len(naive_ids) != cfg["lapsed"]
        else f"naive loop measured on all {cfg['lapsed']:,}"
    )
    print(f"Ratio naive per-record loop / _cron_expire(): {ratio:.1f}x ({naive_how})")
    print("Mail tracking and chatter were disabled for the import (tracking_disable, mail_create_nolog, mail_notrack);")
    print(
        "the naive loop writes with chatter tracking, as an ordinary write() does; the cron itself writes no",
        "chatter message per expiry (see the 'naive loop without tracking' line for batching alone).",
        flush=True,
    )


if __name__ == "__main__":
    main(globals()["env"])
