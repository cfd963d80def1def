#!/usr/bin/env python3
"""The incept Triton backend against a real Triton Inference Server.

    triton_test.py INCEPT_CLI BACKEND_DIR SOURCE_DIR [--kind cpu|gpu] [--perf-seconds S]

Starts the `tritonserver` of PyPI's nvidia-pytriton wheel (CPU only) on 127.0.0.1 with a
temporary model repository of two models on our backend (host instances):
  googlenet      inputs and outputs left to the backend to complete from the model;
                 max_batch_size 8, dynamic batching, two instances
  googlenet_any  inputs and outputs configured, spatial dims -1 (any image size)
then sends requests of batch sizes 1..8 from concurrent HTTP and gRPC clients and compares
every response with `incept run --backend host` on the same images (same seeded random
weights), checks Triton's statistics for the model, sends malformed requests (wrong shape,
wrong type, batch above the maximum, missing input, unknown output, an image too small for
the network) expecting an error for each, checks the server is still ready and shuts it
down. Bounded: at most ~100 requests, every wait has a timeout.

On a machine with a GPU, --kind gpu makes the instances KIND_GPU (CUDA contexts; responses
within 1e-4 relative L2 of the host's), and --perf-seconds S adds a perf run: 8 concurrent
gRPC clients sending batches of 8 for S seconds (requests/s, images/s, p50/p99 latency).

Needs the virtual environment of `scripts/setup.sh --test` (SOURCE_DIR/.venv with
nvidia-pytriton and tritonclient); exits 77 (skipped) where it is missing.
"""
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SKIP = 77
MAX_BATCH = 8


def reexec_in_venv(source_dir):
    """Runs this script with the project's virtual environment's python."""
    venv_python = os.path.join(source_dir, ".venv", "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(source_dir, ".venv")):
        return
    if not os.path.exists(venv_python):
        print(f"skipped: no {venv_python} (run scripts/setup.sh --test)")
        sys.exit(SKIP)
    os.execv(venv_python, [venv_python] + sys.argv)


def find_tritonserver():
    import importlib.util

    spec = importlib.util.find_spec("pytriton")
    if spec is None:
        print("skipped: nvidia-pytriton is not installed in the virtual environment")
        sys.exit(SKIP)
    root = os.path.join(spec.submodule_search_locations[0], "tritonserver")
    binary = os.path.join(root, "bin", "tritonserver")
    if not os.path.exists(binary):
        print(f"skipped: no tritonserver binary at {binary}")
        sys.exit(SKIP)
    return binary


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_model(repo, name, model_json, extra):
    os.makedirs(os.path.join(repo, name, "1"))
    with open(os.path.join(repo, name, "config.pbtxt"), "w") as f:
        f.write(
            f'backend: "incept"\n'
            f"max_batch_size: {MAX_BATCH}\n"
            f'parameters {{ key: "model" value {{ string_value: "{model_json}" }} }}\n'
            f'parameters {{ key: "seed" value {{ string_value: "0" }} }}\n' + extra
        )


def incept_run(cli, model_json, images, workdir, tag):
    """The CLI's logits for `images` (host backend, seed-0 random weights, as the server)."""
    import numpy as np

    x_path = os.path.join(workdir, f"{tag}_x.npy")
    y_path = os.path.join(workdir, f"{tag}_y.npy")
    np.save(x_path, images)
    subprocess.run(
        [cli, "run", model_json, "--input", x_path, "--output", y_path, "--backend", "host"],
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=300,
    )
    return np.load(y_path)


def relative_l2(a, b):
    import numpy as np

    a = a.astype(np.float64)
    b = b.astype(np.float64)
    return float(np.sqrt(((a - b) ** 2).sum() / max((b**2).sum(), 1e-30)))


class Checks:
    def __init__(self):
        self.failed = 0

    def check(self, ok, message):
        print(("ok    " if ok else "FAIL  ") + message, flush=True)
        if not ok:
            self.failed += 1


def perf(grpcclient, port, output_name, images, seconds, clients=8):
    """Concurrent gRPC clients sending batches of MAX_BATCH for `seconds`: a load figure."""
    import numpy as np

    def client_loop(_):
        client = grpcclient.InferenceServerClient(f"127.0.0.1:{port}")
        inp = grpcclient.InferInput("x", list(images.shape), "FP32")
        inp.set_data_from_numpy(images)
        latencies = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            t = time.monotonic()
            client.infer("googlenet", [inp], client_timeout=120).as_numpy(output_name)
            latencies.append(time.monotonic() - t)
        client.close()
        return latencies

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=clients) as pool:
        latencies = [l for ls in pool.map(client_loop, range(clients)) for l in ls]
    wall = time.monotonic() - t0
    ms = np.array(latencies) * 1000
    print(
        f"perf: {clients} gRPC clients, batch {len(images)}, {wall:.1f} s: "
        f"{len(latencies) / wall:.1f} requests/s, {len(latencies) * len(images) / wall:.1f} "
        f"images/s, latency p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms",
        flush=True,
    )


