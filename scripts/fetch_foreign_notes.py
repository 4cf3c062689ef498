"""Fetch the 8 public interview-note files of the foreign eval set into a folder, checked byte for byte.

The files are not in this repository: 7 come from wdndev/llm_interview_note, which has no licence
(all rights reserved by default), and 1 from scutan90/DeepLearning-500-questions (GPL-3.0). Each is
pinned to a commit and checked against its git blob id, so the eval always reads the same bytes.

    python scripts/fetch_foreign_notes.py ~/foreign-notes            # from GitHub (needs the internet)
    python scripts/fetch_foreign_notes.py ~/foreign-notes --bench-extra ~/foreign-more   # + 2 for the add bench
    python scripts/fetch_foreign_notes.py ~/foreign-notes --hello ~/hello-notes   # + 6 in other layouts
    python scripts/fetch_foreign_notes.py ~/foreign-notes --passages ~/passage-notes  # + 8 that ask nothing
    python scripts/fetch_foreign_notes.py ~/foreign-notes --layouts ~/layout-notes    # + 8 in 8 other layouts
    python scripts/fetch_foreign_notes.py ~/foreign-notes --authors ~/author-notes    # + 8 by 3 more authors
    python scripts/fetch_foreign_notes.py ~/foreign-notes --clone wdndev/llm_interview_note=~/src/llm_interview_note \\
        --clone scutan90/DeepLearning-500-questions=~/src/DeepLearning-500-questions   # from local clones
    tutor eval retrieval --extra-corpus ~/foreign-notes --extra-file eval/foreign/retrieval_dev.jsonl

Example:
    >>> git_blob_id(b"hello\\n")  # the id `git hash-object` gives
    'ce013625030ba8dba906f756967f9e9ca394464a'
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

LLM_NOTE = ("wdndev/llm_interview_note", "581d54dd9a72e1d0a4eb28ae50859db83901b783")
DL500 = ("scutan90/DeepLearning-500-questions", "6087a06b112c3c28b885ab2f794535c19a9e4326")
# (repo, commit, path in the repo, git blob id); the file is saved under the path's last part.
FILES = [
    (*LLM_NOTE, "01.大语言模型基础/1.llm概念/1.llm概念.md", "b30c72e6d150ad96991a4184b86f0cb1b954c3e9"),
    (*LLM_NOTE, "01.大语言模型基础/NLP面试题/NLP面试题.md", "447a86e024a842dc7a34040591cbd3ff2b35415f"),
    (*LLM_NOTE, "04.分布式训练/1.显存问题/1.显存问题.md", "f455f341f6180a0e4dc867ca2fc1061e80b3552c"),
    (*LLM_NOTE, "04.分布式训练/分布式训练题目/分布式训练题目.md", "1b1000ec7d5c1a498c6f578442321c38482d36db"),
    (*LLM_NOTE, "05.有监督微调/1.微调/1.微调.md", "3f3f53687206fe9e6a191a395e587e84d45b9db5"),
    (*LLM_NOTE, "06.推理/1.推理/1.推理.md", "9697b41648a9e0492cb04ae00dfd091241430287"),
    (*LLM_NOTE, "08.检索增强rag/rag（检索增强生成）技术/rag（检索增强生成）技术.md",
     "3013aeba949ad146a766cb011098886a51dc4140"),
    (*DL500, "ch03_深度学习基础/第三章_深度学习基础.md", "1543ba3e68c8a5e941e944c0747c77ee92ce0cd6"),
]
# Two more, for bench/add_notes_bench.py's "seeds + 10 foreign files" build (no eval questions refer to them).
BENCH_EXTRA = [
    (*LLM_NOTE, "04.分布式训练/2.数据并行/2.数据并行.md", "2a2e574e200b26bbc54406901b7093c3b60235d8"),
    (*LLM_NOTE, "06.推理/llm推理优化技术/llm推理优化技术.md", "2498de25550d2504caf25fd071d43f19c4dc7b0f"),
]

# A third layout (questions listed first, answered under "## 参考回答"; an essay-style note), for
# eval/foreign/hello_retrieval_*.jsonl. No licence in the repository: fetched, never copied here.
HELLO = ("GNEHUY/hello-interview", "353703b87e4aa4782cf3941872a8bf975195f6f6")
HELLO_FILES = [
    (*HELLO, "Agent八股.md", "2f1fdbb92e3e5f9d3b96cdea10b9ecc3779732ef"),
    (*HELLO, "LLM八股.md", "a0b481e505b6f2fdde0c9e4fb4d9c6cbe3fd24bb"),
    (*HELLO, "RAG八股.md", "a03407f8b966d2cf9607a6d9862559bb74d77cf9"),
    (*HELLO, "RLHF八股.md", "854287be71cafb362c188fc3027a240f2aee87ff"),
    (*HELLO, "上下文工程.md", "5eefa062f7ef96052714a7ef3a169fe3afd6f0c4"),
    (*HELLO, "模型与Agent评估八股.md", "6571150502d955a1534da6884fa70edf06797c14"),
]


def git_blob_id(data: bytes) -> str:
    """The git blob id of data (sha1 over 'blob <size>\\0' + data)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def from_github(repo: str, commit: str, path: str) -> bytes:
    url = f"https://raw.githubusercontent.com/{repo}/{commit}/{urllib.parse.quote(path)}"
    with urllib.request.urlopen(url, timeout=60) as resp:
        return resp.read()


