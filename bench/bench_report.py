"""Benchmark of cks_report at the scale of a province: the half-yearly report, a batch print of forms.

Run inside Odoo on a SCRATCH database (it commits a large data set), normally through
``bench/run-bench-report.sh``; by hand::

    scripts/odoo shell -d bench_rep --log-level=warn --no-http < bench/bench_report.py

Sizes come from the environment (defaults in brackets): BENCH_SUBSCRIBERS [60000],
BENCH_CERTIFICATES [120000], BENCH_REQUESTS [50000], BENCH_TOKENS [3000, devices with custody
events], BENCH_LOOP [0 = the per-record loop over every record; N = over the first N certificates
and N / 2.4 requests, extrapolated, without the check of the figures], BENCH_REPEAT [5, warm runs
of the report], BENCH_FORMS [200, forms in the batch print], BENCH_SEPARATE [20, separate prints
measured and extrapolated to BENCH_FORMS; 0 = all of them], BENCH_DIAG [1].

Phases:

1. Data, fast: bodies through the ORM ``create()`` (1 province, 24 departments of 8 units);
   subscribers of the three kinds, certificates, requests of every type and state, devices and
   their custody events by SQL (``unnest`` of lists made in Python); ``ANALYZE``. The year is the
   last one whose first half is over; validity starts, submissions and results are spread over it
   and the year before.
2. Half-yearly report, province-wide: ``cks.periodic.report._count_figures(1 Jan, 30 Jun, None)``,
   median of BENCH_REPEAT warm runs (after one warm-up, each with an empty record cache); the
   report record's "Compute" action (``action_compute``, as the provincial administrator).
3. Baseline: the same figures counted one record at a time through the ORM: every certificate,
   request and custody event browsed alone (its own prefetch set: one query per record, and one
   per subscriber first met), the conditions of ``_count_figures`` tested in Python, accumulated
   by body. The figures must be equal to the set-based ones, totals and per body.
4. Batch print: the request form (Mẫu 09) of BENCH_FORMS revocation requests submitted, as one
   PDF (``_render_qweb_pdf(report, ids)``: one wkhtmltopdf run, the PDF split into one attachment
   per request, as the report action asks), against separate prints of one request each (the
   attachment of each print is saved too: part of the cost). The forms print self-contained
   (cks_report's ir.actions.report: no stylesheet fetched from the server, no script), so no HTTP
   server is needed in ``odoo shell``.
"""

import cProfile
import datetime as dt
import io
import os
import pstats
import random
import statistics
import time

from benchlib import Table, Timer, setting

from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.pdf import PdfFileReader

from odoo.addons.cks_report.lib import report_xlsx as xlsx
from odoo.addons.cks_report.models.cks_periodic_report import local_midnight_utc

SEED = 1414
NO_MAIL = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
KINDS = (("individual", 85), ("organization", 10), ("device", 5))
# request type: weight, the states it can be in (weights)
DONE_LIKE = {
    "draft": 8,
    "submitted": 8,
    "verified": 4,
    "approved": 4,
    "batched": 3,
    "sent": 8,
    "done": 50,
    "refused": 5,
    "cancelled": 10,
}
REQUEST_TYPES = {
    "new_individual": (25, DONE_LIKE),
    "new_organization": (4, DONE_LIKE),
    "new_device": (4, DONE_LIKE),
    "renewal": (25, DONE_LIKE),
    "change": (10, DONE_LIKE),
    "revocation": (20, DONE_LIKE),
    "restoration": (5, DONE_LIKE),
    "recovery": (7, {"recovering": 15, "received": 10, "done": 65, "cancelled": 10}),
}
NEW_KIND = {"new_individual": "individual", "new_organization": "organization", "new_device": "device"}
GROUNDS = ("job_change", "retirement", "leaving", "key_exposed", "device_lost", "body_request")
EVENT_TYPES = {"recovered": 30, "returned": 25, "lost": 20, "damaged": 15, "compromised": 10}
CERT_ROW = {"revocation": "revoked", "renewal": "renewed", "change": "changed"}
EVENT_KEY = {
    "recovered": "devices_recovered",
    "returned": "devices_returned",
    "lost": "incidents_lost",
    "damaged": "incidents_damaged",
    "compromised": "incidents_compromised",
}


