#!/usr/bin/python3
"""Parity of `incept run` with torchvision's GoogLeNet, and a sanity check of Caffe's.

Usage: torchvision_parity.py INCEPT_CLI SOURCE_DIR [--keep DIR]

torchvision check: builds torchvision.models.googlenet(aux_logits=True,
transform_input=True) in eval() with seeded random weights and non-trivial BatchNorm
statistics, exports its FULL state_dict (aux heads and the I64 num_batches_tracked
counters included: the engine must ignore the tensors it does not use) to safetensors,
and runs `incept run model_zoo/googlenet_torchvision.json --backend host` on random
batches of 1, 2 and 3 images, optimised, --no-optimize and --poison. Per case:
    rel L2 = ||ours - torch||_2 / ||torch||_2 <= 1e-4   (float32 logits)
    argmax(ours[i]) == argmax(torch[i]) for every image i
and the max abs error is reported.

Caffe check: `incept run model_zoo/googlenet.json` (seeded random weights) ends in a
Softmax: every output row must be non-negative and sum to 1 within 1e-5.

Exit codes: 0 all passed, 1 a check failed, 77 torch/torchvision/numpy not importable
(ctest SKIP_RETURN_CODE).
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
REL_L2_LIMIT = 1e-4
SOFTMAX_SUM_TOL = 1e-5
BATCHES = (1, 2, 3)
SEED = 20240607

try:
    import numpy as np
    import torch
    import torchvision
except ImportError as e:  # the test is skipped, not failed, where torch is missing
    print(f"SKIP: {sys.executable} cannot import torch/torchvision/numpy: {e}")
    sys.exit(SKIP)

# Cases: (batch, extra CLI flags, label). Every batch runs optimised and as loaded; the
# NaN poisoning of dead buffers runs on both graphs too.
CASES = [
    (1, [], "optimised"),
    (1, ["--no-optimize"], "no-optimize"),
    (2, [], "optimised"),
    (2, ["--no-optimize"], "no-optimize"),
    (2, ["--poison"], "optimised --poison"),
    (3, ["--poison"], "optimised --poison"),
    (3, ["--no-optimize", "--poison"], "no-optimize --poison"),
    (3, ["--streams", "1"], "optimised --streams 1"),
]

_SAFETENSORS_DTYPES = {
    torch.float32: ("F32", "<f4"),
    torch.int64: ("I64", "<i8"),
}


def write_safetensors(path, tensors):
    """Writes {name: torch.Tensor} as safetensors, offsets contiguous from 0, by hand."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        dtype, np_dtype = _SAFETENSORS_DTYPES[t.dtype]
        data = t.numpy().astype(np_dtype, copy=False).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def make_model():
    """torchvision GoogLeNet in eval() with seeded weights and non-trivial BN statistics."""
    torch.manual_seed(SEED)
    model = torchvision.models.googlenet(weights=None, aux_logits=True,
                                         transform_input=True, init_weights=True)
    assert model.transform_input and model.aux_logits
    with torch.no_grad():
        # He-scaled weights keep activations O(1) through the 22 layers, so the logits
        # depend on every layer (torchvision's std 0.01 init would shrink them to ~0).
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0.0, (2.0 / fan_in) ** 0.5)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
        # BN statistics: measured on a random batch (train mode, cumulative average),
        # then perturbed, with random affine parameters, so that folding them is tested.
        bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
        model.train()
        model(torch.randn(4, 3, 224, 224))
        for bn in bns:
            c = bn.num_features
            std = bn.running_var.sqrt()
            bn.running_mean.add_(0.2 * std * torch.randn(c))
            bn.running_var.mul_(torch.empty(c).uniform_(0.5, 2.0))
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
        # The pooled features are all positive: zero-mean fc rows keep that common mode
        # out of the logits, so that they (and the top-1) depend on the image.
        model.fc.weight.sub_(model.fc.weight.mean(dim=1, keepdim=True))
    model.eval()
    return model


def make_inputs(n):
    """Seeded images that differ in their large-scale content, not only in i.i.d. noise
    (whose global average pool would be nearly the same for every image): a 7x7 and a
    28x28 random field upsampled, pixel noise and a colour offset, each image its own mix."""
    torch.manual_seed(SEED + 1)

    def field(cells):
        return torch.nn.functional.interpolate(torch.randn(n, 3, cells, cells), size=(224, 224),
                                               mode="bilinear", align_corners=False)

    coarse, fine = torch.empty(n, 1, 1, 1).uniform_(0.5, 2.0), field(28)
    noise = torch.empty(n, 1, 1, 1).uniform_(0.2, 1.0)
    return (coarse * field(7) + fine + noise * torch.randn(n, 3, 224, 224) +
            0.5 * torch.randn(n, 3, 1, 1)).contiguous()


