"""A model's own chat template (Jinja, as shipped in the GGUF), plus what prefix caching and stopping need from it.

Rendering follows Hugging Face's `apply_chat_template` (and llama-cpp-python's `Jinja2ChatFormatter`): a
sandboxed Jinja environment with `messages`, `bos_token`, `eos_token`, `add_generation_prompt` and
`raise_exception`. A model without a template gets ChatML (`prompts.chatml`).

Prefix caching needs the rendered text of "instructions + one item" to be a string prefix of every full
prompt that continues that item's last (user) message. Rather than assume how a template wraps a
message, `prefix_text` renders the prefix with a sentinel appended to its open last message and cuts
at the sentinel: whatever the template writes before the message's content is, by construction, what
it writes before the same content followed by a question.

Example (a Llama-3 style template):
    >>> t = ChatTemplate("{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m.role }}<|end_header_id|>\\n\\n"
    ...                  "{{ m.content | trim }}<|eot_id|>{% endfor %}"
    ...                  "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\\n\\n{% endif %}",
    ...                  bos_token="<|begin_of_text|>", eos_token="<|eot_id|>")
    >>> key = t.prefix_text([{"role": "system", "content": "S"}, {"role": "user", "content": "item\\n\\n"}])
    >>> key.removeprefix("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\\n\\nS<|eot_id|>")
    '<|start_header_id|>user<|end_header_id|>\\n\\nitem\\n\\n'
    >>> t.render([{"role": "system", "content": "S"}, {"role": "user", "content": "item\\n\\nQ?"}]).startswith(key)
    True
    >>> t.stop
    ['<|eot_id|>']
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime

from tutor.llm.prompts import chatml

# Appended to the prefix's open last message, then cut at. Printable, no whitespace at either end (a
# template's `| trim` must not eat it) and nothing a real prompt contains.
SENTINEL = "⟦tutor:prefix-cut:5e1f⟧"

# An end-of-turn marker read off a template is kept only when it looks like a control token: `<…>` with
# no spaces (<|im_end|>, <|eot_id|>, <end_of_turn>, </s>, <|end|>). It must NOT catch a plain word or a
# markdown header ("### User:", "Assistant:") that a plain-text template puts between turns: those can
# occur in an answer, and stopping on them would cut it short.
_MARKER = re.compile(r"<[^<>\s]+>")


class ChatTemplateError(ValueError):
    """The model's chat template cannot render these messages (it raised, even with system merged into user)."""


def merge_system(messages: list[dict]) -> list[dict]:
    """Fold system messages into the first user turn, for templates that refuse a system role (Gemma).

    >>> merge_system([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    [{'role': 'user', 'content': 'S\\n\\nU'}]
    >>> merge_system([{"role": "system", "content": "S"}])
    [{'role': 'user', 'content': 'S'}]
    """
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    rest = [dict(m) for m in messages if m["role"] != "system"]
    if not system:
        return rest
    for m in rest:
        if m["role"] == "user":
            m["content"] = f"{system}\n\n{m['content']}"
            return rest
    return [{"role": "user", "content": system}, *rest]


def cut_at_sentinel(text: str, sentinel: str = SENTINEL) -> str | None:
    """The text before the sentinel, or None when the template did not render it exactly once.

    None means "no prefix caching for this template" — never a guessed cut that might not be a prefix.

    >>> cut_at_sentinel("<s>user: hi ⟦tutor:prefix-cut:5e1f⟧</s>")
    '<s>user: hi '
    >>> cut_at_sentinel("<s>user: (content dropped)</s>") is None
    True
    >>> cut_at_sentinel("⟦tutor:prefix-cut:5e1f⟧ echoed: ⟦tutor:prefix-cut:5e1f⟧") is None
    True
    """
    if text.count(sentinel) != 1:
        return None
    return text[: text.index(sentinel)] or None


def stop_strings(turn_end: str, *tokens: str) -> list[str]:
    """Stop strings: the template's end-of-turn marker (if it looks like a control token), then the
    model's EOS / end-of-turn token texts; blanks and repeats dropped.

    >>> stop_strings("<|im_end|>\\n", "<|im_end|>", "<|endoftext|>")
    ['<|im_end|>', '<|endoftext|>']
    >>> stop_strings("\\n\\n### User:", "</s>")
    ['</s>']
    """
    first = turn_end.split()[0] if turn_end.split() else ""
    found = [first] if _MARKER.fullmatch(first) else []
    out: list[str] = []
    for s in found + [t.strip() for t in tokens]:
        if s and s not in out:
            out.append(s)
    return out


