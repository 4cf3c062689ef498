"""Bytes of a note → text: UTF-8 (BOM or not), UTF-16 with a BOM, then GB18030 (a superset of GBK).

Windows exports in China are often GBK; a file that is none of these (or binary) is refused with a
reason, so the caller can skip it and name it.

Example:
    >>> decode_note("过拟合\\r\\n".encode("gbk"))
    ('过拟合\\n', 'gb18030')
    >>> decode_note(b"\\xef\\xbb\\xbf# T\\r\\n")
    ('# T\\n', 'utf-8-sig')
"""
from __future__ import annotations

import codecs


class Undecodable(ValueError):
    """The bytes are binary or in no encoding we can trust."""


def _normalise(text: str) -> str:
    # CRLF (Windows) and lone CR (old Mac) become LF, so line-based steps see one kind of line.
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
    from charset_normalizer import from_bytes  # last resort: Big5, Shift-JIS, Latin-1 exports

    best = from_bytes(data).best()
    if best is None:
        raise Undecodable("no text encoding fits")
    return _normalise(str(best)), best.encoding
