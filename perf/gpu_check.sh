#!/usr/bin/env bash
# perf/gpu_check.sh: the one command for a lent GPU machine (docs/design.md §14), at most 8 minutes.
#
#   perf/gpu_check.sh [BUILD_DIR]          on the GPU machine, from anywhere in the repo
#   perf/gpu_check.sh --pack BUILD [DEST]  here: copy only what a GPU run needs (the CLI, the
#                                          gpu test executables, CMakeCache.txt; ~15 MB) from
#                                          a CUDA build into DEST (default build-gpu) to carry
#
# Steps, each within its time budget (the table below), all logs under $OUT (default
# ./gpu_check_out):
#   1. the GPU (nvidia-smi -L); cuDNN/cuBLAS/cudart from PyTorch's pip packages
#      (python3's nvidia.* packages) put on LD_LIBRARY_PATH, printed
#   2. the build: BUILD_DIR (default build-gpu) if it holds host/incept, else cmake + nvcc
#      (-DCMAKE_CUDA_ARCHITECTURES=90, -j16); stops with a clear message if they are missing
#   3. every gpu-labelled test executable (tests/cuda/*_test.cc -> tests/test_cuda_*_test)
#   4. end to end: incept run --backend cuda vs --backend host on one .npy input, both
#      GoogLeNets, relative L2 (fp32 target <= 1e-4)
#   5. one inference under compute-sanitizer --tool memcheck, if present
#   6. incept bench --backend cuda --batch 1,8,64 --baseline --json (our optimised plan:
#      the graph passes without reduce fusion, which the CUDA backend does not use; streams;
#      a CUDA graph), host to host with pageable memory as in earlier records
#   6b. incept profile --backend cuda at batch 1 and 64 (CUPTI-traced replay, table, JSON,
#      Chrome trace, --baseline at batch 1; isolated mode at batch 1): the critical path's
#      sum of node times against bench's replay p50, PASS within 10%
#   6c. engine files: cold build time at batch 1, 8, 64, load time, p50 spread over three
#      builds at batch 8, the conv tactic's in-context candidates
#   7b. Inception-v3: incept bench and PyTorch's eager fp32 and fp16 CUDA graph, batch 1 and 64
#   7c. the tensor-core fused reduce conv vs cuDNN's two convs on GoogLeNet's 19 pairs,
#       batch 1, 8, 64, fp16 (cuda/incept_fused_pairs_bench; $OUT/fused_pairs.txt, .json);
#       GoogLeNet fp16 at batch 1, 64, 256 with fusion chosen per layer vs --no-fuse-reduce
#       ($OUT/fused_network_chosen.json, fused_network_off.json)
#   7d. precisions: ours fp32/fp16/tf32/bf16 at batch 1,8,64,256, --io device,pinned (a
#      precision the backend refuses is a note in the table)
#   7e. PyTorch in the same two io modes: eager fp32, fp16 channels_last + CUDA graph; the
#      cuBLAS fp16 8192^3 GEMM (perf/precision_baselines.py torch)
#   7f. torch.compile(mode="max-autotune") fp16 channels_last, batches 1, 256, 8, 64 in turn
#      under one cap (perf/precision_baselines.py compile; skipped batches are listed with
#      their compile time so far)
#   8. a short table, printed last (also $OUT/summary.md)
#
# Time budget. A lent GPU gives a session 15 minutes of device time, its start counted, and
# one command at most 600 s: the whole check must end well inside one command so that a
# fix and one rerun fit. The budgets below add up to GPU_CHECK_TOTAL_S (default 480 s; a
# carried build assumed). Every command of a step runs under `timeout` of what is left of
# its step's budget and of the total, whichever ends first; unused time is not lent to the
# next step, except to torch.compile (7f), which gets whatever is left but step 8's share.
# What a cut leaves out is written to $OUT/checks.log and listed in the summary, with the
# seconds each step took. INCEPT_COMPILE_CAP_S lowers 7f's cap; MEMCHECK_TIMEOUT caps 5.
#
#   step budget_s  when cut, what is left out
BUDGETS='
    1      20    the GPU and its libraries: nothing can run without them (exit 3 or 5)
    2      10    carried build, ldd only; building here takes all but 30 s: later steps are cut
    3      95    the gpu test executables not yet run (each at most 60 s): the check fails
    4      30    end to end: the Caffe GoogLeNet, then the torchvision one: the check fails
    5      35    memcheck: reported as stopped at its budget, not as a failure
    6      35    bench.json (the fp32 pageable bench with its baseline)
    6b     35    the isolated profile, then the batch-64 one (its check line says so)
    6c     45    the repeated batch-8 builds (the p50 spread), then the cold builds at 64, 8
    7b     25    Inception-v3: the PyTorch half, then our bench
    7c     45    the network with fusion off, then chosen per layer; the pairs JSON, then table
    7d     60    the precisions not reached, run in the order fp32, fp16, tf32, bf16 (notes)
    7e     30    PyTorch batches and variants not reached (its JSON keeps what was measured)
    7f      5    torch.compile batches not reached, run in the order 1, 256, 8, 64 (notes)
    8      10    the summary table and the packing of the logs
