"""A bounded crawl of the pages a role can reach, in a real browser (Playwright's sync API).

For one role: every page of the side navigation (level 0), then at most `per_page` new links
from each of them (level 1, one per URL pattern), each opened at 1366 px and again at 390 px.
The links found on level-1 pages are fetched once more without rendering (level 2, one per
pattern), so that a page's own links are checked too. What fails:

- a page or link answering 4xx/5xx, or a signed-in user's link that ends on the login page;
- a console error or an uncaught exception on a page;
- a page wider than the window (document.scrollWidth > innerWidth) at either width, with the
  outermost elements that stick out; a table column squeezed to one Chinese character a line.

Links that act are skipped: forms (logout, language), htmx verbs, downloads and exports.
Used by test_crawl_browser.py; also runnable by hand against a demo server
(`python -m ganchao.web.tests.crawl http://127.0.0.1:8000 office1 …`).
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from playwright.sync_api import Error as PlaywrightError

WIDTHS = (1366, 390)
LOGIN_PATH = "/accounts/login/"
# Hrefs that download or act rather than show a page.
SKIPPED_PATH = re.compile(
    r"(/logout|/i18n/|/export|/download|/exports?/|\.(xlsx|xls|docx|doc|pdf|csv|zip|json)$"
    r"|/files?/|/evidence/|/media/|/static/|/api/)",
    re.IGNORECASE,
)
# Outermost elements whose right edge passes the window, for the failure message.
OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const sticking = [];
  // inside a scrolling box (a .table-responsive) that itself fits: not what widens the page
  // (an absolutely placed element escapes the boxes between it and its containing block)
  const clipped = (el) => {
    let up = el.parentElement;
    if (getComputedStyle(el).position === 'absolute') {
      while (up && up !== document.body && getComputedStyle(up).position === 'static') up = up.parentElement;
    }
    for (; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return up.getBoundingClientRect().right <= width + 1;
    }
    return false;
  };
  const escaping = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && !clipped(el);
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (!escaping(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && escaping(parent)) continue;
    const box = el.getBoundingClientRect();
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    if (el.classList.length) name += '.' + [...el.classList].slice(0, 3).join('.');
    sticking.push(name + ' ' + Math.round(box.right) + 'px');
    if (sticking.length >= 4) break;
  }
  // table cells squeezed so narrow that Chinese breaks one character per line
  const squeezed = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const text = (cell.innerText || '').trim();
    const em = parseFloat(getComputedStyle(cell).fontSize);
    const box = cell.getBoundingClientRect();
    if (box.width > 0 && /[\u4e00-\u9fff]{4}/.test(text) && box.width < 2.6 * em + 24
        && box.height > 3.5 * em) {
      squeezed.push(text.slice(0, 12));
      if (squeezed.length >= 4) break;
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, sticking, squeezed};
}"""
LINKS_SCRIPT = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download') && !a.closest('form')
    && !['hx-post', 'hx-put', 'hx-patch', 'hx-delete'].some(v => a.hasAttribute(v)))
  .map(a => a.href)"""


@dataclass
class Problem:
    role: str
    url: str
    what: str

    def __str__(self):
        return f"[{self.role}] {self.url}: {self.what}"


@dataclass
class RoleCrawl:
    role: str
    signed_in: bool = True
    visited: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def fail(self, url, what):
        self.problems.append(Problem(self.role, url, what))


def log_in(page, username: str, password: str) -> None:
    page.goto(LOGIN_PATH)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: LOGIN_PATH not in url)


def url_pattern(url: str) -> str:
    """Addresses that differ only in ids, codes or query values are one pattern:
    /goals/items/12/?tab=x → /goals/items/{}/?tab."""
    parts = urlsplit(url)
    path = "/".join("{}" if re.search(r"\d", seg) else seg for seg in parts.path.split("/"))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def page_link(href: str, origin: str) -> str | None:
    """The address to follow for an href, or None for links that leave, act or download."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED_PATH.search(parts.path):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Crawler:
    """Crawls one role at a time. A level-1 page whose pattern an earlier role already had
    rendered is only fetched (its status and the login redirect still count for this role):
    the layout is the template's, and rendering it again would double the run."""

    def __init__(self, browser, base_url: str, *, per_page: int = 6, level2_per_page: int = 12):
        self.browser = browser
        self.origin = base_url.rstrip("/")
        self.per_page = per_page
        self.level2_per_page = level2_per_page
        self.rendered: set[str] = set()

    def crawl(self, role: str, username: str | None, password: str, start=()) -> RoleCrawl:
        result = RoleCrawl(role, signed_in=bool(username))
        context = self.browser.new_context(
            viewport={"width": WIDTHS[0], "height": 768}, locale="zh-CN", base_url=self.origin
        )
        context.set_default_timeout(20000)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            if username:
                log_in(page, username, password)
            level0 = list(start) or self._nav_links(page)
            seen = {url_pattern(url) for url in level0}
            level1 = []
            for url in level0:
                links = self._visit(page, url, errors, result)
                level1 += self._new_links(links, seen, self.per_page)
            level2 = []
            for url in level1:
                if url_pattern(url) in self.rendered:
                    links = self._check(context, url, result)
                else:
                    links = self._visit(page, url, errors, result)
                level2 += self._new_links(links, seen, self.level2_per_page)
            for url in level2:
                self._check(context, url, result)
        finally:
            context.close()
        return result

    def _nav_links(self, page) -> list[str]:
        page.goto("/")
        hrefs = page.eval_on_selector_all(".gc-sidebar a[href]", "els => els.map(a => a.href)")
        links = [page_link(href, self.origin) for href in [page.url, *hrefs]]
        return list(dict.fromkeys(link for link in links if link))

    def _new_links(self, hrefs, seen: set, limit: int) -> list[str]:
        found = []
        for href in hrefs:
            link = page_link(href, self.origin)
            if link is None or url_pattern(link) in seen:
                continue
            seen.add(url_pattern(link))
            found.append(link)
            if len(found) >= limit:
                break
        return found

    def _visit(self, page, url: str, errors: list, result: RoleCrawl) -> list[str]:
        """Open `url` at each width; record what fails; the page's links (none if it failed)."""
        result.visited.append(url)
        self.rendered.add(url_pattern(url))
        errors.clear()
        page.set_viewport_size({"width": WIDTHS[0], "height": 768})
        try:
            response = page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            if "Download is starting" in str(exc):
                result.visited.pop()  # a download, not a page
                return []
            raise
        if not self._arrived(response, page, url, result):
            return []
        links = page.evaluate(LINKS_SCRIPT)
        for width in WIDTHS:
            if width != WIDTHS[0]:
                page.set_viewport_size({"width": width, "height": 768})
                # two frames: let media queries, resize handlers and charts settle
                page.evaluate(
                    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                )
            box = page.evaluate(OVERFLOW_SCRIPT)
            if box["scroll"] > box["width"] + 1:
                result.fail(
                    url,
                    f"页面宽 {box['scroll']}px，超出 {width}px 窗口（{', '.join(box['sticking'])}）",
                )
            if box["squeezed"]:
                result.fail(
                    url, f"{width}px 时表格列被挤成一字一行（{'、'.join(box['squeezed'])}）"
                )
        for text in dict.fromkeys(errors):
            result.fail(url, f"控制台错误：{text[:300]}")
        return links

    def _arrived(self, response, page, url: str, result: RoleCrawl) -> bool:
        if response is None:
            return True
        if response.status >= 400:
            result.fail(url, f"HTTP {response.status}")
            return False
        if urlsplit(page.url).path == LOGIN_PATH and not url.startswith(LOGIN_PATH):
            if result.signed_in:
                result.fail(url, "已登录用户被带到登录页")
            else:
                result.fail(url, "公众可见的链接需要登录")
            return False
        return True

    def _check(self, context, url: str, result: RoleCrawl) -> list[str]:
        """Fetch without rendering; the page's links (absolute), as the browser would list them."""
        result.checked.append(url)
        response = context.request.get(url)
        links = []
        if response.status >= 400:
            result.fail(url, f"HTTP {response.status}（只取回未渲染）")
        elif urlsplit(response.url).path == LOGIN_PATH and not url.startswith(LOGIN_PATH):
            result.fail(
                url, "已登录用户被带到登录页" if result.signed_in else "公众可见的链接需要登录"
            )
        elif "text/html" in response.headers.get("content-type", ""):
            links = [urljoin(response.url, href) for href in _LinkParser.hrefs(response.text())]
        response.dispose()
        return links


