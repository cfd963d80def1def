#!/usr/bin/python3
"""Writes the fuzz_onnx seed corpus (fuzz/corpus/onnx/): tiny CNNs exported by
torch.onnx.export, small enough (a few KB) for libFuzzer to mutate quickly.

    /usr/bin/python3 fuzz/corpus/make_onnx_seeds.py fuzz/corpus/onnx

tiny_opset11.onnx: transform_input (Gather/Unsqueeze/Mul/Add/Concat), Conv with padding,
  Relu, MaxPool with ceil_mode, a count_include_pad AveragePool (Pad + AveragePool),
  Concat, GlobalAveragePool, Flatten, Gemm, Softmax; BatchNorm folded by torch.
tiny_opset13_bn.onnx: the same at opset 13 with BatchNormalization nodes kept.
tiny_matmul_opset9.onnx: Flatten, MatMul + Add (a Linear without Gemm), Dropout.
"""
import os
import sys

import torch


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1, bias=False)
        self.bn = torch.nn.BatchNorm2d(4, eps=1e-3)
        self.branch = torch.nn.Conv2d(4, 2, 1)
        self.fc = torch.nn.Linear(6, 3)

    def forward(self, x):
        ch = [torch.unsqueeze(x[:, c], 1) * (0.2 + c) + 0.1 * c for c in range(3)]
        x = torch.cat(ch, 1)
        x = torch.relu(self.bn(self.conv(x)))
        x = torch.nn.functional.max_pool2d(x, 3, 2, ceil_mode=True)
        a = torch.nn.functional.avg_pool2d(x, 3, 1, padding=1, count_include_pad=True)
        b = torch.relu(self.branch(x))
        x = torch.cat([a, b], 1)
        x = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return torch.softmax(self.fc(x), 1)


class TinyMatMul(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.randn(12, 5))
        self.b = torch.nn.Parameter(torch.randn(5))

    def forward(self, x):
        return torch.nn.functional.dropout(torch.flatten(x, 1) @ self.w + self.b, 0.5, False)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(0)
    tiny = Tiny().eval()
    x = torch.randn(1, 3, 8, 8)
    names = {"input_names": ["x"], "output_names": ["y"]}
    torch.onnx.export(tiny, x, os.path.join(out_dir, "tiny_opset11.onnx"), opset_version=11,
                      **names)
    torch.onnx.export(tiny, x, os.path.join(out_dir, "tiny_opset13_bn.onnx"), opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, **names)
    torch.onnx.export(TinyMatMul().eval(), torch.randn(1, 3, 2, 2),
                      os.path.join(out_dir, "tiny_matmul_opset9.onnx"), opset_version=9, **names)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "onnx"))