'
# Exit status: 0 all checks passed; 1 a check failed (or a gpu test or end-to-end check was
# cut); 3 no GPU; 4 no build; 5 libraries.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

if [[ ${1:-} == --pack ]]; then
  src=${2:?usage: perf/gpu_check.sh --pack BUILD [DEST]}
  dest=${3:-build-gpu}
  [[ -x $src/host/incept ]] || { echo "gpu_check: $src/host/incept is missing: build the CLI and the tests/cuda targets first" >&2; exit 4; }
  rm -rf "$dest" && mkdir -p "$dest/host" "$dest/tests"
  cp "$src/host/incept" "$dest/host/"
  cp "$src"/tests/test_cuda_*_test "$dest/tests/" 2>/dev/null
  cp "$src/CMakeCache.txt" "$dest/" 2>/dev/null
  mkdir -p "$dest/cuda" && cp "$src/cuda/incept_fused_pairs_bench" "$dest/cuda/" 2>/dev/null
  # The commit the build came from, for the run's records (the GPU machine's copy of the
  # tree may have no .git): the short hash, and whether the tree had changes.
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ $commit != unknown ]] && ! git diff --quiet HEAD -- 2>/dev/null && commit="$commit (dirty tree)"
  echo "$commit" >"$dest/COMMIT"
  echo "gpu_check: packed $(ls "$dest/tests" | wc -l) test executables and the CLI into $dest ($(du -sh "$dest" | cut -f1))"
  exit 0
fi

BUILD=${1:-build-gpu}
OUT=${OUT:-$ROOT/gpu_check_out}
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/gpu_check.XXXXXX)  # scratch: inputs, outputs (only logs go to $OUT)
trap 'rm -rf "$WORK"' EXIT
ENV_LOG=$OUT/env.txt
CHECKS=$OUT/checks.log
: >"$ENV_LOG"
: >"$CHECKS"
say() { echo "gpu_check: $*" | tee -a "$ENV_LOG" >&2; }
STATUS=0

# The time budget (the table above). `step ID` starts a step's clock; `capped WHAT MAX CMD...`
# runs CMD under timeout of what is left (MAX > 0 caps it further), returns CMD's status
# (124 when stopped, 125 when not started for lack of time) and records every cut.
TOTAL=${GPU_CHECK_TOTAL_S:-480}
T0=$SECONDS
CUTS=$WORK/cuts.txt
STEPS=$WORK/steps.txt
: >"$CUTS"
: >"$STEPS"
STEP=""
step_end() {
  [[ -n $STEP ]] && echo "$STEP $((SECONDS - STEP_T0)) $STEP_BUDGET" >>"$STEPS"
  STEP=""
}
step() {
  step_end
  STEP=$1
  STEP_T0=$SECONDS
  STEP_BUDGET=$(awk -v s="$1" '$1 == s {print $2}' <<<"$BUDGETS")
  STEP_BUDGET=${2:-${STEP_BUDGET:-0}}
  ((STEP_BUDGET > 0)) || STEP_BUDGET=0
}
left() {
  local s=$((STEP_BUDGET - (SECONDS - STEP_T0))) t=$((TOTAL - (SECONDS - T0)))
  echo $((t < s ? t : s))
}
cut() {
  echo "step $STEP: $*" >>"$CUTS"
  echo "===== cut: step $STEP: $*" >>"$CHECKS"
}
capped() {
  local what=$1 max=$2 s code
  shift 2
  s=$(left)
  ((max > 0 && max < s)) && s=$max
  if ((s < 2)); then
    cut "$what: not run (time budget spent)"
    return 125
  fi
  timeout -k 5 "$s" "$@"
  code=$?
  ((code == 124 || code == 137)) && cut "$what: stopped after $s s (time budget)"
  return $code
}

# ---- 1. the GPU and the libraries ------------------------------------------------------
step 1
if ! command -v nvidia-smi >/dev/null 2>&1; then
  say "no NVIDIA GPU here: nvidia-smi is not installed. Run this on the lent GPU machine."
  exit 3
fi
if ! capped "nvidia-smi -L" 10 nvidia-smi -L >>"$ENV_LOG" 2>&1 || ! grep -q '^GPU ' "$ENV_LOG"; then
  say "no usable NVIDIA GPU: nvidia-smi -L said: $(tail -n 2 "$ENV_LOG" | tr '\n' ' ')"
  exit 3
