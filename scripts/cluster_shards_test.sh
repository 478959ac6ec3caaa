#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The cluster recipe of docs/cluster.md, on one machine: N shards of one batch
# run as parallel local processes (as Slurm array tasks or Kubernetes Indexed
# Job pods would), one of them is killed with SIGKILL mid-way and run again,
# and then:
#  - the shards' plans (--list) are disjoint and together are the whole batch,
#  - the union of their outputs equals a single-machine run byte for byte
#    (and no temporary file is left),
#  - no input was processed twice (the outputs the killed shard had written
#    keep their inode and are 'skipped' by the re-run; every output is 'done'
#    in exactly one final report or was written before the kill),
#  - 'tconv batch-report merge' names the unfinished outputs while the shard
#    is dead, and is complete (exit 0, one row per output) after the re-run.
# usage: scripts/cluster_shards_test.sh path/to/tconv [N]
set -euo pipefail
tconv=$(realpath "${1:?usage: cluster_shards_test.sh path/to/tconv [N]}")
n=${2:-4}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
fail() { echo "cluster_shards_test: FAIL: $*" >&2; exit 1; }

# 40 seeded images (PPM, written without any library) in a two-level tree.
python3 - <<'PY'
import os, random
r = random.Random(17)
for i in range(40):
    d = f"in/part{i % 3}" + ("/deep" if i % 5 == 0 else "")
    os.makedirs(d, exist_ok=True)
    h, w = 12 + i % 7, 10 + i % 5
    data = bytes(r.randrange(256) for _ in range(w * h * 3))
    with open(f"{d}/img{i:03d}.ppm", "wb") as f:
        f.write(b"P6 %d %d 255\n" % (w, h) + data)
PY
opts=(in -r --format png -j 1 -q --kernel-size 4 --stride 2 --padding 1)

"$tconv" batch "${opts[@]}" -o single
total=$(find single -type f | wc -l)
[ "$total" -eq 40 ] || fail "single run wrote $total outputs, expected 40"

# Plans: disjoint, and together the whole batch.
for ((s = 0; s < n; s++)); do "$tconv" batch "${opts[@]}" -o out --shard "$s/$n" --list > "plan.$s"; done
cat plan.* | cut -f3 | sort > planned
[ "$(sort -u planned | wc -l)" -eq 40 ] || fail "the shards' plans do not cover the 40 outputs"
[ "$(wc -l < planned)" -eq 40 ] || fail "an output is in two shards' plans"

# The victim shard is slowed down so that it is killed in the middle.
victim=$((n - 1))
[ "$(wc -l < "plan.$victim")" -ge 3 ] || fail "shard $victim has fewer than 3 inputs; pick another seed"
mkdir reports
for ((s = 0; s < n; s++)); do
  if [ "$s" -eq "$victim" ]; then
    TCONV_BATCH_TEST_DELAY_MS=400 "$tconv" batch "${opts[@]}" -o out --shard "$s/$n" --report reports/report.csv &
  else
    "$tconv" batch "${opts[@]}" -o out --shard "$s/$n" --report reports/report.csv &
  fi
  pids+=($!)
done
victim_pid=${pids[$victim]}
# Wait (without a time limit of our own: ctest has one) for the victim's first output.
first_victim_output() { cut -f3 "plan.$victim" | while read -r o; do if [ -f "$o" ]; then echo "$o"; fi; done | head -1; }
until [ -n "$(first_victim_output)" ]; do
  kill -0 "$victim_pid" 2>/dev/null || fail "shard $victim ended before it could be killed"
  sleep 0.05
done
kill -9 "$victim_pid"
wait "$victim_pid" 2>/dev/null || true
for ((s = 0; s < n; s++)); do
  [ "$s" -eq "$victim" ] && continue
  wait "${pids[$s]}" || fail "shard $s failed"
done
pids=()

# The dead shard's report (written at its start) names what it left unfinished.
set +e
"$tconv" batch-report merge reports -o merged.csv > merge1.txt
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "merge of an incomplete batch exited $rc, expected 1"
grep -q '^not finished: ' merge1.txt || fail "merge did not name the unfinished outputs: $(cat merge1.txt)"

# Outputs the killed shard wrote: re-running must not process them again.
cut -f3 "plan.$victim" | while read -r o; do if [ -f "$o" ]; then echo "$o $(stat -c %i "$o")"; fi; done > before_rerun
written=$(wc -l < before_rerun)
"$tconv" batch "${opts[@]}" -o out --shard "$victim/$n" --report reports/report.csv 2> rerun.err ||
  fail "re-run of shard $victim failed: $(cat rerun.err)"
while read -r o ino; do
  [ "$(stat -c %i "$o")" = "$ino" ] || fail "$o was written again by the re-run"
done < before_rerun

# Byte for byte, and no temporary file left (diff -r sees hidden files too).
diff -r single out > /dev/null || fail "sharded outputs differ from the single-machine run: $(diff -rq single out | head -5)"

# Every output done exactly once: in one final report, or before the kill.
"$tconv" batch-report merge reports -o merged.csv > merge2.txt || fail "final merge incomplete: $(cat merge2.txt)"
grep -q 'merged '"$n"' of '"$n"' shard reports: 40 outputs' merge2.txt || fail "unexpected merge summary: $(cat merge2.txt)"
if grep -q 'reported by two shards' merge2.txt; then fail "an output was reported by two shards"; fi
done_rows=$(cat reports/report.shard-*-of-"$n".csv | grep -c ',done,' || true)
skipped_rows=$(cat reports/report.shard-*-of-"$n".csv | grep -c ',skipped,' || true)
[ "$done_rows" -eq $((40 - written)) ] || fail "$done_rows outputs done after the kill, expected $((40 - written))"
[ "$skipped_rows" -eq "$written" ] || fail "$skipped_rows outputs skipped, expected the $written written before the kill"
[ "$(($(wc -l < merged.csv) - 1))" -eq 40 ] || fail "merged report has $(($(wc -l < merged.csv) - 1)) rows, expected 40"
echo "cluster_shards_test: ok ($n shards, shard $victim killed after $written of $(wc -l < "plan.$victim") outputs and re-run)"
