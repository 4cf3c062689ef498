"""OpenAI-compatible HTTP generator (vLLM, llama.cpp server, Ollama): for when one machine is not enough."""
from __future__ import annotations


class OpenAICompatGenerator:
    """Any OpenAI-compatible chat server (vLLM, llama.cpp server, Ollama): for when one machine is not enough."""

    def __init__(self, base_url: str, model: str, api_key: str = "not-needed", timeout: float = 120.0):
        from openai import OpenAI

        self.name = f"openai:{model}@{base_url}"
        self.model = model
        self.client = OpenAI(base_url=base_url, api_key=api_key, timeout=timeout, max_retries=1)

    def warm(self, prefix):
        return False  # the server keeps its own prompt cache

    def stream(self, messages, max_tokens=256, temperature=0.2, json_schema=None):
        extra = {}
        if json_schema is not None:
            # llama.cpp's server reads a schema inside json_object; vLLM accepts the same via guided decoding.
            extra["response_format"] = {"type": "json_object", "schema": json_schema}
        resp = self.client.chat.completions.create(model=self.model, messages=messages, max_tokens=max_tokens,
                                                   temperature=temperature, stream=True, **extra)
        for chunk in resp:
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                yield chunk.choices[0].delta.content
