"""Benchmark of cks_request at the scale of a province: the nightly deadlines, the officer's list page.

Run inside Odoo on a SCRATCH database (it commits a large data set), normally through
``bench/run-bench-request.sh``; by hand::

    scripts/odoo shell -d bench_req --log-level=warn --no-http < bench/bench_request.py

Sizes come from the environment (defaults in brackets): BENCH_BODIES [2000, 1 province, departments
of BENCH_UNITS units each], BENCH_UNITS [20], BENCH_SUBSCRIBERS [20000], BENCH_REQUESTS [50000,
all open], BENCH_LATE_PCT [10, % of requests whose step started 15-120 days ago], BENCH_STALE_PCT
[100, % of stored deadlines computed without the calendar, as if its holidays had been edited],
BENCH_SAMPLE [2000, requests of the per-request baseline], BENCH_REPEAT [20, warm runs of the
list page], BENCH_DIAG [1, plans and profile after the figures].

Phases:

1. Data, fast: bodies, officers and subscribers through the ORM ``create()`` in batches (mail
   tracking off), requests and their step activities by SQL; ``ANALYZE``. Every open request has
   its "next step" activity; requests past their deadline were flagged (with their "overdue"
   activity) on an earlier night for half of them, the other half is flagged tonight.
2. Nightly job: ``cks.request._cron_deadlines()`` as the cron runs it (superuser): every open
   deadline recomputed from the calendar (stale here: rewritten), the newly overdue steps flagged
   and given an activity; flushed, then rolled back. Twice, plus its two halves and a quiet night.
3. Baseline: the same deadlines one request at a time with Odoo's own calendar
   (``resource.calendar.plan_days``, see ``addons/cks_request/tests/test_working_days.py``) and a
   ``write()`` when it changed, on BENCH_SAMPLE requests, extrapolated to every open request; the
   deadlines it computes must be those the nightly job wrote.
4. Officer's list page: ``web_search_read`` of cks.request with the list view's fields, the
   default filter "Open", 80 rows in the model's order (what the web client sends), then
   ``search_count``; as an officer of a department with its units (record rules apply). Median of
   BENCH_REPEAT warm runs after 2 warm-ups, each with an empty record cache as in a new request.
"""

import cProfile
import io
import os
import pstats
import random
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as day_time

import pytz
from benchlib import Table, Timer, setting

from odoo import Command
from odoo.tools import SQL

from odoo.addons.cks_request.models.cks_request import CLOSED_STATES, OPEN_STATES
from odoo.addons.cks_subscriber.lib import flow

SEED = 185
NO_MAIL = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
ONE_DAY = timedelta(days=1)
# state of an open request: weight, request types it can have
STATES = {
    "draft": (15, None),
    "submitted": (25, None),
    "verified": (15, None),
    "approved": (10, None),
    "forwarded": (5, None),
    "batched": (5, None),
    "sent": (15, None),
    "recovering": (7, ("recovery",)),
    "received": (3, ("recovery",)),
}
TYPES = ("new_individual", "new_organization", "new_device", "renewal", "change", "revocation", "restoration")
TYPE_WEIGHTS = (30, 5, 5, 25, 10, 20, 5)
STEP_LABELS = {
    "draft": "Check and submit",
    "submitted": "Verify",
    "verified": "Approve",
    "approved": "Put in a letter to the CA",
    "forwarded": "Send on",
    "batched": "Send the letter to the CA",
    "sent": "Record the CA's result",
    "recovering": "Recover the device",
    "received": "Hand the device back to the CA",
}
# the list view cks_request.cks_request_view_list, as the web client asks for it (getFieldsSpec):
# its fields (optional hidden columns too), many2ones with their display_name, the one2many of the
# list_activity widget without subfields, and that widget's field dependencies
M2O = {"fields": {"display_name": {}}}
LIST_SPEC = {
    "name": {},
    "request_type": {},
    "form_pair": {},
    "subscriber_id": M2O,
    "body_id": M2O,
    "holder_body_id": M2O,
    "certificate_id": M2O,
    "token_id": M2O,
    "deadline": {},
    "overdue": {},
    "state": {},
    "activity_ids": {},
    "activity_exception_decoration": {},
    "activity_exception_icon": {},
    "activity_state": {},
    "activity_summary": {},
    "activity_type_icon": {},
    "activity_type_id": M2O,
}
# the search view's filter "Open" (search_default_open of the action)
OPEN_FILTER = [("state", "not in", CLOSED_STATES)]


