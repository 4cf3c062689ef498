"""Formulas drawn as images: a LaTeX-rendering service's URL holds the formula itself.

Chinese notes exported from blogs and Zhihu write a formula as an image whose address carries the LaTeX
(`![](https://latex.codecogs.com/gif.latex?PE(pos,2i)=sin(...))`, `![](https://www.zhihu.com/equation?tex=...)`).
The alt text is empty, so the image was dropped as decorative, and worse, the URL's own parentheses ended the
markdown target early, leaving "=sin(\\frac{pos}...))" in the answer. The formula is the answer's content
("位置编码的公式是什么"): it is kept as `$LaTeX$`. Pure (stdlib).

Must NOT catch an ordinary image (a chart, a photo: `![架构](a.png)`), nor a link to such a service that is
not an image.

Example:
    >>> formula_images("如下：![](https://latex.codecogs.com/gif.latex?PE(pos,2i)=sin(pos))，其中")
    '如下：$PE(pos,2i)=sin(pos)$，其中'
    >>> formula_images("![](https://www.zhihu.com/equation?tex=%5Cfrac%7Ba%7D%7Bb%7D+%2B+1)")
    '$\\\\frac{a}{b} + 1$'
    >>> formula_images("![架构](a.png) 与 [公式](https://latex.codecogs.com/gif.latex?x)")
    '![架构](a.png) 与 [公式](https://latex.codecogs.com/gif.latex?x)'
"""
from __future__ import annotations

import re
from urllib.parse import unquote, unquote_plus

# Services whose image URL ends in the formula. Group 1: a form-encoded query ("+" is a space), else plain.
_SERVICE = re.compile(r"!\[[^\]\n]*\]\(\s*<?https?://(?:"
                      r"(latex\.codecogs\.com/[a-z]+\.latex\?|render\.githubusercontent\.com/render/math\?math=)"
                      r"|(?:www\.)?(zhihu\.com/equation\?tex=|chart\.googleapis\.com/chart\?cht=tx&chl=))", re.I)


def formula_images(line: str) -> str:
    """Each formula image in line replaced by its LaTeX between dollar signs (see the module docstring)."""
    out, at = [], 0
    for m in _SERVICE.finditer(line):
        if m.start() < at:
            continue
        depth, end = 1, m.end()
        while end < len(line) and depth:  # the target's ")" is the one that balances its "("
            depth += {"(": 1, ")": -1}.get(line[end], 0)
            end += 1
        if depth:
            continue  # unbalanced: leave the line as written
        expr = line[m.end():end - 1].strip().rstrip(">")  # "<url>" targets close with ">"
        expr = (unquote_plus if m.group(2) else unquote)(expr).strip()
        out.append(line[at:m.start()] + f"${expr}$")
        at = end
    return "".join(out) + line[at:]
