"""An interview over a note numbered "2", "3.1": its plain-numbered items are graded, not abstained on.

Such a note keeps every number as a string ("2" beside "3.1"); the interviewer grades by item id
("dotted.md#2"), which reads back as the number 2. Before refs compared by place, every answer to those
items was "unknown_ref": score 0, no band, no follow-up.
"""
from __future__ import annotations

from tutor.compose import open_tutor
from tutor.grade.grader import Grader
from tutor.index.embed import HashEncoder
from tutor.interview.interviewer import Interviewer
from tutor.interview.progress import Store
from tutor.settings import Settings

DOTTED = ("# 并行\n\n### 2. 什么是流水线并行？\n\n按层切分模型，把一个批次拆成微批次流水执行，减少设备空等的气泡。\n\n"
          "### 3. 张量并行\n\n#### 3.1 什么是张量并行？\n\n把一层内的矩阵乘法切到多张卡上，每层内都要通信。\n")


def test_an_item_numbered_2_in_a_dotted_note_is_graded_in_an_interview(mini_corpus, tmp_path):
    from fakes import FAKE_THRESHOLDS

    (mini_corpus / "dotted.md").write_text(DOTTED, encoding="utf-8")
    s = Settings(home=tmp_path, corpus_dir=mini_corpus, data_dir=tmp_path / "data")
    tutor = open_tutor(s, encoder=HashEncoder(), show_progress=False, progress=lambda m: None,
                       thresholds=FAKE_THRESHOLDS)
    store = Store(s.data_dir / "progress.sqlite3")
    interviewer = Interviewer(tutor, Grader(tutor.retriever, thresholds=tutor.thresholds), store, use_llm=False)
    plain = next(it for it in tutor.items if it.source == "dotted.md" and it.number == "2")
    session, _ = interviewer.start("p", queue=[plain.id])
    replies = interviewer.respond(session, "按层切分模型，把批次拆成微批次流水执行，减少气泡。")
    graded = next(m for m in replies if m["kind"] == "grade")
    assert graded["data"]["band"] is not None and graded["data"]["score"] > 0
    assert store.latest_scores("p")[plain.id] == graded["data"]["score"]
