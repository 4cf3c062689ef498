"""Follow-ups: an interviewer's next question, written bold inside the answer of the heading it follows.

Pure: standard library (the caller passes the markdown blocks). An interview log writes what the
interviewer asked next as a bold paragraph under the heading item's answer; it is an item of its own,
numbered under the heading's ("2.1"), and the heading's answer ends where it starts.

Example:
    >>> from tutor.corpus.structure import read_blocks
    >>> ls = ["是的，主要有并行计算和稀疏矩阵运算优化。", "", "**与大模型推理相比区别在哪里？**", "计算模式不同：PDE 与高精度。"]
    >>> follow_ups(ls, 0, 4, read_blocks("\\n".join(ls)), {})
    [2]
"""
from __future__ import annotations

from tutor.corpus.labels import BOLD_LINE

FOLLOW_UP_CHARS = 16  # answer text on both sides: the heading's own answer, then the follow-up's


def follow_ups(lines: list[str], start: int, stop: int, blocks, list_items: dict[int, str]) -> list[int]:
    """The lines of an interviewer's follow-ups inside a heading item's answer, in order.

    An interview log writes a follow-up as a bold paragraph that asks, after the heading's answer and
    answered below it ("### 2. CFD 会用到 HPC 吗？" / its answer / "**与大模型推理相比区别在哪里？**" / its
    answer): it is an item of its own (2.1), and the heading's answer ends there. Must NOT catch a bold
    question that opens the answer (the answer told in parts, "**为什么？**" first: nothing answered before
    it), one with nothing answered after it (a closing rhetorical line), a bold line in a list or code, a
    bold line that states ("**注意：**"), nor any bold question in an answer written in bold-titled parts
    (its first bold paragraph is a title, "**参考1：与生态整合的程度**" … "**参考5：是否多样？**", or opens it).

    >>> from tutor.corpus.structure import read_blocks
    >>> ls = ["是的，主要有并行计算和稀疏矩阵运算优化。", "", "**与大模型推理相比区别在哪里？**", "计算模式不同：PDE 与高精度。"]
    >>> follow_ups(ls, 0, 4, read_blocks("\\n".join(ls)), {}), follow_ups(ls[2:], 0, 2, read_blocks("\\n".join(ls[2:])), {})
    ([2], [])
    """
    cuts, said = [], 0
    for k in range(start, stop):
        if k in blocks.code:
            continue
        m = BOLD_LINE.match(lines[k])
        if m and k not in list_items and k not in blocks.inside_items and (k == start or not lines[k - 1].strip()):
            if (said >= FOLLOW_UP_CHARS and m.group(1).strip().endswith(("？", "?"))
                    and sum(len(x.strip()) for j, x in enumerate(lines[k + 1:stop], k + 1)
                            if j not in blocks.code) >= FOLLOW_UP_CHARS):
                cuts.append(k)
                said = 0
                continue
            if not cuts:  # the answer is told in bold-titled parts: its bold questions are parts too
                return []
        said += len(lines[k].strip())
    return cuts
