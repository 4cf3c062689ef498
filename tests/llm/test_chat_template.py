"""Chat templates: rendering through a model's own Jinja template, the sentinel-cut prefix key, stop strings.

The templates below are small copies of real families' templates (ChatML as Qwen ships it, Llama-3,
Gemma-2 which refuses a system role), so each test exercises one way a template wraps a message."""
from __future__ import annotations

import pytest

from tutor.llm.chat_template import ChatTemplate, ChatTemplateError
from tutor.llm.llamacpp import LlamaCppGenerator
from tutor.llm.prompts import answer_messages, answer_prefix, chatml, judge_claims_messages, judge_claims_prefix
from tutor.records import Item

# Qwen2.5's template minus its tool branches: a default system turn when there is none, then ChatML.
QWEN_LIKE = (
    "{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>system\\nYou are Qwen.<|im_end|>\\n' }}{%- endif %}"
    "{%- for message in messages %}{%- if message.role == 'user' or (message.role == 'system' and not loop.first)"
    " or message.role == 'assistant' %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}"
    "{%- endif %}{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)
LLAMA3 = (
    "{% for message in messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
    "{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)
GEMMA2 = (
    "{{ bos_token }}"
    "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'assistant' %}{% set role = 'model' %}"
    "{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)
TEMPLATES = {
    "chatml-fallback": ChatTemplate(None, eos_token="<|im_end|>"),
    "qwen-like": ChatTemplate(QWEN_LIKE, bos_token="<|endoftext|>", eos_token="<|im_end|>"),
    "llama3": ChatTemplate(LLAMA3, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>", eot_token="<|eot_id|>"),
    "gemma2": ChatTemplate(GEMMA2, bos_token="<bos>", eos_token="<eos>", eot_token="<end_of_turn>"),
}
ITEM = Item("a.md", 1, "并行", "数据并行是什么？", answer="把数据切到多卡。\n梯度用 AllReduce 同步。  ")


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_prefix_key_is_a_string_prefix_of_every_full_prompt_it_stands_for(name):
    t = ChatTemplate(TEMPLATES[name].source, TEMPLATES[name].bos_token, TEMPLATES[name].eos_token)
    pairs = [(answer_prefix(ITEM), answer_messages(ITEM, "那模型并行呢？")),
             (answer_prefix(ITEM), answer_messages(ITEM, "What is it?", second=ITEM, english=True)),
             (judge_claims_prefix("Q", ["P1", "P2"]), judge_claims_messages("Q", ["P1", "P2"], ["A。", "B。"]))]
    for prefix, full in pairs:
        key = t.prefix_text(prefix)
        prompt = t.render(full)
        assert key and prompt.startswith(key)
        # The key ends exactly where the prefix's own content ends: the question is all that follows it.
        assert key.endswith(prefix[-1]["content"])
        assert prompt[len(key):].startswith(full[-1]["content"][len(prefix[-1]["content"]):].rstrip())


def test_chatml_template_renders_what_the_fallback_renders():
    msgs = answer_messages(ITEM, "问题？")
    assert TEMPLATES["qwen-like"].render(msgs) == TEMPLATES["chatml-fallback"].render(msgs) == chatml(msgs)
    # Without a system turn Qwen's template adds its default one; our prompts always carry their own.
    only_user = [{"role": "user", "content": "hi"}]
    default_system = "<|im_start|>system\nYou are Qwen.<|im_end|>\n"
    assert TEMPLATES["qwen-like"].render(only_user) == default_system + chatml(only_user)


def test_llama3_template_writes_bos_and_headers():
    prompt = TEMPLATES["llama3"].render([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert prompt == ("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nS<|eot_id|>"
                      "<|start_header_id|>user<|end_header_id|>\n\nU<|eot_id|>"
                      "<|start_header_id|>assistant<|end_header_id|>\n\n")


def test_a_template_refusing_system_gets_it_merged_into_the_first_user_turn():
    t = ChatTemplate(GEMMA2, bos_token="<bos>", eos_token="<eos>")
    prompt = t.render([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    assert prompt == "<bos><start_of_turn>user\nS\n\nU<end_of_turn>\n<start_of_turn>model\n"
    assert t.merged_system


def test_a_template_that_cannot_render_the_prompt_says_so():
    t = ChatTemplate("{{ raise_exception('only tools here') }}")
    with pytest.raises(ChatTemplateError, match="only tools here"):
        t.render([{"role": "system", "content": "S"}, {"role": "user", "content": "U"}])
    with pytest.raises(ChatTemplateError, match="cannot render"):
        t.render([{"role": "user", "content": "U"}])


@pytest.mark.parametrize("source", [
    "{% for m in messages %}<{{ m.role }}>{% endfor %}",  # drops the content
    "{% for m in messages %}{{ m.content[:20] }}{% endfor %}",  # cuts it before the sentinel
    "{% for m in messages %}{{ m.content }}|{{ m.content }}{% endfor %}",  # writes it twice
])
def test_a_template_that_hides_the_cut_gives_no_prefix_key(source):
    assert ChatTemplate(source).prefix_text(answer_prefix(ITEM)) is None


def test_no_prefix_key_means_no_state_never_a_wrong_one():
    gen = LlamaCppGenerator("unused.gguf")  # no model is loaded: the key is refused before any llama.cpp call
    gen._chat = ChatTemplate("{% for m in messages %}<{{ m.role }}>{% endfor %}")
    assert gen.warm(answer_prefix(ITEM)) is False
    assert not gen.has_state(answer_prefix(ITEM)) and not gen.states


@pytest.mark.parametrize("name, stop", [
    ("chatml-fallback", ["<|im_end|>"]),
    ("qwen-like", ["<|im_end|>"]),
    ("llama3", ["<|eot_id|>"]),
    ("gemma2", ["<end_of_turn>", "<eos>"]),
])
def test_stop_strings_come_from_the_template_and_its_tokens(name, stop):
    assert TEMPLATES[name].stop == stop


def test_a_plain_text_turn_separator_is_not_a_stop_string():
    source = "{% for m in messages %}### {{ m.role }}:\n{{ m.content }}\n\n### User:{% endfor %}"
    t = ChatTemplate(source, eos_token="</s>")
    assert t.stop == ["</s>"]


def test_the_digest_tells_templates_apart():
    digests = {t.digest for t in TEMPLATES.values()}
    assert len(digests) == len(TEMPLATES)
    assert ChatTemplate(LLAMA3).digest == TEMPLATES["llama3"].digest