def from_clone(clone: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(clone), "show", f"{commit}:{path}"], capture_output=True,
                          check=True).stdout


def fetch_all(dest: Path, read, files: list[tuple] | None = None) -> list[str]:
    """Write every file (default: FILES) read(repo, commit, path) returns into dest, after checking its blob id.

    Returns:
        Problems, one line per file that could not be read or did not match (empty when all are fine).
    """
    dest.mkdir(parents=True, exist_ok=True)
    problems = []
    for repo, commit, path, blob, *rename in FILES if files is None else files:
        name = rename[0] if rename else path.rsplit("/", 1)[-1]
        try:
            data = read(repo, commit, path)
        except Exception as exc:  # noqa: BLE001 - one file's failure is reported, the others still come
            problems.append(f"{name}: can't read {repo}@{commit[:8]}:{path} ({exc})")
            continue
        if git_blob_id(data) != blob:
            problems.append(f"{name}: content differs from {repo}@{commit[:8]} (blob {git_blob_id(data)[:10]}, "
                            f"expected {blob[:10]})")
            continue
        (dest / name).write_bytes(data)
    return problems

# Eight notes in eight other layouts, from eight repositories (HTML headings, bold "**Q1：…**" paragraphs,
# "1) 问题？" with labelled bullets, "**Q**:"/"**A**:", setext titles, a question list over article sections...),
# for eval/foreign/layouts_*.jsonl (stop 35). Chosen and questioned by a helper blind to the parser. Licences
# differ (GPL-3.0, Apache-2.0, MIT, none): fetched, never copied. A fifth field renames a file on saving.
LAYOUT_FILES = [
    ("Summer536/Notes", "ab0a5415ead2a94f0e191291b05ae21454ab1446", "src/zh/posts/interview1.md",
     "526fc39d8f31b317141e41e1975d70df451c85c9"),
    ("315386775/DeepLearing-Interview-Awesome-2024", "3cdd7a2c7976077c186ba76e91f4ca8cf73b4627",
     "DeepLearning/Reference.md", "4d92d4a45ef1c765ca4648797e68f251f12ac9e4", "DL_Reference.md"),
    ("WeThinkIn/Interview-for-Algorithm-Engineer", "3d1e2330a3bb99d572bfc0ef66b3a90964e73f17",
     "模型部署基础/模型压缩知识点.md", "eab2efa4170527f34758f4da3f8508cfc2d98fe5"),
    ("datawhalechina/daily-interview", "f35e8d555f8ff07d568eae569c3641bd76d0eac9",
     "docs/04-ai-algorithms/llm/llm-interview-questions.md", "c1931d84a51b033d5920779a8338b6b9a8ca99a6"),
    ("zxncvb/AIOne", "b97bbc65cb0ed81f837b871f975ccdf5df418028",
     "interview-questions/llm-interview/面试高频问答_标准答案版.md", "c8577a25c007a487ba2d858c7a85cdf0f8bfe534"),
    ("star-736/nano-vllm", "ed0996e5051991d22132ef1e491caeb61b997606", "QA.md",
     "cb68bf80673894027fb73e06d2359d8c3b7e17b4"),
    ("DarLiner/Algorithm_Interview_Notes-Chinese", "63c1fe158169f20921d8c418112129791732e562",
     "A-深度学习/A-深度学习基础.md", "b67839ce138bc57310385892044f8e57ebb63221"),
    ("DA-southampton/NLP_ability", "a92ff7069e2dd501f7a0e8b215a76c01eed8cf63",
     "深度学习自然语言处理/Transformer/答案合辑.md", "b2f4460abf9b186c52fa7c74350f88958a6bb0b3"),
]

