#!/usr/bin/python3
"""Parity of `incept run MODEL.onnx` with torch on torchvision models exported to ONNX.

Usage: onnx_parity.py INCEPT_CLI [--keep DIR] [--models googlenet,inception_v3]
                      [--opsets 11,13]

For each model (torchvision's GoogLeNet and Inception-v3, transform_input=True, aux
heads built but off in eval) and each opset: seeded He-scaled random weights, BatchNorm
statistics measured on a random batch then perturbed, with random affine parameters;
torch.onnx.export in eval() with a symbolic batch (the first opset as torch exports by
default, BatchNorm folded into the convs; the others with TrainingMode.PRESERVE, which
keeps the BatchNormalization nodes); then
    incept run model.onnx --input x.npy --output y.npy --backend host
on a batch of 2 images (the initializers are the weights), compared with torch:
    rel L2 = ||ours - torch||_2 / ||torch||_2 <= 1e-4   (float32 logits)
    argmax(ours[i]) == argmax(torch[i]) for every image i.
Once per model (first opset), `incept convert` to JSON + safetensors and `incept run` of
the converted files must give the same logits as the .onnx run, bit for bit.

Exit codes: 0 all passed, 1 a check failed, 77 torch/torchvision/numpy not importable
(ctest SKIP_RETURN_CODE).
"""
import os
import subprocess
import sys
import tempfile
import time

SKIP = 77
REL_L2_LIMIT = 1e-4
BATCH = 2
SEED = 20241203
MODELS = {"googlenet": 224, "inception_v3": 299}
OPSETS = (11, 13)

try:
    import numpy as np
    import torch
    import torchvision
except ImportError as e:  # the test is skipped, not failed, where torch is missing
    print(f"SKIP: {sys.executable} cannot import torch/torchvision/numpy: {e}")
    sys.exit(SKIP)


