#!/usr/bin/python3
"""Parity of `incept run` with torchvision's Inception-v3.

Usage: inception_v3_parity.py INCEPT_CLI SOURCE_DIR [--keep DIR]

Builds torchvision.models.inception_v3(weights=None, aux_logits=True, transform_input=True)
in eval() with seeded He-scaled weights, BatchNorm statistics measured on a random batch
then perturbed, and random BN affine parameters. Its FULL state_dict (the AuxLogits head
and the I64 num_batches_tracked counters included: the engine ignores what it does not
use) is written to safetensors, and `incept run model_zoo/inception_v3_torchvision.json
--backend host` runs seeded batches of 1, 2 and 3 images at 299x299 and one image at
342x342 (torchvision's resize size; the model file's input shape is only a default),
optimised and --no-optimize, with --poison (dead buffers NaN-filled). Per case:
    rel L2 = ||ours - torch||_2 / ||torch||_2 <= 1e-4   (float32 logits)
    argmax(ours[i]) == argmax(torch[i]) for every image i

Exit codes: 0 all passed, 1 a check failed, 77 torch/torchvision/numpy not importable
(ctest SKIP_RETURN_CODE).
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# Shared with the GoogLeNet check (exits 77 there if torch is missing).
from torchvision_parity import compare, run_cli, write_safetensors  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

SEED = 20251203

# (batch, size, extra CLI flags, label): every batch size, both graphs, poisoning on each,
# and one input size other than the model file's 299x299.
CASES = [
    (1, 299, [], "optimised"),
    (2, 299, ["--no-optimize", "--poison"], "no-optimize --poison"),
    (3, 299, ["--poison"], "optimised --poison"),
    (1, 342, ["--poison"], "optimised --poison"),
]


def make_model():
    """torchvision Inception-v3 in eval() with seeded weights and non-trivial BN statistics."""
    torch.manual_seed(SEED)
    model = torchvision.models.inception_v3(weights=None, aux_logits=True, transform_input=True,
                                            init_weights=False)
    assert model.transform_input and model.aux_logits
    with torch.no_grad():
        # He-scaled weights keep activations O(1) through the 48 conv layers, so the logits
        # depend on every layer.
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0.0, (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
        # BN statistics measured on a batch like the test inputs (train mode, cumulative
        # average; at 224x224 without the aux head, which is not run in eval() and needs
        # 299x299), then perturbed, with random affine parameters, so that folding them is
        # tested.
        bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
        aux, model.AuxLogits = model.AuxLogits, None
        model.train()
        model(make_inputs(2, 224, SEED + 1))
        model.AuxLogits = aux
        for bn in bns:
            c = bn.num_features
            std = bn.running_var.sqrt()
            bn.running_mean.add_(0.2 * std * torch.randn(c))
            bn.running_var.mul_(torch.empty(c).uniform_(0.5, 2.0))
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
        # Zero-mean fc rows keep the pooled features' common mode out of the logits.
        model.fc.weight.sub_(model.fc.weight.mean(dim=1, keepdim=True))
    model.eval()
    return model


def make_inputs(n, size, seed):
    """Seeded images with large-scale content (upsampled 7x7 and 28x28 random fields, pixel
    noise, a colour offset), each image its own mix."""
    torch.manual_seed(seed)

    def field(cells):
        return torch.nn.functional.interpolate(torch.randn(n, 3, cells, cells),
                                               size=(size, size), mode="bilinear",
                                               align_corners=False)

    coarse, fine = torch.empty(n, 1, 1, 1).uniform_(0.5, 2.0), field(28)
    noise = torch.empty(n, 1, 1, 1).uniform_(0.2, 1.0)
    return (coarse * field(7) + fine + noise * torch.randn(n, 3, size, size) +
            0.5 * torch.randn(n, 3, 1, 1)).contiguous()


def parity(cli, source_dir, work):
    model = make_model()
    weights = os.path.join(work, "inception_v3_torchvision.safetensors")

    # One seeded batch per size, as large as its largest case; smaller cases take a prefix.
    inputs, reference = {}, {}
    for size in sorted({size for _, size, _, _ in CASES}):
        n = max(b for b, s, _, _ in CASES if s == size)
        x = make_inputs(n, size, SEED + size)
        start = time.monotonic()
        with torch.no_grad():
            if not reference:
                # The pooled features share a large pattern across images, which would give
                # every image the same top-1: fc's bias cancels the first batch's mean
                # logits, so the logits (and the top-1) follow what differs between images.
                pooled = []
                hook = model.avgpool.register_forward_hook(
                    lambda module, args, out: pooled.append(torch.flatten(out, 1)))
                model(x)
                hook.remove()
                model.fc.bias.sub_(model.fc(pooled[0]).mean(dim=0))
                reference[size] = model.fc(pooled[0]).numpy()
            else:
                reference[size] = model(x).numpy()
        print(f"torchvision {n}x3x{size}x{size}: top-1 {reference[size].argmax(axis=1).tolist()} "
              f"[{time.monotonic() - start:.1f} s]")
        for b in range(1, n + 1):
            inputs[(b, size)] = os.path.join(work, f"x{b}_{size}.npy")
            np.save(inputs[(b, size)], x[:b].numpy().astype(np.float32))

    state = model.state_dict()  # with the centred fc bias
    write_safetensors(weights, state)
    extras = [k for k in state if k.startswith("AuxLogits") or
              k.endswith("num_batches_tracked")]
    print(f"state_dict: {len(state)} tensors ({len(extras)} aux-head or num_batches_tracked), "
          f"{os.path.getsize(weights) / 1e6:.1f} MB")
    model_json = os.path.join(source_dir, "model_zoo", "inception_v3_torchvision.json")
    failures = 0
    for case, (n, size, flags, label) in enumerate(CASES):
        out = os.path.join(work, f"y_case{case}.npy")
        name = f"batch {n} {size}x{size} {label}"
        try:
            if os.path.exists(out):
                os.remove(out)
            _, seconds = run_cli(cli, [model_json, "--weights", weights, "--input",
                                       inputs[(n, size)], "--output", out, "--backend",
                                       "host"] + flags)
            ok, summary = compare(np.load(out), reference[size][:n])
        except Exception as e:  # a crash of the CLI is one failed case, not the end
            ok, summary, seconds = False, f"FAILED: {e}", 0.0
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {summary} [{seconds:.1f} s]", flush=True)
    return failures


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    cli, source_dir = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    keep = argv[argv.index("--keep") + 1] if "--keep" in argv else None
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, cli {cli}")
    start = time.monotonic()
    if keep:
        os.makedirs(keep, exist_ok=True)
        failures = parity(cli, source_dir, keep)
    else:
        with tempfile.TemporaryDirectory(prefix="incept_v3_parity_") as work:
            failures = parity(cli, source_dir, work)
    print(f"{len(CASES) - failures}/{len(CASES)} Inception-v3 parity checks passed in "
          f"{time.monotonic() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
