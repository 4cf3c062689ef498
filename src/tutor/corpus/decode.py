"""Bytes of a note → text: UTF-8 (BOM or not), UTF-16 with a BOM, then GB18030 (a superset of GBK).

Windows exports in China are often GBK; a file that is none of these (or binary) is refused with a
reason, so the caller can skip it and name it.

Example:
    >>> decode_note("过拟合\\r\\n".encode("gbk"))
    ('过拟合\\n', 'gb18030')
    >>> decode_note(b"\\xef\\xbb\\xbf# T\\r\\n")
    ('# T\\n', 'utf-8-sig')
    >>> decode_note("## 背景\\n大数据面试的知识体系很庞杂，需要收集资料进行巩固。".encode()[:-2] + b"?\\n")[1]
    'utf-8, 1 damaged byte replaced'
"""
from __future__ import annotations

import codecs
import unicodedata

# A UTF-8 file whose conversion broke a few characters (a multi-byte sequence cut short: "巩固�?") is still
# UTF-8: reading it with the damage marked keeps the note. Must NOT catch a GBK file (nearly every Chinese
# character is an invalid UTF-8 sequence, and GB18030 is tried first) nor Latin-1 prose: a few damaged
# characters at most, or a tiny share of a long note. A short Latin-1 note with four accents or fewer that
# GB18030 rejects is read with its accents marked damaged: the warning names it.
DAMAGED_SHARE, DAMAGED_FEW = 0.005, 4


class Undecodable(ValueError):
    """The bytes are binary or in no encoding we can trust."""


def _lookalike_table() -> dict[int, str]:
    """Kangxi radicals and CJK compatibility ideographs → the ideograph they look like (their NFKC form)."""
    table = {}
    for lo, hi in ((0x2F00, 0x2FD5), (0xF900, 0xFAD9), (0x2F800, 0x2FA1D)):
        for cp in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded != chr(cp):
                table[cp] = folded
    return table


# Notes copied out of PDFs (the d2l book's chapters, slides) write some characters as look-alikes: "⽬标函数有关⾃变量"
# holds U+2F6C and U+2F83, not 目 and 自. They read the same, but no cue word, label or user's text matches them.
# Only these blocks are folded: NFKC on the whole text would also turn full-width "，：（" into ASCII.
_LOOKALIKES = _lookalike_table()


def _normalise(text: str) -> str:
    """LF line ends and CJK look-alikes folded (see _LOOKALIKES).

    >>> _normalise("⽬标函数有关⾃变量\\r\\n，：（")
    '目标函数有关自变量\\n，：（'
    """
    # CRLF (Windows) and lone CR (old Mac) become LF, so line-based steps see one kind of line.
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_LOOKALIKES)


def decode_note(data: bytes) -> tuple[str, str]:
    """Decode a note's bytes.

    Args:
        data: the file's bytes.

    Returns:
        (text with LF line ends and no BOM, the encoding used).

    Raises:
        Undecodable: binary data (NUL bytes without a UTF-16 BOM) or no plausible encoding.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _normalise(data.decode("utf-16")), "utf-16"
    if b"\0" in data:  # text in any of the encodings below has no NUL byte; images and archives do
        raise Undecodable("binary data (NUL bytes)")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        # ASCII-only "utf-8-sig" without a BOM is plain UTF-8: report it as such.
        return _normalise(text), "utf-8" if enc == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8) else enc
    text = data.decode("utf-8", errors="replace")
    if (damaged := text.count("\ufffd")) <= max(DAMAGED_FEW, DAMAGED_SHARE * len(text)):
        return _normalise(text.lstrip("\ufeff")), f"utf-8, {damaged} damaged byte{'s' * (damaged > 1)} replaced"
    from charset_normalizer import from_bytes  # last resort: Big5, Shift-JIS, Latin-1 exports

    best = from_bytes(data).best()
    if best is None:
        raise Undecodable("no text encoding fits")
    return _normalise(str(best)), best.encoding