def _raise(message: str):
    raise ChatTemplateError(message)


def _compile(source: str):
    """Compile like transformers does: sandboxed, trim/lstrip blocks, loop controls, non-ASCII-safe tojson."""
    import jinja2
    from jinja2.ext import Extension, loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class IgnoreGeneration(Extension):
        # HF's `{% generation %}` marks assistant text for training masks; for rendering it is a no-op.
        tags = {"generation"}

        def parse(self, parser):
            parser.stream.skip(1)
            return parser.parse_statements(("name:endgeneration",), drop_needle=True)

    env = ImmutableSandboxedEnvironment(loader=jinja2.BaseLoader(), trim_blocks=True, lstrip_blocks=True,
                                        extensions=[IgnoreGeneration, loopcontrols])
    env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
        x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
    env.globals.update(raise_exception=_raise, strftime_now=lambda f: datetime.now().strftime(f))
    return env.from_string(source)


class ChatTemplate:
    """Render messages through a model's Jinja chat template (ChatML when it has none).

    Args:
        source: the template text (GGUF `tokenizer.chat_template`), or None/"" for ChatML.
        bos_token, eos_token: the texts of the model's BOS and EOS tokens (templates write them).
        eot_token: the text of the model's end-of-turn token, if it has one apart from EOS.

    Attributes:
        digest: short hash of the template text; prefix states on disk are keyed by it.
        stop: stop strings for generation (see `stop_strings`).
        merged_system: set once the template refused a system role and system was folded into user.
    """

    def __init__(self, source: str | None = None, bos_token: str = "", eos_token: str = "", eot_token: str = ""):
        self.source = source or None
        self.bos_token, self.eos_token = bos_token, eos_token
        self._template = _compile(source) if source else None
        self.digest = hashlib.sha256((source or "chatml").encode()).hexdigest()[:12]
        self.merged_system = False
        self.stop = stop_strings(self._turn_end(), eos_token, eot_token)

    @property
    def name(self) -> str:
        return f"gguf:{self.digest}" if self.source else "chatml (fallback)"

    def _render(self, messages: list[dict], add_generation_prompt: bool) -> str:
        if self._template is None:
            return chatml(messages, add_generation_prompt=add_generation_prompt)
        return self._template.render(messages=messages, bos_token=self.bos_token, eos_token=self.eos_token,
                                     add_generation_prompt=add_generation_prompt)

    def render(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        """The prompt text for messages; system is folded into the first user turn if the template refuses it.

        Raises:
            ChatTemplateError: the template fails on these messages either way.
        """
        import jinja2

        if self.merged_system:
            messages = merge_system(messages)
        try:
            return self._render(messages, add_generation_prompt)
        except (jinja2.TemplateError, ChatTemplateError) as exc:
            if not any(m["role"] == "system" for m in messages):
                raise ChatTemplateError(f"the model's chat template cannot render this prompt: {exc}") from exc
            first = exc
        try:
            text = self._render(merge_system(messages), add_generation_prompt)
        except (jinja2.TemplateError, ChatTemplateError) as exc:
            raise ChatTemplateError(f"the model's chat template cannot render this prompt: {first} "
                                    f"(and with system merged into user: {exc})") from exc
        self.merged_system = True  # the same fold for every later prompt, so prefixes keep matching
        return text

    def prefix_text(self, prefix: list[dict]) -> str | None:
        """The rendered text of a prompt prefix whose last message stays open, or None (then: no caching).

        Any full prompt built as the prefix with more text appended to its last message renders to a
        string that starts with this text (for templates that copy message content through).
        """
        last = prefix[-1]
        text = self.render([*prefix[:-1], {**last, "content": last["content"] + SENTINEL}])
        return cut_at_sentinel(text)

    def _turn_end(self) -> str:
        """What the template writes after an assistant message (its end-of-turn marker), or ""."""
        try:
            text = self.render([{"role": "user", "content": "hi"}, {"role": "assistant", "content": SENTINEL}],
                               add_generation_prompt=False)
        except ChatTemplateError:
            return ""
        return text.split(SENTINEL, 1)[1] if SENTINEL in text else ""
