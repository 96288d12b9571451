#!/usr/bin/env bash
# Builds every libFuzzer target in test/fuzz/ against the core ring and runs
# each for FUZZ_SECONDS (default 60; the release bar is 600).  Corpora live
# in build/fuzz/corpus-<target> and grow between runs; a crash leaves its
# input in build/fuzz/ and fails the run: turn it into a unit test.
#   make fuzz                     every target, 60 s each
#   make fuzz FUZZ_SECONDS=600    the release bar
#   tools/fuzz.sh lipid           one target
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${FUZZ_SECONDS:-60}
CLANG=$(command -v clang || command -v clang-14 || true)
if [ -z "$CLANG" ] || [ -z "$(find /usr/lib/llvm-*/lib/clang -name 'libclang_rt.fuzzer-x86_64.a' 2>/dev/null | head -n 1)" ]; then
	echo "fuzz: installing clang and its fuzzer runtime"
	sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
	CLANG=$(command -v clang || command -v clang-14)
fi

mkdir -p build/fuzz
core=$(ls src/core/*.c)
targets=()
if [ $# -gt 0 ]; then
	for t in "$@"; do targets+=("test/fuzz/fuzz_$t.c"); done
else
	targets=(test/fuzz/fuzz_*.c)
fi

status=0
for src in "${targets[@]}"; do
	name=$(basename "$src" .c)
	bin=build/fuzz/$name
	echo "== $name: build"
	"$CLANG" -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-Isrc/core -o "$bin" "$src" $core -lcsv -ljson-c -lcurl -lm
	corpus=build/fuzz/corpus-${name#fuzz_}
	mkdir -p "$corpus"
	# Seed the reader's corpus with the real files, so the mwTab and mzTab-M
	# paths are reached at once (the first byte picks the chunk size).
	if [ "$name" = fuzz_tabular ] && [ -z "$(ls -A "$corpus")" ]; then
		for f in test/data/omics/*.* test/data/ingest/*.*; do
			{ printf '\x07'; head -c 65536 "$f"; } >"$corpus/seed-$(basename "$f")"
		done
	fi
	# The signature reader's: the example signature files (two zero bytes:
	# no header put in front, no stop, no allocation failure).
	if [ "$name" = fuzz_signature_file ] && [ -z "$(ls -A "$corpus")" ]; then
		for f in test/data/signatures/*.*; do
			{ printf '\x00\x00'; cat "$f"; } >"$corpus/seed-$(basename "$f")"
		done
	fi
	# The API payload parsers': sample responses of the three services and a
	# body text.  Leading JSON white space picks the embeddings parser's
	# input count and dimension (tab, tab: 2 inputs of 2 dimensions).
	if [ "$name" = fuzz_payload_parse ] && [ -z "$(ls -A "$corpus")" ]; then
		i=0
		for s in \
			'{"object":"page","id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","in_trash":false}' \
			'{"object":"list","results":[{"object":"page","id":"a-1"},{"id":"b-2"}],"has_more":false}' \
			'{"object":"error","status":400,"code":"validation_error","message":"body failed validation"}' \
			'{"name":"amprenta","dimension":384,"host":"127.0.0.1:41003","status":{"ready":true}}' \
			'{"upsertedCount":2}' \
			'{"code":3,"message":"Vector dimension 0 does not match","details":[]}' \
			'{"error":{"code":"NOT_FOUND","message":"Index x not found."},"status":404}' \
			'"Unauthorized"' \
			'		{"data":[{"index":1,"embedding":[0.5,-1]},{"index":0,"embedding":[0.25,2e-3]}]}' \
			'		{"data":[{"vector_type":"dense","values":[0.012,-0.034]},{"values":[1,0]}]}' \
			'<html><head><title>502 Bad Gateway</title></head></html>' \
			$'# Title\nline one, two\n\t\npara \xc3\xa9 \xf0\x9f\x98\x80 \xff'; do
			printf '%s' "$s" >"$corpus/seed-$i"
			i=$((i + 1))
		done
	fi
	echo "== $name: ${SECONDS_EACH}s"
	if ! "$bin" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
		-artifact_prefix=build/fuzz/"$name"- "$corpus" >build/fuzz/"$name".log 2>&1; then
		echo "$name: FAILED, see build/fuzz/$name.log and build/fuzz/$name-*"
		tail -n 30 build/fuzz/"$name".log
		status=1
	else
		grep -E 'stat::number_of_executed_units|cov:' build/fuzz/"$name".log | tail -n 2
	fi
done
exit $status