# ----------------------------------------------------------------------------- data
def create_bodies(env, cfg):
    """1 province, departments of cfg['units'] units each (the last ones take the remainder)."""
    Body = env["cks.body"]
    total = cfg["bodies"]
    departments_count = max(1, (total - 1) // (cfg["units"] + 1))
    units_count = total - 1 - departments_count
    province = Body.create({"name": "UBND tỉnh Hà Tĩnh", "level": "province", "has_legal_personality": True})
    departments = Body.create(
        [
            {
                "name": f"Sở / huyện {n + 1:03d}",
                "level": "department",
                "parent_id": province.id,
                "has_legal_personality": True,
            }
            for n in range(departments_count)
        ]
    )
    units = Body.create(
        [
            {
                "name": f"Đơn vị {n + 1:04d}",
                "level": "unit",
                "parent_id": departments[n % departments_count].id,
                "has_legal_personality": True,
            }
            for n in range(units_count)
        ]
    )
    return province, departments, units


def create_people(env, departments):
    """An IT focal officer and a head for every department (who the activities go to)."""
    Users = env["res.users"].with_context(no_reset_password=True, **NO_MAIL)
    officer_group = env.ref("cks_subscriber.group_cks_officer")
    head_group = env.ref("cks_subscriber.group_cks_head")
    vals = []
    for n, dept in enumerate(departments, 1):
        for role, group in (("officer", officer_group), ("head", head_group)):
            vals.append(
                {
                    "name": f"{role.title()} {n:03d}",
                    "login": f"bench_{role}_{n:03d}",
                    "email": f"bench_{role}_{n:03d}@hatinh.gov.vn",
                    "tz": "Asia/Ho_Chi_Minh",
                    "group_ids": [Command.set([group.id])],
                    "cks_body_id": dept.id,
                }
            )
    users = Users.create(vals)
    for dept, officer, head in zip(departments, users[0::2], users[1::2], strict=True):
        dept.write({"officer_user_id": officer.id, "head_user_id": head.id})
    return users


def create_subscribers(env, bodies, count, rng):
    Subscriber = env["cks.subscriber"].with_context(**NO_MAIL)
    ids, body_of = [], {}
    for start in range(0, count, 5000):
        vals = []
        for index in range(start, min(count, start + 5000)):
            body = bodies[index % len(bodies)] if index < len(bodies) else rng.choice(bodies)
            kind = "individual" if rng.random() < 0.9 else rng.choice(("organization", "device"))
            vals.append({"name": f"Thuê bao {index + 1:06d}", "kind": kind, "body_id": body.id})
        created = Subscriber.create(vals)
        for subscriber, v in zip(created, vals, strict=True):
            body_of[subscriber.id] = v["body_id"]
        ids += created.ids
    return ids, body_of


def insert_requests(env, cfg, subscriber_ids, body_of, today, working_days, rng):
    """The open requests by SQL, with a 'next step' activity each; those already late get their
    'overdue' activity too for half of them (flagged on an earlier night)."""
    cr = env.cr
    admin = env.ref("base.user_admin").id
    cr.execute("SELECT id, parent_id, officer_user_id, head_user_id FROM cks_body")
    body_rows = {row[0]: row[1:] for row in cr.fetchall()}

    def department(body_id):
        parent = body_rows[body_id][0]
        return body_id if parent is None or body_rows[parent][0] is None else parent

    states = list(STATES)
    weights = [STATES[s][0] for s in states]
    rows, step_acts, overdue_acts = [], [], []
    for index in range(cfg["requests"]):
        state = rng.choices(states, weights)[0]
        request_type = STATES[state][1][0] if STATES[state][1] else rng.choices(TYPES, TYPE_WEIGHTS)[0]
        subscriber = rng.choice(subscriber_ids)
        body = body_of[subscriber]
        holder = department(body) if state == "forwarded" else body
        late = rng.random() * 100 < cfg["late_pct"]
        step_start = today - timedelta(days=rng.randint(15, 120) if late else rng.randint(0, 4))
        step_days = rng.randint(2, 5)
        deadline = working_days.add(step_start, step_days)
        stale = rng.random() * 100 < cfg["stale_pct"]
        stored = step_start + timedelta(days=step_days) if stale else deadline
        flagged = deadline < today and rng.random() < 0.5
        auto = state == "draft" and rng.random() < 0.2
        rows.append(
            (index, request_type, subscriber, body, holder, state, step_start, step_days, stored, flagged, auto)
        )
        _parent, officer, head = body_rows[department(holder)]
        if state == "verified":
            user = head
        elif state == "draft" and not auto:
            user = admin
        else:
            user = officer
        name = f"{index + 1}/YC-CKS"
        step_acts.append((index, user, f"{STEP_LABELS[state]}: {name}", deadline))
        if flagged:
            overdue_acts.append((index, user, f"Overdue since {deadline}: {name}", deadline))
    columns = list(zip(*rows, strict=True))
    cr.execute(
        """
        INSERT INTO cks_request (name, request_type, subscriber_id, body_id, holder_body_id, state, route,
                                 step_start, step_days, deadline, overdue, auto_drafted, effect_applied, active,
                                 drafted_by_id, create_uid, write_uid, create_date, write_date)
        SELECT (n + 1) || '/YC-CKS', t, s, b, h, st, CASE WHEN st = 'forwarded' THEN 'escalate' END,
               ss, sd, dl, ov, ad, false, true, %(uid)s, %(uid)s, %(uid)s, now() at time zone 'utc',
               now() at time zone 'utc'
          FROM unnest(%(n)s::int[], %(t)s::varchar[], %(s)s::int[], %(b)s::int[], %(h)s::int[], %(st)s::varchar[],
                      %(ss)s::date[], %(sd)s::int[], %(dl)s::date[], %(ov)s::bool[], %(ad)s::bool[])
               AS r(n, t, s, b, h, st, ss, sd, dl, ov, ad)
         ORDER BY n
        RETURNING id
        """,
        dict(
            zip(("n", "t", "s", "b", "h", "st", "ss", "sd", "dl", "ov", "ad"), map(list, columns), strict=True),
            uid=admin,
        ),
    )
    ids = [row[0] for row in cr.fetchall()]
    model_id = env["ir.model"]._get_id("cks.request")
    for xmlid, acts in (
        ("cks_request.mail_activity_type_request_step", step_acts),
        ("cks_request.mail_activity_type_request_overdue", overdue_acts),
    ):
        if not acts:
            continue
        n, user, summary, deadline = (list(col) for col in zip(*acts, strict=True))
        cr.execute(
            """
            INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id, summary,
                                       date_deadline, user_tz, automated, active, create_uid, write_uid,
                                       create_date, write_date)
            SELECT %(model_id)s, 'cks.request', (%(ids)s::int[])[n + 1], (n + 1) || '/YC-CKS', %(type)s, u, sm, dl,
                   'Asia/Ho_Chi_Minh', true, true, %(uid)s, %(uid)s, now() at time zone 'utc', now() at time zone 'utc'
              FROM unnest(%(n)s::int[], %(u)s::int[], %(sm)s::varchar[], %(dl)s::date[]) AS a(n, u, sm, dl)
            """,
            {
                "model_id": model_id,
                "ids": ids,
                "type": env.ref(xmlid).id,
                "n": n,
                "u": user,
                "sm": summary,
                "dl": deadline,
                "uid": admin,
            },
        )
    return ids, sum(1 for row in rows if row[9])


def phase_data(env, table, cfg):
    print("1. Data (bodies, users, subscribers by create(); requests and activities by SQL)", flush=True)
    rng = random.Random(SEED)
    senv = env(context=dict(env.context, **NO_MAIL))
    with Timer(env) as timer:
        _province, departments, units = create_bodies(senv, cfg)
        users = create_people(senv, departments)
        env.cr.commit()
    table.add(
        f"data: bodies ({len(departments)} departments) + {len(users)} users",
        cfg["bodies"],
        timer.seconds,
        timer.queries,
    )
    bodies = [*departments, *units]
    with Timer(env) as timer:
        subscriber_ids, body_of = create_subscribers(senv, bodies, cfg["subscribers"], rng)
        env.cr.commit()
    table.add("data: subscribers, create() x5000", len(subscriber_ids), timer.seconds, timer.queries)
    today = env["cks.province.profile"]._cks_today()
    working_days = env["cks.province.profile"]._cks_working_days()
    with Timer(env) as timer:
        ids, flagged = insert_requests(env, cfg, subscriber_ids, body_of, today, working_days, rng)
        env.cr.execute("ANALYZE")
        env.cr.commit()
    table.add("data: requests + activities (SQL), ANALYZE", len(ids), timer.seconds, timer.queries)
    env.invalidate_all()
    env.registry.clear_cache()
    print(
        f"  today in the province: {today}; {len(ids):,} open requests, "
        f"{flagged:,} flagged overdue on an earlier night",
        flush=True,
    )
    return departments, today


# ----------------------------------------------------------------------------- nightly job
def open_ids(env):
    env.cr.execute(
        "SELECT id FROM cks_request WHERE state IN %s AND step_start IS NOT NULL AND active ORDER BY id",
        [OPEN_STATES],
    )
    return [row[0] for row in env.cr.fetchall()]


def snapshot(env):
    env.cr.execute("SELECT id, deadline, overdue FROM cks_request")
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def run_nightly(env, method="_cron_deadlines"):
    """One run as the cron runs it, flushed (the writes and the activities reach the database)."""
    env.invalidate_all()
    with Timer(env) as timer:
        getattr(env["cks.request"], method)()
        env.flush_all()
    return timer


def phase_nightly(env, table, cfg, today):
    print("2. Nightly job cks.request._cron_deadlines() (recompute every open deadline, flag the overdue)", flush=True)
    before = snapshot(env)
    count = len(open_ids(env))
    env.cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'cks.request'")
    activities_before = env.cr.fetchone()[0]
    runs = []
    for attempt in (1, 2):
        timer = run_nightly(env)
        after = snapshot(env)
        changed = sum(1 for rid, (dl, _ov) in after.items() if dl != before[rid][0])
        flagged = sum(1 for rid, (_dl, ov) in after.items() if ov and not before[rid][1])
        env.cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'cks.request'")
        activities = env.cr.fetchone()[0] - activities_before
        late = sum(1 for dl, ov in after.values() if dl and dl < today and not ov)
        if late or activities != flagged:
            raise RuntimeError(f"nightly job: {late} late requests left unflagged, {activities} activities")
        table.add(
            f"nightly: _cron_deadlines() run {attempt}",
            count,
            timer.seconds,
            timer.queries,
            f"{changed:,} deadlines rewritten, {flagged:,} flagged + activities",
        )
        runs.append(timer.seconds)
        if attempt == 1:
            result = after
            # the night after: nothing to rewrite, nothing newly overdue
            quiet = run_nightly(env)
            note = "right after run 1, same transaction"
            table.add("nightly: the night after (nothing to do)", count, quiet.seconds, quiet.queries, note)
        env.cr.rollback()
    # its two halves
    recompute = run_nightly(env, "_recompute_deadlines")
    flag = run_nightly(env, "_flag_overdue")
    env.cr.rollback()
    table.add("nightly: of which _recompute_deadlines()", count, recompute.seconds, recompute.queries)
    table.add("nightly: of which _flag_overdue()", flagged, flag.seconds, flag.queries, "activities created")
    return result, statistics.mean(runs), count, flagged


def phase_baseline(env, table, cfg, nightly_result, nightly_seconds, count):
    print(f"3. Baseline: plan_days() one request at a time, on {cfg['sample']:,} requests", flush=True)
    ids = sorted(random.Random(SEED + 1).sample(open_ids(env), min(cfg["sample"], count)))
    calendar = env["cks.province.profile"]._get_current().calendar_id or env.ref("cks_request.resource_calendar_cks")
    tz = pytz.timezone(calendar.tz)
    Request = env["cks.request"].with_context(tracking_disable=True)
    computed = {}
    env.invalidate_all()
    with Timer(env) as timer:
        for request_id in ids:
            request = Request.browse(request_id)
            day_after = tz.localize(datetime.combine(request.step_start + ONE_DAY, day_time.min))
            deadline = calendar.plan_days(request.step_days, day_after, compute_leaves=True).astimezone(tz).date()
            if deadline != request.deadline:
                with flow.opened("cks.request"):
                    request.write({"deadline": deadline})
            computed[request_id] = deadline
        env.flush_all()
    env.cr.rollback()
    wrong = {rid: (dl, nightly_result[rid][0]) for rid, dl in computed.items() if dl != nightly_result[rid][0]}
    if wrong:
        sample = list(wrong.items())[:5]
        raise AssertionError(f"plan_days and the nightly job disagree on {len(wrong)} deadlines: {sample}")
    print(f"  check: the {len(ids):,} deadlines of plan_days() are those the nightly job wrote", flush=True)
    table.add("baseline: plan_days() + write(), one at a time", len(ids), timer.seconds, timer.queries, "measured")
    factor = count / len(ids)
    baseline = timer.seconds * factor
    table.add(
        f"baseline: extrapolated x{factor:g}",
        count,
        baseline,
        round(timer.queries * factor),
        f"EXTRAPOLATED from {len(ids):,}",
    )
    ratio = baseline / nightly_seconds
    print(f"  ratio baseline/nightly: {ratio:.1f}x ({baseline:.1f} s extrapolated / {nightly_seconds:.2f} s)")
    return ratio


# ----------------------------------------------------------------------------- list page
def officer_env(env, departments, cfg):
    """The officer of a department with cfg['units'] units (the first such)."""
    Body = env["cks.body"]
    children = dict(Body._read_group([("parent_id", "in", [d.id for d in departments])], ["parent_id"], ["__count"]))
    dept = next((d for d in departments if children.get(d) == cfg["units"]), departments[0])
    officer = dept.officer_user_id
    assert officer.has_group("cks_subscriber.group_cks_officer")
    assert not officer.has_group("cks_subscriber.group_cks_admin")
    # the context the web client sends with its calls
    context = {"lang": "en_US", "tz": "Asia/Ho_Chi_Minh", "uid": officer.id, "bin_size": True}
    context["allowed_company_ids"] = officer.company_ids.ids
    return env(user=officer.id, su=False, context=context), dept, children.get(dept, 0)


def time_call(env, call, repeat):
    """Median of `repeat` warm runs after 2 warm-ups; each starts with an empty record cache."""
    runs = []
    for run in range(repeat + 2):
        env.invalidate_all()
        with Timer(env) as timer:
            result = call()
        if run >= 2:
            runs.append((timer.seconds, timer.queries))
    return statistics.median(s for s, _ in runs), runs[0][1], result


def phase_list(env, table, cfg, departments):
    print("4. Officer's list page: web_search_read (list fields, filter Open, limit 80) + search_count", flush=True)
    oenv, dept, units = officer_env(env, departments, cfg)
    model = oenv["cks.request"]
    order = model._order
    page, page_queries, result = time_call(
        oenv,
        lambda: model.web_search_read(OPEN_FILTER, LIST_SPEC, offset=0, limit=80, order=order, count_limit=10001),
        cfg["repeat"],
    )
    count, count_queries, total = time_call(oenv, lambda: model.search_count(OPEN_FILTER), cfg["repeat"])
    both, both_queries, _ = time_call(
        oenv,
        lambda: (
            model.web_search_read(OPEN_FILTER, LIST_SPEC, offset=0, limit=80, order=order, count_limit=10001),
            model.search_count(OPEN_FILTER),
        ),
        cfg["repeat"],
    )
    # what the record rules must give: the requests of the department's subtree or with it, and his own
    env.cr.execute(
        """
        SELECT r.id FROM cks_request r JOIN cks_subscriber s ON s.id = r.subscriber_id
         WHERE r.active AND r.state NOT IN %s
           AND (r.body_id IN (SELECT id FROM cks_body WHERE parent_path LIKE %s)
                OR r.holder_body_id IN (SELECT id FROM cks_body WHERE parent_path LIKE %s) OR s.user_id = %s)
         ORDER BY r.id DESC
        """,
        [CLOSED_STATES, f"{dept.parent_path}%", f"{dept.parent_path}%", oenv.uid],
    )
    expected = [row[0] for row in env.cr.fetchall()]
    if [r["id"] for r in result["records"]] != expected[:80] or result["length"] != total or total != len(expected):
        raise RuntimeError(f"list page: {len(result['records'])} rows, length {result['length']}, count {total}")
    print(
        f"  officer {oenv.user.login} of {dept.complete_name} ({units} units): sees {total:,} open requests of "
        f"{env['cks.request'].search_count(OPEN_FILTER):,}",
        flush=True,
    )
    note = f"median of {cfg['repeat']} warm runs"
    table.add("list: web_search_read 80 (+ its count)", len(result["records"]), page, page_queries, note)
    table.add("list: search_count (filter Open)", None, count, count_queries, note)
    table.add("list: web_search_read + search_count", len(result["records"]), both, both_queries, note)
    env.cr.rollback()
    return oenv, both


def phase_diagnostics(env, oenv):
    """The plan of the page query; where the time of one page goes."""
    print("5. Diagnostics", flush=True)
    model = oenv["cks.request"]
    query = model._search(OPEN_FILTER, limit=80, order=model._order)
    env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query.select()))
    print("  plan of the officer's page query:")
    for (line,) in env.cr.fetchall():
        print(f"    {line}")
    oenv.invalidate_all()
    profile = cProfile.Profile()
    profile.enable()
    model.web_search_read(OPEN_FILTER, LIST_SPEC, limit=80, order=model._order, count_limit=10001)
    profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    print("  profile of one page (cumulative, top 25):")
    print("\n".join(f"    {line}" for line in out.getvalue().splitlines() if line.strip()))
    env.cr.rollback()


