/**
 * UTF-8 through the web-standard TextEncoder/TextDecoder, which every runtime we target has.
 * Reached through globalThis so this package compiles against ES2022 alone and cannot use any
 * other runtime global by accident.
 */
interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(input: string, dest: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface TextGlobals {
  TextEncoder: new () => Utf8Encoder;
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
}

const globals = globalThis as unknown as TextGlobals;
export const utf8Encoder: Utf8Encoder = new globals.TextEncoder();
/**
 * Strict: invalid UTF-8 from the wire is an error, not silently replaced. ignoreBOM keeps a
 * leading U+FEFF as a character: by default the decoder drops it as a byte-order mark, so a
 * string that starts with one (a header key, say) came back one character short, where Java's
 * decoding keeps it (found by the record-batch property test).
 */
export const utf8Decoder: Utf8Decoder = new globals.TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true,
});

/** Exact UTF-8 byte length of a JS string, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
