"""A note that asks no questions becomes passages by its headings, with its tables and code readable
(fixtures in the shapes of public notes: a comparison table first, tool sections, a config dump)."""
from __future__ import annotations

from tutor.corpus.chunk import chunk_document

NOTE = ("| 对比方向     | Chroma        | Milvus          |\n|:-------------|:--------------|:----------------|\n"
        "| 索引         | HNSW          | 倒排索引、HNSW、IVF |\n| 语言         | Python        | Go/Python/C++   |\n\n"
        "举例\n\n### Milvus\n\n```python\nclient = MilvusClient(uri=url)\n# 建表\nclient.create_collection(name)\n```\n\n"
        "### Faiss\n\n由 Facebook AI Research 开发的向量检索库，支持 IVF、PQ 等索引。\n\n"
        "## Reference(参考文档)\n\n* 2023年排名前五的向量数据库\n")


def test_sections_become_passages_titled_by_their_headings():
    chunks = chunk_document(NOTE, "向量数据库.md")
    assert [c.question for c in chunks] == ["向量数据库 (1)", "Milvus", "Faiss"]
    # A "### Milvus" further down names its section, not the note; the references list is no passage.
    assert {c.title for c in chunks} == {"向量数据库"}
    assert [c.chunk for c in chunks] == [1, 2, 3] and all(c.kind == "chunk" and c.number is None for c in chunks)
    table = chunks[0].answer
    assert table.splitlines()[0] == "| 对比方向 | Chroma | Milvus |"  # lines kept, padding gone
    assert "|:---|:---|:---|" in table
    assert "# 建表" in chunks[1].answer  # a comment inside code is not a heading


def test_a_long_table_repeats_its_header_and_code_stays_fenced_when_cut():
    rows = "".join(f"| 第{k}行 | {'说明' * 40} |\n" for k in range(6))
    code = "".join(f"    x{k} = layer{k}(x)  # 第 {k} 层的输出\n" for k in range(30))
    doc = f"# 笔记\n\n## 对照表\n\n| 名称 | 说明 |\n|---|---|\n{rows}\n## 代码\n\n```python\n{code}```\n"
    chunks = chunk_document(doc, "n.md")
    tables = [c for c in chunks if c.question.startswith("对照表")]
    assert len(tables) >= 2 and all(c.answer.startswith("| 名称 | 说明 |\n|---|---|\n| 第") for c in tables)
    codes = [c for c in chunks if c.question.startswith("代码")]
    assert len(codes) >= 2 and [c.question for c in codes][:2] == ["代码", "代码 (2)"]
    assert all(c.answer.startswith("```python") and c.answer.endswith("```") for c in codes)
    assert all(len(c.answer) <= 460 for c in chunks)  # ~400 plus a repeated header or closing fence
    assert {c.title for c in chunks} == {"笔记"}  # the note's opening heading names it


def test_a_note_with_no_headings_is_packed_by_lines_and_sentences():
    assert [c.answer for c in chunk_document("只有一行。", "a.txt")] == ["只有一行。"]
    long = "数据并行复制模型。" * 60
    chunks = chunk_document(f"{long}\n第二段。\n", "b.txt")
    assert len(chunks) >= 2 and all(len(c.answer) <= 400 for c in chunks)
    assert [c.question for c in chunks][:2] == ["b (1)", "b (2)"]
