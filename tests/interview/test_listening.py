"""Scripted sessions: a reply to every follow-up, evidence for covered points, readable names, adaptive choice, transcript."""
from __future__ import annotations

import re

import pytest

from tutor.compose import open_tutor
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview import adaptive
from tutor.interview.interviewer import Interviewer
from tutor.interview.progress import Store
from tutor.interview.report import report
from tutor.interview.session import Session
from tutor.interview.transcript import to_markdown
from tutor.evaluate.personas import PERSONAS, followup_answer
from tutor.records import cite
from tutor.settings import Settings
from tutor.text.clause import is_boundary_cut

# Long label-less points (the names must be cut at a clause or word boundary), two topics with a basic
# and a harder item each, and one more topic to move on to.
DOC = """
### 题库

#### 1. 数据中心如何调度大规模 GPU 集群的计算资源？

**答案：**

- 作业排队与优先级调度能够在多个团队共享集群时保证关键训练任务优先获得计算资源
- 监控节点的功耗和温度可以帮助数据中心在能耗预算内安排更多训练作业
- 分层存储把热数据放在本地高速盘上从而减少训练过程中读取数据的等待时间

#### 2. 什么是集群资源调度？

**答案：** 集群资源调度是指按照作业的需求把计算资源分配给不同任务的过程。

#### 3. 如何缓解深度学习中的过拟合问题？

**答案：**

- 正则化方法通过在损失函数中加入惩罚项来限制模型参数的大小从而提高泛化能力
- Dropout 在训练时随机丢弃一部分神经元使得网络不能过度依赖某些特征

#### 4. 什么是早停？

**答案：** 早停是在验证集损失不再下降时提前结束训练以避免过拟合的方法。
"""


