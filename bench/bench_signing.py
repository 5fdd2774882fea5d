"""Benchmark of cks_signing: printed forms signed in one PIN session through the PKCS#11 connector,
against pyHanko signing the same forms with the same key held in a PKCS#12 file in memory.

Run inside Odoo on a SCRATCH database, normally through ``bench/run-bench-signing.sh``; by hand::

    scripts/odoo shell -d bench_sign --log-level=warn --no-http < bench/bench_signing.py

Sizes come from the environment (defaults in brackets): BENCH_FORMS [200, forms signed per run],
BENCH_ROUNDS [3, rounds of the three runs, in turns; the median round of each is reported],
BENCH_VERIFY [10, signed forms of each run validated at the end], BENCH_DIAG [1, a profile of the
connector's run].

Phases:

1. Forms: a province, a department, a giver and a receiver (custodians, with their subscriber
   records), BENCH_FORMS devices in the giver's custody and one handover record per device,
   submitted by the giver; the Mẫu 14 of all of them printed as the giver in one
   ``_render_qweb_pdf`` (one wkhtmltopdf run), which Odoo splits into one attachment per record:
   those attachments are the forms signed. Printing is not part of the signing figures.
2. Key: one RSA-2048 key made with ``cryptography``, its certificate issued by softhsm_store's
   TestCa (the giver's name, position and body). The key is imported (``softhsm2-util --import``)
   into a real SoftHSM2 token made in a temporary directory, the certificate stored beside it;
   the same key and certificate (with the CA's) serialised as a PKCS#12, kept in memory.
3. Signing, BENCH_ROUNDS rounds; each round runs the three, in turns (the first of a round is the
   second of the next). All do the same PDF work per form, as the product signs a handover: the
   giver's signature space found on the printed page (``signature_boxes``), a visible appearance
   of Nghị định 30/2020 (name, position, body, time), PAdES B-B as an incremental update
   (``sign_pdfs``). Only the signer differs:
   - connector: ``module.session(token, pin)`` once for all the forms, ``find_key``,
     ``TokenSigner``; token time is the time spent inside ``SigningSession.sign`` (wrapped);
   - baseline: ``SimpleSigner.load_pkcs12_data`` once, from the PKCS#12 bytes in memory (the
     approach of the usual Odoo report signers, with the file loaded once per run, not per
     form); its key time is the time inside ``SimpleSigner.sign_raw``;
   - diagnostic: the same SimpleSigner with its key parsed once for the run (pyHanko 0.38 parses
     it again for every signature): what an in-memory key costs at best.
   PDF work is the rest, session or key loading apart. Wall time and this process's CPU time are
   both kept (the machine is shared). Targets: the connector at >= 0.9x the baseline's forms per
   second, and >= 25 signed forms per second: PASS or FAIL is printed, nothing is asserted.
4. Check: BENCH_VERIFY signed forms of each run validated with ``pdf_validation.validate_pdf``
   (the test CA as the trust root): intact, valid, trusted, the giver as signer, nothing after
   it, the unsigned form as the first revision, the appearance's text on the page.
"""

import contextlib
import cProfile
import dataclasses
import datetime as dt
import io
import os
import pstats
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchlib import Table, Timer, setting
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.sign import signers

from odoo import Command

from odoo.addons.cks_signing.lib import pdf_signing as ps
from odoo.addons.cks_signing.lib import pdf_validation as pv
from odoo.addons.cks_signing.lib import pkcs11_connector as pk
from odoo.addons.cks_signing.lib import softhsm_store as hsm

NO_MAIL = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
REPORT = "cks_report.action_report_form_14"
TOKEN_LABEL = "cks-bench"
PIN = "246810"  # the scratch token's PIN, made and thrown away by this bench
KEY_ID = b"\x01"
P12_PASSPHRASE = b"bench-p12"
FIELD = "Signature1"  # the giver's signature, the first on a Mẫu 14 (cks_signing.models.cks_handover)
TARGET_RATIO = 0.9
TARGET_RATE = 25