def make_model(name, size):
    """A torchvision model in eval() with seeded weights and non-trivial BN statistics."""
    torch.manual_seed(SEED)
    ctor = getattr(torchvision.models, name)
    # init_weights=False: every weight is drawn below (torchvision's truncated-normal
    # init of Inception-v3 alone takes seconds).
    model = ctor(weights=None, aux_logits=True, transform_input=True, init_weights=False)
    with torch.no_grad():
        # He-scaled weights keep activations O(1) through the layers, so the logits
        # depend on every layer.
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
                m.weight.normal_(0.0, (2.0 / m.weight[0].numel()) ** 0.5)
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
        bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
        for bn in bns:
            bn.reset_running_stats()
            bn.momentum = None
        # Statistics of a small random batch at a reduced size (any statistics serve),
        # the aux heads (unused in eval; too deep for the reduced size) detached meanwhile.
        aux = {a: getattr(model, a) for a in ("aux1", "aux2", "AuxLogits") if hasattr(model, a)}
        for a in aux:
            setattr(model, a, None)
        model.train()
        model(torch.randn(2, 3, size // 2, size // 2))
        for a, head in aux.items():
            setattr(model, a, head)
        for bn in bns:
            c = bn.num_features
            bn.running_mean.add_(0.2 * bn.running_var.sqrt() * torch.randn(c))
            bn.running_var.mul_(torch.empty(c).uniform_(0.5, 2.0))
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.2, 0.2)
        # Zero-mean fc rows keep the common mode of the positive pooled features out of
        # the logits, so that they depend on the image.
        model.fc.weight.sub_(model.fc.weight.mean(dim=1, keepdim=True))
    model.eval()
    return model


def make_inputs(n, size):
    """Seeded images with large-scale content (upsampled random fields) plus pixel noise."""
    torch.manual_seed(SEED + 1)
    field = torch.nn.functional.interpolate(torch.randn(n, 3, 7, 7), size=(size, size),
                                            mode="bilinear", align_corners=False)
    return (field + 0.5 * torch.randn(n, 3, size, size) + 0.5 * torch.randn(n, 3, 1, 1)).contiguous()


def run_cli(cli, args):
    start = time.monotonic()
    proc = subprocess.run([cli] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`incept {' '.join(args)}` exited {proc.returncode}:\n"
                           f"{proc.stderr.strip()}")
    return time.monotonic() - start


def compare(ours, ref):
    """(ok, summary) for logits `ours` (N, classes[, 1, 1]) against `ref` (N, classes)."""
    ours = ours.reshape(ours.shape[0], -1)
    if ours.shape != ref.shape:
        return False, f"shape {ours.shape} != torch's {ref.shape}"
    if not np.all(np.isfinite(ours)):
        return False, f"{np.count_nonzero(~np.isfinite(ours))} non-finite logits"
    o, r = ours.astype(np.float64), ref.astype(np.float64)
    rel_l2 = np.linalg.norm(o - r) / np.linalg.norm(r)
    same_top = np.array_equal(ours.argmax(axis=1), ref.argmax(axis=1))
    ok = rel_l2 <= REL_L2_LIMIT and same_top
    return ok, (f"rel L2 {rel_l2:.1e} (limit {REL_L2_LIMIT:.0e}), max abs "
                f"{np.max(np.abs(o - r)):.1e}, top-1 {'equal' if same_top else 'DIFFERS'}")


def check_model(cli, work, name, size, opsets):
    model = make_model(name, size)
    x = make_inputs(BATCH, size)
    with torch.no_grad():
        reference = model(x).numpy()
    x_path = os.path.join(work, f"{name}_x.npy")
    np.save(x_path, x.numpy().astype(np.float32))
    failures = 0
    for i, opset in enumerate(opsets):
        onnx_path = os.path.join(work, f"{name}_opset{opset}.onnx")
        out = os.path.join(work, f"{name}_opset{opset}_y.npy")
        label = f"{name} opset {opset} batch {BATCH}"
        try:
            start = time.monotonic()
            # The first opset as torch exports by default (BatchNorm folded into the convs),
            # the others with TrainingMode.PRESERVE (the model is in eval: BatchNormalization
            # nodes in inference mode stay in the file, so their import is tested too).
            extra = {} if i == 0 else {"training": torch.onnx.TrainingMode.PRESERVE}
            torch.onnx.export(model, torch.randn(1, 3, size, size), onnx_path,
                              opset_version=opset, input_names=["input"],
                              output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                              **extra)
            with open(onnx_path, "rb") as f:
                batch_norms = f.read().count(b"BatchNormalization")
            export_s = time.monotonic() - start
            seconds = run_cli(cli, ["run", onnx_path, "--input", x_path, "--output", out,
                                    "--backend", "host"])
            ours = np.load(out)
            ok, summary = compare(ours, reference)
            summary += (f" [{'BatchNorm kept' if batch_norms else 'BatchNorm folded by torch'}; "
                        f"export {export_s:.1f} s, incept run {seconds:.1f} s]")
            if i == 0:  # the converted JSON + safetensors compute the same logits
                json_path = os.path.join(work, f"{name}.json")
                st_path = os.path.join(work, f"{name}.safetensors")
                conv_out = os.path.join(work, f"{name}_converted_y.npy")
                run_cli(cli, ["convert", onnx_path, "-o", json_path, "--weights-out", st_path])
                run_cli(cli, ["run", json_path, "--weights", st_path, "--input", x_path,
                              "--output", conv_out, "--backend", "host"])
                same = np.array_equal(np.load(conv_out), ours)
                ok = ok and same
                summary += "; converted JSON: " + ("same logits" if same else "DIFFERENT logits")
        except Exception as e:  # one failed case, not the end
            ok, summary = False, f"FAILED: {e}"
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {summary}", flush=True)
    return failures


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cli = os.path.abspath(argv[1])
    keep = argv[argv.index("--keep") + 1] if "--keep" in argv else None
    models = argv[argv.index("--models") + 1].split(",") if "--models" in argv else list(MODELS)
    opsets = ([int(o) for o in argv[argv.index("--opsets") + 1].split(",")]
              if "--opsets" in argv else list(OPSETS))
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, cli {cli}")
    start = time.monotonic()
    failures = 0
    with tempfile.TemporaryDirectory(prefix="incept_onnx_parity_") as tmp:
        work = keep or tmp
        os.makedirs(work, exist_ok=True)
        for name in models:
            failures += check_model(cli, work, name, MODELS[name], opsets)
    total = len(models) * len(opsets)
    print(f"{total - failures}/{total} ONNX parity checks passed in "
          f"{time.monotonic() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