class _LinkParser(HTMLParser):
    """a[href] outside forms, without `download` or an htmx verb (LINKS_SCRIPT's rule)."""

    def __init__(self):
        super().__init__()
        self.found, self.forms = [], 0

    @classmethod
    def hrefs(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.found

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "form":
            self.forms += 1
        elif tag == "a" and names.get("href") and not self.forms:
            acting = {"download", "hx-post", "hx-put", "hx-patch", "hx-delete"} & names.keys()
            if not acting:
                self.found.append(names["href"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.forms = max(0, self.forms - 1)


def main(argv):  # pragma: no cover - a hand tool
    import sys

    from playwright.sync_api import sync_playwright

    base, password, usernames = argv[0], argv[1], argv[2:]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        crawler = Crawler(browser, base)
        for username in usernames:
            if username == "public":
                done = crawler.crawl("public", None, "", start=PUBLIC_START)
            else:
                done = crawler.crawl(username, username, password)
            print(
                f"{username}: {len(done.visited)} pages, {len(done.checked)} links checked, "
                f"{len(done.problems)} problems",
                file=sys.stderr,
            )
            for problem in done.problems:
                print(problem)


PUBLIC_START = (LOGIN_PATH, "/assessment/public/")

if __name__ == "__main__":  # pragma: no cover
    import sys

    main(sys.argv[1:])