# ----------------------------------------------------------------------------- the forms
def make_handovers(env, count):
    """A department, a giver and a receiver, ``count`` devices in the giver's custody and one
    handover record per device, submitted by the giver (committed: a scratch database)."""
    Profile = env["cks.province.profile"]
    if not Profile._get_current():
        Profile.create({"name": "Tỉnh Hà Tĩnh"})
    Body = env["cks.body"].with_context(**NO_MAIL)
    province = Body.create({"name": "UBND tỉnh Hà Tĩnh", "level": "province", "has_legal_personality": True})
    department = Body.create(
        {"name": "Sở Khoa học và Công nghệ", "parent_id": province.id, "has_legal_personality": True}
    )
    custodian = env.ref("cks_subscriber.group_cks_custodian")
    Users = env["res.users"].with_context(no_reset_password=True, **NO_MAIL)
    people = {}
    for login, name, position in (
        ("bench_giver", "Phan Văn Hiếu", "Chánh Văn phòng"),
        ("bench_receiver", "Nguyễn Thị Thu Hường", "Văn thư"),
    ):
        user = Users.create(
            {
                "name": name,
                "login": login,
                "group_ids": [Command.set([custodian.id])],
                "cks_body_id": department.id,
                "tz": "Asia/Ho_Chi_Minh",
            }
        )
        env["cks.subscriber"].with_context(**NO_MAIL).create(
            {"name": name, "body_id": department.id, "user_id": user.id, "position": position}
        )
        people[login] = user
    giver, receiver = people["bench_giver"], people["bench_receiver"]
    tokens = (
        env["cks.token"]
        .with_context(**NO_MAIL)
        .create([{"serial": f"VT-BENCH-{n:04d}", "make_model": "ePass2003"} for n in range(1, count + 1)])
    )
    tokens._transition("issue", body=department, reason="Cấp cho Sở")
    tokens._transition("assign", custodian=giver, reason="Giao văn thư", document_ref="1/BB-BG")
    handovers = (
        env["cks.handover"]
        .with_user(giver)
        .with_context(**NO_MAIL)
        .create(
            [
                {
                    "place": "Phòng Văn thư, Sở Khoa học và Công nghệ",
                    "receiver_id": receiver.id,
                    "line_ids": [Command.create({"token_id": token.id, "accessories": "Phong bì PIN"})],
                }
                for token in tokens
            ]
        )
    )
    handovers.action_submit()
    env.cr.commit()
    return giver, handovers.sorted("id")


def print_forms(env, giver, handovers):
    """The Mẫu 14 of every handover, printed as the giver in one run; the per-record PDFs Odoo
    keeps as the records' attachments (what the product signs), in the order of ``handovers``."""
    Report = env(user=giver.id)["ir.actions.report"].with_context(force_report_rendering=True)
    pdf, _kind = Report._render_qweb_pdf(REPORT, handovers.ids)
    attachments = (
        env["ir.attachment"].sudo().search([("res_model", "=", "cks.handover"), ("res_id", "in", handovers.ids)])
    )
    by_record = {attachment.res_id: attachment.raw for attachment in attachments}
    if len(by_record) != len(handovers):
        raise AssertionError(f"{len(by_record)} printed forms kept for {len(handovers)} handover records")
    env.cr.commit()
    return [by_record[handover.id] for handover in handovers], len(pdf)