fi
CARD=$(grep -m1 '^GPU ' "$ENV_LOG" | sed -e 's/^GPU [0-9]*: //' -e 's/ (UUID.*//')
say "card: $CARD"
capped "nvidia-smi --query-gpu" 5 nvidia-smi --query-gpu=driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv >>"$ENV_LOG" 2>&1

PY=$(command -v python3 || true)
LIBDIRS=""
if [[ -n $PY ]]; then
  LIBDIRS=$(capped "the nvidia.* library folders" 0 "$PY" - <<'EOF' 2>>"$ENV_LOG"
import glob, os
dirs = []
try:
    import nvidia
    bases = list(nvidia.__path__)
except Exception:
    bases = []
for base in bases:
    for pattern in ("libcudnn.so*", "libcublas.so*", "libcublasLt.so*", "libcudart.so*",
                    "libcupti.so*"):
        for f in sorted(glob.glob(os.path.join(base, "**", pattern), recursive=True)):
            d = os.path.dirname(f)
            if d not in dirs:
                dirs.append(d)
print(":".join(dirs))
EOF
  )
  for pkg in cudnn cublas; do
    where=$(capped "python3 nvidia.$pkg" 5 "$PY" -c "import nvidia.$pkg as m, os; print(os.path.dirname(m.__file__) if m.__file__ else list(m.__path__)[0])" 2>/dev/null)
    say "python3 nvidia.$pkg: ${where:-not installed}"
  done
