/*
 * Tributary's LZ4 block compressor and decompressor, built to a freestanding wasm module
 * (no libc, no allocator) by build.sh. Format facts from the LZ4 block format description:
 * https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md
 *
 * A block is a run of sequences. Each sequence is a token byte (high nibble: literal count,
 * low nibble: match length - 4; 15 in either means "more length bytes follow, each added,
 * until one is not 255"), the literals, a 2-byte little-endian offset (1..65535, back from the
 * current output position) and the match length bytes. The last sequence is literals only.
 * The spec's end-of-block rules, which every conforming decoder may rely on:
 *   - the last 5 bytes of the input are always literals (LASTLITERALS);
 *   - the last match must start at least 12 bytes before the end (MFLIMIT), so an input
 *     shorter than 13 bytes holds no match at all.
 *
 * The JS side (src/lz4/wasm.ts) copies input into linear memory from scratch_base() on,
 * grows memory when it needs more, and passes byte offsets; nothing here allocates.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef __SIZE_TYPE__ usize;

#define EXPORT(name) __attribute__((export_name(name)))

enum {
  MIN_MATCH = 4,
  LAST_LITERALS = 5,
  MF_LIMIT = 12,
  MIN_INPUT = MF_LIMIT + 1,
  MAX_OFFSET = 65535,
  /* 2^12 positions of 4-byte sequences: 16 KB of table, as small as a 64 KB block needs. */
  HASH_BITS = 12,
  /* After 2^SKIP_SHIFT misses in a row the search steps 2 bytes, then 3, ...: fast on data
   * that does not compress. */
  SKIP_SHIFT = 6,
};

/* Position (from the block's start) where each hashed 4-byte sequence was last seen. */
static u32 table[1u << HASH_BITS];

/* Unaligned little-endian loads and stores: wasm's i32/i64 load and store allow any alignment,
 * and __builtin_memcpy of a constant size compiles to exactly one of them. */
static inline u32 load32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline u64 load64(const u8 *p) {
  u64 v;
  __builtin_memcpy(&v, p, 8);
  return v;
}
static inline void copy8(u8 *d, const u8 *s) { __builtin_memcpy(d, s, 8); }

/* Multiplicative (Fibonacci) hashing: the top bits of sequence * 2654435761. */
static inline u32 hash4(u32 sequence) { return (sequence * 2654435761u) >> (32 - HASH_BITS); }

/* How many bytes from p equal those from m, stopping at limit (p's side). */
static inline usize common_length(const u8 *p, const u8 *m, const u8 *limit) {
  const u8 *start = p;
  while (p + 8 <= limit) {
    u64 diff = load64(p) ^ load64(m);
    if (diff != 0) return (usize)(p - start) + ((usize)__builtin_ctzll(diff) >> 3);
    p += 8;
    m += 8;
  }
  while (p < limit && *p == *m) {
    p++;
    m++;
  }
  return (usize)(p - start);
}

/* Bytes a length of `n` past 15 takes after the token: one per 255, plus the final one. */
static inline usize extra_length_bytes(usize n) { return n < 15 ? 0 : (n - 15) / 255 + 1; }

/* Writes the bytes that follow a token for a length field of value n (n >= 15). */
static inline u8 *write_length(u8 *op, usize n) {
  n -= 15;
  while (n >= 255) {
    *op++ = 255;
    n -= 255;
  }
  *op++ = (u8)n;
  return op;
}

/* Copies n literal bytes that do not overlap; 8 at a time when both sides have slack. */
static inline void copy_literals(u8 *d, const u8 *s, usize n, const u8 *s_end, const u8 *d_end) {
  if (n <= 16 && s_end - s >= 16 && d_end - d >= 16) {
    copy8(d, s);
    copy8(d + 8, s + 8);
  } else {
    __builtin_memcpy(d, s, n);
  }
}

/* Where the JS side may put its buffers: past the module's static data and stack. */
extern u8 __heap_base;
EXPORT("scratch_base") usize scratch_base(void) { return ((usize)&__heap_base + 15) & ~(usize)15; }

/*
 * Compresses src[0, src_len) into one independent block at dst, writing at most dst_cap bytes.
 * Returns the block's size, or 0 when the input is shorter than 13 bytes or the block would
 * not fit in dst_cap (the caller passes src_len - 1 and stores the input as is instead).
 */
