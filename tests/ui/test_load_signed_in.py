"""Load: 10 signed-in users at once against the running app on loopback (fakes for the models, a
generator slow enough that their LLM calls overlap): all answered, nobody's state mixed, bounded in time."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from fakes import serve_fake_app
from tutor.llm.base import ScriptedGenerator
from tutor.serve.limits import current_user

USERS = {f"user{i}": f"password-{i}" for i in range(10)}
QUESTIONS = ["请解释数据并行和模型并行的区别。", "如何处理深度学习中的过拟合问题？", "如何实现深度学习模型的量化？"]
ITEMS = ["mini.md#1", "mini.md#2", "mini.md#3"]


class SlowGenerator(ScriptedGenerator):
    """Takes ~0.3 s an answer, like a (very) fast LLM, and notes whom each call was for."""

    def __init__(self):
        super().__init__(default="数据并行把训练数据切分到多个 GPU[1]。")
        self.users: list[str] = []

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        self.users.append(current_user.get())
        for chunk in super().stream(messages, max_tokens, temperature, json_schema):
            time.sleep(0.05)
            yield chunk


def _text(m) -> str:
    c = m["content"]
    return c if isinstance(c, str) else "".join(part.get("text", "") for part in c)


def test_ten_signed_in_users_at_once(tmp_path):
    from gradio_client import Client

    gen = SlowGenerator()
    url, app, services = serve_fake_app(tmp_path, USERS, generator=gen)

    def user(i: int):
        name = f"user{i}"
        client = Client(url, auth=(name, USERS[name]), verbose=False)
        question = QUESTIONS[i % 3]
        chat, _, _ = client.predict(question, [], False, api_name="/ask")  # with the (shared, slow) LLM
        summary, _, _ = client.predict(ITEMS[i % 3], "", f"第 {i} 位：加入 L2 正则项和 Dropout。", True,
                                       api_name="/grade")
        report = client.predict(api_name="/progress")[0]  # the Progress tab's summary
        return name, question, chat, summary, report

    try:
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(user, range(10), timeout=120))
        took = time.time() - t0
    finally:
        app.close()
    assert took < 120
    for i, (name, question, chat, summary, report) in enumerate(results):
        assert [_text(m) for m in chat if m["role"] == "user"] == [question]  # only this user's own turn
        assert "/100" in summary and "已练习 1 题" in report
        assert set(services.store.latest_scores(name)) == {ITEMS[i % 3]}  # nobody else's grade landed here
        assert len(services.store.history(name)) == 1
    # Every user's generation went through the fair queue under their own name.
    assert sorted(set(gen.users)) == sorted(USERS)
    print(f"10 users: ask (LLM) + grade + progress each in {took:.1f} s")