def main(env):
    cfg = {
        "bodies": setting("BENCH_BODIES", 2000),
        "units": setting("BENCH_UNITS", 20),
        "subscribers": setting("BENCH_SUBSCRIBERS", 20_000),
        "requests": setting("BENCH_REQUESTS", 50_000),
        "late_pct": setting("BENCH_LATE_PCT", 10),
        "stale_pct": setting("BENCH_STALE_PCT", 100),
        "sample": setting("BENCH_SAMPLE", 2000),
        "repeat": setting("BENCH_REPEAT", 20),
        "diag": setting("BENCH_DIAG", 1),
    }
    if not env.cr.dbname.startswith("bench_req"):
        raise SystemExit(f"database {env.cr.dbname}: the bench runs on a scratch database named bench_req*")
    if env["cks.body"].search_count([], limit=1) or env["cks.request"].search_count([], limit=1):
        raise SystemExit(f"database {env.cr.dbname} already holds bodies or requests: use a fresh scratch database")
    print(f"cks_request bench on {env.cr.dbname}: {cfg}", flush=True)
    table = Table()
    start = time.perf_counter()
    departments, today = phase_data(env, table, cfg)
    result, nightly, count, flagged = phase_nightly(env, table, cfg, today)
    ratio = phase_baseline(env, table, cfg, result, nightly, count)
    oenv, page = phase_list(env, table, cfg, departments)
    if cfg["diag"]:
        phase_diagnostics(env, oenv)
    print()
    print(f"Figures ({os.cpu_count()} CPUs, database {env.cr.dbname}, total {time.perf_counter() - start:.0f} s):")
    table.print()
    print(
        f"Nightly job: {nightly:.2f} s for {count:,} open requests ({count / nightly:,.0f} requests/s, "
        "mean of 2 runs), "
        f"{flagged:,} flagged overdue."
    )
    print(
        f"Ratio per-request plan_days() loop / nightly job: {ratio:.1f}x (target >= 20x: "
        f"{'met' if ratio >= 20 else 'MISSED'})."
    )
    print(
        f"Officer's list page (web_search_read + search_count): {1000 * page:.1f} ms median (target <= 100 ms: "
        f"{'met' if page <= 0.1 else 'MISSED'}).",
        flush=True,
    )


if __name__ == "__main__":
    main(globals()["env"])