# ----------------------------------------------------------------------------- key and token
def make_key(env, giver, store_dir):
    """The RSA-2048 key in a SoftHSM2 token (imported) and in a PKCS#12 (in memory), its
    certificate from a test CA. Returns (module, ca, pkcs12 bytes, the giver's appearance data)."""
    person = env["cks.form.print"]._person(giver)
    ca = hsm.TestCa("CKS Bench CA")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = ca.issue(key.public_key(), person["name"], organization=person["body"], title=person["position"])

    path = hsm.softhsm_module()
    if not path:
        raise SystemExit("SoftHSM2 is not installed (Debian package softhsm2: make setup installs it)")
    if pk.is_loaded(path):
        raise SystemExit("SoftHSM2 is already loaded in this process: it would not see the bench's token")
    store = hsm.SoftHsmStore(store_dir)
    store.init_token(TOKEN_LABEL, PIN)
    pem = store.directory / "key.pem"
    pem.touch(mode=0o600)
    pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    try:
        tool = [shutil.which("softhsm2-util"), "--token", TOKEN_LABEL, "--pin", PIN, "--id", KEY_ID.hex()]
        subprocess.run(
            [*tool, "--label", "signing", "--import", str(pem)],
            env=store.env(),
            check=True,
            capture_output=True,
        )
    finally:
        pem.unlink()
    store.use()
    module = pk.Pkcs11Module(path)
    hsm.store_certificate(module, TOKEN_LABEL, PIN, KEY_ID, "signing", certificate)
    p12 = pkcs12.serialize_key_and_certificates(
        b"signing", key, certificate, [ca.certificate], serialization.BestAvailableEncryption(P12_PASSPHRASE)
    )
    return module, ca, p12, person


# ----------------------------------------------------------------------------- signing
class Clock:
    """Seconds spent inside the wrapped callables."""

    def __init__(self):
        self.seconds = 0.0

    def wrap(self, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


@dataclasses.dataclass
class Run:
    total: float  # wall seconds, set-up included
    key: float  # inside the key's signing call
    setup: float  # session and key lookup, or loading the PKCS#12
    cpu: float  # CPU seconds of this process (the machine is shared: wall time waits for others)
    signed: list = dataclasses.field(repr=False)


def sign_forms(forms, signer, person):
    """The forms signed as a handover's giver signs (cks_signing.models.cks_handover): the giver's
    space on the printed page, the NĐ 30 appearance of the moment, one signature each."""
    documents = []
    for pdf in forms:
        boxes = ps.signature_boxes(pdf)
        if len(boxes) != 2:
            raise AssertionError(f"{len(boxes)} signature spaces found on a Mẫu 14 (the giver's and the receiver's)")
        appearance = ps.Appearance(
            ps.INDIVIDUAL, person["name"], dt.datetime.now(dt.UTC), title=person["position"], body=person["body"]
        )
        documents.append((pdf, FIELD, appearance, boxes[0]))
    return ps.sign_pdfs(signer, documents)


def timed_run(forms, person, open_signer):
    """``open_signer(clock)`` is a context manager giving the signer, its key calls wrapped."""
    clock = Clock()
    start, cpu = time.perf_counter(), time.process_time()
    with open_signer(clock) as signer:
        setup = time.perf_counter() - start
        signed = sign_forms(forms, signer, person)
    return Run(time.perf_counter() - start, clock.seconds, setup, time.process_time() - cpu, signed)


def connector(module, ca):
    """One PIN session for all the forms, the key found on the token."""

    @contextlib.contextmanager
    def open_signer(clock):
        token = module.find_token(label=TOKEN_LABEL)
        with module.session(token, PIN) as session:
            key = session.find_key(key_id=KEY_ID)
            session.sign = clock.wrap(session.sign)
            yield ps.TokenSigner(session, key, chain=[ca.certificate])

    return open_signer


def baseline(p12):
    """pyHanko's SimpleSigner loaded from the PKCS#12 bytes in memory, once for all the forms."""

    @contextlib.contextmanager
    def open_signer(clock):
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=P12_PASSPHRASE)
        signer.sign_raw = clock.wrap(signer.sign_raw)
        yield signer

    return open_signer


def parsed_key(p12):
    """Diagnostic: the same, its key parsed once for the run (pyHanko 0.38's SimpleSigner parses
    the key again, with OpenSSL's check of an RSA key, for every signature)."""

    @contextlib.contextmanager
    def open_signer(clock):
        key = pkcs12.load_key_and_certificates(p12, P12_PASSPHRASE)[0]
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=P12_PASSPHRASE)

        def sign_raw(data, digest_algorithm):
            if digest_algorithm != "sha256":
                raise ValueError(digest_algorithm)
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())

        signer.sign_raw = clock.wrap(sign_raw)
        yield signer

    return open_signer