def moment(rng, start, end):
    """A random naive UTC instant (to the second) in [start, end)."""
    return start + dt.timedelta(seconds=rng.randrange(int((end - start).total_seconds())))


def unnest_insert(cr, table, columns, rows, types):
    """INSERT rows (tuples) into table by one unnest of typed arrays; returns the new ids in order."""
    arrays = [list(col) for col in zip(*rows, strict=True)]
    args = ", ".join(f"%s::{kind}[]" for kind in types)
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    cr.execute(
        f"INSERT INTO {table} ({', '.join(columns)}, create_uid, write_uid, create_date, write_date) "
        f"SELECT {names}, 1, 1, now() at time zone 'utc', now() at time zone 'utc' "
        f"FROM unnest({args}) WITH ORDINALITY AS r({names}, n) ORDER BY n RETURNING id",
        arrays,
    )
    return [row[0] for row in cr.fetchall()]


# ----------------------------------------------------------------------------- data
def create_bodies(env):
    Body = env["cks.body"].with_context(**NO_MAIL)
    province = Body.create({"name": "UBND tỉnh Hà Tĩnh", "level": "province", "has_legal_personality": True})
    departments = Body.create(
        [
            {
                "name": f"Sở / huyện {n:02d}",
                "level": "department",
                "parent_id": province.id,
                "has_legal_personality": True,
            }
            for n in range(1, 25)
        ]
    )
    units = Body.create(
        [
            {"name": f"Đơn vị {d:02d}.{u}", "level": "unit", "parent_id": dept.id, "has_legal_personality": True}
            for d, dept in enumerate(departments, 1)
            for u in range(1, 9)
        ]
    )
    return [*departments.ids, *units.ids]


def insert_subscribers(cr, count, body_ids, rng):
    kinds, weights = zip(*KINDS, strict=True)
    rows = []
    for n in range(1, count + 1):
        kind = rng.choices(kinds, weights)[0]
        person = kind == "individual"
        rows.append(
            (
                rng.choice(body_ids),
                f"{'Nguyễn Văn' if person else 'Phòng'} {n:06d}",
                kind,
                "working",
                "Chuyên viên" if person else None,
                f"tb{n:06d}@hatinh.gov.vn",
                f"09{n:08d}" if person else None,
                None if person else f"{n:010d}",
                None if person else f"Số {n % 300 + 1}, đường Trần Phú, TP Hà Tĩnh",
                True,
            )
        )
    columns = ("body_id", "name", "kind", "employment_status", "position", "email", "mobile", "tax_code", "address")
    ids = unnest_insert(cr, "cks_subscriber", (*columns, "active"), rows, (*["int"], *["varchar"] * 8, "bool"))
    return {sid: (row[0], row[2]) for sid, row in zip(ids, rows, strict=True)}


def insert_certificates(cr, count, subscribers, year, rng):
    """count certificates, the first one of each subscriber then more of random subscribers; 75 %
    issued new (25 % renewals); 70 % starting in the year, 30 % in the five years before."""
    sub_ids = list(subscribers)
    first = dt.datetime(year, 1, 1) - dt.timedelta(hours=7)  # the year in the province (UTC+7)
    year_end = dt.datetime(year + 1, 1, 1) - dt.timedelta(hours=7)
    rows = []
    for n in range(count):
        sid = sub_ids[n] if n < len(sub_ids) else rng.choice(sub_ids)
        body, kind = subscribers[sid]
        start = moment(rng, first, year_end) if rng.random() < 0.7 else moment(rng, first.replace(year=year - 5), first)
        issue_type = "new" if rng.random() < 0.75 else "renewal"
        state = "valid" if rng.random() < 0.9 else "revoked"
        rows.append(
            (
                sid,
                body,
                kind,
                f"5403{n:012X}",
                f"5403{n:012X}",
                "CN=CA phục vụ các cơ quan Nhà nước G2, O=Ban Cơ yếu Chính phủ, C=VN",
                issue_type,
                state,
                start,
                start + dt.timedelta(days=3 * 365),
                rng.random() > 0.02,
            )
        )
    columns = ("subscriber_id", "body_id", "kind", "serial", "name", "issuer", "issue_type", "state")
    types = ("int", "int", *["varchar"] * 6, "timestamp", "timestamp", "bool")
    ids = unnest_insert(cr, "cks_certificate", (*columns, "valid_from", "valid_to", "active"), rows, types)
    cert_of = {}
    for cid, row in zip(ids, rows, strict=True):
        cert_of.setdefault(row[0], cid)
    return ids, cert_of