fi
for d in /usr/local/cuda/lib64 /usr/local/cuda/lib; do [[ -d $d ]] && LIBDIRS=${LIBDIRS:+$LIBDIRS:}$d; done
export LD_LIBRARY_PATH=${LIBDIRS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
say "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
export PATH=$PATH:/usr/local/cuda/bin
export INCEPT_SOURCE_DIR=$ROOT  # the tests find model_zoo/ here, wherever they were built

# ---- 2. the build ------------------------------------------------------------------------
step 2
INCEPT=$BUILD/host/incept
if [[ -x $INCEPT ]]; then
  say "using the build in $BUILD"
else
  step 2 $((TOTAL - (SECONDS - T0) - 30))  # all but the summary's share: later steps are cut
  missing=""
  command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
  command -v nvcc >/dev/null 2>&1 || missing="$missing nvcc"
  if [[ -n $missing ]]; then
    say "no build in $BUILD (no $INCEPT) and cannot build here: missing$missing. Carry a build (perf/gpu_check.sh --pack BUILD build-gpu on the dev machine)."
    exit 4
  fi
  # cuDNN from pip: give CMake a root with include/ and an unversioned lib/libcudnn.so.
  CUDNN_ARG=""
  lib=$(IFS=:; for d in $LD_LIBRARY_PATH; do ls "$d"/libcudnn.so* 2>/dev/null; done | head -n1)
  if [[ -n $lib && -d $(dirname "$lib")/../include ]]; then
    mkdir -p /tmp/incept-cudnn/lib
    ln -sf "$lib" /tmp/incept-cudnn/lib/libcudnn.so
    ln -sfn "$(cd "$(dirname "$lib")/../include" && pwd)" /tmp/incept-cudnn/include
    CUDNN_ARG=-DCUDNN_ROOT=/tmp/incept-cudnn
  fi
  say "building in $BUILD (log: $OUT/build.log)"
  if ! capped "cmake" 0 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
      -DINCEPT_CUDA=ON $CUDNN_ARG >"$OUT/build.log" 2>&1 ||
     ! capped "the build" 0 cmake --build "$BUILD" -j16 >>"$OUT/build.log" 2>&1; then
    say "the build failed; last lines of $OUT/build.log:"
    tail -n 15 "$OUT/build.log" >&2
    exit 4
  fi
fi
ldd "$INCEPT" | grep -E 'cudnn|cublas|cudart|not found' >>"$ENV_LOG"
if ldd "$INCEPT" | grep -q 'not found'; then
  say "libraries not found for $INCEPT:"
  ldd "$INCEPT" | grep 'not found' >&2
  exit 5
fi
say "libraries used: $(ldd "$INCEPT" | grep -E 'cudnn|cublas|cudart' | awk '{print $3}' | tr '\n' ' ')"
# The commit: of the carried build (the COMMIT file --pack wrote beside it) and of this
# tree (git, where the copy has its .git); recorded in env.txt and in the summary's title.
PACKED=$(head -n1 "$BUILD/COMMIT" 2>/dev/null)
TREE=$(git rev-parse --short HEAD 2>/dev/null)
[[ -n $TREE ]] && ! git diff --quiet HEAD -- 2>/dev/null && TREE="$TREE (dirty tree)"
if [[ -n $PACKED && -n $TREE && $PACKED != "$TREE" ]]; then
  GIT_COMMIT="build $PACKED, tree $TREE"
elif [[ -n ${PACKED:-$TREE} ]]; then
  GIT_COMMIT=${PACKED:-$TREE}
else
  GIT_COMMIT="unknown (no .git here and no $BUILD/COMMIT: carry a build made with --pack)"
fi
say "commit: $GIT_COMMIT"

# ---- 3. gpu tests ---------------------------------------------------------------------------
step 3
TESTS_LOG=$OUT/gpu_tests.log
: >"$TESTS_LOG"
BROKEN=0   # test executables that exited non-zero (failures, crashes, stopped at the budget)
NOT_RUN=0  # not started: the step's time budget was spent
for t in "$BUILD"/tests/test_cuda_*_test; do
  [[ -x $t ]] || continue
  say "test $(basename "$t")"
  echo "===== $(basename "$t")" >>"$TESTS_LOG"
  capped "gpu test $(basename "$t")" 60 "$t" >>"$TESTS_LOG" 2>&1
  code=$?
  if ((code == 125)); then
    NOT_RUN=$((NOT_RUN + 1))
    STATUS=1
  elif ((code != 0)); then
    echo "===== exit status $code for $(basename "$t")" >>"$TESTS_LOG"
    STATUS=1
    BROKEN=$((BROKEN + 1))
  fi
done

# ---- 4. end to end, cuda vs host -------------------------------------------------------------
step 4
NPY=$WORK
# Pure-Python .npy I/O (numpy may be absent): random normal input, relative L2 of outputs.
cat >"$NPY/npy.py" <<'EOF'
import array, ast, math, random, struct, sys

def save(path, dims, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(map(str, dims)) + ("," if len(dims) == 1 else ""))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        array.array("f", values).tofile(f)

def load(path):
    with open(path, "rb") as f:
        data = f.read()
    major = data[6]
    size_bytes = 2 if major == 1 else 4
    n = int.from_bytes(data[8:8 + size_bytes], "little")
    header = ast.literal_eval(data[8 + size_bytes:8 + size_bytes + n].decode())
    values = array.array("f")
    values.frombytes(data[8 + size_bytes + n:])
    return header["shape"], values

if sys.argv[1] == "make":
    dims = [int(x) for x in sys.argv[3].split(",")]
    rng = random.Random(int(sys.argv[4]))
    save(sys.argv[2], dims, [rng.gauss(0.0, 1.0) for _ in range(math.prod(dims))])
else:
    (sa, a), (sb, b) = load(sys.argv[2]), load(sys.argv[3])
    if sa != sb:
        print("inf shapes %s vs %s" % (sa, sb)); sys.exit(0)
    if any(math.isnan(x) for x in a) or any(math.isnan(x) for x in b):
        print("inf NaN"); sys.exit(0)
    diff = sum((x - y) ** 2 for x, y in zip(a, b))
    ref = sum(y * y for y in b) or 1.0
    print("%.3e" % math.sqrt(diff / ref))
EOF
E2E_JSON=$WORK/e2e.txt
: >"$E2E_JSON"
if [[ -n $PY ]]; then
  "$PY" "$NPY/npy.py" make "$NPY/x2.npy" 2,3,224,224 1 && "$PY" "$NPY/npy.py" make "$NPY/x1.npy" 1,3,224,224 2
  for model in googlenet_torchvision googlenet; do
    say "end to end: $model, cuda vs host"
    ok=1
    for backend in cuda host; do
      echo "===== incept run $model --backend $backend" >>"$CHECKS"
      capped "incept run $model --backend $backend" 0 \
        "$INCEPT" run "model_zoo/$model.json" --backend "$backend" --input "$NPY/x2.npy" \
        --output "$NPY/y_${model}_$backend.npy" >>"$CHECKS" 2>&1 || ok=0
    done
    rel=inf
    [[ $ok == 1 ]] && rel=$("$PY" "$NPY/npy.py" rel "$NPY/y_${model}_cuda.npy" "$NPY/y_${model}_host.npy" | cut -d' ' -f1)
    echo "$model $rel" >>"$E2E_JSON"
    echo "relative L2 $model cuda vs host: $rel" >>"$CHECKS"
    "$PY" -c "import sys; sys.exit(0 if float('$rel') <= 1e-4 else 1)" || STATUS=1
  done
else
  say "no python3: end-to-end comparison skipped"
  STATUS=1
fi

# ---- 5. memcheck --------------------------------------------------------------------------
step 5
SANITIZER=$(command -v compute-sanitizer || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
MEMCHECK="not run (no compute-sanitizer)"
if [[ -n $SANITIZER && -f $NPY/x1.npy ]]; then
  say "memcheck: one inference under compute-sanitizer"
  echo "===== compute-sanitizer --tool memcheck incept run googlenet_torchvision --backend cuda" >>"$CHECKS"
  capped "memcheck" "${MEMCHECK_TIMEOUT:-0}" "$SANITIZER" --tool memcheck --error-exitcode 9 --print-limit 20 "$INCEPT" run \
    model_zoo/googlenet_torchvision.json --backend cuda --input "$NPY/x1.npy" >"$WORK/memcheck.log" 2>&1
  code=$?
  cat "$WORK/memcheck.log" >>"$CHECKS"
  summary=$(grep -m1 'ERROR SUMMARY' "$WORK/memcheck.log" | sed 's/.*ERROR SUMMARY: //')
  case $code in
    0) MEMCHECK="clean (${summary:-0 errors})" ;;
    124 | 125 | 137) MEMCHECK="not finished: stopped at its time budget (step 5)" ;;
    *) MEMCHECK="exit $code: ${summary:-see checks.log}"; STATUS=1 ;;
  esac
