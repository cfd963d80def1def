#!/usr/bin/env python3
"""perf/precision_baselines.py on the CPU (no torch, no GPU): the table on fabricated
inputs, and the torch.compile cap with a stand-in torch package.

The inputs below are made up to exercise the table's arithmetic and verdicts, not results
of any run. Each expected number is worked out in the comment beside it.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "perf", "precision_baselines.py")


def bench(records):
    """incept bench --json with one optimised record per (batch, io, p50 ms)."""
    results = [dict(batch=b, backend="cuda", variant="optimized", io=io, images_per_second=b / ms * 1e3,
                    latency_ms=dict(p50=ms, p90=ms, p99=ms)) for b, io, ms in records]
    # Ignored by the table: a baseline record and a pageable one.
    results.append(dict(batch=1, backend="cuda", variant="baseline", io="device",
                        images_per_second=1, latency_ms=dict(p50=0.01, p90=0.01, p99=0.01)))
    results.append(dict(batch=1, backend="cuda", variant="optimized", io="pageable",
                        images_per_second=1, latency_ms=dict(p50=0.01, p90=0.01, p99=0.01)))
    return dict(model="googlenet_torchvision.json", results=results)


def torch_rows(variant, rows):
    return [dict(variant=variant, batch=b, mode=m, p50_ms=ms, images_per_second=b / ms * 1e3)
            for b, m, ms in rows]


EAGER = "torch eager fp32"
GRAPH = "torch fp16 channels_last + CUDA graph"
COMPILED = "torch.compile max-autotune fp16 channels_last"


class PrecisionTable(unittest.TestCase):
    def run_table(self, files, as_json=True):
        with tempfile.TemporaryDirectory() as d:
            for name, content in files.items():
                with open(os.path.join(d, name), "w") as f:
                    f.write(content if isinstance(content, str) else json.dumps(content))
            args = [sys.executable, SCRIPT, "table", d] + (["--json"] if as_json else [])
            out = subprocess.run(args, capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout) if as_json else out.stdout

    def torch_files(self):
        return {
            "torch_precision.json": dict(
                results=torch_rows(EAGER, [(1, "device", 3.0), (1, "pinned", 3.5),
                                           (256, "device", 100.0), (256, "pinned", 120.0)])
                + torch_rows(GRAPH, [(1, "device", 1.0), (1, "pinned", 1.3),
                                     (256, "device", 30.0), (256, "pinned", 50.0)]),
                gemm_fp16_8192=dict(p50_ms=2.2, tflops=500.0)),
            "torch_compile.json": dict(
                results=[dict(r, compile_s=80.0) for r in
                         torch_rows(COMPILED, [(256, "device", 27.0), (256, "pinned", 48.0)])],
                skipped=[dict(batch=1, reason="still compiling when the 45 s compile cap was spent",
                              compile_s_so_far=45.2)]),
        }

    def test_every_precision_measured(self):
        files = self.torch_files()
        files["bench_fp32.json"] = bench([(1, "device", 0.5), (1, "pinned", 0.7),
                                          (256, "device", 40.0), (256, "pinned", 60.0)])
        files["bench_fp16.json"] = bench([(1, "device", 0.4), (1, "pinned", 0.6),
                                          (256, "device", 20.0), (256, "pinned", 45.0)])
        data = self.run_table(files)
        rows = {(r["batch"], r["io"]): r for r in data["rows"]}
        self.assertEqual(sorted(rows), [(1, "device"), (1, "pinned"), (256, "device"), (256, "pinned")])
        # PyTorch's best: the fastest variant per batch and mode.
        self.assertEqual(rows[(1, "device")]["torch_best_ms"], 1.0)  # graph 1.0 < eager 3.0
        self.assertEqual(rows[(1, "device")]["torch_best_variant"], GRAPH)
        self.assertEqual(rows[(256, "device")]["torch_best_ms"], 27.0)  # compile 27 < graph 30
        self.assertEqual(rows[(256, "device")]["torch_best_variant"], COMPILED)
        self.assertEqual(rows[(256, "pinned")]["torch_best_ms"], 48.0)
        # Our ratio: PyTorch's best / ours.
        self.assertAlmostEqual(rows[(256, "device")]["ratio"]["fp16"], 27.0 / 20.0)  # 1.35
        self.assertAlmostEqual(rows[(256, "pinned")]["ratio"]["fp32"], 48.0 / 60.0)  # 0.8
        self.assertIsNone(rows[(1, "device")]["ratio"]["bf16"])  # not measured
        targets = {t["name"]: t for t in data["targets"]}
        t = targets["batch 256 fp16 device to device >= 1.3x PyTorch's best"]
        self.assertAlmostEqual(t["value"], 1.35)
        self.assertEqual(t["verdict"], "PASS")
        # 256 images x 3.0 GFLOP / 20 ms = 38.4 TFLOP/s, 7.68% of 500 TFLOP/s.
        t = targets["batch 256 fp16 device to device >= 20% of the cuBLAS fp16 GEMM"]
        self.assertAlmostEqual(t["achieved_tflops"], 38.4)
        self.assertAlmostEqual(t["value"], 0.0768)
        self.assertEqual(t["verdict"], "FAIL")
        # Batch 1: our fastest precision (fp16) against PyTorch's best of that mode.
        t = targets["batch 1 device >= 2x PyTorch's best"]
        self.assertEqual(t["precision"], "fp16")
        self.assertAlmostEqual(t["value"], 1.0 / 0.4)  # 2.5
        self.assertEqual(t["verdict"], "PASS")
        t = targets["batch 1 pinned >= 2x PyTorch's best"]
        self.assertAlmostEqual(t["value"], 1.3 / 0.6)  # 2.17
        self.assertEqual(t["verdict"], "PASS")
        t = targets["fp16 below our fp32 (every batch and io mode measured)"]
        self.assertEqual((t["verdict"], t["measured"], t["not_below"]), ("PASS", 4, []))
        notes = "\n".join(data["notes"])
        self.assertIn("torch.compile batch 1 skipped: still compiling", notes)
        self.assertIn("compile time so far 45 s", notes)
        self.assertIn("torch.compile batch 256: compiled in 80 s", notes)
        self.assertIn("incept tf32: not measured", notes)

    def test_refused_precision_is_a_note_not_a_crash(self):
        files = self.torch_files()
        files["bench_fp32.json"] = bench([(1, "device", 0.55), (1, "pinned", 0.6),
                                          (256, "device", 40.0)])
        files["bench_fp16.err"] = ("note: something earlier\nincept bench: error: backend \"cuda\" "
                                   "cannot run precision fp16: not bound to kernels yet\n")
        data = self.run_table(files)
        notes = "\n".join(data["notes"])
        self.assertIn("incept fp16: not measured: incept bench: error: backend \"cuda\" cannot run "
                      "precision fp16: not bound to kernels yet", notes)
        targets = {t["name"]: t for t in data["targets"]}
        for name in ("batch 256 fp16 device to device >= 1.3x PyTorch's best",
                     "batch 256 fp16 device to device >= 20% of the cuBLAS fp16 GEMM",
                     "fp16 below our fp32 (every batch and io mode measured)"):
            self.assertEqual(targets[name]["verdict"], "not measured", name)
        t = targets["batch 1 device >= 2x PyTorch's best"]
        self.assertEqual(t["precision"], "fp32")
        self.assertAlmostEqual(t["value"], 1.0 / 0.55)  # 1.82
        self.assertEqual(t["verdict"], "FAIL")
        t = targets["batch 1 pinned >= 2x PyTorch's best"]
        self.assertAlmostEqual(t["value"], 1.3 / 0.6)
        self.assertEqual(t["verdict"], "PASS")
        # The markdown says the same.
        md = self.run_table(files, as_json=False)
        self.assertIn("PyTorch's best", md)
        self.assertIn("| batch 1 device >= 2x PyTorch's best | 1.82x (target >= 2.0x), incept fp32 | FAIL |",
                      md)
        self.assertIn("| 256 | device | 40.000 (0.68x) |", md)  # 27 / 40
        self.assertIn("not measured (no incept fp16)", md)
        self.assertIn("- incept fp16: not measured:", md)

    def test_fp16_slower_than_fp32_fails_and_names_where(self):
        files = self.torch_files()
        files["bench_fp32.json"] = bench([(1, "device", 0.5), (256, "device", 40.0)])
        files["bench_fp16.json"] = bench([(1, "device", 0.6), (256, "device", 20.0)])
        data = self.run_table(files)
        t = {t["name"]: t for t in data["targets"]}["fp16 below our fp32 (every batch and io mode measured)"]
        self.assertEqual((t["verdict"], t["measured"], t["not_below"]), ("FAIL", 2, ["batch 1 device"]))

    def test_no_inputs_at_all(self):
        data = self.run_table({})
        self.assertEqual(data["rows"], [])
        self.assertTrue(all(t["verdict"] == "not measured" for t in data["targets"]))
        self.assertIn("PyTorch eager and CUDA graph: not measured (no torch_precision.json)",
                      data["notes"])


class CompileCap(unittest.TestCase):
    """`compile` under its total cap, with a stand-in `torch` package whose import never
    ends (a compile that outlives the cap): the batch in progress is stopped at the cap
    with its time so far, the next is never started, and the table says both."""

    def test_cap_stops_the_child_and_lists_the_batches(self):
        with tempfile.TemporaryDirectory() as d:
            for pkg in ("torch", "torchvision"):
                os.mkdir(os.path.join(d, pkg))
                with open(os.path.join(d, pkg, "__init__.py"), "w") as f:
                    f.write("import time\ntime.sleep(60)\n" if pkg == "torch" else "")
            env = dict(os.environ, PYTHONPATH=d)
            out_json = os.path.join(d, "torch_compile.json")
            start = time.monotonic()
            run = subprocess.run([sys.executable, SCRIPT, "compile", out_json, "--batches", "1,256",
                                  "--total-s", "2"], env=env, capture_output=True, text=True,
                                 timeout=60)
            self.assertEqual(run.returncode, 0, run.stderr)
            self.assertLess(time.monotonic() - start, 30)  # the 60 s child did not hold it up
            data = json.load(open(out_json))
            self.assertEqual(data["results"], [])
            skipped = {s["batch"]: s for s in data["skipped"]}
            self.assertIn("still compiling when the 2 s compile cap was spent", skipped[1]["reason"])
            self.assertGreaterEqual(skipped[1]["compile_s_so_far"], 1.9)
            self.assertIn("not started", skipped[256]["reason"])
            self.assertEqual(skipped[256]["compile_s_so_far"], 0.0)
            table = subprocess.run([sys.executable, SCRIPT, "table", d], capture_output=True,
                                   text=True, timeout=60)
            self.assertIn("torch.compile batch 1 skipped: still compiling", table.stdout)
            self.assertIn("torch.compile batch 256 skipped: not started", table.stdout)


if __name__ == "__main__":
    unittest.main()