def insert_requests(cr, count, subscribers, cert_of, year, rng):
    by_kind = {}
    for sid, (_body, kind) in subscribers.items():
        by_kind.setdefault(kind, []).append(sid)
    all_subs = list(subscribers)
    types = list(REQUEST_TYPES)
    type_weights = [REQUEST_TYPES[t][0] for t in types]
    since = dt.datetime(year - 1, 7, 1) - dt.timedelta(hours=7)
    until = dt.datetime(year, 11, 30) - dt.timedelta(hours=7)
    rows = []
    for n in range(1, count + 1):
        rtype = rng.choices(types, type_weights)[0]
        states = REQUEST_TYPES[rtype][1]
        state = rng.choices(list(states), list(states.values()))[0]
        sid = rng.choice(by_kind[NEW_KIND[rtype]]) if rtype in NEW_KIND else rng.choice(all_subs)
        body = subscribers[sid][0]
        submitted = None
        if state != "draft" and not (state == "cancelled" and rng.random() < 0.5):
            submitted = moment(rng, since, until)
        result = (
            submitted + dt.timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 23))
            if state
            in (
                "done",
                "refused",
            )
            else None
        )
        rows.append(
            (
                f"{n}/YC-CKS",
                rtype,
                sid,
                body,
                body,
                cert_of.get(sid) if rtype in ("renewal", "change", "revocation", "recovery") else None,
                rng.choice(GROUNDS) if rtype == "revocation" else None,
                "Đổi chức vụ: Trưởng phòng" if rtype == "change" else None,
                "Ký số văn bản trên hệ thống quản lý văn bản" if rtype == "new_device" else None,
                state,
                "escalate" if state == "forwarded" else None,
                submitted,
                result,
                False,
                rng.random() > 0.01,
            )
        )
    columns = (
        "name",
        "request_type",
        "subscriber_id",
        "body_id",
        "holder_body_id",
        "certificate_id",
        "grounds",
        "change_details",
        "purpose",
        "state",
        "route",
        "submitted_at",
        "result_at",
        "effect_applied",
        "active",
    )
    kinds = ("varchar", "varchar", "int", "int", "int", "int", "varchar", "text", "text", "varchar", "varchar")
    kinds += ("timestamp", "timestamp", "bool", "bool")
    return unnest_insert(cr, "cks_request", columns, rows, kinds)


def insert_custody(cr, count, body_ids, year, rng):
    """count devices issued to bodies, each with its "issued" event and, for 40 %, one or two
    events of the report (recovered, returned, lost, damaged, compromised). The events are written
    by SQL with a placeholder hash: the chain is not verified here."""
    rows = [(f"TK-BENCH-{n:06d}", "usb", "good", "issued", "Mật", rng.choice(body_ids), 0, True) for n in range(count)]
    columns = ("serial", "token_type", "condition", "state", "classification", "body_id", "history_length", "active")
    types = ("varchar", "varchar", "varchar", "varchar", "varchar", "int", "int", "bool")
    token_ids = unnest_insert(cr, "cks_token", columns, rows, types)
    cr.execute("SELECT coalesce(max(global_sequence), 0) FROM cks_custody_event")
    global_seq = cr.fetchone()[0]
    since = dt.datetime(year - 1, 1, 1) - dt.timedelta(hours=7)
    until = dt.datetime(year, 11, 30) - dt.timedelta(hours=7)
    types_, weights = list(EVENT_TYPES), list(EVENT_TYPES.values())
    events = []
    for token_id, row in zip(token_ids, rows, strict=True):
        moments = sorted(moment(rng, since, until) for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.15)))
        for seq, when in enumerate(moments, 1):
            global_seq += 1
            kind = "issued" if seq == 1 else rng.choices(types_, weights)[0]
            events.append((global_seq, seq, token_id, row[0], kind, 2, row[5], when, when, "bench-placeholder"))
    columns = ("global_sequence", "sequence", "token_id", "token_serial", "event_type", "actor_id", "body_id")
    columns += ("occurred_at", "recorded_at", "event_hash")
    types = ("int", "int", "int", "varchar", "varchar", "int", "int", "timestamp", "timestamp", "varchar")
    unnest_insert(cr, "cks_custody_event", columns, events, types)
    return len(token_ids), len(events)


