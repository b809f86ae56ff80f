"""The tools in a real browser (headless Chromium), against the built site served on 127.0.0.1."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from builder.build.site_build import LATER_STDLIB, Runtime
from builder.case_reader import load_case
from builder.case_reader import loads_case as parse
from builder.gap import compute_gap
from builder.gap_report import report_to_dict
from tests.conftest import CASES, EXAMPLE_CASE, BuiltSite, Visit
from tests.site import new_context, python_worker, worker_scripts

READY = '.iep-widget[data-state="ready"]'
BOOT_TIMEOUT_MS = 120_000
# True once Python has answered everything the reader did (widgets.py marks the wait).
SETTLED = "!document.documentElement.hasAttribute('data-iep-busy')"
ALL_READY = """() => [...document.querySelectorAll('.iep-widget')]
    .every(widget => widget.dataset.state === 'ready')"""


def open_builder(visit: Visit, site: BuiltSite, page: str = "builder/") -> Any:
    visit.page.goto(site.url + page)
    visit.page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    return visit.page


def follow_link(page: Any, url: str) -> None:
    """Go to `url` as a reader's click does (instant navigation, for the pages in the sitemap),
    and wait until the new page's content is in and its tools are ready."""
    page.evaluate(
        """url => {
            for (const content of document.querySelectorAll('.md-content')) {
                content.dataset.left = 'true';
            }
            const link = Object.assign(document.createElement('a'), {href: url});
            document.body.append(link);
            link.click();
            link.remove();
        }""",
        url,
    )
    page.wait_for_url(url)
    page.wait_for_selector(".md-content:not([data-left])", state="attached")
    page.wait_for_function(ALL_READY, timeout=BOOT_TIMEOUT_MS)


def settled(page: Any) -> None:
    """Wait until Python has answered everything the reader did (widgets.py marks the wait)."""
    page.wait_for_function(f"() => {SETTLED}")


def letter_text(page: Any, widget: str = '[data-widget="letter"]') -> str:
    settled(page)
    root = page.locator(widget).first
    subject = root.locator('[data-role="subject"]').text_content()
    body = root.locator('[data-role="body"]').text_content()
    return f"{subject}\n\n{body}"


def type_example_case(page: Any) -> None:
    values = {
        "parent.name": "Ana Rivera",
        "parent.email": "ana@example.org",
        "child.name": "Sam Rivera",
        "child.school": "Lincoln Elementary",
        "contacts.case_manager.name": "Ms. Lee",
        "contacts.case_manager.email": "lee@example.org",
        "period.start": "2026-10-05",
        "period.end": "2026-10-23",
        "services.0.name": "Speech-language therapy",
        "services.0.minutes": "30",
        "services.0.times": "2",
        "services.0.received.sessions": "2",
    }
    for path, value in values.items():
        page.locator(f'[data-path="{path}"]').first.fill(value)
    page.locator('[data-path="services.0.per"]').first.select_option("week")
    settled(page)