@pytest.fixture
def tutor(tmp_path):
    from fakes import FAKE_THRESHOLDS

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "t.md").write_text(DOC, encoding="utf-8")
    s = Settings(home=tmp_path, corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")
    return open_tutor(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None, thresholds=FAKE_THRESHOLDS)


@pytest.fixture
def scripted(tutor):
    from fakes import ScriptedGrader

    return Interviewer(tutor, ScriptedGrader(tutor.items), Store(tutor.settings.data_dir / "p.sqlite3"), use_llm=False)


@pytest.fixture
def real(tutor):
    grader = Grader(tutor.retriever, thresholds=tutor.thresholds)
    return Interviewer(tutor, grader, Store(tutor.settings.data_dir / "r.sqlite3"), use_llm=False)


def _drive(iv, answer, followup, n=4, profile="p"):
    """Run a whole session; answer(item) for questions, followup(point) for follow-ups. Returns (session, msgs)."""
    session, msgs = iv.start(profile, None, n, seed=3)
    out = list(msgs)
    while session.phase != "done":
        last = msgs[-1]
        text = answer(iv.items[session.current]) if last["kind"] == "question" else followup(last["data"]["point"])
        msgs = iv.respond(session, text)
        out += [{"kind": "answer", "text": text, "data": {}}] + msgs
    return session, out


def _first_point(item):
    return item.key_points[0] + "。"


@pytest.mark.parametrize("rig,answer,followup", [
    ("real", PERSONAS["partial"][0], lambda point: followup_answer("partial", point)),
    ("scripted", _first_point, lambda point: point + "。"),  # a candidate who recovers the point
    ("scripted", _first_point, lambda point: "不知道"),
    ("scripted", _first_point, lambda point: ""),
])
def test_every_followup_answer_gets_a_cited_reply_before_the_next_question(request, rig, answer, followup):
    iv = request.getfixturevalue(rig)
    session, out = _drive(iv, answer, followup)
    asked = [i for i, m in enumerate(out) if m["kind"] == "followup"]
    assert asked  # the sessions did follow up
    for i in asked:
        assert out[i + 1]["kind"] == "answer" and out[i + 2]["kind"] == "followup_reply"
        reply = out[i + 2]["data"]
        assert reply["point"] == out[i]["data"]["point"] and cite(reply["source"], reply["number"]) in out[i + 2]["text"]
        assert 0 <= reply["before"] <= reply["after"] <= 100 and reply["addressed"] == (reply["verdict"] in ("covered", "partial"))
        assert (reply["after"] > reply["before"]) == reply["addressed"]
        assert out[i + 3]["kind"] in ("question", "report")
    replies = [m for m in out if m["kind"] == "followup_reply"]
    assert len(replies) == len(asked) == sum(t.followup is not None for t in session.turns)
    turns = report(session, iv.items)["questions"]
    assert [q["followup"]["reply"] for q in turns if q["followup"]] == [m["text"] for m in replies]


def test_a_skipped_followup_still_gets_the_reference_and_an_addressed_one_raises_the_score(scripted):
    session, msgs = scripted.start("s", None, 1, seed=3)
    session.queue, session.why = ["t.md#1"], {"t.md#1": adaptive.WHY_START}
    first_point = scripted.items["t.md#1"].key_points[0]
    msgs = scripted.respond(session, first_point + "。")
    follow = msgs[-1]
    assert follow["kind"] == "followup"
    msgs = scripted.respond(session, "/skip")
    assert msgs[0]["kind"] == "followup_reply" and msgs[0]["data"]["verdict"] == "skipped"
    assert follow["data"]["point"][:10] in msgs[0]["text"]  # the reference for the point is quoted

    session, _ = scripted.start("s2", None, 1, seed=3)
    session.queue = ["t.md#1"]
    first = scripted.respond(session, first_point + "。")
    point = first[-1]["data"]["point"]
    msgs = scripted.respond(session, point + "。")
    reply = msgs[0]["data"]
    assert reply["verdict"] == "covered" and reply["after"] > reply["before"] == session.turns[0].score
    assert any(c["point"] == point and c["evidence"] for c in session.turns[0].covered)


def test_covered_points_carry_their_sentence_and_extras_are_listed(scripted):
    def answer(item):
        return "。".join(item.key_points) + "。另外，梯度裁剪也常用。"

    session, out = _drive(scripted, answer, lambda p: p)
    rep = out[-1]["data"]["report"]
    assert all(q["covered"] for q in rep["questions"])
    for q in rep["questions"]:
        assert all(c["evidence"] and c["evidence"] in q["answer"] for c in q["covered"])
        assert [e["sentence"] for e in q["extras"]] == ["另外，梯度裁剪也常用。"]
    grades = [m for m in out if m["kind"] == "grade"]
    assert grades and all("✓ 正确的补充（参考答案未涉及）：另外，梯度裁剪也常用。" in m["text"] for m in grades)
    md = to_markdown(rep)
    assert md.count("正确的补充（参考答案未涉及）") == len(rep["questions"])
    assert all(f"“{c['evidence']}”" in md for q in rep["questions"] for c in q["covered"])


def _names(m: dict) -> list[str]:
    """The point names a message shows: 「…」 / “…” quotes, and the grade line's 讲到/遗漏/有误 lists."""
    text = m["text"]
    # A quote after 你说 / you said / 弄反了（ is the candidate's own sentence (the evidence), not a point's name.
    names = (re.findall(r"(?<!你说)(?<!said )「([^」]+)」", text)
             + re.findall(r"(?<!你说：)(?<!你说)(?<!said: )(?<!said )(?<!（)“([^”]+)”", text))
    for head in ("讲到", "遗漏", "有误"):
        names += [n for part in re.findall(head + r"：([^。]+)。", text) for n in part.split("；")]
    return names


@pytest.mark.parametrize("persona", ["partial", "wrong"])
def test_no_point_name_in_any_message_is_cut_mid_word(real, persona):
    answer_fn, _ = PERSONAS[persona]
    _, out = _drive(real, answer_fn, lambda point: followup_answer(persona, point))
    points = [p for it in real.items.values() for p in it.key_points]
    shown = [n for m in out if m["kind"] in ("grade", "followup", "followup_reply") for n in _names(m)]
    assert shown  # the sessions did name points
    for name in shown:
        full = [p for p in points if p.replace(" ", "").startswith(name.rstrip("…").replace(" ", "")[:4])]
        assert full and any(is_boundary_cut(p, name) for p in full), name


def test_a_weak_answer_brings_a_simpler_item_on_the_same_topic_and_a_strong_one_a_new_topic(scripted, tutor):
    items = {it.id: it for it in tutor.items}
    session, _ = scripted.start("a", None, 3, seed=3)
    assert session.adaptive
    session.queue = ["t.md#1", "t.md#3", "t.md#4"]  # start on the hard data-centre item
    session.why = {"t.md#1": adaptive.WHY_START}
    msgs = scripted.respond(session, "不知道")
    assert session.current == "t.md#2" and session.why["t.md#2"] == adaptive.WHY_SIMPLER
    assert msgs[-1]["data"]["why"] == adaptive.WHY_SIMPLER and adaptive.WHY_SIMPLER in msgs[-1]["text"]
    msgs = scripted.respond(session, items["t.md#2"].key_points[0])  # strong: the whole point
    assert session.turns[-1].final_score >= adaptive.STRONG_FROM
    nxt = items[session.current]
    assert not set(nxt.topics) & set(items["t.md#2"].topics) and session.why[nxt.id] == adaptive.WHY_NEW_TOPIC
    assert len(session.queue) == 3 and len(set(session.queue)) == 3
    assert Session.from_json(session.to_json()) == session  # the adaptive state persists
    assert scripted.store.unfinished_session("a") == session
    scripted.respond(session, "/end")
    rep = report(session, items)
    assert [q["why"] for q in rep["questions"]] == [adaptive.WHY_START, adaptive.WHY_SIMPLER, adaptive.WHY_NEW_TOPIC][:len(rep["questions"])]
    assert all(f"为什么问这题：{q['why']}" in to_markdown(rep) for q in rep["questions"])


def test_review_and_a_given_queue_are_asked_as_planned(scripted):
    plan = ["t.md#1", "t.md#4", "t.md#3"]
    session, _ = scripted.start("q", mode="review", queue=plan)
    assert not session.adaptive
    scripted.respond(session, "不知道")
    assert session.queue == plan and session.current == "t.md#4" and session.why["t.md#4"] == adaptive.WHY_QUEUE
    scripted.respond(session, "/end")
    session, _ = scripted.start("q", mode="review", now=10**10)
    assert not session.adaptive and session.queue == ["t.md#1"] and session.why == {"t.md#1": adaptive.WHY_DUE}


def test_the_markdown_transcript_has_every_question_and_followup(real):
    answer_fn, _ = PERSONAS["partial"]
    session, out = _drive(real, answer_fn, lambda point: followup_answer("excellent", point))
    rep = out[-1]["data"]["report"]
    md = to_markdown(rep)
    assert [q["question"] for q in rep["questions"]] == [t.question for t in session.turns]
    assert all(f"## {i}. {q['question']} — {q['score']}/100" in md for i, q in enumerate(rep["questions"], 1))
    assert md.count("**追问 Follow-up：**") == sum(q["followup"] is not None for q in rep["questions"])
    assert all(q["followup"]["reply"] in md for q in rep["questions"] if q["followup"])
    assert "## 建议复习 Review plan" in md
