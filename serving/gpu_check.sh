#!/usr/bin/env bash
# The serving checks for a machine with a GPU, on an existing CUDA build:
#   serving/gpu_check.sh [BUILD_DIR]        (default: build; logs under $OUT or /tmp)
# 1. the C API's device path (test_capi_enqueue: run and enqueue against the host);
# 2. the throughput mode at batch 64 with 1, 2 and 4 contexts against the synchronous
#    bench of the same build (the ratio is the throughput mode's gain);
# 3. where .venv holds nvidia-pytriton and tritonclient: the Triton test with KIND_GPU
#    instances and a 20 s load from 8 concurrent gRPC clients.
# Prints a short table last.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${OUT:-/tmp}/serving_gpu_check
mkdir -p "$out"
model=model_zoo/googlenet_torchvision.json
cli="$build/host/incept"

"$build/tests/capi/test_capi_enqueue" >"$out/capi_enqueue.log" 2>&1
capi=$?
"$cli" bench $model --backend cuda --batch 64 --iterations 50 --warmup 5 --json \
  >"$out/bench_sync.json" 2>"$out/bench_sync.err"
for k in 1 2 4; do
  "$cli" bench $model --backend cuda --batch 64 --throughput --contexts $k --seconds 5 --json \
    >"$out/bench_throughput_$k.json" 2>"$out/bench_throughput_$k.err"
done
triton="not run (no .venv with nvidia-pytriton)"
if .venv/bin/python -c "import pytriton, tritonclient.grpc" 2>/dev/null; then
  .venv/bin/python tests/serving/triton_test.py "$cli" "$build/triton_backends" . --kind gpu \
    --perf-seconds 20 >"$out/triton_gpu.log" 2>&1 && triton="passed" || triton="FAILED"
fi

capi_result=$([[ $capi == 0 ]] && echo passed || echo FAILED)
grep -q "SKIPPED \]" "$out/capi_enqueue.log" && capi_result="skipped (no device)"
echo "C API device test: $capi_result ($out/capi_enqueue.log)"
python3 - "$out" <<'PY'
import json, sys, os
out = sys.argv[1]
def load(name):
    try:
        return json.load(open(os.path.join(out, name)))["results"][0]
    except Exception as e:
        return None
sync = load("bench_sync.json")
base = sync["images_per_second"] if sync else None
print(f"{'mode':<22} {'images/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'GPU busy':>9} {'vs sync':>8}")
if sync:
    print(f"{'sync batch 64':<22} {base:>10.1f} {sync['latency_ms']['p50']:>8.2f} {sync['latency_ms']['p99']:>8.2f} {'':>9} {'1.00x':>8}")
for k in (1, 2, 4):
    r = load(f"bench_throughput_{k}.json")
    if not r:
        print(f"throughput {k} contexts: failed (see {out}/bench_throughput_{k}.err)")
        continue
    busy = f"{100 * r['gpu_busy']:.0f}%" if r.get("gpu_busy") is not None else "n/a"
    ratio = f"{r['images_per_second'] / base:.2f}x" if base else ""
    print(f"{'throughput K=' + str(k):<22} {r['images_per_second']:>10.1f} {r['latency_ms']['p50']:>8.2f} {r['latency_ms']['p99']:>8.2f} {busy:>9} {ratio:>8}")
PY
echo "Triton KIND_GPU test: $triton ($out/triton_gpu.log)"
grep -h "^perf:" "$out/triton_gpu.log" 2>/dev/null
