"""Find the system Chromium and print HTML pages to PDF with it, one browser per build:
one page at a time (PdfPrinter, playwright's sync API) or several at once
(ParallelPrinter, its async API in a thread of its own)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path
from types import TracebackType
from typing import Any

from markupsafe import Markup, escape
from playwright.async_api import Browser as AsyncBrowser
from playwright.async_api import Route as AsyncRoute
from playwright.async_api import async_playwright
from playwright.sync_api import Browser, Page, Playwright, Route, sync_playwright

from report_lib import atomic, language
from report_lib.render import fonts, i18n

log = logging.getLogger(__name__)

CHROMIUM_ENV = "REPORT_LIB_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Debian's /usr/bin/chromium is a shell script that sources /etc/chromium.d (Google API keys,
# --enable-remote-extensions, --load-extension=...) before exec'ing this binary. Playwright
# works through the wrapper too, but the real binary runs with exactly the flags given below.
DEBIAN_WRAPPER = Path("/usr/bin/chromium")
DEBIAN_BINARY = Path("/usr/lib/chromium/chromium")

# Nothing in a report needs the network, and the intranet has none: keep Chromium from
# phoning home (updates, sync, QUIC probes) and from needing a GPU or a large /dev/shm.
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)


# ---- What a PDF looks like: page.pdf() options, running header and footer -------------

# Chromium lets a page's CSS @page margins override these; they match the rule in
# templates/report/static/report.css and apply to pages without one. The top margin holds
# the running title, the bottom one the page numbers.
PAGE_MARGINS = {"top": "16mm", "right": "15mm", "bottom": "18mm", "left": "15mm"}
# Punctuation kept at full width in the margins: trimmed "）：" in the running title read
# back from the PDF as two lines ("测试（虚构）" and "：…") with the print font.
_MARGIN_TEXT = (
    "box-sizing:border-box;width:100%;padding:0 15mm;font-size:8pt;color:#555;"
    "text-spacing-trim:space-all;"
    "font-family:'Liberation Sans','DejaVu Sans','Noto Sans CJK SC',sans-serif;"
)
HEADER_TEMPLATE = (
    f'<div lang="{{lang}}" style="{_MARGIN_TEXT}white-space:nowrap;overflow:hidden;'
    'text-overflow:ellipsis">{title}</div>'
)
FOOTER_TEMPLATE = f'<div lang="{{lang}}" style="{_MARGIN_TEXT}text-align:center">{{text}}</div>'
LANG_OF_PAGE = "document.documentElement.lang"


def print_options(title: str, lang: str) -> dict[str, Any]:
    """page.pdf() options for a report page: A4, tagged (structure, /Lang from the page's
    <html lang>), an outline of bookmarks from its headings, the report's title as a
    running header and 'page N of M' below, in the page's language."""
    shell = next((key for key, value in language.TAGS.items() if value == lang), i18n.DEFAULT)
    _ = i18n.translator(shell)
    numbers = _(
        "page {page} of {total}",
        page=Markup('<span class="pageNumber"></span>'),
        total=Markup('<span class="totalPages"></span>'),
    )
    attribute = escape(i18n.tag(shell))
    return {
        "format": "A4",
        "print_background": True,
        "tagged": True,
        "outline": True,
        "display_header_footer": True,
        "header_template": HEADER_TEMPLATE.format(lang=attribute, title=escape(title)),
        "footer_template": FOOTER_TEMPLATE.format(lang=attribute, text=numbers),
        "margin": PAGE_MARGINS,
    }


# ---- Finding and driving Chromium ---------------------------------------------------


class BrowserNotFound(RuntimeError):
    """No usable Chromium: the message says what to install."""


def find_chromium() -> Path:
    """Chromium to print with: $REPORT_LIB_CHROMIUM, else the first known name on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise BrowserNotFound(f"{CHROMIUM_ENV}={configured} does not exist")
        return path
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return _unwrap(Path(found))
    raise BrowserNotFound(
        f"no Chromium found: install Debian's 'chromium' package or set {CHROMIUM_ENV}"
    )


def _unwrap(path: Path) -> Path:
    if path.resolve() == DEBIAN_WRAPPER and DEBIAN_BINARY.is_file():
        return DEBIAN_BINARY
    return path


def launch_args() -> list[str]:
    """Chromium's sandbox cannot start as root (containers, CI); elsewhere keep it."""
    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    return args


def launch_options(executable: Path) -> dict[str, Any]:
    """playwright's launch() arguments, the same for every Chromium the project starts:
    its flags, and its fonts (render.fonts: Noto Sans CJK SC converted for printing)."""
    options: dict[str, Any] = {"executable_path": executable, "args": launch_args()}
    config = fonts.print_config()
    if config is not None:
        options["env"] = {**os.environ, "FONTCONFIG_FILE": str(config)}
    return options


class PdfPrinter:
    """One Chromium for many PDFs: launching costs about a second, printing a page much less.

    Playwright's sync API binds the browser to the thread that opened it, and refuses to run
    inside a running asyncio loop (e.g. a Jupyter kernel).
    """

    def __init__(self, executable: Path | None = None) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> PdfPrinter:
        executable = self.executable or find_chromium()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(**launch_options(executable))
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            if self._playwright is not None:
                self._playwright.stop()
            self._browser = self._playwright = None

    def print_pdf(self, html: str, out: Path | None = None) -> bytes:
        """Print a self-contained page as A4; with `out`, also write it there atomically."""
        if self._browser is None:
            raise RuntimeError("PdfPrinter is not open: use it as a context manager")
        page = self._browser.new_page()
        try:
            pdf = _print_page(page, html)
        finally:
            page.close()
        if out is not None:
            atomic.write_bytes(Path(out), pdf)
        return pdf


