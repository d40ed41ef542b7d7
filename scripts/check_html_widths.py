"""Check that the HTML report reads from a phone to a wide desktop screen, in headless Chromium.

    python scripts/check_html_widths.py [--out FOLDER] [--widths 360,1200,1920]

Two reports are rendered with `charter audit ... -o report.html`:

- `example`: the shipped example (charters/examples/nordlys-nettbutikk.yaml with
  charters/examples/nordlys-tickets-2026.csv);
- `wide`: a made-up charter and export built to stretch the layout: twelve promises with long
  ids and titles, subjects of 120 characters with no space, long non-ASCII group and assignee
  names, fourteen months of tickets, and `--by group,assignee` breakdowns.

Each page is loaded in headless Chromium (Debian's `chromium`, network off, a new empty profile)
at every width (360, 1200 and 1920 CSS pixels by default, 900 high), through the DevTools
protocol on a pipe (`--remote-debugging-pipe`; the standard library only): a window cannot be
made narrower than 500 pixels, so the width is set by `Emulation.setDeviceMetricsOverride`.
A small script evaluated in the page then measures, and the check fails when:

- the page scrolls sideways: `document.documentElement.scrollWidth` is wider than the
  viewport, or the page hides its overflow (`overflow-x: hidden` on html or body) to pretend
  it does not;
- a table is not inside a box of its own that scrolls (`overflow-x: auto` or `scroll`), or an
  element sticks out of the viewport without being inside such a box;
- some text is smaller than 12 CSS pixels as drawn (text in an SVG chart counts at its size
  after the chart is scaled to the page).

A full-page screenshot of every page at every width is written to the output folder
(`build/html-widths/` by default: `example-360.png`, `wide-1920.png`, ...) to be looked at.
Exit status: 0 when every page passes at every width, 1 when one does not (each problem is
printed), 2 when Chromium is missing or fails. `tests/audit/test_html_widths.py` runs this
script (marked slow, skipped where no `chromium` is on PATH).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
WIDTHS = (360, 1200, 1920)
HEIGHT = 900
MIN_FONT_PX = 12.0
MAX_SHOT_HEIGHT = 6000  # CSS pixels of page in one screenshot; the rest is cut

# Evaluated in the loaded page; returns what the check needs as JSON-able values.
MEASURE_JS = r"""
(function () {
  var root = document.documentElement, view = root.clientWidth;
  function scrolls(el) {
    var o = getComputedStyle(el).overflowX;
    return o === "auto" || o === "scroll";
  }
  function scrollBox(el) {
    for (var p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (scrolls(p)) return p;
    }
    return null;
  }
  function describe(el) {
    var s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.getAttribute("class")) s += "." + el.getAttribute("class").split(/\s+/).join(".");
    return s;
  }
  var out = {
    width: window.innerWidth, clientWidth: view, scrollWidth: root.scrollWidth,
    height: root.scrollHeight,
    hidden: [getComputedStyle(root).overflowX, getComputedStyle(document.body).overflowX]
      .filter(function (o) { return o === "hidden" || o === "clip"; }),
    tables: [], sticking: [], smallest: null, small: []
  };
  document.querySelectorAll("table").forEach(function (t) {
    var box = scrollBox(t);
    out.tables.push({
      table: describe(t), box: box ? describe(box) : null,
      width: Math.round(t.getBoundingClientRect().width),
      boxWidth: box ? box.clientWidth : null,
      boxRight: box ? Math.round(box.getBoundingClientRect().right) : null
    });
  });
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= view + 0.5 || scrollBox(el)) return;
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") return;  // the svg itself counts
    if (out.sticking.length < 10) out.sticking.push(describe(el) + " right=" + Math.round(r.right));
  });
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    var el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest("script,style,title")) continue;
    var style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    var rects = el.getClientRects();
    if (!rects.length) continue;
    var size = parseFloat(style.fontSize);
    var svg = el.closest("svg");
    if (svg && el.getScreenCTM) {  // SVG text is drawn at its size times the chart's scale
      var m = el.getScreenCTM();
      size = size * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    size = Math.round(size * 100) / 100;
    if (out.smallest === null || size < out.smallest) out.smallest = size;
    if (size < __MIN__ && out.small.length < 10) {
      out.small.push(describe(el) + " " + size + "px: " + node.textContent.trim().slice(0, 40));
    }
  }
  return out;
})()
""".replace("__MIN__", repr(MIN_FONT_PX))


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or did not answer."""


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (fd 3 in, fd 4 out)."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="charter-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:  # in the child: the two pipe ends become fds 3 and 4
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--proxy-server=127.0.0.1:9",  # nothing may be fetched: a page that tries, fails
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={self.profile}",
            f"--window-size={max(WIDTHS)},{HEIGHT}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,  # this process runs no threads
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.session = ""
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(BrowserError):
            self.call("Browser.close", session=False)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, False
        )
        self.session = attached["sessionId"]
        self.call("Page.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise BrowserError(f"chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the DevTools pipe (did it start?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = True
    ) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except OSError as err:
            raise BrowserError(f"chromium is gone: {err}") from err
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for i, seen in enumerate(self.events):
                if seen.get("method") == event:
                    del self.events[: i + 1]
                    return
            reply = self._read()
            if "method" in reply:
                self.events.append(reply)
        raise BrowserError(f"no {event} within {self.timeout:.0f} s")

    def load(self, page: Path, width: int) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
        )
        self.events.clear()
        self.call("Page.navigate", {"url": page.resolve().as_uri()})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, script: str) -> Any:
        reply = self.call("Runtime.evaluate", {"expression": script, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise BrowserError(f"the measuring script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, png: Path, width: int, height: int, top: int = 0) -> None:
        shot = self.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": top, "width": width, "height": height, "scale": 1},
            },
        )
        png.write_bytes(base64.b64decode(shot["data"]))


def problems(measured: dict[str, Any]) -> list[str]:
    """What is wrong with one page at one width, from MEASURE_JS's answer (empty: all is well)."""
    found = []
    if measured["scrollWidth"] > measured["clientWidth"]:
        found.append(
            f"the page scrolls sideways: {measured['scrollWidth']} px of content "
            f"in a {measured['clientWidth']} px viewport"
        )
    if measured["hidden"]:
        found.append("html or body hides its horizontal overflow instead of fitting")
    for table in measured["tables"]:
        if table["box"] is None:
            found.append(f"{table['table']} is not in a box that scrolls sideways")
        elif table["boxRight"] > measured["clientWidth"]:
            found.append(f"{table['table']}'s scroll box {table['box']} runs off the page")
    for element in measured["sticking"]:
        found.append(f"sticks out of the page: {element}")
    if measured["smallest"] is not None and measured["smallest"] < MIN_FONT_PX:
        found.append(f"text smaller than {MIN_FONT_PX:g} px: " + "; ".join(measured["small"]))
    return found


# --- the wide case --------------------------------------------------------------------------

WIDE_CHARTER = """\
charter: 1
name: Ålesund Søndre Kommune – Innbyggertorget, Tekniske Tjenester og Vedlikehold av Veier
timezone: Europe/Oslo
calendars:
  office:
    hours:
      mon-fri: "08:00-16:00"
    holidays:
      country: "NO"
  always: 24/7
channels:
  email: {calendar: office, match: [e-mail]}
  phone: {calendar: office}
  chat: {calendar: always}
priorities:
  - {name: urgent}
  - {name: normal}
  - {name: low}
promises:
"""


def _wide_promises() -> str:
    lines = []
    measures = ("first_response", "resolution", "acknowledgement")
    for i in range(12):
        measure = measures[i % 3]
        slug = measure.replace("_", "-")
        lines += [
            # ids are lowercase ASCII: long, with no space to break at
            f"  - id: promise-{i + 1:02d}-{slug}-for-residents-of-the-southern-district",
            "    title: Innbyggere i Søndre bydel får svar på henvendelsen sin innen avtalt tid"
            f" ({i + 1})",
            f"    measure: {measure}",
            f"    within: {{urgent: {1 + i % 4}h, normal: {4 + i}h,"
            f" low: {2 + i % 3} working days}}",
            f"    target: {80 + i}%",
        ]
    return "\n".join(lines) + "\n"


def wide_export(path: Path) -> None:
    """Three hundred tickets over fourteen months, with long unbroken subjects and names."""
    groups = (
        "Innbyggertorget–Førstelinje–Søndre–Bydel–Ålesund–Kommune",
        "Tekniske tjenester: vei, vann og avløp – vedlikehold og beredskap (døgnvakt)",
        "Łódź–Kraków–Gdańsk–Zespół–Wsparcia–Technicznego–Ñandú–Øresund",
    )
    assignees = (
        "Bjørnstjerne-Åsmund Ødegård-Kristiansen",
        "Zofia Żółkiewska-Wiśniewska",
        "Jean-Frédéric Écuyer-Lefèvre de la Côte-Saint-André",
    )
    channels = ("e-mail", "phone", "chat")
    priorities = ("urgent", "normal", "low")
    rows = [
        "ticket_id,created_at,channel,priority,status,group,assignee,subject,"
        "acknowledged_at,first_response_at,resolved_at"
    ]
    for i in range(300):
        month = 1 + i % 14
        year = 2025 + (month - 1) // 12
        month = (month - 1) % 12 + 1
        day = 1 + (i * 7) % 27
        created = f"{year}-{month:02d}-{day:02d} {8 + i % 8:02d}:{(i * 13) % 60:02d}"
        hours = (i * 37) % 90
        reply = f"{year}-{month:02d}-{min(day + hours // 24, 28):02d} {8 + (hours % 8):02d}:15"
        resolved = "" if i % 9 == 0 else f"{year}-{month:02d}-28 15:00"
        status = "open" if resolved == "" else "closed"
        subject = ("SøknadOmGravetillatelseOgMidlertidigStengingAvKjøpmannsgata_" * 3)[
            : 120 - len(str(i))
        ] + str(i)  # no space, no hyphen: nowhere to break
        rows.append(
            f"ÅSK-{2025_000_000 + i},{created},{channels[i % 3]},{priorities[i % 3]},{status},"
            f'"{groups[i % 3]}",{assignees[(i // 3) % 3]},{subject},'
            f"{created},{reply},{resolved}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def build_pages(folder: Path) -> dict[str, Path]:
    """The two reports to check, written in `folder` by the `charter` command itself."""
    wide_charter, wide_csv = folder / "wide.yaml", folder / "wide.csv"
    wide_charter.write_text(WIDE_CHARTER + _wide_promises(), encoding="utf-8")
    wide_export(wide_csv)
    runs = {
        "example": [str(CHARTER), str(EXPORT)],
        "wide": [str(wide_charter), str(wide_csv), "--by", "group,assignee"],
    }
    pages = {}
    for name, args in runs.items():
        page = folder / f"{name}.html"
        done = subprocess.run(
            [sys.executable, "-m", "charter_cli", "audit", *args, "-q", "-o", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1) or not page.is_file():
            raise SystemExit(f"charter audit ({name}) failed:\n{done.stderr}")
        pages[name] = page
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "html-widths")
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)))
    parser.add_argument(
        "--shot-height", type=int, default=MAX_SHOT_HEIGHT, help="cut screenshots at this height"
    )
    parser.add_argument(
        "--shot-from", type=int, default=0, help="start screenshots this far down the page"
    )
    parser.add_argument("--chromium", help="the browser to run (default: chromium on PATH)")
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",")]
    binary = args.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        print("no chromium on PATH (Debian: apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    with tempfile.TemporaryDirectory(prefix="charter-widths-") as tmp:
        pages = build_pages(Path(tmp))
        try:
            with Browser(binary) as browser:
                for name, page in pages.items():
                    for width in widths:
                        browser.load(page, width)
                        measured = browser.evaluate(MEASURE_JS)
                        png = args.out / f"{name}-{width}.png"
                        browser.screenshot(
                            png,
                            width,
                            max(min(measured["height"] - args.shot_from, args.shot_height), 1),
                            top=args.shot_from,
                        )
                        found = problems(measured)
                        failed += bool(found)
                        tables = ", ".join(
                            f"{t['table']} {t['width']}/{t['boxWidth']}"
                            for t in measured["tables"]
                            if t["boxWidth"] is not None and t["width"] > t["boxWidth"]
                        )
                        print(
                            f"{name} at {width} px: {'FAIL' if found else 'ok'} "
                            f"(page {measured['scrollWidth']}/{measured['clientWidth']} px, "
                            f"smallest text {measured['smallest']} px"
                            + (f", scrolling in their box: {tables}" if tables else "")
                            + f") → {png}"
                        )
                        for problem in found:
                            print(f"  - {problem}")
        except BrowserError as err:
            print(f"chromium: {err}", file=sys.stderr)
            return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