def phase_data(env, table, cfg, year):
    print("1. Data (bodies by create(); subscribers, certificates, requests, devices and events by SQL)", flush=True)
    rng = random.Random(SEED)
    cr = env.cr
    with Timer(env) as timer:
        body_ids = create_bodies(env)
        env.cr.commit()
    table.add("data: bodies, create()", len(body_ids) + 1, timer.seconds, timer.queries)
    with Timer(env) as timer:
        subscribers = insert_subscribers(cr, cfg["subscribers"], body_ids, rng)
    table.add("data: subscribers (SQL)", len(subscribers), timer.seconds, timer.queries)
    with Timer(env) as timer:
        cert_ids, cert_of = insert_certificates(cr, cfg["certificates"], subscribers, year, rng)
    table.add("data: certificates (SQL)", len(cert_ids), timer.seconds, timer.queries)
    with Timer(env) as timer:
        request_ids = insert_requests(cr, cfg["requests"], subscribers, cert_of, year, rng)
    table.add("data: requests (SQL)", len(request_ids), timer.seconds, timer.queries)
    with Timer(env) as timer:
        tokens, events = insert_custody(cr, cfg["tokens"], body_ids, year, rng)
        env.cr.commit()
        env.cr.execute("ANALYZE")
    table.add(f"data: {tokens:,} devices + custody events (SQL), ANALYZE", events, timer.seconds, timer.queries)
    env.invalidate_all()
    env.registry.clear_cache()


# ----------------------------------------------------------------------------- the report
def median_run(env, call, repeat):
    """Median of `repeat` warm runs after 1 warm-up, each with an empty record cache."""
    runs = []
    for run in range(repeat + 1):
        env.invalidate_all()
        with Timer(env) as timer:
            result = call()
        if run:
            runs.append((timer.seconds, timer.queries))
    return statistics.median(s for s, _ in runs), runs[0][1], result, [s for s, _ in runs]


def phase_report(env, table, cfg, date_from, date_to):
    print(f"2. Province-wide report: _count_figures({date_from}, {date_to}, body=None)", flush=True)
    Report = env["cks.periodic.report"]
    seconds, queries, figures, runs = median_run(
        env, lambda: Report._count_figures(date_from, date_to, None), cfg["repeat"]
    )
    note = f"median of {cfg['repeat']} warm runs ({min(runs):.3f}-{max(runs):.3f})"
    table.add("report: _count_figures(), province", cfg["certificates"] + cfg["requests"], seconds, queries, note)
    totals = figures["totals"]
    print(f"  figures: {totals}; {len(figures['by_body'])} bodies in the breakdown", flush=True)
    # the report record's Compute button, as the provincial administrator
    admin = env.ref("base.user_admin")
    aenv = env(user=admin.id, su=False, context={"lang": "en_US", "tz": "Asia/Ho_Chi_Minh"})
    report = (
        aenv["cks.periodic.report"]
        .with_context(**NO_MAIL)
        .create({"period_kind": "h1", "year": date_from.year, "body_id": False})
    )
    aenv.flush_all()
    computes = []
    for run in range(3):
        aenv.invalidate_all()
        with Timer(aenv) as timer:
            report.action_compute()
            aenv.flush_all()
        if run:
            computes.append((timer.seconds, timer.queries))
    compute = statistics.median(s for s, _ in computes)
    table.add("report: action_compute() (the button)", None, compute, computes[0][1], "median of 2 warm runs")
    if {key: report[key] for key in xlsx.FIGURE_KEYS} != totals:
        raise AssertionError("action_compute() wrote other figures than _count_figures()")
    env.cr.rollback()
    return figures, seconds