fi

# ---- 6. our benchmark -------------------------------------------------------------------------
step 6
say "incept bench --backend cuda --batch 1,8,64 --baseline"
echo "===== incept bench" >>"$CHECKS"
capped "incept bench" 0 "$INCEPT" bench model_zoo/googlenet_torchvision.json --backend cuda --batch 1,8,64 \
  --baseline --json --warmup 5 --iterations 50 >"$OUT/bench.json" 2>>"$CHECKS" || STATUS=1

# ---- 6b. GPU profile -----------------------------------------------------------------------------
step 6b
# Per-node times of the real concurrent replay (CUPTI), at batch 1 and 64; files for
# perf/results/: profile_b<N>.txt (table), profile_b<N>.json, trace_b<N>.json (Perfetto).
for batch in 1 64; do
  say "incept profile --backend cuda --batch $batch"
  echo "===== incept profile --batch $batch" >>"$CHECKS"
  extra=""
  [[ $batch == 1 ]] && extra="--baseline"
  capped "incept profile --batch $batch" 0 \
    "$INCEPT" profile model_zoo/googlenet_torchvision.json --backend cuda --batch "$batch" \
    --iterations 10 --top 25 --kernels $extra --trace "$OUT/trace_b$batch.json" \
    --json-file "$OUT/profile_b$batch.json" >"$OUT/profile_b$batch.txt" 2>>"$CHECKS" || {
    say "incept profile --batch $batch failed: $(tail -n 1 "$CHECKS")"
    STATUS=1
  }
done
say "incept profile --backend cuda --batch 1 --isolated"
capped "incept profile --isolated" 0 "$INCEPT" profile model_zoo/googlenet_torchvision.json --backend cuda --batch 1 \
  --iterations 10 --top 25 --isolated --json-file "$OUT/profile_b1_isolated.json" \
  >"$OUT/profile_b1_isolated.txt" 2>>"$CHECKS" || STATUS=1
# The critical path (sum of median node times along it) against bench's replay p50.
if [[ -n $PY ]]; then
  "$PY" - "$OUT" >"$OUT/profile_check.txt" 2>>"$CHECKS" <<'EOF_PROFILE'
import json, os, sys
out = sys.argv[1]
try:
    bench = json.load(open(os.path.join(out, "bench.json")))["results"]
except Exception as e:
    bench = []
failed = False
for batch in (1, 64):
    try:
        p = json.load(open(os.path.join(out, "profile_b%d.json" % batch)))
    except Exception as e:
        print("batch %d: FAIL (no profile: %r)" % (batch, e)); failed = True; continue
    replay = [r["replay_ms"]["p50"] for r in bench
              if r.get("variant") == "optimized" and r["batch"] == batch and "replay_ms" in r
              and r.get("io", "pageable") == "pageable"]
    path_ms = p["critical_path_us"] / 1e3
    if not replay:
        print("batch %d: FAIL (bench.json has no replay_ms for this batch)" % batch); failed = True; continue
    ratio = path_ms / replay[0]
    verdict = "PASS" if abs(ratio - 1) <= 0.10 else "FAIL"
    failed |= verdict == "FAIL"
    print("batch %d: critical path %.3f ms vs bench replay p50 %.3f ms (%+.1f%%) %s; traced run %.3f ms, busy %.3f ms, %.2f kernels in flight"
          % (batch, path_ms, replay[0], 100 * (ratio - 1), verdict, p["run_us"] / 1e3,
             p["concurrency"]["busy_us"] / 1e3, p["concurrency"]["mean_in_flight_busy"]))
sys.exit(1 if failed else 0)
EOF_PROFILE
  [[ $? == 0 ]] || STATUS=1
  cat "$OUT/profile_check.txt" >>"$CHECKS"
