#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the module, one after another, each for
# FUZZTIME (default 60s). -fuzz takes one target per run and its pattern is
# anchored, so targets that share a prefix in one package (FuzzParse,
# FuzzParseX) each really run; -fuzzminimizetime bounds the minimisation of a
# crasher so it cannot eat a target's whole budget.
#
#   scripts/fuzz.sh                  # every target, 60 s each
#   FUZZTIME=10s scripts/fuzz.sh     # a quick pass
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
minimize=${FUZZMINIMIZETIME:-10s}

# Every "func FuzzXxx(" in a _test.go file, as "package target".
mapfile -t targets < <(grep -rl --include='*_test.go' '^func Fuzz' . |
	while read -r f; do
		grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed "s|^func ||; s|^|$(dirname "$f") |"
	done | sort)

for t in "${targets[@]}"; do
	pkg=${t% *} name=${t#* }
	echo "== $name ($pkg, $fuzztime)"
	go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" "$pkg"
done
echo "fuzz: ${#targets[@]} targets ran for $fuzztime each"