def loop_figures(env, date_from, date_to, limit):
    """The figures of _count_figures, one record at a time (browse alone, test, accumulate)."""
    start, end = local_midnight_utc(date_from), local_midnight_utc(date_to + dt.timedelta(days=1))
    totals = dict.fromkeys(xlsx.FIGURE_KEYS, 0)
    by_body = {}

    def add(body_id, key):
        totals[key] += 1
        figures = by_body.setdefault(body_id or 0, dict.fromkeys(xlsx.FIGURE_KEYS, 0))
        figures[key] += 1

    def add_kind(body_id, row, kind):
        add(body_id, f"{row}_{'ind' if kind == 'individual' else 'org'}")
        if kind == "device":
            add(body_id, f"{row}_dev")

    def all_ids(table, count=None):
        env.cr.execute(SQL("SELECT id FROM %s ORDER BY id LIMIT %s", SQL.identifier(table), count))
        return [row[0] for row in env.cr.fetchall()]

    senv = env(su=True, context={"active_test": False})
    counts = {}
    cert_ids = all_ids("cks_certificate", limit or None)
    request_ids = all_ids("cks_request", round(limit / 2.4) if limit else None)
    event_ids = all_ids("cks_custody_event", round(limit / 20) if limit else None)
    with Timer(env) as timer:
        Certificate = senv["cks.certificate"]
        for cid in cert_ids:
            cert = Certificate.browse(cid)
            if cert.issue_type == "new" and start <= cert.valid_from < end:
                add_kind(cert.body_id.id, "new", cert.kind)
        Request = senv["cks.request"]
        for rid in request_ids:
            request = Request.browse(rid)
            rtype, state = request.request_type, request.state
            if (
                rtype in ("revocation", "renewal")
                and state != "cancelled"
                and request.submitted_at
                and start <= request.submitted_at < end
            ) or (rtype == "change" and state == "done" and request.result_at and start <= request.result_at < end):
                add_kind(request.body_id.id, CERT_ROW[rtype], request.subscriber_id.kind)
        Event = senv["cks.custody.event"]
        for eid in event_ids:
            event = Event.browse(eid)
            if event.event_type in EVENT_KEY and start <= event.occurred_at < end:
                add(event.body_id.id, EVENT_KEY[event.event_type])
    counts = {"certificates": len(cert_ids), "requests": len(request_ids), "events": len(event_ids)}
    env.invalidate_all()
    return {"totals": totals, "by_body": by_body}, timer, counts


def phase_baseline(env, table, cfg, date_from, date_to, figures, report_seconds):
    limit = cfg["loop"]
    what = "every record" if not limit else f"the first {limit:,} certificates"
    print(f"3. Baseline: the same figures one record at a time through the ORM, on {what}", flush=True)
    looped, timer, counts = loop_figures(env, date_from, date_to, limit)
    rows = sum(counts.values())
    note = ", ".join(f"{n:,} {what}" for what, n in counts.items())
    table.add("baseline: browse one record at a time", rows, timer.seconds, timer.queries, note)
    env.cr.execute(
        "SELECT (SELECT count(*) FROM cks_certificate) + (SELECT count(*) FROM cks_request)"
        " + (SELECT count(*) FROM cks_custody_event)"
    )
    everything = env.cr.fetchone()[0]
    seconds = timer.seconds
    if limit:
        factor = everything / rows
        seconds *= factor
        table.add(
            f"baseline: extrapolated x{factor:.2f}",
            everything,
            seconds,
            round(timer.queries * factor),
            f"EXTRAPOLATED from {rows:,}",
        )
        print("  (a sample: the figures are not compared)")
    else:
        if looped != figures:
            diff = {k: (v, figures["totals"][k]) for k, v in looped["totals"].items() if v != figures["totals"][k]}
            raise AssertionError(f"the per-record loop and _count_figures() disagree: {diff or 'by body'}")
        print(
            f"  check: the per-record loop gives the same figures as _count_figures(), totals and "
            f"{len(figures['by_body'])} bodies",
            flush=True,
        )
    ratio = seconds / report_seconds
    print(f"  ratio loop/report: {ratio:.1f}x ({seconds:.1f} s / {report_seconds:.3f} s)", flush=True)
    return ratio, seconds


