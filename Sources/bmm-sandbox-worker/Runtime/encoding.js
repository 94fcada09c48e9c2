// TextEncoder and TextDecoder (UTF-8 only) and the UTF-8 helpers url.js shares.
// Included by runtime.js; see README.md.

// UTF-8 per the WHATWG Encoding Standard: lone surrogates encode as U+FFFD and
// malformed input decodes to U+FFFD per maximal subpart.
function utf8Encode(input) {
  const string = String(input);
  const bytes = [];
  for (let index = 0; index < string.length; index++) {
    let code = string.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = index + 1 < string.length ? string.charCodeAt(index + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        index++;
      } else {
        code = 0xfffd;
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      code = 0xfffd;
    }
    if (code < 0x80) {
      bytes.push(code);
    } else if (code < 0x800) {
      bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
  }
  return new Uint8Array(bytes);
}

function utf8Decode(bytes, fatal) {
  let output = "";
  let chunk = [];
  let needed = 0, seen = 0, codePoint = 0, lower = 0x80, upper = 0xbf;
  const emit = (code) => {
    if (code > 0xffff) {
      code -= 0x10000;
      chunk.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      chunk.push(code);
    }
    if (chunk.length >= 8192) {
      output += String.fromCharCode.apply(null, chunk);
      chunk = [];
    }
  };
  const fail = () => {
    if (fatal) throw new TypeError("The encoded data was not valid UTF-8");
    emit(0xfffd);
  };
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (needed === 0) {
      if (byte <= 0x7f) { emit(byte); continue; }
      if (byte >= 0xc2 && byte <= 0xdf) { needed = 1; codePoint = byte & 0x1f; }
      else if (byte >= 0xe0 && byte <= 0xef) {
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2; codePoint = byte & 0xf;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3; codePoint = byte & 0x7;
      } else { fail(); }
      continue;
    }
    if (byte < lower || byte > upper) {
      codePoint = needed = seen = 0; lower = 0x80; upper = 0xbf;
      fail();
      index--;
      continue;
    }
    lower = 0x80; upper = 0xbf;
    codePoint = (codePoint << 6) | (byte & 0x3f);
    seen++;
    if (seen === needed) {
      const code = codePoint;
      codePoint = needed = seen = 0;
      emit(code);
    }
  }
  if (needed !== 0) fail();
  return output + String.fromCharCode.apply(null, chunk);
}

function bytesOf(source, what) {
  if (source === undefined) return new Uint8Array(0);
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError(`${what} expects an ArrayBuffer or a typed array`);
}

class TextEncoder {
  get encoding() { return "utf-8"; }
  encode(input = "") { return utf8Encode(input); }
  encodeInto(source, destination) {
    const bytes = utf8Encode(source);
    let written = 0, read = 0, index = 0;
    const string = String(source);
    // Copy whole code points only, as the standard requires.
    while (read < string.length) {
      const code = string.codePointAt(read);
      const units = code > 0xffff ? 2 : 1;
      const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      if (written + size > destination.length) break;
      for (let k = 0; k < size; k++) destination[written + k] = bytes[index + k];
      written += size; index += size; read += units;
    }
    return { read, written };
  }
}

// How many bytes at the end of `bytes` start a UTF-8 sequence that more bytes could still complete: a streaming
// decode keeps them for the next chunk. Bytes that can never be valid are left to the decoder to replace or refuse.
function incompleteTail(bytes) {
  const end = bytes.length;
  for (let start = end - 1; start >= 0 && start >= end - 3; start--) {
    const lead = bytes[start];
    if (lead >= 0x80 && lead <= 0xbf) continue;
    const needed = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (needed === 0 || end - start >= needed) return 0;
    if (end - start > 1) {
      const second = bytes[start + 1];
      const lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
      const upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
      if (second < lower || second > upper) return 0;
    }
    return end - start;
  }
  return 0;
}

class TextDecoder {
  #fatal; #ignoreBOM;
  // Streaming state: bytes of a sequence the last chunk cut, and whether the stream's start (its BOM) is behind.
  #pending = new Uint8Array(0);
  #started = false;
  constructor(label = "utf-8", options = {}) {
    const name = String(label).trim().toLowerCase();
    if (name !== "utf-8" && name !== "utf8" && name !== "unicode-1-1-utf-8") {
      throw new RangeError(`TextDecoder only supports UTF-8, not "${label}"`);
    }
    this.#fatal = Boolean(options && options.fatal);
    this.#ignoreBOM = Boolean(options && options.ignoreBOM);
  }
  get encoding() { return "utf-8"; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input, options) {
    const stream = Boolean(options && options.stream);
    let bytes = bytesOf(input, "TextDecoder.decode");
    if (this.#pending.length > 0) {
      const joined = new Uint8Array(this.#pending.length + bytes.length);
      joined.set(this.#pending);
      joined.set(bytes, this.#pending.length);
      bytes = joined;
      this.#pending = new Uint8Array(0);
    }
    if (!this.#started && !this.#ignoreBOM) {
      // A BOM cut by the chunk boundary waits for its remaining bytes.
      const bomPrefix = bytes.length < 3 && [0xef, 0xbb].slice(0, bytes.length).every((byte, index) => bytes[index] === byte);
      if (stream && bomPrefix) {
        this.#pending = bytes.slice();
        return "";
      }
      if (bytes.length > 0) this.#started = true;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (stream) {
      const keep = incompleteTail(bytes);
      this.#pending = bytes.slice(bytes.length - keep);
      bytes = bytes.subarray(0, bytes.length - keep);
    } else {
      // The end of the stream: the next decode starts a new one.
      this.#started = false;
    }
    return utf8Decode(bytes, this.#fatal);
  }
}
