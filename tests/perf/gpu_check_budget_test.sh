#!/usr/bin/env bash
# perf/gpu_check.sh without a GPU: its syntax, and its time budget table (BUDGETS): the
# budgets add up to the default total, every step the script starts has a row, and every
# row is a step the script starts.
set -u
script=${1:?usage: gpu_check_budget_test.sh perf/gpu_check.sh}
fail() { echo "FAIL: $*" >&2; exit 1; }
bash -n "$script" || fail "bash -n $script"
table=$(sed -n "/^BUDGETS='/,/^'\$/p" "$script" | sed '1d;$d')
[[ -n $table ]] || fail "no BUDGETS table"
# shellcheck disable=SC2016  # the pattern matches the script's text, unexpanded
total=$(sed -n 's/^TOTAL=\${GPU_CHECK_TOTAL_S:-\([0-9]*\)}$/\1/p' "$script")
[[ -n $total ]] || fail "no default TOTAL"
sum=$(awk '{s += $2} END {print s}' <<<"$table")
((sum <= total)) || fail "the budgets add up to $sum s, over the total of $total s"
((total <= 480)) || fail "the total $total s leaves no room for a rerun in a 600 s command"
rows=$(awk '{print $1}' <<<"$table" | sort)
started=$(grep -oE '^ *step [0-9a-z]+' "$script" | awk '{print $2}' | sort -u)
[[ $rows == "$started" ]] || fail "steps started: $(tr '\n' ' ' <<<"$started"); rows: $(tr '\n' ' ' <<<"$rows")"
echo "ok: $(wc -l <<<"$table") steps, $sum s of $total s"
