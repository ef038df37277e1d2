#!/usr/bin/env bash
# Compares vendor/libyaml-rs with the crates.io release it was copied from: parses every
# YAML document under the given folders (files, front matter, and random mutations of
# each) with both, and diffs the values, errors and error positions.
#   bash bench/yaml-diff.sh content tests /tmp/bench/knead-10k/content
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/yaml-diff" "$work/crate"
cd "$work/crate"
cargo build --release --quiet
cp target/release/yaml-diff "$work/upstream"
printf '\n[patch.crates-io]\nlibyaml-rs = { path = "%s" }\n' "$here/../vendor/libyaml-rs" >> Cargo.toml
cargo build --release --quiet
cp target/release/yaml-diff "$work/patched"
cd "$OLDPWD"
"$work/upstream" "$@" > "$work/upstream.txt"
"$work/patched" "$@" > "$work/patched.txt"
echo "$(wc -l < "$work/upstream.txt") documents, $(grep -c '^ERR' "$work/upstream.txt") of them errors"
diff -q "$work/upstream.txt" "$work/patched.txt" && echo "same values, errors and positions"
