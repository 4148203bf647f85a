#!/bin/sh
# Builds lz4-block.c into lz4-block.wasm, a freestanding module (no libc, no allocator,
# no imports) exporting memory, scratch_base, compress_block and decompress_block.
#
# Needs clang with the wasm32 target and wasm-ld: on Debian/Ubuntu `apt-get install clang lld`.
#
#   sh packages/codecs/native/lz4/build.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/lz4-block.wasm"

# -mbulk-memory: memcpy/memset become memory.copy/memory.fill instead of calls to a libc.
# --no-entry: a library, no _start. --strip-all: no names section. The 64 KB stack is
# far more than these functions use; linear memory grows from the JS side as inputs need.
clang --target=wasm32 -O3 -nostdlib -ffreestanding -mbulk-memory \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,--gc-sections \
  -Wl,-z,stack-size=65536 \
  -o "$out" "$here/lz4-block.c"
echo "built $out: $(wc -c <"$out") bytes"

# The lz4 entry ships the module twice (src/lz4/wasm-bytes.ts, src/lz4/lz4.wasm): refresh both.
node "$here/../../scripts/embed-lz4-wasm.mjs"
