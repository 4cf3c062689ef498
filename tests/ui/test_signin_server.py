"""Sign-in against the running app (real Gradio server on loopback, over fakes): each user's progress is
theirs alone, through the API and the UI, and nothing runs without a session."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from fakes import serve_fake_app

USERS = {"amy": "amy-password", "bob": "bob-password"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tutor.serve.limits import Limits, LimitSettings

    limits = Limits(LimitSettings(questions_per_minute=3))
    url, app, services = serve_fake_app(tmp_path_factory.mktemp("signin"), USERS, limits=limits)
    yield url, services
    app.close()


def _client(url, user):
    from gradio_client import Client

    return Client(url, auth=(user, USERS[user]), verbose=False)


def _post(url: str, body: dict) -> int:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        return urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_no_session_no_api(server):
    from gradio_client import Client
    from gradio_client.exceptions import AuthenticationError

    url, services = server
    with pytest.raises(AuthenticationError):
        Client(url, verbose=False)
    with pytest.raises(Exception):
        Client(url, auth=("amy", "bob-password"), verbose=False)  # a wrong password is no session either
    for path in ("config", "gradio_api/info"):
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(url + path, timeout=10)
        assert exc.value.code == 401
    # Direct calls, as "Use via API" would make them, without a session cookie:
    assert _post(url + "gradio_api/call/grade", {"data": ["mini.md#2", "", "加入 L2 正则项。", True]}) in (401, 403)
    assert _post(url + "gradio_api/queue/join", {"data": ["mini.md#2", "", "x", True], "fn_index": 0,
                                                 "session_hash": "abc"}) in (401, 403)
    assert services.store.profiles() == []


def test_every_handler_that_reads_the_profile_also_takes_the_session(server):
    """A handler given the profile input must resolve it with identity.admit(…, request): with sign-in
    on, only the session says who the user is. A new handler wired without it fails here."""
    import inspect

    import gradio as gr

    from tutor.ui import build_app

    _, services = server
    app = build_app(services.tutor, services)
    readers = [f for f in app.fns.values() if app.tutor_profile in f.inputs]
    assert len(readers) >= 5  # interview start/review/resume, grade, progress
    for f in readers:
        params = inspect.signature(f.fn).parameters
        assert "request" in params and f.fn.__annotations__.get("request") is gr.Request, f.name


def test_progress_endpoints_take_no_profile_argument(server):
    url, _ = server
    api = _client(url, "amy").view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name in ("/grade", "/progress", "/interview_start", "/interview_resume", "/interview_answer"):
        params = [p["parameter_name"] for p in api[name]["parameters"]]
        assert not any("prof" in p for p in params), (name, params)


def test_each_user_reads_and_writes_only_their_own_progress(server):
    url, services = server
    amy, bob = _client(url, "amy"), _client(url, "bob")
    summary, _, _ = amy.predict("mini.md#2", "", "加入 L2 正则项，并使用 Dropout 和早停。", True, api_name="/grade")
    assert "/100" in summary
    assert set(services.store.latest_scores("amy")) == {"mini.md#2"}
    assert services.store.latest_scores("bob") == {}
    # Bob's view is bob's: nothing practised, although amy has one item.
    bob_sessions = bob.predict(api_name="/progress")[0]  # the tab's summary comes first
    amy_sessions = amy.predict(api_name="/progress")[0]
    assert "已练习 0 题" in bob_sessions and "已练习 1 题" in amy_sessions
    # An extra argument naming another profile is never taken as one: refused or ignored, amy is untouched.
    try:
        bob.predict("mini.md#3", "", "量化把 FP32 转成 INT8。", True, "amy", api_name="/grade")
    except Exception:  # noqa: BLE001 — a refusal is as good as being ignored; the store decides the test
        pass
    assert set(services.store.latest_scores("amy")) == {"mini.md#2"}
    assert set(services.store.latest_scores("bob")) <= {"mini.md#3"}


def test_interviews_belong_to_their_user(server):
    url, services = server
    amy, bob = _client(url, "amy"), _client(url, "bob")
    chat, _ = amy.predict([], 1, True, api_name="/interview_start")
    assert chat and services.store.unfinished_session("amy") is not None
    chat, _ = bob.predict(True, api_name="/interview_resume")  # amy's unfinished session is not bob's
    assert "No unfinished session" in str(chat)
    chat, _ = amy.predict("我会加入 L2 正则项。", chat, True, api_name="/interview_answer")
    # A partial answer draws a follow-up and the turn is recorded once that is answered; after a full
    # answer the one-question session is over and this second answer records nothing.
    chat, _ = amy.predict("不知道。", chat, True, api_name="/interview_answer")
    assert [h["mode"] for h in services.store.history("amy") if h["session_id"]] == ["interview"]
    assert not [h for h in services.store.history("bob") if h["session_id"]]


def test_an_over_long_question_gets_a_clear_message(server):
    from gradio_client.exceptions import AppError

    url, _ = server
    with pytest.raises(AppError, match="Input too long"):
        _client(url, "amy").predict("过拟合" * 1000, [], True, api_name="/ask")


def test_question_rate_is_per_user(server):
    from gradio_client.exceptions import AppError

    url, _ = server
    bob, amy = _client(url, "bob"), _client(url, "amy")
    for _ in range(3):
        chat, _, _ = bob.predict("过拟合怎么办？", [], True, api_name="/ask")
        assert "参考答案" in str(chat)
    with pytest.raises(AppError, match="Too many questions"):
        bob.predict("过拟合怎么办？", [], True, api_name="/ask")
    chat, _, _ = amy.predict("过拟合怎么办？", [], True, api_name="/ask")  # amy is not slowed by bob
    assert "参考答案" in str(chat)


def test_on_loopback_without_users_it_is_single_user_as_before(tmp_path):
    from gradio_client import Client

    url, app, services = serve_fake_app(tmp_path, {})
    try:
        client = Client(url, verbose=False)  # no sign-in
        api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        assert [p["parameter_name"] for p in api["/grade"]["parameters"]][-1] == "prof"  # the picker's value
        client.predict("mini.md#2", "", "加入 L2 正则项。", True, "kim", api_name="/grade")
        assert set(services.store.latest_scores("kim")) == {"mini.md#2"} and services.limits is None
    finally:
        app.close()


@pytest.mark.integration  # needs Debian's chromium (`make test` installs it), not the real models
def test_in_the_browser_the_picker_is_gone_and_progress_is_the_users_own(server):
    from playwright.sync_api import sync_playwright

    from test_e2e_browser import CHROMIUM, CHROMIUM_ARGS

    url, services = server
    for item in ("mini.md#1", "mini.md#2", "mini.md#3"):
        services.store.record("amy", item, 80, "excellent", "grade")
    bobs = len(services.store.latest_scores("bob"))
    assert bobs < 3  # so amy's count and bob's differ on the page
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(url)
        page.get_by_label("username", exact=False).fill("bob")
        page.get_by_label("password", exact=False).fill(USERS["bob"])
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Signed in: bob").wait_for(timeout=30_000)
        assert page.get_by_label("学习者 Profile").count() == 0
        page.get_by_role("tab", name="进度 Progress").click()  # the tab fills itself when opened
        page.get_by_text(f"已练习 {bobs} 题").wait_for(timeout=30_000)  # bob's own count, not amy's 3
        browser.close()