def test_typing_the_facts_fills_the_letter_with_the_missed_minutes(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    text = letter_text(page)
    assert "Dear Ms. Lee," in text
    assert "the IEP called for 6 sessions of speech-language therapy" in text
    assert "Sam Rivera received 2 sessions (60 minutes): 120 minutes were not provided." in text
    assert "Your letter." in page.locator('[data-role="note"]').first.text_content()
    href = page.locator('[data-action="email"]').first.get_attribute("href")
    assert href.startswith("mailto:lee@example.org?subject=Sam%20Rivera")
    assert visit.errors == []


def test_a_date_typed_key_by_key_passes_through_early_years_and_the_tool_keeps_up(
    visit: Visit, site: BuiltSite
) -> None:
    """A date field's year reads 0002, 0020, then 0202 on the way to 2026: such a year is set
    aside with a word beside the field, not counted from (centuries of school days)."""
    page = open_builder(visit, site)
    type_example_case(page)
    start = page.locator('[data-path="period.start"]').first
    message = page.locator('[data-error-for="period.start"]').first
    start.press_sequentially("10122", delay=50)
    settled(page)
    assert start.input_value() == "0002-10-12"
    assert message.text_content() == "Check the year: this tool takes dates from 2000 to 2099."
    page.keyboard.type("026", delay=50)
    settled(page)
    assert start.input_value() == "2026-10-12"
    assert message.text_content() == ""
    assert "the IEP called for 4 sessions of speech-language therapy" in letter_text(page)
    assert visit.errors == []


def test_importing_a_case_file_fills_the_form_and_the_letter(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page = open_builder(visit, site)
    case = json.loads((CASES / "example.json").read_text())
    case["child"]["name"] = "Noor Haddad"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    page.locator('input[data-action="import"]').first.set_input_files(str(path))
    page.wait_for_function(
        "() => document.querySelector('[data-path=\"child.name\"]').value === 'Noor Haddad'"
    )
    assert page.locator('[data-path="services.0.minutes"]').first.input_value() == "30"
    assert "Noor Haddad received 2 sessions (60 minutes): 120 minutes were not provided." in (
        letter_text(page)
    )
    assert "Case file loaded." in page.locator('[data-role="case-message"]').first.text_content()


def test_a_damaged_case_file_is_explained_and_nothing_typed_is_lost(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page = open_builder(visit, site)
    page.locator('[data-path="child.name"]').first.fill("Maya")
    for content in ("{not json", '{"hello": "world"}', '{"version": 9}'):
        path = tmp_path / "bad.json"
        path.write_text(content)
        page.locator('input[data-action="import"]').first.set_input_files(str(path))
        message = page.locator('[data-role="case-message"]').first
        page.wait_for_function(
            "el => el.textContent.includes('could not be loaded')", arg=message.element_handle()
        )
        assert page.locator('[data-path="child.name"]').first.input_value() == "Maya"
        page.evaluate("document.querySelector('[data-role=\"case-message\"]').textContent = ''")
    assert "Maya" in letter_text(page)


def test_export_downloads_the_case_that_import_reads_back(visit: Visit, site: BuiltSite) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    with page.expect_download() as download:
        page.locator('[data-action="export"]').first.click()
    exported = Path(download.value.path()).read_text()
    assert load_case(json.loads(exported)) == parse((CASES / "example.json").read_text())


def test_a_bad_value_gets_a_message_beside_its_field_and_stays_typed(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    field = page.locator('[data-path="services.0.minutes"]').first
    field.fill("thirty")
    settled(page)
    error = page.locator('[data-error-for="services.0.minutes"]').first
    assert error.text_content() == "Enter a whole number, like 30."
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "thirty"
    field.fill("30")
    settled(page)
    assert error.text_content() == ""
    assert "120 minutes were not provided" in letter_text(page)


def test_the_build_time_letter_and_the_live_letter_are_identical(
    visit: Visit, site: BuiltSite
) -> None:
    for page_path in ("builder", "guide/file-a-state-complaint", "guide/request-an-iep-meeting"):
        prerendered = _prerendered_letter(site.html(page_path))
        assert "Daniel Alvarez" in prerendered, "the worked example is filled in"
        page = open_builder(visit, site, page_path + "/")
        assert letter_text(page) == prerendered, "the example before and after Python starts"
        page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
        page.wait_for_function(
            "() => document.querySelector('[data-path=\"child.name\"]').value === 'Daniel Alvarez'"
        )
        assert letter_text(page) == prerendered, "the same case imported gives the same letter"


def test_text_typed_before_python_is_ready_is_kept(visit: Visit, site: BuiltSite) -> None:
    page = visit.page
    page.goto(site.url + "builder/")
    field = page.locator('[data-path="child.name"]').first
    field.fill("Early Bird")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert field.input_value() == "Early Bird"
    assert "Early Bird" in letter_text(page)
    # Typed outside the tools: every tool now skips drawing while off screen.
    assert page.locator(".iep-widget:not([data-drawn-when-seen])").count() == 0


def test_the_tool_typed_in_as_python_comes_alive_is_drawn_as_it_was(
    visit: Visit, site: BuiltSite
) -> None:
    """Switching that tool to skip drawing while off screen made WebKit move the caret to the
    start of the field, so the next keys went before what was typed."""
    page = visit.page
    page.goto(site.url + "guide/write-to-the-case-manager/")
    field = page.locator('.iep-widget [data-path="child.name"]').first
    field.fill("Early Bird")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert (
        field.evaluate("f => f.closest('.iep-widget').hasAttribute('data-drawn-when-seen')")
        is False
    )
    assert field.evaluate("f => [f.selectionStart, f.selectionEnd]") == [10, 10]


def _prerendered_letter(html: str) -> str:
    subject = re.search(r'data-role="subject">(.*?)</span>', html, re.S)
    body = re.search(r'data-role="body">(.*?)</pre>', html, re.S)
    assert subject and body
    return f"{unescape(subject.group(1))}\n\n{unescape(body.group(1))}"


def test_the_calculator_takes_a_log_edited_from_the_keyboard(visit: Visit, site: BuiltSite) -> None:
    page = open_builder(visit, site, "guide/get-specific/")
    assert page.locator(".iep-gap__svg").count() == 1, "the worked example has its chart"
    type_example_case(page)
    page.locator('[data-path="services.0.received.sessions"]').first.fill("")
    page.locator('[id$="-log-group"] > summary').first.click()
    add = page.locator('[data-action="add"][data-list="services.0.log"]')
    for index, (day, minutes, reason) in enumerate(
        [
            ("2026-10-06", "30", ""),
            ("2026-10-08", "0", "student_absent"),
            ("2026-10-13", "0", "provider_absent"),
            ("2026-10-15", "20", "provider_absent"),
        ]
    ):
        add.focus()
        page.keyboard.press("Enter")
        settled(page)
        focused = page.evaluate("document.activeElement.dataset.path")
        assert focused == f"services.0.log.{index}.date", "a new row takes the focus"
        page.locator(f'[data-path="services.0.log.{index}.date"]').fill(day)
        page.locator(f'[data-path="services.0.log.{index}.minutes"]').fill(minutes)
        if reason:
            page.locator(f'[data-path="services.0.log.{index}.reason"]').select_option(reason)
    settled(page)
    results = page.locator('[data-role="results"]').first
    row = results.locator("tbody tr").first.inner_text().split("\t")
    assert row == ["Speech-language therapy", "180", "50", "130", "30", "100", "28%"]
    weeks = results.locator(".iep-gap__weeks tbody tr")
    assert [weeks.nth(n).locator("th, td").all_text_contents() for n in range(weeks.count())] == [
        ["Oct 5", "5", "60", "30"],
        ["Oct 12", "5", "60", "20"],
        ["Oct 19", "5", "60", "0"],
    ]
    assert results.locator(".iep-gap__svg rect").count() == 6
    page.locator('[data-action="remove"][data-item="services.0.log.0"]').click()
    settled(page)
    assert page.evaluate("document.activeElement.dataset.list") == "services.0.log"
    assert page.locator('[data-path="services.0.log.0.date"]').input_value() == "2026-10-08"
    assert "Speech-language therapy\t180\t20\t160\t30\t130" in results.inner_text()
    assert visit.errors == []


def test_a_long_log_shows_its_last_entries_and_all_of_them_on_request(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page = open_builder(visit, site, "guide/get-specific/")
    case = json.loads((CASES / "example.json").read_text())
    days = [f"2026-{month:02d}-{day:02d}" for month in (9, 10, 11) for day in range(1, 29)]
    case["services"][0].pop("received", None)
    case["services"][0]["log"] = [{"date": day, "minutes": 30} for day in days]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    page.locator('input[data-action="import"]').first.set_input_files(str(path))
    show_all = page.locator('[data-action="show-all"][data-list="services.0.log"]')
    show_all.wait_for()
    settled(page)
    assert show_all.text_content() == "Show all 84"
    assert page.locator('[data-path$=".date"][data-path^="services.0.log."]').count() == 50
    assert page.locator('[data-path="services.0.log.83.date"]').input_value() == "2026-11-28"
    show_all.focus()
    page.keyboard.press("Enter")
    settled(page)
    assert page.locator('[data-path$=".date"][data-path^="services.0.log."]').count() == 84
    assert page.evaluate("document.activeElement.dataset.path") == "services.0.log.0.date"
    assert page.locator('[data-action="show-all"]').count() == 0
    assert visit.errors == []


def test_the_log_goes_out_and_comes_back_as_csv(
    visit: Visit, site: BuiltSite, tmp_path: Path
) -> None:
    page = open_builder(visit, site, "guide/keep-a-log/")
    type_example_case(page)
    page.locator('[data-path="services.0.received.sessions"]').first.fill("")
    csv = tmp_path / "log.csv"
    csv.write_text("Date of service,Minutes,Reason\n10/6/2026,30,\n10/8/2026,0,provider absent\n")
    page.locator('input[data-action="csv-import"][data-service="0"]').set_input_files(str(csv))
    page.wait_for_selector('[data-path="services.0.log.1.date"]')
    assert page.locator('[data-path="services.0.log.1.reason"]').input_value() == "provider_absent"
    assert "Log imported: 2 entries." in page.locator('[data-role="case-message"]').text_content()
    with page.expect_download() as download:
        page.locator('[data-action="csv-export"][data-service="0"]').click()
    exported = Path(download.value.path()).read_text()
    assert "2026-10-06,30" in exported and "provider_absent" in exported


def later_modules_fetched_in_the_worker(page: Any) -> int:
    """worker.js's own fetch of the standard library's later zip, run in the page's Python worker
    (importing the worker's script there gives the running module): how many bytes it wrote."""
    return int(
        python_worker(page).evaluate(
            """async () => {
                const { fetchLaterModules } = await import(self.location.href);
                const later = new URL("python_stdlib_later.zip", self.location.href).href;
                let written = 0;
                const files = { writeFile: (path, bytes) => { written = bytes.length; } };
                fetchLaterModules({ FS: files }, later);
                return written;
            }"""
        )
    )


def test_the_later_standard_library_is_fetched_only_when_python_asks_for_it(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    page.locator('input[data-action="import"]').first.set_input_files(str(EXAMPLE_CASE))
    page.wait_for_selector('[data-role="case-message"]:has-text("Case file loaded")')
    settled(page)
    later = next(site.directory.glob(f"assets/py/*/{LATER_STDLIB}"))
    assert any(url.endswith("/iep.zip") for url in visit.requests), "the worker's requests too"
    assert [url for url in visit.requests if url.endswith(LATER_STDLIB)] == []
    assert later_modules_fetched_in_the_worker(page) == later.stat().st_size


def test_the_home_page_fetches_what_python_loads_ahead_and_runs_none_of_it(
    visit: Visit, site: BuiltSite
) -> None:
    page = visit.page
    page.goto(site.url)
    page.wait_for_load_state("networkidle")
    fetched = {url.removeprefix(site.url) for url in visit.requests}
    runtime = Runtime.from_node_modules()
    assert set(runtime.worker_files()) <= fetched
    assert set(runtime.tool_files()) <= fetched, "and the page side's: PyScript, MicroPython"
    assert [worker.url for worker in page.workers if "/assets/py/" in worker.url] == []
    assert visit.errors == []


def test_the_home_page_fetches_nothing_ahead_with_data_saver_on(
    browser: Any, site: BuiltSite
) -> None:
    context = new_context(browser, service_workers="block")
    context.add_init_script(
        script="Object.defineProperty(navigator, 'connection', { value: { saveData: true } });"
    )
    requests: list[str] = []
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site.url)
    page.wait_for_load_state("networkidle")
    context.close()
    assert [url for url in requests if "/assets/runtime/" in url] == []
    assert [url for url in requests if url.endswith("/iep.zip")] == []


# Each worker the page creates, and whether every stylesheet of the page had arrived by then.
STYLES_AT_EACH_WORKER = """
window.__stylesAtWorker = [];
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url, options) {
    const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
    const styled = links.length > 0 && links.every((l) => l.sheet);
    window.__stylesAtWorker.push([String(url), options?.name || "", styled]);
    super(url, options);
  }
};
"""


# A tab the reader leaves for another before it has drawn its first frame (its styles are late).
SENT_TO_THE_BACKGROUND = """
setTimeout(() => document.dispatchEvent(new Event("visibilitychange")), 300);
"""


@pytest.mark.parametrize(
    ("sent_to_the_background", "styles_in"), [(False, True), (True, False)], ids=["shown", "left"]
)
def test_python_starts_once_the_page_has_its_styles(
    visit: Visit, site: BuiltSite, sent_to_the_background: bool, styles_in: bool
) -> None:
    """So on a slow network Python's download never holds up the page's first paint: the
    styles arrive late here, as they do on a slow network when the page asks for both at once.
    A tab sent to the background first draws no frame, so it starts Python without waiting."""
    page = visit.page
    page.add_init_script(script=STYLES_AT_EACH_WORKER)
    if sent_to_the_background:
        page.add_init_script(script=SENT_TO_THE_BACKGROUND)
    page.route("**/*.css", lambda route: (page.wait_for_timeout(1500), route.continue_()))
    page.goto(site.url + "guide/write-to-the-case-manager/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    workers = page.evaluate("window.__stylesAtWorker")
    python = [styles for url, name, styles in workers if url.endswith("/worker.js") and not name]
    assert python == [styles_in]
    assert visit.errors == []


def test_the_case_follows_the_reader_from_page_to_page(visit: Visit, site: BuiltSite) -> None:
    page = visit.page
    page.goto(site.url + "glossary/")
    page.wait_for_load_state("networkidle")
    assert [url for url in visit.requests if "/assets/runtime/" in url] == [], "no Python"
    assert worker_scripts(visit.requests) == []
    page.goto(site.url + "builder/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    type_example_case(page)
    started = len(visit.requests)
    follow_link(page, site.url + "guide/write-to-the-case-manager/")
    assert page.locator('[data-path="child.name"]').first.input_value() == "Sam Rivera"
    assert "120 minutes were not provided" in letter_text(page)
    assert worker_scripts(visit.requests[started:]) == [], "Python started once, and kept"


def test_the_builder_page_offers_every_letter_from_the_same_facts(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    chooser = page.locator('[data-action="choose-letter"]')
    assert chooser.locator("option").count() == 10
    chooser.select_option("meeting-request")
    page.wait_for_selector(
        '[data-widget="letter"][data-letter="meeting-request"][data-state="ready"]'
    )
    page.locator('[data-path="meeting.offered.0.date"]').fill("2026-12-01")
    page.locator('[data-path="meeting.offered.0.time"]').fill("3:30 pm")
    text = letter_text(page)
    assert "Sam Rivera" in text and "December 1, 2026" in text and "3:30 pm" in text
    assert page.locator('[data-path="child.name"]').first.input_value() == "Sam Rivera"


def test_the_state_complaint_is_offered_only_when_complete(visit: Visit, site: BuiltSite) -> None:
    page = open_builder(visit, site, "guide/file-a-state-complaint/")
    actions = page.locator('[data-widget="letter"] [data-role="actions"]')
    assert actions.is_visible(), "the worked example is complete"
    type_example_case(page)
    readiness = page.locator('[data-role="readiness"]').first
    assert actions.is_hidden()
    assert "Your state" in readiness.inner_text()
    assert "34 CFR 300.153(d)" in readiness.inner_text()
    page.locator('[data-path="state"]').select_option("CA")
    settled(page)
    summary = page.locator('[data-role="state-summary"]')
    summary.scroll_into_view_if_needed()  # a tool off screen is not drawn until the reader nears it
    expect(summary).to_contain_text("California Department of Education", use_inner_text=True)
    # ...and leads to California's page, from this page's place in the site.
    expect(summary.locator('a[href="../../states/california/"]')).to_have_count(1)
    for path, value in {
        "parent.address": "12 Oak St, Fresno, CA 93701",
        "child.address": "12 Oak St, Fresno, CA 93701",
        "contacts.district": "Fresno Unified School District",
        "complaint.violation": "The district has not provided the speech therapy in the IEP.",
        "complaint.proposed_resolution": "Make-up sessions for the 120 minutes missed.",
        "complaint.signature": "Ana Rivera",
    }.items():
        page.locator(f'[data-path="{path}"]').first.fill(value)
    settled(page)
    assert "every element" in readiness.inner_text()
    assert actions.is_visible()
    assert "Fresno Unified School District" in letter_text(page)


def test_marking_a_letter_sent_puts_it_on_the_timeline_and_in_the_next_letter(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    type_example_case(page)
    page.locator('[data-action="mark-sent"]').first.click()
    settled(page)
    timeline = page.locator('[data-role="timeline"]')
    assert "Sent a note about the missed services to Ms. Lee" in timeline.inner_text()
    assert "Reply date you asked for" in timeline.inner_text()
    href = timeline.locator('[data-action="calendar"]').get_attribute("href")
    assert href.startswith("data:text/calendar") and "BEGIN%3AVCALENDAR" in href
    page.locator('[data-action="choose-letter"]').select_option("follow-up")
    page.wait_for_selector('[data-widget="letter"][data-letter="follow-up"][data-state="ready"]')
    assert page.locator('[data-path="letters_sent.0.letter"]').input_value() == (
        "case-manager-note"
    )
    sheet = page.locator('[data-widget="meeting-sheet"]')
    sheet.scroll_into_view_if_needed()  # a tool off screen is not drawn until the reader nears it
    expect(sheet).to_contain_text("Meeting sheet", use_inner_text=True)


def forget(page: Any) -> None:
    """Press Forget this case, and say yes when it asks."""
    page.locator('[data-action="ask-forget"]').first.click()
    confirm = page.locator('[data-role="forget-confirm"]').first
    expect(confirm).to_be_visible()
    expect(page.locator('[data-action="keep"]').first).to_be_focused()
    confirm.locator('[data-action="forget"]').click()
    settled(page)


def test_the_case_is_kept_in_the_tab_stored_only_when_remembered_and_forget_clears_it(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site)
    name = page.locator('[data-path="child.name"]').first
    name.fill("Sam Rivera")
    settled(page)
    assert page.evaluate("localStorage.length") == 0, "nothing stored before opting in"
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    settled(page)
    assert name.input_value() == "Sam Rivera", "the tab keeps it through a reload"
    assert not page.locator('[data-action="remember"]').first.is_checked()
    page.locator('[data-action="remember"]').first.check()
    settled(page)
    page.evaluate("sessionStorage.clear()")  # as a new visit would be, another day
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    settled(page)
    assert name.input_value() == "Sam Rivera"
    assert page.locator('[data-action="remember"]').first.is_checked()
    forget(page)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert name.input_value() == ""
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    assert name.input_value() == ""


def test_forget_asks_first_and_undo_brings_the_case_back(visit: Visit, site: BuiltSite) -> None:
    page = open_builder(visit, site)
    name = page.locator('[data-path="child.name"]').first
    name.fill("Leo")
    settled(page)
    page.locator('[data-action="ask-forget"]').first.click()
    page.locator('[data-action="keep"]').first.click()
    expect(page.locator('[data-role="forget-confirm"]').first).to_be_hidden()
    assert name.input_value() == "Leo", "Keep it keeps it"
    forget(page)
    assert name.input_value() == ""
    undo = page.locator('[data-action="undo-forget"]').first
    expect(undo).to_be_visible()
    undo.click()
    settled(page)
    assert name.input_value() == "Leo"
    assert "Leo" in letter_text(page)
    expect(undo).to_be_hidden()
    assert visit.errors == []


def test_a_letter_with_blanks_says_which_and_copy_asks_first(browser: Any, site: BuiltSite) -> None:
    context = new_context(browser)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    page.goto(site.url + "builder/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    page.locator('[data-path="child.name"]').first.fill("Leo")
    settled(page)
    blanks = page.locator('[data-role="blanks"]').first
    expect(blanks).to_be_visible()
    assert "[case manager's name]" in blanks.text_content()
    page.locator('[data-action="copy"]').first.click()
    confirm = page.locator('[data-role="blanks-confirm"]').first
    expect(confirm).to_be_visible()
    assert "[case manager's name]" in confirm.text_content()
    confirm.locator('[data-action="fill-first"]').click()
    expect(confirm).to_be_hidden()
    expect(page.locator('[data-action="copy"]').first).to_be_focused()
    page.locator('[data-action="copy"]').first.click()
    confirm.locator('[data-action="anyway"]').click()
    page.wait_for_function(
        "() => document.querySelector('[data-role=\"message\"]').textContent !== ''"
    )
    assert "[case manager's name]" in page.evaluate("navigator.clipboard.readText()")
    page.locator('[data-path="contacts.case_manager.name"]').first.fill("Ms. Patel")
    settled(page)
    assert "[case manager's name]" not in (blanks.text_content() or ""), "a filled blank goes"
    context.close()


def test_a_damaged_saved_case_is_explained_and_set_aside(visit: Visit, site: BuiltSite) -> None:
    page = visit.page
    page.goto(site.url + "builder/")
    page.evaluate("localStorage.setItem('iep-follow-through:case:v1', '{broken')")
    page.reload()
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    message = page.locator('[data-role="case-message"]').first.text_content()
    assert "could not be read" in message
    assert page.evaluate("localStorage.getItem('iep-follow-through:case:v1')") is None
    assert "Daniel Alvarez" in letter_text(page), "the worked example is still shown"


def test_a_real_semester_gives_the_same_numbers_in_the_page_as_on_the_command_line(
    visit: Visit, site: BuiltSite
) -> None:
    semester = CASES / "semester.json"
    report = report_to_dict(compute_gap(parse(semester.read_text())))
    page = open_builder(visit, site, "guide/get-specific/")
    page.locator('input[data-action="import"]').first.set_input_files(str(semester))
    page.wait_for_function(
        "() => document.querySelectorAll('[data-path^=\"services.2.log.\"]').length > 0"
    )
    results = page.locator('[data-role="results"]').first
    rows = results.locator(".iep-gap__table tbody tr")
    cells = [rows.nth(n).locator("th, td").all_text_contents() for n in range(rows.count())]
    expected = [
        *(
            [service["name"], f"{service['expected_minutes']:,}", f"{service['owed_minutes']:,}"]
            for service in report["services"]
        ),
        [
            "Total",
            f"{report['totals']['expected_minutes']:,}",
            f"{report['totals']['owed_minutes']:,}",
        ],
    ]
    # The last figure carries its hours beside it when it is large: 777 (12 hours 57 minutes).
    assert [[row[0], row[1], row[5].split(" (")[0]] for row in cells] == expected
    assert results.locator(".iep-gap__svg rect").count() > 0
    assumptions = results.locator(".iep-gap__assumptions li").all_text_contents()
    assert assumptions == report["assumptions"]


def test_every_output_gives_the_letter_shown(browser: Any, site: BuiltSite, tmp_path: Path) -> None:
    context = new_context(browser, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url.rstrip("/"))
    page = context.new_page()
    page.goto(site.url + "builder/")
    page.wait_for_selector(READY, timeout=BOOT_TIMEOUT_MS)
    type_example_case(page)
    shown = letter_text(page)
    page.locator('[data-action="copy"]').first.click()
    page.wait_for_function(
        "() => document.querySelector('[data-role=\"message\"]').textContent !== ''"
    )
    assert page.evaluate("navigator.clipboard.readText()") == shown
    with page.expect_download() as download:
        page.locator('[data-action="download"]').first.click()
    assert download.value.suggested_filename == "case-manager-note.txt"
    assert Path(download.value.path()).read_text() == shown
    mailto = page.locator('[data-action="email"]').first.get_attribute("href")
    subject, _, body = shown.partition("\n\n")
    assert mailto.startswith("mailto:lee@example.org?subject=")
    assert unquote(mailto.split("subject=")[1].split("&")[0]) == subject
    assert unquote(mailto.split("body=")[1]) == body
    context.close()


def test_a_letter_too_long_for_a_mail_link_offers_copy_instead(
    visit: Visit, site: BuiltSite
) -> None:
    page = open_builder(visit, site, "guide/file-a-state-complaint/")
    email = page.locator('[data-widget="letter"] [data-action="email"]').first
    assert email.get_attribute("aria-disabled") == "true", "the complaint is long"
    email.scroll_into_view_if_needed()
    expect(email).to_be_in_viewport()  # the tool, drawn once near the screen, has its place
    email.click(force=True)  # a link marked aria-disabled still takes a click
    message = page.locator('[data-widget="letter"] [data-role="message"]').first
    assert "too long for an email link" in message.text_content()
    assert page.url.endswith("/guide/file-a-state-complaint/")