fi
# ---- 6c. engine files and tactics (host/engine_file/, cuda/plan_tactics.h) ------------------
# Cold build time per batch (plan + conv policy timed in context), engine file load time
# (read + checked + engine; and the first run, which builds the CUDA context), the
# chosen plan's p50 over three independent builds at batch 8 and its spread, and the
# tactic candidates (both conv policies timed in the real plan) of one conv per batch.
step 6c
say "engine files: incept build --backend cuda, load, p50 spread over three builds"
echo "===== engine files" >>"$CHECKS"
ENGINE_DIR=$WORK/engines
mkdir -p "$ENGINE_DIR"
: >"$OUT/engine_files.txt"
for b in 1 8 64; do
  start=$(date +%s.%N)
  capped "incept build --batch $b" 0 "$INCEPT" build model_zoo/googlenet_torchvision.json \
    --backend cuda --batch "$b" -o "$ENGINE_DIR/g$b.incept" >>"$CHECKS" 2>&1
  code=$?
  ((code == 0 || code == 124 || code == 125 || code == 137)) || STATUS=1
  echo "cold_build_s batch $b $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')" \
    >>"$OUT/engine_files.txt"
  capped "incept run g$b.incept" 0 "$INCEPT" run "$ENGINE_DIR/g$b.incept" --batch "$b" --top 1 2>&1 |
    grep -E 'loaded in|first run' | sed "s/^/load batch $b: /" >>"$OUT/engine_files.txt"
  capped "incept plan g$b.incept" 0 "$INCEPT" plan "$ENGINE_DIR/g$b.incept" --batch "$b" --tactics 2>/dev/null |
    grep -m1 'cudnn/' | sed "s/^/tactic batch $b: /" >>"$OUT/engine_files.txt"
done
for i in 1 2 3; do
  capped "incept build, repeat $i" 0 "$INCEPT" build model_zoo/googlenet_torchvision.json \
    --backend cuda --batch 8 -o "$ENGINE_DIR/r$i.incept" >>"$CHECKS" 2>&1
  code=$?
  ((code == 0 || code == 124 || code == 125 || code == 137)) || STATUS=1
  capped "incept bench r$i.incept" 0 "$INCEPT" bench "$ENGINE_DIR/r$i.incept" --batch 8 --json \
    --warmup 5 --iterations 50 2>>"$CHECKS" >"$ENGINE_DIR/r$i.json"
  code=$?
  ((code == 0 || code == 124 || code == 125 || code == 137)) || STATUS=1
done
${PY:-python3} - "$ENGINE_DIR" >>"$OUT/engine_files.txt" <<'EOF2'
import json, sys
p50 = []
for i in (1, 2, 3):
    try:
        p50.append(json.load(open(f"{sys.argv[1]}/r{i}.json"))["results"][0]["latency_ms"]["p50"])
    except Exception as e:
        print(f"build {i}: no result ({e})")
