#!/usr/bin/env bash
# Installs what incept needs from Debian's packages, only what is missing.
#   scripts/setup.sh          build dependencies
#   scripts/setup.sh --test   also what the test suite needs (PyTorch and torchvision for
#                             the parity tests, numpy, Pillow, ONNX's test data; clang for
#                             the fuzz stage)
# The CUDA toolkit and cuDNN are optional: where nvcc is found the CUDA backend is built.
set -euo pipefail

packages=(build-essential cmake nlohmann-json3-dev libgtest-dev libcli11-dev libstb-dev zlib1g-dev)
packages+=(libprotobuf-dev libonnx-dev)  # ONNX import (graph/onnx)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(python3 python3-numpy python3-pil python3-torch python3-torchvision)
  packages+=(python3-venv)  # the Triton test's virtual environment (below)
  packages+=(libonnx-testdata)  # ONNX's backend node tests (tests/onnx)
  # .ci/run's sanitizer and fuzz stages: clang with its libFuzzer/sanitizer runtimes and
  # LLVM's OpenMP (gcc's ASan/UBSan/TSan runtimes come with build-essential).
  packages+=(clang libclang-rt-14-dev libomp-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Triton test (tests/serving) runs a real tritonserver, from PyPI's nvidia-pytriton
# wheel, with tritonclient: both in a virtual environment in the checkout (.venv, ignored by
# git), made or completed here.
if [[ "${1:-}" == "--test" ]]; then
  venv="$(cd "$(dirname "$0")/.." && pwd)/.venv"
  if ! "$venv/bin/python" -c "import pytriton, tritonclient.grpc, tritonclient.http" 2>/dev/null; then
    echo "setup: installing nvidia-pytriton and tritonclient into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "nvidia-pytriton==0.7.0" "tritonclient[http,grpc]==2.73.0" numpy
  fi
fi