def median_round(runs):
    """The round of median total time (its parts add up, unlike medians taken apart)."""
    return sorted(runs, key=lambda run: run.total)[len(runs) // 2]


def add_run(table, name, runs, count, key_name, setup_name):
    run = median_round(runs)
    work = run.total - run.key - run.setup
    rounds = " / ".join(f"{r.total:.2f}" for r in runs)
    note = f"median of {len(runs)} rounds ({rounds} s); CPU {run.cpu:.2f} s"
    table.add(f"{name}: {count} forms signed", count, run.total, None, note)
    table.add(f"{name}: of which {key_name}", count, run.key, None, f"{100 * run.key / run.total:.0f} %")
    table.add(f"{name}: of which PDF work", count, work, None, f"{100 * work / run.total:.0f} %")
    table.add(f"{name}: of which {setup_name}", None, run.setup, None, "once per run")


# ----------------------------------------------------------------------------- check
def check_signed(forms, signed, ca, person, sample, tmp):
    """``sample`` signed forms, spread over the run, validated with the CA as the trust root."""
    step = max(1, len(forms) // sample)
    picked = list(range(0, len(forms), step))[:sample]
    for index in picked:
        pdf = signed[index]
        if not pdf.startswith(forms[index]):
            raise AssertionError(f"form {index}: the signed file does not keep the printed form as its first revision")
        (report,) = pv.validate_pdf(pdf, [ca.certificate])
        if not (report.ok and report.signer == person["name"] and report.field == FIELD):
            raise AssertionError(f"form {index}: the signature does not validate: {report}")
        if (report.coverage, report.modification) != ("entire_file", "none"):
            raise AssertionError(f"form {index}: {report.coverage}, {report.modification} after the signature")
    path = tmp / "signed.pdf"
    path.write_bytes(signed[picked[-1]])
    text = subprocess.run([shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True)
    if f"Người ký: {person['name']}" not in text.stdout or "Thời gian ký:" not in text.stdout:
        raise AssertionError("the signature's appearance is not on the page")
    return len(picked)


def profile_connector(module, ca, forms, person):
    profile = cProfile.Profile()
    profile.enable()
    timed_run(forms, person, connector(module, ca))
    profile.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(18)
        print(f"  profile of the connector's run on {len(forms)} forms ({order}, top 18):")
        print("\n".join(f"    {line}" for line in out.getvalue().splitlines() if line.strip()))


def phase_forms(env, table, count):
    print(f"1. Forms: {count} handover records, their Mẫu 14 printed in one run", flush=True)
    with Timer(env) as timer:
        giver, handovers = make_handovers(env, count)
    table.add(f"forms: {count} devices and handover records, submitted", count, timer.seconds, timer.queries)
    with Timer(env) as timer:
        forms, batch_size = print_forms(env, giver, handovers)
    sizes = [len(pdf) for pdf in forms]
    note = f"not signing; {min(sizes):,}-{max(sizes):,} bytes a form"
    table.add(f"forms: Mẫu 14 printed in one run, {count} kept", count, timer.seconds, timer.queries, note)
    print(f"  one PDF of {batch_size:,} bytes, {count} forms kept on their records", flush=True)
    return giver, forms


RUNS = {
    "connector": ("token time (SigningSession.sign)", "session, login, find_key"),
    "baseline": ("signature in memory (sign_raw)", "load_pkcs12_data"),
    "diag: key parsed once": ("signature in memory", "load_pkcs12_data, key parsed"),
}


def phase_signing(table, module, ca, p12, forms, person, rounds):
    count = len(forms)
    print(f"3. Signing {count} forms, {rounds} rounds of the three runs, in turns", flush=True)
    signers_ = {"connector": connector(module, ca), "baseline": baseline(p12), "diag: key parsed once": parsed_key(p12)}
    names = list(signers_)
    for name in names:  # warm-up, not counted: the stamp font (made once per process), code paths
        timed_run(forms[:3], person, signers_[name])
    runs = {name: [] for name in names}
    for number in range(rounds):
        for name in names[number % len(names) :] + names[: number % len(names)]:
            run = timed_run(forms, person, signers_[name])
            runs[name].append(run)
            print(
                f"  round {number + 1}, {name}: {run.total:.2f} s, {count / run.total:.1f} forms/s "
                f"(key {run.key:.2f} s, set-up {run.setup:.3f} s, CPU {run.cpu:.2f} s)",
                flush=True,
            )
    for name, (key_name, setup_name) in RUNS.items():
        add_run(table, name, runs[name], count, key_name, setup_name)
    return runs


def main(env):
    cfg = {
        "forms": setting("BENCH_FORMS", 200),
        "rounds": setting("BENCH_ROUNDS", 3),
        "verify": setting("BENCH_VERIFY", 10),
        "diag": setting("BENCH_DIAG", 1),
    }
    if not env.cr.dbname.startswith("bench_sign"):
        raise SystemExit(f"database {env.cr.dbname}: the bench runs on a scratch database named bench_sign*")
    if env["cks.handover"].search_count([], limit=1):
        raise SystemExit(f"database {env.cr.dbname} already holds handover records: use a fresh scratch database")
    count = cfg["forms"]
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"cks_signing bench on {env.cr.dbname}: {cfg}; load average {load}", flush=True)
    table = Table()
    start = time.perf_counter()
    giver, forms = phase_forms(env, table, count)
    with tempfile.TemporaryDirectory(prefix="cks-bench-softhsm-") as tmp_name:
        tmp = Path(tmp_name)
        print("2. Key: RSA-2048 imported into a SoftHSM2 token, and as a PKCS#12 in memory", flush=True)
        setup_start = time.perf_counter()
        module, ca, p12, person = make_key(env, giver, tmp / "softhsm")
        table.add("set-up: token, key imported, certificate, PKCS#12", None, time.perf_counter() - setup_start)
        runs = phase_signing(table, module, ca, p12, forms, person, cfg["rounds"])
        print(f"4. Check: {cfg['verify']} signed forms of each run validated", flush=True)
        with Timer(env) as timer:
            checked = sum(
                check_signed(forms, median_round(done).signed, ca, person, cfg["verify"], tmp) for done in runs.values()
            )
        table.add("check: signed forms validated (pyHanko)", checked, timer.seconds, None, "intact, valid, trusted")
        if cfg["diag"]:
            print("5. Diagnostics", flush=True)
            profile_connector(module, ca, forms[:50], person)

    rate, base_rate, parsed_rate = (count / median_round(runs[name]).total for name in RUNS)
    ratio = rate / base_rate
    per_round = [b.total / c.total for c, b in zip(runs["connector"], runs["baseline"], strict=True)]
    print()
    print(f"Figures ({os.cpu_count()} CPUs, database {env.cr.dbname}, total {time.perf_counter() - start:.0f} s):")
    table.print()
    word = {True: "PASS", False: "FAIL"}
    cpu_rate = count / median_round(runs["connector"]).cpu
    print(
        f"Connector: {rate:.1f} signed forms/s (target >= {TARGET_RATE}: {word[rate >= TARGET_RATE]}); "
        f"{cpu_rate:.1f} forms per CPU second; baseline (PKCS#12 in memory): {base_rate:.1f} forms/s."
    )
    print(
        f"Ratio connector/baseline: {ratio:.2f}x (target >= {TARGET_RATIO}x: {word[ratio >= TARGET_RATIO]}); "
        f"per round {' / '.join(f'{r:.2f}' for r in per_round)}, median {statistics.median(per_round):.2f}x."
    )
    print(
        f"Diagnostic: against an in-memory signer that parses its key once, {parsed_rate:.1f} forms/s, "
        f"the connector is at {rate / parsed_rate:.2f}x. Load average now: "
        f"{' '.join(f'{load:.1f}' for load in os.getloadavg())}.",
        flush=True,
    )


if __name__ == "__main__":
    main(globals()["env"])