# Notes that ask no questions (headings, prose, tables, code), for eval/foreign/passages_*.jsonl: what a
# user gets from a note the parser keeps as passages. No licence in either repository: fetched, never copied.
FAQ = ("aceliuchanghong/FAQ_Of_LLM_Interview", "426c62037808bb5e691aebd49f9e3974a0f863ee")
YANGYI = ("YangYi215613/ML", "4cc21a7462c99bc9a6ed8972338ffbab192da4a5")
PASSAGE_FILES = [
    (*FAQ, "1-大模型应用基础/向量数据库.md", "d0db7ecee95a9391c500060a486a85ff7b4f4f88"),
    (*FAQ, "1-大模型应用基础/聚类.分类_算法.md", "2b2660dd1518f4235991994f4026ab4245245206"),
    (*FAQ, "1-大模型应用基础/PyTorch搭建神经网络.md", "65e6e4602d770149ead531173e8fb4c665adf194"),
    (*FAQ, "1-大模型应用基础/Yolo基础知识.md", "c30d7d7b0657a5b3c49ccec3bf528748b10ac09a"),
    (*FAQ, "langchain/LangChain.md", "a08542352fbe20e32d5a54c553a748f69697fe19"),
    (*FAQ, "pytorch/Pytorch&DeepSpeed.md", "e06b05632cae9948442063748b57849f621fd376"),
    (*FAQ, "3-面试问题记录/2024_interview_log/ucloud.md", "1fa27dc9beabf8eee2ea08750918597fb1e22901"),
    (*YANGYI, "面试/Huggingface类.md", "0069b92af9975487554259078a22a19900e4dd91"),
]

