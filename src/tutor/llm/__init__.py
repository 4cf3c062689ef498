"""LLM: the generator interface (+ a scripted fake), llama.cpp, OpenAI-compatible, worker, prompts, warm-up."""
