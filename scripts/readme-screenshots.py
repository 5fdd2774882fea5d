"""Writes the README's screenshots from a running CKS that serves the demo database.

usage: .venv/bin/python scripts/readme-screenshots.py BASE_URL [OUT_DIR] [--db NAME]
e.g.   make run   (in another terminal), then
       .venv/bin/python scripts/readme-screenshots.py http://127.0.0.1:8069
Writes OUT_DIR (default docs/screenshots/) first-screen.png, device-history.png, handover.png and
verification.png, 1280x800, each as a demo user sees the page (in Vietnamese), and reduces them to
256 colours. Changes nothing in the database. Exits with status 1, naming the page, when a page
shows an Odoo error dialog or error page, a red or orange notification, stays blank, or does not
show what it should within its time limit; what the page showed instead is left in
OUT_DIR/<name>.failed.png. tests/test_docs_screenshots.py runs it.
"""

import argparse
import base64
import io
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from demo_http import DemoError, find_id, login, only_database
from PIL import Image
from screenshot import BrowserError, Page, start_browser

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 800
PAGE_TIMEOUT = 15  # seconds for one page to show what it should
FIRST_PAGE_TIMEOUT = 60  # the server may build its asset bundles first
TIMEZONE = "Asia/Ho_Chi_Minh"
DEVICE = "54010101000023A1"  # the demo's lost device: years of history, then its loss (Mẫu 15)
TOKEN_ACTION = "cks_token_asset.cks_token_action"
HANDOVER_ACTION = "cks_token_asset.cks_handover_action"
VERIFICATION_ACTION = "cks_token_asset.cks_custody_verification_action"


class ShotError(DemoError):
    pass


@dataclass
class Shot:
    """One screenshot: who, which page, what it must show (``ready``), and clicks before it."""

    file: str
    login: str
    path: str  # may name {id}, found by ``find`` as the user
    ready: str  # a CSS selector
    find: tuple = ()  # (model, domain): the latest record the user may read
    steps: list = field(default_factory=list)  # [(selector to click, selector then ready)]


SHOTS = [
    Shot(
        "first-screen.png",
        "canbo",
        "/odoo",  # where a user lands after logging in: the application's certificates
        'body:has(.o_main_navbar [data-menu-xmlid="cks_subscriber.menu_cks_certificates"]) .o_list_view .o_data_row',
    ),
    Shot(
        "device-history.png",
        "canbo",
        f"/odoo/action-{TOKEN_ACTION}/{{id}}",
        ".o_form_view .o_notebook a[name=history]",
        find=("cks.token", [("serial", "=", DEVICE)]),
        steps=[(".o_notebook a[name=history]", ".o_field_widget[name=event_ids] .o_data_row")],
    ),
    Shot(
        "handover.png",
        "vanthu",
        f"/odoo/action-{HANDOVER_ACTION}/{{id}}",
        ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
        # the record thangvv gave her (waiting for her in the demo)
        find=("cks.handover", [("line_ids.serial", "=", "54010101000023A6")]),
    ),
    Shot(
        "verification.png",
        "thanhtra",
        f"/odoo/action-{VERIFICATION_ACTION}/{{id}}",
        ".o_form_view .o_field_widget[name=anchor_qr] img",
        find=("cks.custody.verification", []),
    ),
]