# ----------------------------------------------------------------------------- printing
def pages(pdf):
    return len(PdfFileReader(io.BytesIO(pdf)).pages)


def attachments(env, ids):
    env.cr.execute(
        "SELECT count(*) FROM ir_attachment WHERE res_model = 'cks.request' AND res_id = ANY(%s)", [list(ids)]
    )
    return env.cr.fetchone()[0]


def print_once(env, report, ref, ids):
    env.invalidate_all()
    with Timer(env) as timer:
        pdf, _ = report._render_qweb_pdf(ref, ids)
    env.cr.rollback()
    return timer, pdf


def phase_print(env, table, cfg):
    count = cfg["forms"]
    print(f"4. Batch print: Mẫu 09 of {count} revocation requests as one PDF, against separate prints", flush=True)
    env.cr.execute(
        "SELECT id FROM cks_request WHERE request_type = 'revocation' AND state = 'submitted' AND active"
        " AND certificate_id IS NOT NULL AND grounds IS NOT NULL ORDER BY id LIMIT %s",
        [count + 1],
    )
    ids = [row[0] for row in env.cr.fetchall()]
    if len(ids) <= count:
        raise RuntimeError(f"only {len(ids)} submitted revocation requests")
    ids, spare = ids[:count], ids[count:]
    admin = env.ref("base.user_admin")
    penv = env(user=admin.id, su=False, context={"lang": "en_US", "tz": "Asia/Ho_Chi_Minh"})
    Report = penv["ir.actions.report"].with_context(force_report_rendering=True)
    ref = "cks_report.action_report_request_form"
    # warm-up on a request outside the set, committed: templates compiled
    Report._render_qweb_pdf(ref, spare)
    env.cr.commit()
    one, pdf = print_once(penv, Report, ref, ids[-1:])
    print(f"  one print: {one.seconds:.2f} s ({pages(pdf)} page, {len(pdf):,} bytes)", flush=True)
    return (*measure_print(env, penv, Report, ref, table, cfg, ids), one.seconds, ids)


def measure_print(env, penv, Report, ref, table, cfg, ids):
    count = len(ids)
    # the Python and QWeb parts of the batch, apart
    penv.invalidate_all()
    with Timer(penv) as build:
        penv["report.cks_report.report_request_form"]._get_report_values(ids)
    penv.invalidate_all()
    with Timer(penv) as html:
        Report._render_qweb_html(ref, ids)
    env.cr.rollback()

    penv.invalidate_all()
    failed = None
    with Timer(penv) as batch:
        try:
            pdf, _ = Report._render_qweb_pdf(ref, ids)
            penv.flush_all()
        except UserError as error:  # Odoo refuses several documents for an unpatched wkhtmltopdf
            failed, pdf = str(error), None
    saved = attachments(env, ids)
    batch_pages = pages(pdf) if pdf else 0
    env.cr.rollback()
    note = f"one PDF, {batch_pages} pages, {saved} attachments saved" if pdf else f"FAILED: {failed}"
    table.add(f"print: {count} forms in one PDF", count, batch.seconds, batch.queries, note)
    table.add(f"print: of which the {count} forms' data (_cks_form)", count, build.seconds, build.queries)
    table.add(f"print: of which QWeb HTML of {count} forms", count, html.seconds, html.queries, "data included")

    sample = ids[: cfg["separate"] or count]
    penv.invalidate_all()
    with Timer(penv) as separate:
        for rid in sample:
            Report._render_qweb_pdf(ref, [rid])
        penv.flush_all()
    saved_alone = attachments(env, sample)
    env.cr.rollback()
    table.add(
        "print: one form per print",
        len(sample),
        separate.seconds,
        separate.queries,
        f"{len(sample)} prints, {saved_alone} attachments saved",
    )
    factor = count / len(sample)
    separate_seconds = separate.seconds * factor
    if factor != 1:
        table.add(
            f"print: {count} separate prints, extrapolated x{factor:g}",
            count,
            separate_seconds,
            round(separate.queries * factor),
            f"EXTRAPOLATED from {len(sample)}",
        )
    if failed:
        print(f"  the batch print failed: {failed}", flush=True)
        return 0.0, batch.seconds
    if batch_pages != count or saved != count or saved_alone != len(sample):
        raise AssertionError(f"{batch_pages} pages, {saved} / {saved_alone} attachments for {count} forms")
    ratio = separate_seconds / batch.seconds
    print(f"  ratio separate/batch: {ratio:.1f}x ({separate_seconds:.1f} s / {batch.seconds:.2f} s)", flush=True)
    return ratio, batch.seconds