EXPORT("compress_block") u32 compress_block(const u8 *src, u32 src_len, u8 *dst, u32 dst_cap) {
  if (src_len < MIN_INPUT) return 0;
  __builtin_memset(table, 0, sizeof table);

  const u8 *const end = src + src_len;
  const u8 *const match_start_limit = end - MF_LIMIT; /* last position a match may start at */
  const u8 *const match_end_limit = end - LAST_LITERALS;
  u8 *op = dst;
  u8 *const op_end = dst + dst_cap;
  const u8 *anchor = src; /* first byte not yet written */
  const u8 *ip = src + 1; /* position 0 is in the table already (all entries are 0) */

  for (;;) {
    /* Find a 4-byte match for ip in the table, stepping faster after many misses. */
    const u8 *match;
    u32 misses = 1u << SKIP_SHIFT;
    for (;;) {
      if (ip > match_start_limit) goto last_literals;
      u32 sequence = load32(ip);
      u32 *slot = &table[hash4(sequence)];
      match = src + *slot;
      *slot = (u32)(ip - src);
      if (ip - match <= MAX_OFFSET && load32(match) == sequence) break;
      ip += misses++ >> SKIP_SHIFT;
    }
    /* match < ip holds: the table holds only earlier positions, and a stale entry of 0 that
     * equals ip is impossible because ip starts at 1. */

    /* Grow the match backwards over equal bytes not yet written. */
    while (ip > anchor && match > src && ip[-1] == match[-1]) {
      ip--;
      match--;
    }
    usize literals = (usize)(ip - anchor);
    usize match_length = MIN_MATCH + common_length(ip + MIN_MATCH, match + MIN_MATCH, match_end_limit);
    usize extra = match_length - MIN_MATCH;

    usize need = 1 + extra_length_bytes(literals) + literals + 2 + extra_length_bytes(extra);
    if (need > (usize)(op_end - op)) return 0;

    u8 *token = op++;
    *token = (u8)((literals < 15 ? literals : 15) << 4);
    if (literals >= 15) op = write_length(op, literals);
    copy_literals(op, anchor, literals, end, op_end);
    op += literals;
    u32 offset = (u32)(ip - match);
    op[0] = (u8)offset;
    op[1] = (u8)(offset >> 8);
    op += 2;
    *token |= (u8)(extra < 15 ? extra : 15);
    if (extra >= 15) op = write_length(op, extra);

    ip += match_length;
    anchor = ip;
    if (ip > match_start_limit) break;
    /* Remember a position inside the match too: cheap, and it finds repeats sooner. */
    table[hash4(load32(ip - 2))] = (u32)(ip - 2 - src);
  }

last_literals: {
  usize literals = (usize)(end - anchor);
  usize need = 1 + extra_length_bytes(literals) + literals;
  if (need > (usize)(op_end - op)) return 0;
  *op++ = (u8)((literals < 15 ? literals : 15) << 4);
  if (literals >= 15) op = write_length(op, literals);
  __builtin_memcpy(op, anchor, literals);
  op += literals;
  return (u32)(op - dst);
}
}

/*
 * Decodes the block src[0, src_len) into dst, writing at most dst_cap bytes. Returns the
 * decoded size, or a negative number when the block is malformed: a length or literal run
 * past either buffer, an offset of 0 or before dst, or a block that does not end with a
 * literals-only sequence. Every read and write is checked, so no input makes it touch memory
 * outside src[0, src_len) and dst[0, dst_cap).
 */
EXPORT("decompress_block") int decompress_block(const u8 *src, u32 src_len, u8 *dst, u32 dst_cap) {
  const u8 *ip = src;
  const u8 *const end = src + src_len;
  u8 *op = dst;
  u8 *const op_end = dst + dst_cap;

  for (;;) {
    if (ip >= end) return -1; /* ended without its final literals */
    u32 token = *ip++;

    usize literals = token >> 4;
    if (literals == 15) {
      u32 more;
      do {
        if (ip >= end) return -2;
        more = *ip++;
        literals += more;
        if (literals > (usize)(end - ip)) return -3; /* also keeps the sum from overflowing */
      } while (more == 255);
    }
    if (literals > (usize)(end - ip)) return -3;
    if (literals > (usize)(op_end - op)) return -4;
    copy_literals(op, ip, literals, end, op_end);
    ip += literals;
    op += literals;
    if (ip == end) return (int)(op - dst);

    if (end - ip < 2) return -5;
    usize offset = (usize)ip[0] | ((usize)ip[1] << 8);
    ip += 2;
    if (offset == 0 || offset > (usize)(op - dst)) return -6;

    usize length = token & 15;
    if (length == 15) {
      u32 more;
      do {
        if (ip >= end) return -7;
        more = *ip++;
        length += more;
        if (length > (usize)(op_end - op)) return -8;
      } while (more == 255);
    }
    length += MIN_MATCH;
    if (length > (usize)(op_end - op)) return -8;

    const u8 *match = op - offset;
    u8 *const copy_end = op + length;
    if (offset >= 8 && (usize)(op_end - op) >= length + 8) {
      /* 8 at a time; each step reads bytes written at least 8 earlier, so the repeating
       * pattern comes out right even when the match overlaps its own output. May write up
       * to 7 bytes past copy_end, which the slack check allowed and the next sequence
       * overwrites. */
      do {
        copy8(op, match);
        op += 8;
        match += 8;
      } while (op < copy_end);
    } else {
      while (op < copy_end) *op++ = *match++;
    }
    op = copy_end;
  }
}