# What the page shows that must stop the script: Odoo's error dialogs (tracebacks, "Oops!",
# access and missing-record errors), a server error page, a red or orange notification.
PAGE_STATE = """
(() => {
    const text = (el) => (el.innerText || "").trim().slice(0, 600);
    const dialog = document.querySelector(".o_error_dialog");
    if (dialog) return {error: "error dialog: " + text(dialog)};
    const note = document.querySelector(
        ".o_notification:has(.o_notification_bar.bg-danger), .o_notification:has(.o_notification_bar.bg-warning)");
    if (note) return {error: "notification: " + text(note)};
    const nav = performance.getEntriesByType("navigation")[0];
    if (nav && nav.responseStatus >= 400) {
        return {error: "HTTP " + nav.responseStatus + ": " + text(document.body || document.documentElement)};
    }
    if (!document.querySelector(".o_web_client")) {
        const body = document.body ? text(document.body) : "";
        if (/Oops|Traceback|Internal Server Error|Not Found/.test(body)) return {error: "error page: " + body};
        return {ready: false};
    }
    const busy = document.querySelector(".o_blockUI, .o_loading_indicator, .o-loading")
        || document.fonts.status !== "loaded"
        || [...document.images].some((img) => !img.complete);
    return {ready: !busy && !!document.querySelector(%s)};
})()
"""


def wait_until_ready(page, selector, what, timeout=PAGE_TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        state = page.js(PAGE_STATE % json.dumps(selector)).get("result", {}).get("value") or {}
        if state.get("error"):
            raise ShotError(f"{what}: {state['error']}")
        if state.get("ready"):
            return
        if time.monotonic() > deadline:
            raise ShotError(f"{what}: {selector} did not appear within {timeout} s")
        time.sleep(0.15)


def capture(page):
    return base64.b64decode(page.call("Page.captureScreenshot", format="png")["data"])


def save_small(png, out):
    """256 colours: the page's flat colours survive; a third of the size or less."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if len(image.getcolors(maxcolors=2) or ()) == 1:
        raise ShotError(f"{out.name}: the page is blank (one colour)")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, optimize=True)


def take(base, db, out_dir, shots=SHOTS):
    out_dir.mkdir(parents=True, exist_ok=True)
    sessions = {}
    # Chromium's helper processes may still write into the profile as it is removed
    with tempfile.TemporaryDirectory(prefix="cks-readme-shots-", ignore_cleanup_errors=True) as profile:
        browser, port = start_browser(profile, WIDTH, HEIGHT)
        try:
            page = Page(port)
            page.call("Page.enable")
            page.call("Network.enable")
            page.call(
                "Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False
            )
            page.call("Emulation.setTimezoneOverride", timezoneId=TIMEZONE)  # the demo province's, not the machine's
            first = True
            for shot in shots:
                started = time.monotonic()
                if shot.login not in sessions:
                    sessions[shot.login] = login(base, db, shot.login)
                session = sessions[shot.login]
                path = shot.path.format(id=find_id(base, session, *shot.find) if shot.find else "")
                page.call("Page.navigate", url="about:blank")  # nothing of the page before is left to match
                page.call("Network.setCookie", name="session_id", value=session, url=base)
                page.call("Page.navigate", url=base + path)
                what = f"{shot.file} ({shot.login}, {path})"
                try:
                    wait_until_ready(page, shot.ready, what, FIRST_PAGE_TIMEOUT if first else PAGE_TIMEOUT)
                    for click, ready in shot.steps:
                        page.js(f"document.querySelector({json.dumps(click)}).click()")
                        wait_until_ready(page, ready, what)
                    time.sleep(0.3)  # the last transitions (tabs, fades)
                    wait_until_ready(page, shot.steps[-1][1] if shot.steps else shot.ready, what)
                except ShotError:
                    (out_dir / shot.file).with_suffix(".failed.png").write_bytes(capture(page))
                    raise
                first = False
                save_small(capture(page), out_dir / shot.file)
                print(f"{out_dir / shot.file}  {time.monotonic() - started:.1f} s")
        finally:
            browser.terminate()
            browser.wait(timeout=10)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("out_dir", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--db", help="the demo database (default: the only one the server lists)")
    args = parser.parse_args(argv)
    base = args.base_url.rstrip("/")
    try:
        take(base, args.db or only_database(base), Path(args.out_dir))
    except (DemoError, BrowserError, OSError) as error:
        sys.exit(f"readme-screenshots: {error}")


if __name__ == "__main__":
    main()