# Eight notes by three authors none of the other sets has read (stop 37): four question-heading notes of an
# ML/NLP interview collection, two heading-less infra jottings, a bilingual GPU-architecture article and a
# nvidia-smi cheat sheet, for eval/foreign/authors_*.jsonl. Questions and answers were written by a helper
# blind to the code. No licence file in NLP-LOVE/ML-NLP or liguodongiot/llm-action at these commits; fetched.
MLNLP = ("NLP-LOVE/ML-NLP", "16733eb5e2958fd6f36d6a4fb60934dd6a550c3b")
LLMACTION = ("liguodongiot/llm-action", "923449432b6bd00674efd5965fdb70365a88ce5e")
FUNDAMENTALS = ("ForceInjection/AI-fundermentals", "6fa3128fdb56114bb7dcb62a5dd48af82ea9ca7d")
AUTHOR_FILES = [
    (*MLNLP, "Deep Learning/15. DL Optimizer/README.md", "3e78bf462092ee43330e2278aa9a347221043309", "dl_optimizer.md"),
    (*MLNLP, "NLP/16.7 Transformer/README.md", "bcd15c9c028af101cedb49835eb6ea4f04868d2f", "transformer.md"),
    (*MLNLP, "Machine Learning/3.2 GBDT/README.md", "ffccaaa86e25570e1ba15f14e02af45a12c99856", "gbdt.md"),
    (*MLNLP, "Deep Learning/13. Transfer Learning/README.md", "cd8433fc96f17c930a9be171825c1bc6cc9115a4",
     "transfer_learning.md"),
    (*LLMACTION, "ai-infra/网络/InfiniBand.md", "6930c48097c36d31374e3ef02e7cf559e30ca398", "infiniband.md"),
    (*LLMACTION, "ai-infra/网络/NCCL.md", "17d4e5c3005f3858a07966fbb24140f655278ef1", "nccl.md"),
    (*FUNDAMENTALS, "gpu_architecture/gpu_characteristics.md", "e391a3eb8bfe14cf9c1a632dcc870de7ca13eddb",
     "gpu_characteristics.md"),
    (*FUNDAMENTALS, "nvidia-smi.md", "627cb28aa8155e92dc348fa54b4c1bfdfbba4ab4", "nvidia_smi.md"),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dest", type=Path, help="folder to write the notes into (pass it as --extra-corpus)")
    ap.add_argument("--clone", action="append", default=[], metavar="OWNER/NAME=DIR",
                    help="read that repository from a local clone instead of GitHub")
    ap.add_argument("--bench-extra", type=Path, metavar="DIR",
                    help="also fetch the 2 notes bench/add_notes_bench.py adds to these 8 (into DIR)")
    ap.add_argument("--hello", type=Path, metavar="DIR",
                    help="also fetch the 6 notes of eval/foreign/hello_retrieval_*.jsonl (into DIR)")
    ap.add_argument("--passages", type=Path, metavar="DIR",
                    help="also fetch the 8 question-less notes of eval/foreign/passages_*.jsonl (into DIR)")
    ap.add_argument("--layouts", type=Path, metavar="DIR",
                    help="also fetch the 8 notes of eval/foreign/layouts_*.jsonl, 8 other layouts (into DIR)")
    ap.add_argument("--authors", type=Path, metavar="DIR",
                    help="also fetch the 8 notes of eval/foreign/authors_*.jsonl, 3 more authors (into DIR)")
    args = ap.parse_args()
    clones = dict(c.split("=", 1) for c in args.clone)

    def read(repo, commit, path):
        if repo in clones:
            return from_clone(Path(clones[repo]).expanduser(), commit, path)
        return from_github(repo, commit, path)

    problems = fetch_all(args.dest, read)
    print(f"{len(FILES) - len(problems)} of {len(FILES)} files in {args.dest}")
    if args.bench_extra:
        more = fetch_all(args.bench_extra, read, BENCH_EXTRA)
        print(f"{len(BENCH_EXTRA) - len(more)} of {len(BENCH_EXTRA)} files in {args.bench_extra}")
        problems += more
    if args.hello:
        more = fetch_all(args.hello, read, HELLO_FILES)
        print(f"{len(HELLO_FILES) - len(more)} of {len(HELLO_FILES)} files in {args.hello}")
        problems += more
    if args.passages:
        more = fetch_all(args.passages, read, PASSAGE_FILES)
        print(f"{len(PASSAGE_FILES) - len(more)} of {len(PASSAGE_FILES)} files in {args.passages}")
        problems += more
    if args.layouts:
        more = fetch_all(args.layouts, read, LAYOUT_FILES)
        print(f"{len(LAYOUT_FILES) - len(more)} of {len(LAYOUT_FILES)} files in {args.layouts}")
        problems += more
    if args.authors:
        more = fetch_all(args.authors, read, AUTHOR_FILES)
        print(f"{len(AUTHOR_FILES) - len(more)} of {len(AUTHOR_FILES)} files in {args.authors}")
        problems += more
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