def main():
    import argparse

    parser = argparse.ArgumentParser(description="the incept Triton backend on a real server")
    parser.add_argument("cli")
    parser.add_argument("backend_dir")
    parser.add_argument("source_dir")
    parser.add_argument("--kind", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument("--perf-seconds", type=float, default=0)
    args = parser.parse_args()
    cli, backend_dir, source_dir = (os.path.abspath(p) for p in (args.cli, args.backend_dir, args.source_dir))
    reexec_in_venv(source_dir)
    kind = "KIND_GPU" if args.kind == "gpu" else "KIND_CPU"
    tolerance = 1e-4 if args.kind == "gpu" else 1e-5
    import numpy as np
    import tritonclient.grpc as grpcclient
    import tritonclient.http as httpclient
    from tritonclient.utils import InferenceServerException

    server_binary = find_tritonserver()
    model_json = os.path.join(source_dir, "model_zoo", "googlenet_torchvision.json")
    checks = Checks()
    start = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="incept_triton_") as work:
        repo = os.path.join(work, "models")
        write_model(
            repo,
            "googlenet",
            model_json,
            "dynamic_batching { max_queue_delay_microseconds: 20000 }\n"
            f"instance_group [ {{ kind: {kind}, count: 2 }} ]\n",
        )
        write_model(
            repo,
            "googlenet_any",
            model_json,
            'input [ { name: "x", data_type: TYPE_FP32, dims: [ 3, -1, -1 ] } ]\n'
            f"instance_group [ {{ kind: {kind}, count: 1 }} ]\n",
        )

        # Expected logits: the CLI on the same images, once for all.
        rng = np.random.default_rng(2024)
        images = rng.standard_normal((MAX_BATCH, 3, 224, 224)).astype(np.float32)
        expected = incept_run(cli, model_json, images, work, "all")
        small = rng.standard_normal((2, 3, 160, 160)).astype(np.float32)
        expected_small = incept_run(cli, model_json, small, work, "small")
        per_image = expected.shape[1:]

        http_port, grpc_port = free_port(), free_port()
        log_path = os.path.join(work, "tritonserver.log")
        log = open(log_path, "w")
        server = subprocess.Popen(
            [
                server_binary,
                f"--model-repository={repo}",
                f"--backend-directory={backend_dir}",
                "--http-address=127.0.0.1",
                f"--http-port={http_port}",
                "--grpc-address=127.0.0.1",
                f"--grpc-port={grpc_port}",
                "--allow-metrics=false",
                "--exit-timeout-secs=10",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            ready = False
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    with urllib.request.urlopen(
                        f"http://127.0.0.1:{http_port}/v2/health/ready", timeout=2
                    ) as r:
                        ready = r.status == 200
                except OSError:
                    pass
                if ready:
                    break
                time.sleep(0.5)
            checks.check(ready, f"server ready after {time.monotonic() - start:.1f} s")
            if not ready:
                raise RuntimeError("the server did not become ready")

            http = httpclient.InferenceServerClient(f"127.0.0.1:{http_port}", network_timeout=120)
            config = http.get_model_config("googlenet")
            out_dims = [int(d) for d in config["output"][0]["dims"]]
            checks.check(
                config["input"][0]["name"] == "x"
                and [int(d) for d in config["input"][0]["dims"]] == list(images.shape[1:])
                and out_dims == list(per_image),
                f"configuration completed from the model: input {config['input'][0]['dims']}, "
                f"output {config['output'][0]['name']} {out_dims} (incept run: {list(per_image)})",
            )
            output_name = config["output"][0]["name"]

            # Concurrent clients: batch sizes 1..8 over HTTP and over gRPC, twice each.
            def infer(job):
                protocol, batch, first = job
                x = images[first : first + batch]
                if protocol == "http":
                    client = httpclient.InferenceServerClient(
                        f"127.0.0.1:{http_port}", network_timeout=120
                    )
                    inp = httpclient.InferInput("x", list(x.shape), "FP32")
                    inp.set_data_from_numpy(x)
                    out = client.infer("googlenet", [inp]).as_numpy(output_name)
                    client.close()
                else:
                    client = grpcclient.InferenceServerClient(f"127.0.0.1:{grpc_port}")
                    inp = grpcclient.InferInput("x", list(x.shape), "FP32")
                    inp.set_data_from_numpy(x)
                    out = client.infer("googlenet", [inp], client_timeout=120).as_numpy(
                        output_name
                    )
                    client.close()
                return job, out

            jobs = [
                (protocol, batch, (batch * 3 + repeat) % (MAX_BATCH - batch + 1))
                for repeat in range(2)
                for batch in range(1, MAX_BATCH + 1)
                for protocol in ("http", "grpc")
            ]
            sent_images = sum(batch for _, batch, _ in jobs)
            t0 = time.monotonic()
            worst = 0.0
            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                for (protocol, batch, first), out in pool.map(infer, jobs):
                    want = expected[first : first + batch]
                    err = relative_l2(out, want) if out.shape == want.shape else float("inf")
                    worst = max(worst, err)
                    if out.shape != want.shape or not err <= tolerance:
                        checks.check(
                            False,
                            f"{protocol} batch {batch} (images {first}..): shape {out.shape} "
                            f"vs {want.shape}, relative L2 {err:.3g}",
                        )
            checks.check(
                worst <= tolerance,
                f"{len(jobs)} concurrent requests (HTTP and gRPC, batch 1..{MAX_BATCH}, "
                f"{sent_images} images) match incept run: worst relative L2 {worst:.3g}, "
                f"{time.monotonic() - t0:.1f} s",
            )

            # Any image size through the explicitly configured model.
            inp = httpclient.InferInput("x", list(small.shape), "FP32")
            inp.set_data_from_numpy(small)
            out = http.infer("googlenet_any", [inp]).as_numpy(output_name)
            checks.check(
                out.shape == expected_small.shape and relative_l2(out, expected_small) <= tolerance,
                f"googlenet_any at 160x160: relative L2 {relative_l2(out, expected_small):.3g}",
            )

            # Malformed requests: each must get an error, and the server must stay up.
            def expect_error(what, model, name, array, dtype, outputs=None):
                try:
                    inp = httpclient.InferInput(name, list(array.shape), dtype)
                    inp.set_data_from_numpy(array)
                    requested = [httpclient.InferRequestedOutput(o) for o in (outputs or [])]
                    http.infer(model, [inp], outputs=requested or None)
                    checks.check(False, f"{what}: answered without an error")
                except InferenceServerException as e:
                    checks.check(True, f"{what}: error \"{str(e)[:150]}\"")

            expect_error(
                "wrong shape (1, 3, 100, 100)",
                "googlenet",
                "x",
                np.zeros((1, 3, 100, 100), np.float32),
                "FP32",
            )
            expect_error(
                "wrong channels (1, 4, 224, 224)",
                "googlenet_any",
                "x",
                np.zeros((1, 4, 224, 224), np.float32),
                "FP32",
            )
            expect_error(
                "wrong type FP64", "googlenet", "x", np.zeros((1, 3, 224, 224)), "FP64"
            )
            expect_error(
                f"batch {MAX_BATCH + 1} above max_batch_size",
                "googlenet",
                "x",
                np.zeros((MAX_BATCH + 1, 3, 224, 224), np.float32),
                "FP32",
            )
            expect_error(
                "missing input (named y)",
                "googlenet",
                "y",
                np.zeros((1, 3, 224, 224), np.float32),
                "FP32",
            )
            expect_error(
                "unknown output",
                "googlenet",
                "x",
                np.zeros((1, 3, 224, 224), np.float32),
                "FP32",
                outputs=["nope"],
            )
            expect_error(
                "image too small for the network (1, 3, 8, 8), answered by incept",
                "googlenet_any",
                "x",
                np.zeros((1, 3, 8, 8), np.float32),
                "FP32",
            )

            grpc = grpcclient.InferenceServerClient(f"127.0.0.1:{grpc_port}")
            checks.check(
                http.is_server_ready()
                and grpc.is_server_ready()
                and http.is_model_ready("googlenet")
                and http.is_model_ready("googlenet_any"),
                "server and models still ready (HTTP and gRPC) after the malformed requests",
            )
            # A valid request still runs after them.
            inp = grpcclient.InferInput("x", [1, 3, 224, 224], "FP32")
            inp.set_data_from_numpy(images[:1])
            out = grpc.infer("googlenet", [inp], client_timeout=120).as_numpy(output_name)
            checks.check(
                relative_l2(out, expected[:1]) <= tolerance, "a valid request after the errors"
            )

            # Statistics reported by the backend: every image of the valid requests counted.
            stats = http.get_inference_statistics("googlenet")["model_stats"][0]
            success = int(stats["inference_stats"]["success"]["count"])
            count = int(stats["inference_count"])
            executions = int(stats["execution_count"])
            checks.check(
                success == len(jobs) + 1 and count == sent_images + 1,
                f"statistics: {success} successful requests, {count} images, "
                f"{executions} executions (batches)",
            )
            print(f"dynamic batching: {len(jobs) + 1} requests in {executions} executions")
            if args.perf_seconds > 0:
                perf(grpcclient, grpc_port, output_name, images, args.perf_seconds)
            http.close()
            grpc.close()
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            log.close()
            checks.check(server.returncode == 0, f"server shut down cleanly (exit code {server.returncode})")
            if checks.failed:
                print("---- tritonserver log ----")
                print(open(log_path).read()[-8000:])
    print(f"{'PASSED' if not checks.failed else 'FAILED'} in {time.monotonic() - start:.1f} s")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