def _print_page(page: Page, html: str) -> bytes:
    page.route("**/*", _block)
    page.set_content(html, wait_until="load")
    return page.pdf(**print_options(page.title(), page.evaluate(LANG_OF_PAGE)))


def _block(route: Route) -> None:
    # A report must not depend on other hosts; a blocked request is a template or data bug.
    # data: and about: URLs never reach a route handler (Chromium serves them itself), so
    # everything that does arrive here is a real fetch.
    log.warning("blocked request from report page: %s", route.request.url)
    route.abort()


async def _block_async(route: AsyncRoute) -> None:
    log.warning("blocked request from report page: %s", route.request.url)
    await route.abort()


# A page prints one report after another: a new page costs Chromium a renderer process.
# Measured on the 28 reports, two pages at once: Chromium's CPU 77 s with a new page for
# each report, 32 s with a page reused 4 times, 26 s 12 times, 23 s 100 times; a
# renderer's peak resident memory 350, 358, 428 and 425 MB. So a page is replaced
# after this many prints. Before each reuse the renderer collects its garbage (the last
# report's page): with the print font of render.fonts, over the 28 reports printed twice,
# its peak fell from 265-273 MB to 241 MB for the same CPU (30.3-31.2 s against 29.7-30.8).
PRINTS_PER_PAGE = 12


class _Slot:
    """One of ParallelPrinter's pages, in a context of its own, and how often it printed."""

    def __init__(self) -> None:
        self.page: Any = None
        self.devtools: Any = None  # the page's DevTools session, to ask for a collection
        self.prints = 0

    async def ready(self, browser: AsyncBrowser) -> Any:
        """The slot's page, new if it has none or has printed PRINTS_PER_PAGE times,
        else with the previous report's garbage collected."""
        if self.page is not None and self.prints >= PRINTS_PER_PAGE:
            await self.discard()
        if self.page is None:
            self.page = await browser.new_page()
            await self.page.route("**/*", _block_async)
            self.devtools = await self.page.context.new_cdp_session(self.page)
        elif self.prints:
            await self.devtools.send("HeapProfiler.collectGarbage")
        return self.page

    async def discard(self) -> None:
        """Close the page (and its context); a page that failed to print is never reused."""
        page, self.page, self.devtools, self.prints = self.page, None, None, 0
        if page is not None:
            with contextlib.suppress(Exception):
                await page.close()


class ParallelPrinter:
    """One Chromium printing up to `pages` pages at once, the same A4 pages as PdfPrinter.
    Each of the `pages` slots keeps its page (in a context of its own) from one print to
    the next (see PRINTS_PER_PAGE). Playwright's async API runs in a thread of its own,
    so the caller goes on while pages print; `submit` returns a future of the PDF bytes.

    The browser starts in the background on entering: start the thread after any fork
    (a fork copies only the calling thread). A browser that fails to start fails every
    future with the reason."""

    def __init__(self, pages: int, executable: Path | None = None) -> None:
        self.pages = max(1, pages)
        self.executable = executable
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pdf-printer")
        self._opened: Future[AsyncBrowser] | None = None
        self._playwright: Any = None
        self._idle: asyncio.Queue[_Slot] | None = None

    def __enter__(self) -> ParallelPrinter:
        try:
            executable = self.executable or find_chromium()
        except BrowserNotFound:
            self._loop.close()
            raise
        self._thread.start()
        self._opened = asyncio.run_coroutine_threadsafe(self._open(executable), self._loop)
        return self

    async def _open(self, executable: Path) -> AsyncBrowser:
        self._idle = asyncio.Queue()
        for _ in range(self.pages):
            self._idle.put_nowait(_Slot())
        self._playwright = await async_playwright().start()
        try:
            options = await asyncio.to_thread(launch_options, executable)
            return await self._playwright.chromium.launch(**options)
        except BaseException:
            await self._playwright.stop()
            self._playwright = None
            raise

    def submit(self, html: str) -> Future[bytes]:
        """Print a self-contained page as A4, in the background."""
        if self._opened is None:
            raise RuntimeError("ParallelPrinter is not open: use it as a context manager")
        return asyncio.run_coroutine_threadsafe(self._print(html), self._loop)

    async def _print(self, html: str) -> bytes:
        assert self._opened is not None
        browser = await asyncio.wrap_future(self._opened)
        assert self._idle is not None
        slot = await self._idle.get()
        try:
            page = await slot.ready(browser)
            await page.set_content(html, wait_until="load")
            title, lang = await page.title(), await page.evaluate(LANG_OF_PAGE)
            pdf = await page.pdf(**print_options(title, lang))
            slot.prints += 1
            return pdf
        except BaseException:
            await slot.discard()
            raise
        finally:
            self._idle.put_nowait(slot)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._opened is not None:
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _close(self) -> None:
        assert self._opened is not None
        try:
            browser = await asyncio.wrap_future(self._opened)
        except BaseException:
            browser = None  # it never started: nothing to close
        try:
            if browser is not None:
                await browser.close()
        finally:
            if self._playwright is not None:
                await self._playwright.stop()
