#!/usr/bin/env bash
# Runs every importer's fuzz target for a bounded time (FUZZ_SECONDS each, default 20).
# Needs a nightly toolchain and cargo-fuzz; without them it says so and skips (exit 0).
# A crash fails (exit 1) and leaves the input under fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-20}"
if ! command -v rustup >/dev/null; then echo "fuzz: skipped (no rustup)"; exit 0; fi
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup toolchain install nightly --profile minimal >/dev/null 2>&1 \
    || { echo "fuzz: skipped (could not install a nightly toolchain)"; exit 0; }
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked >/dev/null 2>&1 \
    || { echo "fuzz: skipped (could not install cargo-fuzz)"; exit 0; }
fi
mkdir -p corpus
for target in daylio bearable generic_csv apple_health adversarial; do
  mkdir -p "corpus/$target"
  cp ../crates/domain/tests-data/import/* "corpus/$target/" 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  # The adversarial shapes must stay small: 256 MB is twice the 128 MB goal, with room for
  # libFuzzer's own bookkeeping. That target runs without AddressSanitizer, whose quarantine of
  # freed blocks alone would pass the limit (Rust needs no sanitizer for memory safety here).
  rss=2048; sanitizer=address
  [ "$target" = adversarial ] && rss=256 && sanitizer=none
  if ! cargo +nightly fuzz run -s "$sanitizer" "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb="$rss" -timeout=10 >"/tmp/fuzz-$target.log" 2>&1; then
    tail -n 40 "/tmp/fuzz-$target.log"
    echo "fuzz: $target crashed; the input is in fuzz/artifacts/$target/"
    exit 1
  fi
  grep -E "^Done|runs in" "/tmp/fuzz-$target.log" | tail -n 1
done
