#!/usr/bin/env bash
# perf/gpu_variants.sh [BUILD]: which plan choices win on this GPU. Runs `incept bench`
# on the CUDA backend for plan variants (no passes; passes on 1 and 4 streams; passes
# without reduce fusion on 1 and 4 streams) at batch 1, 8, 64, all in one run on one card,
# and prints the p50 latency of each; then one failing-test diagnosis under memcheck.
# Needs a lent GPU machine and a build carried from the dev machine (perf/gpu_check.sh
# --pack). Logs under $OUT.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${1:-build-gpu}
OUT=${OUT:-$ROOT/gpu_variants_out}
mkdir -p "$OUT"
command -v nvidia-smi >/dev/null 2>&1 || { echo "gpu_variants: no NVIDIA GPU here" >&2; exit 3; }
LIBDIRS=$(python3 - <<'PY' 2>/dev/null
import glob, os
dirs = []
try:
    import nvidia
    bases = list(nvidia.__path__)
except Exception:
    bases = []
for base in bases:
    for pattern in ("libcudnn.so*", "libcublas.so*", "libcudart.so*"):
        for f in sorted(glob.glob(os.path.join(base, "**", pattern), recursive=True)):
            if os.path.dirname(f) not in dirs:
                dirs.append(os.path.dirname(f))
print(":".join(dirs))
PY
)
export LD_LIBRARY_PATH=${LIBDIRS}:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$PATH:/usr/local/cuda/bin INCEPT_SOURCE_DIR=$ROOT
nvidia-smi -L | tee "$OUT/variants.txt"

MODEL=model_zoo/googlenet_torchvision.json
while read -r name flags; do
  timeout 150 "$BUILD/host/incept" bench $MODEL --backend cuda --batch 1,8,64 --warmup 3 \
    --iterations 20 --json $flags >"$OUT/bench_$name.json" 2>>"$OUT/variants.log"
  python3 - "$name" "$OUT/bench_$name.json" <<'PY' | tee -a "$OUT/variants.txt"
import json, sys
try:
    r = json.load(open(sys.argv[2]))["results"]
    print(f"{sys.argv[1]:28s}" + "".join(f"  b{x['batch']}: {x['latency_ms']['p50']:8.3f} ms" for x in r))
except Exception as e:
    print(f"{sys.argv[1]:28s}  failed ({e})")
PY
done <<'VARIANTS'
unoptimized_1stream --no-optimize --streams 1
optimized_1stream --streams 1
optimized_4streams --streams 4
nofusereduce_1stream --no-fuse-reduce --streams 1
nofusereduce_4streams --no-fuse-reduce --streams 4
VARIANTS

for filter in 'GpuSoftmax*' 'Shapes/CudnnConvTest*inception_1x1_b3*'; do
  echo "===== memcheck $filter" >>"$OUT/variants.log"
  timeout 60 compute-sanitizer --tool memcheck --print-limit 5 \
    "$BUILD/tests/test_cuda_$( [[ $filter == Gpu* ]] && echo kernels || echo cudnn_conv )_test" \
    --gtest_filter="$filter" >>"$OUT/variants.log" 2>&1
done
tail -c 6000 "$OUT/variants.log"
echo; cat "$OUT/variants.txt"