if p50:
    m = sorted(p50)[len(p50) // 2]
    print("p50_over_builds_ms " + " ".join(f"{x:.3f}" for x in p50) +
          f" spread {(max(p50) - min(p50)) / m * 100:.1f}% (target <= 3%)")
EOF2
cat "$OUT/engine_files.txt" >>"$CHECKS"

# ---- 7b. Inception-v3: incept bench and PyTorch at batch 1 and 64 (perf/inception_v3_vs_pytorch.py)
step 7b
say "Inception-v3: incept bench --backend cuda --batch 1,64 and PyTorch"
echo "===== incept bench inception_v3" >>"$CHECKS"
capped "incept bench inception_v3" 0 "$INCEPT" bench model_zoo/inception_v3_torchvision.json --backend cuda --batch 1,64 \
  --json --warmup 5 --iterations 30 >"$OUT/bench_inception_v3.json" 2>>"$CHECKS" || STATUS=1
capped "Inception-v3 PyTorch" 0 "${PY:-python3}" perf/inception_v3_vs_pytorch.py "$OUT/bench_inception_v3.json" \
  "$OUT/pytorch_inception_v3.json" >"$OUT/inception_v3.md" 2>>"$CHECKS" ||
  say "Inception-v3 PyTorch benchmark failed (see checks.log)"

# ---- 7c. the fused reduce conv (tensor cores) vs cuDNN's two convs, per GoogLeNet pair ------
step 7c
PAIRS_BENCH=$BUILD/cuda/incept_fused_pairs_bench
if [[ -x $PAIRS_BENCH ]]; then
  say "fused pairs: incept_fused_pairs_bench --batch 1,8,64 --precision fp16 (table: $OUT/fused_pairs.txt)"
  echo "===== fused pairs bench" >>"$CHECKS"
  for format in table json; do  # a cut is listed; only a failure fails the check
    flag=""
    [[ $format == json ]] && flag=--json
    capped "fused pairs $format" 0 "$PAIRS_BENCH" --batch 1,8,64 --precision fp16 $flag \
      >"$OUT/fused_pairs.${format/table/txt}" 2>>"$CHECKS"
    code=$?
    ((code == 0 || code == 124 || code == 125 || code == 137)) || STATUS=1
  done
else
  say "no $PAIRS_BENCH: the fused pairs benchmark is skipped"
fi
# The network: GoogLeNet fp16 with fusion chosen per layer by the tactic (each pair timed at
# each batch, confirmed on the whole plan) against --no-fuse-reduce, under step 7c's budget
# (the chosen run at most 20 s, the other 10 s).
for mode in chosen off; do
  flag=""
  limit=20
  [[ $mode == off ]] && { flag=--no-fuse-reduce; limit=10; }
  say "fused pairs in GoogLeNet: incept bench --precision fp16 --batch 1,64,256 ($mode: $OUT/fused_network_$mode.json)"
  capped "fused network bench ($mode)" $limit "$INCEPT" bench model_zoo/googlenet_torchvision.json \
    --backend cuda --precision fp16 --batch 1,64,256 --warmup 3 --iterations 10 --json $flag \
    >"$OUT/fused_network_$mode.json" 2>"$OUT/fused_network_$mode.err" ||
    say "fused network bench ($mode) failed or was cut: $(tail -n 1 "$OUT/fused_network_$mode.err")"
done

# ---- 7d. precisions (docs/precision.md): ours per precision x batch, device to device and
# pinned host to host; then PyTorch in the same two modes (7e) and torch.compile (7f); the
# table (perf/precision_baselines.py table) goes to $OUT/precision.md, printed after the
# summary. A precision the backend refuses leaves bench_<p>.err, a note in the table.
step 7d
say "precisions: incept bench --precision fp32|fp16|tf32|bf16 --batch 1,8,64,256 --io device,pinned"
echo "===== precisions" >>"$CHECKS"
for p in fp32 fp16 tf32 bf16; do
  capped "incept bench --precision $p" 0 "$INCEPT" bench model_zoo/googlenet_torchvision.json \
    --backend cuda --precision $p --batch 1,8,64,256 --io device,pinned --json --warmup 5 \
    --iterations 20 >"$OUT/bench_$p.json" 2>"$OUT/bench_$p.err"
  code=$?
  if [[ $code != 0 ]]; then
    ((code == 125)) && echo "not run: the time budget of step 7d was spent" >>"$OUT/bench_$p.err"
    ((code == 124 || code == 137)) && echo "stopped by the time budget of step 7d" >>"$OUT/bench_$p.err"
    say "incept bench --precision $p: $(tail -n 1 "$OUT/bench_$p.err")"
    rm -f "$OUT/bench_$p.json"
  fi
done
if [[ -n $PY ]]; then
  step 7e
  say "PyTorch: eager fp32, fp16 channels_last + CUDA graph, batch 1,8,64,256, device and pinned; fp16 GEMM"
  capped "PyTorch baselines" 0 "$PY" perf/precision_baselines.py torch "$OUT/torch_precision.json" \
    --batches 1,8,64,256 2>>"$CHECKS" || say "PyTorch baselines failed or were cut (see checks.log)"
  # torch.compile: whatever the steps before left, but step 8's share; INCEPT_COMPILE_CAP_S lowers it.
  compile_s=$((TOTAL - (SECONDS - T0) - $(awk '$1 == "8" {print $2}' <<<"$BUDGETS")))
  [[ -n ${INCEPT_COMPILE_CAP_S:-} ]] && ((INCEPT_COMPILE_CAP_S < compile_s)) && compile_s=$INCEPT_COMPILE_CAP_S
  step 7f "$compile_s"
  say "torch.compile max-autotune fp16, batches 1,256,8,64 in turn, ${compile_s} s in all"
  # The script stops its own child at its cap (total-s), 10 s before this step's timeout.
  capped "torch.compile" 0 "$PY" perf/precision_baselines.py compile "$OUT/torch_compile.json" \
    --batches 1,256,8,64 --total-s $((compile_s > 15 ? compile_s - 10 : 5)) 2>>"$CHECKS" ||
    say "torch.compile baselines failed or were cut (see checks.log)"
fi

# ---- 8. the table, last -------------------------------------------------------------------------
step 8
[[ -n $PY ]] && "$PY" perf/precision_baselines.py table "$OUT" >"$OUT/precision.md" 2>>"$CHECKS"
PASSED=$(grep -h '^\[  PASSED  \]' "$TESTS_LOG" | awk '{s += $4} END {print s + 0}')
FAILED=$(grep -h '^\[  FAILED  \] [0-9]' "$TESTS_LOG" | awk '{s += $4} END {print s + 0}')
SKIPPED=$(grep -h '^\[  SKIPPED \] [0-9]' "$TESTS_LOG" | awk '{s += $4} END {print s + 0}')
[[ $FAILED == 0 ]] || STATUS=1
DATE=$(date -u +%Y-%m-%d)
step_end
export CARD GIT_COMMIT DATE PASSED FAILED SKIPPED BROKEN NOT_RUN MEMCHECK OUT E2E_JSON CUTS STEPS TOTAL
${PY:-python3} - <<'EOF' | tee "$OUT/summary.md"
import json, os
env = os.environ
def load(name):
    try:
        with open(os.path.join(env["OUT"], name)) as f:
            return json.load(f)
    except Exception:
        return {}
print(f"## gpu_check {env['DATE']}, {env['CARD']}, commit {env['GIT_COMMIT']}\n")
print("| check | result |\n| --- | --- |")
print(f"| gpu tests | {env['PASSED']} passed, {env['FAILED']} failed, {env['SKIPPED']} skipped; {env['BROKEN']} executables exited non-zero; {env['NOT_RUN']} not run (time budget) |")
try:
    for line in open(env["E2E_JSON"]):
        model, rel = line.split()
        verdict = "ok" if rel != "inf" and float(rel) <= 1e-4 else "FAIL"
        print(f"| {model}: cuda vs host, relative L2 (<= 1e-4) | {rel} {verdict} |")
except FileNotFoundError:
    pass
try:
    for line in open(os.path.join(env["OUT"], "profile_check.txt")):
        print(f"| profile {line.split(':')[0]}: critical path vs bench replay (within 10%) | {line.split(':', 1)[1].strip()} |")
except FileNotFoundError:
    pass
print(f"| memcheck, one inference | {env['MEMCHECK']} |\n")
rows = []
bench = load("bench.json").get("results", [])
for r in bench:
    # "optimized": the graph passes (BatchNorm folding, conv+ReLU, concat elision; the CUDA
    # backend does not fuse reduce convs) on several streams, captured as a CUDA graph.
    name = {"optimized": "incept fp32 optimised plan (passes, no reduce fusion on cuda; streams, CUDA graph)",
            "baseline": "incept fp32 baseline (no passes, 1 stream)"}.get(r["variant"], r["variant"])
    p50 = r["latency_ms"]["p50"]
    rows.append((name, r["batch"], r.get("io", "pageable"), p50, r["batch"] / p50 * 1e3))
# PyTorch beside ours in the same io modes: the precision table below (steps 7d-7f).
print("| what | batch | io | p50 ms | images/s at p50 |\n| --- | --- | --- | --- | --- |")
for name, batch, mode, ms, ips in sorted(rows, key=lambda r: (r[1], r[0])):
    print(f"| {name} | {batch} | {mode} | {'' if ms is None else f'{ms:.3f}'} | {'' if ips is None else f'{ips:.0f}'} |")
p50 = {(r["variant"], r["batch"]): r["latency_ms"]["p50"] for r in bench}
for batch in (1, 8, 64):
    if ("optimized", batch) in p50 and ("baseline", batch) in p50:
        print(f"\nbatch {batch}: ours vs our baseline (p50) {p50[('baseline', batch)] / p50[('optimized', batch)]:.2f}x"
              + (" (target >= 1.7x)" if batch == 1 else ""), end="")
print()
EOF
cat "$OUT/inception_v3.md" 2>/dev/null | tee -a "$OUT/summary.md"
[[ -s $OUT/fused_pairs.txt ]] && { echo; echo "fused reduce conv vs cuDNN pair (fp16):"; tail -n 6 "$OUT/fused_pairs.txt"; } | tee -a "$OUT/summary.md"
[[ -s $OUT/precision.md ]] && tee -a "$OUT/summary.md" <"$OUT/precision.md"
{ echo; echo "engine files (GoogLeNet, cuda):"; sed 's/^/    /' "$OUT/engine_files.txt"; } 2>/dev/null |
  tee -a "$OUT/summary.md"
# Time: each step's seconds against its budget, and what the budget cut.
{
  echo
  echo "time: $((SECONDS - T0)) s of the $TOTAL s budget; per step (used/budget):" \
    "$(awk '{printf "%s%s %d/%d", (NR > 1 ? ", " : ""), $1, $2, $3}' "$STEPS")"
  if [[ -s $CUTS ]]; then
    echo "cut by the time budget:"
    sed 's/^/- /' "$CUTS"
  else
    echo "nothing was cut by the time budget"
  fi
} | tee -a "$OUT/summary.md"
# The device tool brings back at most 8 files: the 7 read first stay as they are, the rest
# go into logs.tar.gz (unpack it beside them for perf/results/).
(
  cd "$OUT" || exit
  keep="summary.md env.txt checks.log gpu_tests.log bench.json precision.md torch_precision.json logs.tar.gz"
  rest=$(ls -A | while read -r f; do [[ " $keep " == *" $f "* ]] || echo "$f"; done)
  [[ -z $rest ]] || { tar czf logs.tar.gz $rest && rm -rf $rest; }
) || say "packing the logs into $OUT/logs.tar.gz failed: the files stay as they are"
exit $STATUS