def phase_diagnostics(env, date_from, date_to):
    print("5. Diagnostics", flush=True)
    Report = env["cks.periodic.report"]
    env.invalidate_all()
    profile = cProfile.Profile()
    profile.enable()
    Report._count_figures(date_from, date_to, None)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(12)
    print("  profile of _count_figures() (cumulative, top 12):")
    print("\n".join(f"    {line}" for line in out.getvalue().splitlines() if line.strip()))


def main(env):
    cfg = {
        "subscribers": setting("BENCH_SUBSCRIBERS", 60_000),
        "certificates": setting("BENCH_CERTIFICATES", 120_000),
        "requests": setting("BENCH_REQUESTS", 50_000),
        "tokens": setting("BENCH_TOKENS", 3000),
        "loop": setting("BENCH_LOOP", 0),
        "repeat": setting("BENCH_REPEAT", 5),
        "forms": setting("BENCH_FORMS", 200),
        "separate": setting("BENCH_SEPARATE", 20),
        "diag": setting("BENCH_DIAG", 1),
    }
    if not env.cr.dbname.startswith("bench_rep"):
        raise SystemExit(f"database {env.cr.dbname}: the bench runs on a scratch database named bench_rep*")
    if env["cks.body"].search_count([], limit=1) or env["cks.certificate"].search_count([], limit=1):
        raise SystemExit(f"database {env.cr.dbname} already holds bodies or certificates: use a fresh scratch database")
    today = env["cks.province.profile"]._cks_today()
    year = today.year if today.month > 6 else today.year - 1
    date_from, date_to = dt.date(year, 1, 1), dt.date(year, 6, 30)
    print(f"cks_report bench on {env.cr.dbname}, first half of {year}: {cfg}", flush=True)
    table = Table()
    start = time.perf_counter()
    phase_data(env, table, cfg, year)
    figures, report_seconds = phase_report(env, table, cfg, date_from, date_to)
    ratio, loop_seconds = phase_baseline(env, table, cfg, date_from, date_to, figures, report_seconds)
    print_ratio, batch_seconds, one_seconds, _ids = phase_print(env, table, cfg)
    if cfg["diag"]:
        phase_diagnostics(env, date_from, date_to)
    print()
    print(f"Figures ({os.cpu_count()} CPUs, database {env.cr.dbname}, total {time.perf_counter() - start:.0f} s):")
    table.print()
    met = {True: "met", False: "MISSED"}
    print(
        f"Province-wide report (H1 {year}): {report_seconds:.3f} s (target < 10 s: {met[report_seconds < 10]}); "
        f"per-record loop {loop_seconds:.1f} s{' (extrapolated)' if cfg['loop'] else ''}; "
        f"ratio {ratio:.1f}x (target >= 20x: {met[ratio >= 20]})."
    )
    print(
        f"Batch print: {cfg['forms']} forms in one PDF {batch_seconds:.2f} s; one print alone {one_seconds:.2f} s; "
        f"ratio separate/batch {print_ratio:.1f}x (target >= 5x: {met[print_ratio >= 5]}).",
        flush=True,
    )


if __name__ == "__main__":
    main(globals()["env"])
