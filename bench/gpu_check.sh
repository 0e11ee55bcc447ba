#!/usr/bin/env bash
# The GPU check of issue 11, for a machine with a GPU: images/s of
#   1. the trainer's own step on WebGPU (`deno task bench`): the paper's attention MTL (ResNet50 trunk)
#      at 224×224, batch 64 — only on a hardware adapter (a software one would take hours);
#   2. the exported PyTorch train.py (`deno task export … --to pytorch`) on the same graph, size and batch,
#      for two short epochs of synthetic faces — only where PyTorch sees CUDA.
# Each step says why it is skipped; the lines go to stdout and to OUT/summary.txt.
#
# Usage: bench/gpu_check.sh [--smoke] [OUT_DIR]      (default OUT_DIR: out/gpu-check)
#   --smoke  the same steps at a tiny size (small graph at 64×64, batch 4; train.py at 32×32 on the CPU
#            where there is no CUDA), on any adapter: checks the script itself in about a minute.
# Needs: deno 2.9 on PATH (or DENO=/path/to/deno) and `deno install` done in this checkout (node_modules);
# PYTHON (default python3) with torch for step 2. Nothing is downloaded.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
out=$(realpath -m "${1:-out/gpu-check}")
DENO=${DENO:-deno}
PYTHON=${PYTHON:-python3}
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }

if ! command -v "$DENO" >/dev/null; then
  say "gpu-check: no deno (set DENO=/path/to/deno; Deno 2.9.6 is what this project uses)"
  exit 1
fi
if [ ! -d node_modules ]; then
  say "gpu-check: no node_modules in $root: run \`$DENO install\` first (it needs the npm registry)"
  exit 1
fi

if [ "$smoke" = 1 ]; then
  graph=small64 graph_file=examples/small_attention_mtl.ts size=64 batch=4 torch_size=32 count=80
else
  graph=attention224 graph_file=graphs/attention_mtl.ts size=224 batch=64 torch_size=224 count=480
fi

say "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname): $graph_file at ${size}×${size}, batch $batch$([ "$smoke" = 1 ] && echo " (smoke)")"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/  gpu: /' | tee -a "$summary"
else
  say "  gpu: no nvidia-smi on PATH"
fi

# Reads one number from a JSON file with Deno (no jq needed): $1 file, $2 JavaScript expression of `j`.
json() { JSON_FILE=$1 "$DENO" eval "const j = JSON.parse(Deno.readTextFileSync(Deno.env.get('JSON_FILE'))); console.log($2)"; }

# 1. WebGPU: the trainer's own step (Adam, the project's loss, micro-batches as the trainer chooses).
adapter=$("$DENO" run --allow-env --allow-read --allow-write bench/webgpu_adapter.ts)
kind=${adapter%%$'\t'*} name=${adapter#*$'\t'}
if [ "$kind" = hardware ] || { [ "$smoke" = 1 ] && [ "$kind" = software ]; }; then
  say "webgpu: adapter $name ($kind)"
  if timeout 900 "$DENO" task -q bench --backends webgpu --graphs "$graph" --batch "$batch" --no-data \
    --out "$out/bench" 2>&1 | tee "$out/bench.log"; then
    rate=$(json "$out/bench/latest.json" "j.rows.find((r) => r.backend === 'webgpu')?.imagesPerSec?.toFixed(2) ?? 'no row'")
    micro=$(json "$out/bench/latest.json" "j.rows.find((r) => r.backend === 'webgpu')?.microBatch ?? '?'")
    say "webgpu: $rate images/s ($graph, batch $batch in passes of $micro; details in $out/bench/latest.json)"
  else
    say "webgpu: the bench failed; see $out/bench.log"
  fi
elif [ "$kind" = software ]; then
  say "webgpu: skipped: no hardware adapter, only a software one ($name), hours at this size (Deno's WebGPU uses Vulkan: an NVIDIA GPU needs the driver's Vulkan ICD, e.g. libnvidia-gl)"
else
  say "webgpu: skipped: $name"
fi

# 2. PyTorch: the exported train.py, two epochs of synthetic faces (the second one warm).
torch=$("$PYTHON" -c "import torch; print(torch.cuda.is_available(), f'PyTorch {torch.__version__} (CUDA build {torch.version.cuda})')" 2>/dev/null)
cuda=${torch%% *} torch=${torch#* }
if [ -z "$torch" ]; then
  say "torch: skipped: $PYTHON cannot import torch"
elif [ "$cuda" != True ] && [ "$smoke" = 0 ]; then
  say "torch: skipped: $torch sees no CUDA device"
else
  say "torch: $torch, CUDA device: $cuda"
  data="$out/synth-$torch_size" export_dir="$out/pytorch" run="$out/torch-run"
  rm -rf "$run"
  if "$DENO" task -q data:synth --out "$data" --count "$count" --size "$torch_size" --force >/dev/null &&
    "$DENO" task -q export "$graph_file" --to pytorch --out "$export_dir" --input-size "$torch_size" >/dev/null &&
    (cd "$export_dir" && timeout 900 "$PYTHON" train.py --data "$data" --epochs 2 --batch-size "$batch" \
      --input-size "$torch_size" --out "$run" --log-every 1 --workers 4 \
      $([ "$cuda" != True ] && echo --cpu)) 2>&1 | tee "$out/torch.log"; then
    rates=$(JSON_FILE="$run/metrics.jsonl" "$DENO" eval "console.log(Deno.readTextFileSync(Deno.env.get('JSON_FILE'))
      .trim().split('\n').map((l) => JSON.parse(l).imagesPerSecond.toFixed(1)).join(' / '))")
    say "torch: train.py $rates images/s (epoch 1 / epoch 2; $count synthetic faces at ${torch_size}×${torch_size}, batch $batch, data loading included; $run)"
  else
    say "torch: train.py failed; see $out/torch.log"
  fi
fi
say "summary: $summary"
