"""English → Chinese domain glossary for cross-lingual query expansion.

The corpus is Chinese; e5-small's cross-lingual matching is weaker than its monolingual one and
BM25 cannot match an English word to Chinese text at all. Appending the Chinese terms of the
English domain words a query contains lets both retrievers see the query in the corpus's
language. General AI-infrastructure terminology, not tied to any particular item.

Example:
    >>> expand_query("difference between data parallelism and model parallelism")
    'difference between data parallelism and model parallelism (数据并行 模型并行)'
    >>> expand_query("纯中文问题")
    '纯中文问题'
"""
from __future__ import annotations

import re

# Stems are matched as word prefixes (case-insensitive), so "parallel" covers "parallelism".
GLOSSARY: dict[str, str] = {
    # distributed training
    "data parallel": "数据并行", "model parallel": "模型并行", "pipeline parallel": "流水线并行",
    "tensor parallel": "张量并行", "distributed": "分布式", "parallel": "并行", "multi-gpu": "多GPU",
    "multi gpu": "多GPU", "multi-node": "多机", "cluster": "集群", "synchronous": "同步训练",
    "asynchronous": "异步训练", "sync": "同步", "async": "异步", "parameter server": "参数服务器",
    "communication": "通信", "gradient aggregation": "梯度聚合", "all-reduce": "AllReduce 通信",
    "allreduce": "AllReduce 通信", "bandwidth": "带宽", "network": "网络", "node": "节点",
    "scalab": "扩展性", "worker": "计算节点", "ddp": "分布式数据并行", "fsdp": "分布式数据并行 模型并行",
    "flops": "计算能力 浮点运算", "tflops": "计算能力 浮点运算",
    # resources and data centre
    "data center": "数据中心", "data centre": "数据中心", "datacenter": "数据中心",
    "high performance computing": "高性能计算", "hpc": "高性能计算", "supercomput": "超算 高性能计算",
    "compute resource": "计算资源", "resource": "资源", "schedul": "调度", "load balanc": "负载均衡",
    "bottleneck": "瓶颈", "gpu memory": "显存 GPU内存", "vram": "显存", "memory": "内存 显存",
    "out of memory": "内存溢出 显存不足", "oom": "内存溢出 显存不足", "storage": "存储",
    "energy": "能耗", "power consumption": "能耗", "power": "能耗", "efficien": "效率",
    "cost": "成本", "fault toleran": "容错", "failure": "故障", "reliab": "可靠性", "monitor": "监控",
    "throughput": "吞吐量", "latency": "延迟", "utilization": "利用率", "elastic": "弹性 动态扩展",
    "autoscal": "自动扩展", "sustainab": "可持续", "hardware": "硬件", "compute": "计算",
    # inference and deployment
    "inference": "推理", "deploy": "部署", "serving": "推理服务", "online": "在线",
    "real-time": "实时", "realtime": "实时", "speed up": "加速", "accelerat": "加速", "faster": "加速",
    "speed": "速度", "fast": "快速", "cache": "缓存", "batch": "批处理", "tensorrt": "TensorRT",
    "onnx": "ONNX", "edge": "边缘设备", "mobile": "移动设备",
    # compression
    "quantiz": "量化", "quantis": "量化", "prun": "剪枝", "distill": "蒸馏 知识蒸馏",
    "compress": "压缩", "mixed precision": "混合精度", "half precision": "半精度 FP16",
    "low precision": "低精度", "fp16": "FP16 半精度", "int8": "INT8 量化", "sparse": "稀疏",
    "smaller model": "小模型 模型压缩", "lightweight": "轻量级",
    # overfitting and regularisation
    "overfit": "过拟合", "over-fit": "过拟合", "underfit": "欠拟合", "regulariz": "正则化",
    "regularis": "正则化", "dropout": "Dropout 随机丢弃神经元", "early stop": "早停",
    "generaliz": "泛化", "generalis": "泛化", "weight decay": "权重衰减 L2正则化",
    "cross-validation": "交叉验证", "cross validation": "交叉验证", "ensembl": "集成学习 模型融合",
    "test set": "测试集", "validation": "验证集", "training set": "训练集",
    # data
    "data augment": "数据增强", "augment": "数据增强", "preprocess": "数据预处理",
    "imbalanc": "数据不平衡", "unbalanc": "数据不平衡", "class weight": "类别权重",
    "oversampl": "过采样", "undersampl": "欠采样", "resampl": "重采样", "skew": "数据倾斜",
    "bias": "偏差", "label noise": "标签错误 标签噪声", "noisy label": "标签错误", "mislabel": "标签错误",
    "wrong label": "标签错误", "label": "标签", "cleaning": "数据清洗", "normaliz": "归一化",
    "normalis": "归一化", "feature": "特征", "dataset": "数据集", "sample": "样本",
    # optimisation and training tricks
    "optimizer": "优化器", "optimiser": "优化器", "adam": "Adam 优化器", "sgd": "SGD 随机梯度下降",
    "gradient descent": "梯度下降", "learning rate": "学习率", "warmup": "预热 学习率",
    "decay": "衰减", "vanishing gradient": "梯度消失", "exploding gradient": "梯度爆炸",
    "gradient vanish": "梯度消失", "gradient explo": "梯度爆炸", "vanish": "梯度消失",
    "explod": "梯度爆炸", "gradient clipping": "梯度裁剪", "gradient": "梯度",
    "batch norm": "批量归一化", "batchnorm": "批量归一化", "layer norm": "层归一化", "layernorm": "层归一化",
    "groupnorm": "归一化", "group norm": "归一化",
    "weight init": "权重初始化", "initializ": "初始化", "initialis": "初始化",
    "activation": "激活函数", "relu": "ReLU 激活函数", "sigmoid": "Sigmoid 激活函数",
    # "loss scaling" is mixed precision's trick, not a loss function: the longer stem wins.
    "loss function": "损失函数", "loss scal": "损失缩放 混合精度", "loss": "损失函数", "cross entropy": "交叉熵", "cross-entropy": "交叉熵",
    "backprop": "反向传播", "back-prop": "反向传播", "hyperparameter": "超参数", "hyper-parameter": "超参数",
    "tuning": "调优", "train": "训练", "converge": "收敛", "epoch": "训练轮次",
    # architectures and paradigms
    "convolution": "卷积", "cnn": "卷积神经网络 CNN", "rnn": "循环神经网络 RNN", "recurrent": "循环神经网络",
    "lstm": "LSTM 循环神经网络", "attention": "注意力机制", "self-attention": "自注意力",
    "multi-head": "多头注意力", "transformer": "Transformer 注意力", "gan": "生成对抗网络 GAN",
    "generative adversarial": "生成对抗网络", "autoencoder": "自编码器", "auto-encoder": "自编码器",
    "resnet": "残差网络 ResNet", "residual": "残差", "skip connection": "残差连接",
    "pooling": "池化层", "fully connected": "全连接层", "dense layer": "全连接层",
    "convolutional layer": "卷积层", "neuron": "神经元", "reinforcement": "强化学习",
    "transfer learning": "迁移学习", "fine-tun": "微调 迁移学习", "finetun": "微调 迁移学习",
    "pretrain": "预训练", "pre-train": "预训练", "self-supervised": "自监督学习",
    "self supervised": "自监督学习", "contrastive": "对比学习", "framework": "框架",
    "pytorch": "PyTorch 框架", "tensorflow": "TensorFlow 框架", "depth": "深度", "deep": "深度",
    "layer": "层", "architecture": "结构 架构",
    # security, privacy, evaluation
    "privacy": "隐私", "differential privacy": "差分隐私", "federated": "联邦学习", "encrypt": "加密",
    "leak": "泄露", "anonymi": "脱敏", "desensitiz": "脱敏", "secur": "安全", "adversarial": "对抗样本",
    "attack": "攻击", "robust": "鲁棒性", "interpretab": "可解释性", "explainab": "可解释性",
    "evaluat": "评估", "metric": "指标", "accuracy": "准确率", "precision": "精确率",
    "recall": "召回率", "f1": "F1值", "auc": "AUC ROC", "roc": "ROC曲线", "benchmark": "基准测试",
    "performance": "性能", "domain-specific": "特定领域", "specific domain": "特定领域",
    "trend": "发展趋势", "large model": "大模型", "llm": "大模型", "big model": "大模型",
}
# Longest stems first, so "data parallel" wins over "parallel".
_STEMS = sorted(GLOSSARY, key=len, reverse=True)
_PATTERNS = [(s, re.compile(r"(?<![a-z0-9])" + re.escape(s), re.IGNORECASE)) for s in _STEMS]


def english_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, Chinese rendering) of each glossary stem in text, longest stems first, in text order.

    >>> english_spans("Synchronous training waits")
    [(0, 11, '同步训练'), (12, 17, '训练')]
    """
    if not re.search(r"[A-Za-z]", text):
        return []
    found: list[tuple[int, int, str]] = []
    for stem, pat in _PATTERNS:
        for m in pat.finditer(text):
            if any(a < m.end() and m.start() < b for a, b, _ in found):
                continue  # part of a longer phrase already matched
            found.append((m.start(), m.end(), GLOSSARY[stem]))
    return sorted(found)


def english_terms(query: str) -> list[str]:
    """Chinese renderings of the glossary stems found in query, in order of first appearance, no repeats."""
    out: list[str] = []
    for _, _, zh in english_spans(query):
        for term in zh.split():
            if term not in out and term not in query:
                out.append(term)
    return out


def expand_query(query: str) -> str:
    """The query with the Chinese terms of its English domain words appended (unchanged if none)."""
    terms = english_terms(query)
    return f"{query} ({' '.join(terms)})" if terms else query