def run_cli(cli, args):
    start = time.monotonic()
    proc = subprocess.run([cli, "run"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"`incept run {' '.join(args)}` exited {proc.returncode}:\n"
                           f"{proc.stderr.strip()}")
    return proc, seconds


def compare(ours, ref):
    """Returns (ok, summary) for logits `ours` against `ref`, both (N, classes)."""
    # The logits come back with their real rank, (N, classes), as from torchvision.
    if ours.shape != ref.shape:
        return False, f"shape {ours.shape} != torchvision's {ref.shape}"
    if not np.all(np.isfinite(ours)):
        return False, f"{np.count_nonzero(~np.isfinite(ours))} non-finite logits"
    ours64, ref64 = ours.astype(np.float64), ref.astype(np.float64)
    rel_l2 = np.linalg.norm(ours64 - ref64) / np.linalg.norm(ref64)
    max_abs = np.max(np.abs(ours64 - ref64))
    top_ours, top_ref = ours.argmax(axis=1), ref.argmax(axis=1)
    sorted_ref = np.sort(ref64, axis=1)
    margin = np.min(sorted_ref[:, -1] - sorted_ref[:, -2])  # torch's top-1 vs top-2 gap
    ok = rel_l2 <= REL_L2_LIMIT and np.array_equal(top_ours, top_ref)
    top = ("top-1 equal" if np.array_equal(top_ours, top_ref) else
           f"top-1 DIFFERS (ours {top_ours.tolist()}, torchvision {top_ref.tolist()})")
    verdict = "" if rel_l2 <= REL_L2_LIMIT else f" (limit {REL_L2_LIMIT:.0e})"
    return ok, (f"rel L2 {rel_l2:.1e}{verdict}, max abs {max_abs:.1e}, {top} "
                f"(min top-1 margin {margin:.2f})")


def torchvision_parity(cli, source_dir, work):
    model = make_model()
    weights = os.path.join(work, "googlenet_torchvision.safetensors")
    state = model.state_dict()
    write_safetensors(weights, state)
    extras = [k for k in state if k.startswith("aux") or k.endswith("num_batches_tracked")]
    print(f"state_dict: {len(state)} tensors ({len(extras)} aux-head or num_batches_tracked), "
          f"{os.path.getsize(weights) / 1e6:.1f} MB")

    x = make_inputs(max(BATCHES))
    with torch.no_grad():
        reference = model(x).numpy()
    inputs = {}
    for n in BATCHES:
        inputs[n] = os.path.join(work, f"x{n}.npy")
        np.save(inputs[n], x[:n].numpy().astype(np.float32))

    print(f"torchvision top-1 of the {max(BATCHES)} images: {reference.argmax(axis=1).tolist()}")

    model_json = os.path.join(source_dir, "model_zoo", "googlenet_torchvision.json")
    failures = 0
    for case, (n, flags, label) in enumerate(CASES):
        out = os.path.join(work, f"y_case{case}.npy")
        name = f"batch {n} {label}"
        try:
            if os.path.exists(out):
                os.remove(out)
            _, seconds = run_cli(cli, [model_json, "--weights", weights, "--input", inputs[n],
                                       "--output", out, "--backend", "host"] + flags)
            ok, summary = compare(np.load(out), reference[:n])
        except Exception as e:  # a crash of the CLI is one failed case, not the end
            ok, summary, seconds = False, f"FAILED: {e}", 0.0
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {summary} [{seconds:.1f} s]", flush=True)
    return failures


def caffe_softmax_check(cli, source_dir, work):
    model_json = os.path.join(source_dir, "model_zoo", "googlenet.json")
    rng = np.random.default_rng(SEED + 2)
    x = os.path.join(work, "caffe_x.npy")
    out = os.path.join(work, "caffe_y.npy")
    np.save(x, rng.standard_normal((2, 3, 224, 224)).astype(np.float32))
    try:
        if os.path.exists(out):
            os.remove(out)
        _, seconds = run_cli(cli, [model_json, "--input", x, "--output", out,
                                   "--backend", "host"])
        y = np.load(out).astype(np.float64)
        if y.ndim != 2:
            raise RuntimeError(f"softmax output has shape {y.shape}, expected (N, 1000)")
        sums = y.sum(axis=1)
        worst = np.max(np.abs(sums - 1.0))
        ok = np.all(np.isfinite(y)) and y.min() >= 0.0 and worst <= SOFTMAX_SUM_TOL
        summary = (f"{y.shape[0]} rows of {y.shape[1]}, max |row sum - 1| {worst:.1e}, "
                   f"min prob {y.min():.1e}")
    except Exception as e:
        ok, summary, seconds = False, f"FAILED: {e}", 0.0
    print(f"{'ok  ' if ok else 'FAIL'} caffe googlenet batch 2 softmax rows: {summary} "
          f"[{seconds:.1f} s]", flush=True)
    return 0 if ok else 1


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
        failures = torchvision_parity(cli, source_dir, keep)
        failures += caffe_softmax_check(cli, source_dir, keep)
    else:
        with tempfile.TemporaryDirectory(prefix="incept_parity_") as work:
            failures = torchvision_parity(cli, source_dir, work)
            failures += caffe_softmax_check(cli, source_dir, work)
    total = len(CASES) + 1
    print(f"{total - failures}/{total} parity checks passed in {time.monotonic() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
