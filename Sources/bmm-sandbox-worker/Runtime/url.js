// Included by runtime.js (see README.md), which calls makeURLModule() on the first use
// of URL or URLSearchParams.
function makeURLModule() {
// URL and URLSearchParams after the WHATWG URL Standard: the basic URL parser state
// machine with state overrides for the setters, IPv4/IPv6 hosts and Punycode for
// internationalised domain names (mapping is NFKC + lowercase, an approximation of UTS #46).
const specialPorts = { "ftp": 21, "file": null, "http": 80, "https": 443, "ws": 80, "wss": 443 };
const isSpecialScheme = (scheme) => Object.prototype.hasOwnProperty.call(specialPorts, scheme);

const isC0Control = (c) => c >= 0 && c <= 0x1f;
const isASCIIDigit = (c) => c >= 0x30 && c <= 0x39;
const isASCIIHexDigit = (c) => isASCIIDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isASCIIAlpha = (c) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isASCIIAlphanumeric = (c) => isASCIIAlpha(c) || isASCIIDigit(c);

const inC0ControlSet = (c) => isC0Control(c) || c > 0x7e;
const inFragmentSet = (c) => inC0ControlSet(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const inQuerySet = (c) => inC0ControlSet(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const inSpecialQuerySet = (c) => inQuerySet(c) || c === 0x27;
const inPathSet = (c) => inQuerySet(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const inUserinfoSet = (c) => inPathSet(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
  (c >= 0x5b && c <= 0x5e) || c === 0x7c;
const inComponentSet = (c) => inUserinfoSet(c) || (c >= 0x24 && c <= 0x26) || c === 0x2b || c === 0x2c;
const inFormSet = (c) => inComponentSet(c) || c === 0x21 || (c >= 0x27 && c <= 0x29) || c === 0x7e;

const hex = (byte) => "%" + (byte < 16 ? "0" : "") + byte.toString(16).toUpperCase();

function percentEncodeCodePoint(codePoint, inSet) {
  if (!inSet(codePoint)) return String.fromCodePoint(codePoint);
  let out = "";
  for (const byte of utf8Encode(String.fromCodePoint(codePoint))) out += hex(byte);
  return out;
}

function percentEncodeString(input, inSet, spaceAsPlus) {
  let out = "";
  for (const byte of utf8Encode(input)) {
    if (spaceAsPlus && byte === 0x20) out += "+";
    else if (inSet(byte)) out += hex(byte);
    else out += String.fromCharCode(byte);
  }
  return out;
}

function percentDecodeBytes(bytes) {
  const out = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x25 && i + 2 < bytes.length && isASCIIHexDigit(bytes[i + 1]) && isASCIIHexDigit(bytes[i + 2])) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
      i += 2;
    } else {
      out.push(byte);
    }
  }
  return new Uint8Array(out);
}

const percentDecodeString = (input) => percentDecodeBytes(utf8Encode(input));

// Lone surrogates become U+FFFD, as WebIDL's USVString conversion requires.
const toUSVString = (value) => utf8Decode(utf8Encode(String(value)), false);

// --- Punycode (RFC 3492) ----------------------------------------------------------
function punycodeEncode(input) {
  const base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700;
  const codePoints = Array.from(input, (ch) => ch.codePointAt(0));
  let n = 128, delta = 0, bias = 72;
  let output = codePoints.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
  const basicCount = output.length;
  let handled = basicCount;
  if (basicCount > 0) output += "-";
  const digit = (d) => String.fromCharCode(d + 22 + 75 * (d < 26));
  const adapt = (deltaIn, points, first) => {
    let k = 0;
    deltaIn = first ? Math.floor(deltaIn / damp) : deltaIn >> 1;
    deltaIn += Math.floor(deltaIn / points);
    for (; deltaIn > ((base - tMin) * tMax) >> 1; k += base) deltaIn = Math.floor(deltaIn / (base - tMin));
    return Math.floor(k + ((base - tMin + 1) * deltaIn) / (deltaIn + skew));
  };
  while (handled < codePoints.length) {
    let m = Infinity;
    for (const c of codePoints) if (c >= n && c < m) m = c;
    delta += (m - n) * (handled + 1);
    n = m;
    for (const c of codePoints) {
      if (c < n) delta++;
      if (c === n) {
        let q = delta;
        for (let k = base; ; k += base) {
          const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
          if (q < t) break;
          output += digit(t + ((q - t) % (base - t)));
          q = Math.floor((q - t) / (base - t));
        }
        output += digit(q);
        bias = adapt(delta, handled + 1, handled === basicCount);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return output;
}

// --- Hosts -----------------------------------------------------------------------
const forbiddenHostCodePoints = new Set([0x00, 0x09, 0x0a, 0x0d, 0x20, 0x23, 0x2f, 0x3a, 0x3c, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x7c]);
const isForbiddenHostCodePoint = (c) => forbiddenHostCodePoints.has(c);
const isForbiddenDomainCodePoint = (c) => isForbiddenHostCodePoint(c) || isC0Control(c) || c === 0x25 || c === 0x7f;

const failure = Symbol("failure");

function domainToASCII(domain) {
  const mapped = domain.normalize("NFKC").toLowerCase().replace(/[\u3002\uff0e\uff61]/g, ".");
  const labels = mapped.split(".").map((label) => {
    if (/^[\x00-\x7f]*$/.test(label)) return label;
    return "xn--" + punycodeEncode(label);
  });
  const result = labels.join(".");
  if (result.length === 0) return failure;
  return result;
}

function endsInANumber(input) {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (last !== "" && /^[0-9]+$/.test(last)) return true;
  return parseIPv4Number(last) !== failure;
}

function parseIPv4Number(input) {
  if (input === "") return failure;
  let radix = 10;
  if (input.length >= 2 && (input.startsWith("0x") || input.startsWith("0X"))) {
    input = input.slice(2);
    radix = 16;
  } else if (input.length >= 2 && input[0] === "0") {
    input = input.slice(1);
    radix = 8;
  }
  if (input === "") return 0;
  const pattern = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
  if (!pattern.test(input)) return failure;
  return parseInt(input, radix);
}

function parseIPv4(input) {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4) return failure;
  const numbers = [];
  for (const part of parts) {
    const n = parseIPv4Number(part);
    if (n === failure) return failure;
    numbers.push(n);
  }
  for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return failure;
  if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return failure;
  let ipv4 = numbers[numbers.length - 1];
  for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
  return ipv4;
}

function serializeIPv4(address) {
  const out = [];
  for (let i = 0; i < 4; i++) {
    out.unshift(String(address % 256));
    address = Math.floor(address / 256);
  }
  return out.join(".");
}

function parseIPv6(input) {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0, compress = null, pointer = 0;
  const codes = Array.from(input, (ch) => ch.codePointAt(0));
  const c = () => codes[pointer];
  if (c() === 0x3a) {
    if (codes[pointer + 1] !== 0x3a) return failure;
    pointer += 2;
    pieceIndex++;
    compress = pieceIndex;
  }
  while (c() !== undefined) {
    if (pieceIndex === 8) return failure;
    if (c() === 0x3a) {
      if (compress !== null) return failure;
      pointer++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0, length = 0;
    while (length < 4 && c() !== undefined && isASCIIHexDigit(c())) {
      value = value * 0x10 + parseInt(String.fromCodePoint(c()), 16);
      pointer++;
      length++;
    }
    if (c() === 0x2e) {
      if (length === 0) return failure;
      pointer -= length;
      if (pieceIndex > 6) return failure;
      let numbersSeen = 0;
      while (c() !== undefined) {
        let ipv4Piece = null;
        if (numbersSeen > 0) {
          if (c() === 0x2e && numbersSeen < 4) pointer++;
          else return failure;
        }
        if (c() === undefined || !isASCIIDigit(c())) return failure;
        while (c() !== undefined && isASCIIDigit(c())) {
          const number = c() - 0x30;
          if (ipv4Piece === null) ipv4Piece = number;
          else if (ipv4Piece === 0) return failure;
          else ipv4Piece = ipv4Piece * 10 + number;
          if (ipv4Piece > 255) return failure;
          pointer++;
        }
        address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
        numbersSeen++;
        if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
      }
      if (numbersSeen !== 4) return failure;
      break;
    } else if (c() === 0x3a) {
      pointer++;
      if (c() === undefined) return failure;
    } else if (c() !== undefined) {
      return failure;
    }
    address[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== null) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const temp = address[compress + swaps - 1];
      address[compress + swaps - 1] = address[pieceIndex];
      address[pieceIndex] = temp;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return failure;
  }
  return address;
}

function serializeIPv6(address) {
  let bestStart = null, bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (address[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && address[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  let output = "", ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && address[i] === 0) continue;
    ignore0 = false;
    if (bestStart === i) {
      output += i === 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    output += address[i].toString(16);
    if (i !== 7) output += ":";
  }
  return "[" + output + "]";
}

function parseOpaqueHost(input) {
  for (const ch of input) {
    const c = ch.codePointAt(0);
    if (c !== 0x25 && isForbiddenHostCodePoint(c)) return failure;
  }
  let out = "";
  for (const ch of input) out += percentEncodeCodePoint(ch.codePointAt(0), inC0ControlSet);
  return out;
}

function parseHost(input, isOpaque) {
  if (input.startsWith("[")) {
    if (!input.endsWith("]")) return failure;
    const address = parseIPv6(input.slice(1, -1));
    return address === failure ? failure : serializeIPv6(address);
  }
  if (isOpaque) return parseOpaqueHost(input);
  const domain = utf8Decode(percentDecodeString(input), false);
  const asciiDomain = domainToASCII(domain);
  if (asciiDomain === failure) return failure;
  for (const ch of asciiDomain) if (isForbiddenDomainCodePoint(ch.codePointAt(0))) return failure;
  if (endsInANumber(asciiDomain)) {
    const ipv4 = parseIPv4(asciiDomain);
    return ipv4 === failure ? failure : serializeIPv4(ipv4);
  }
  return asciiDomain;
}

// --- The basic URL parser ----------------------------------------------------------
const isWindowsDriveLetter = (s, normalizedOnly) =>
  s.length === 2 && isASCIIAlpha(s.charCodeAt(0)) && (s[1] === ":" || (!normalizedOnly && s[1] === "|"));
const startsWithWindowsDriveLetter = (codes, pointer) => {
  if (codes.length - pointer < 2) return false;
  if (!isASCIIAlpha(codes[pointer]) || (codes[pointer + 1] !== 0x3a && codes[pointer + 1] !== 0x7c)) return false;
  if (codes.length - pointer === 2) return true;
  const next = codes[pointer + 2];
  return next === 0x2f || next === 0x5c || next === 0x3f || next === 0x23;
};
const isSingleDot = (s) => s === "." || s.toLowerCase() === "%2e";
const isDoubleDot = (s) => {
  const lower = s.toLowerCase();
  return lower === ".." || lower === ".%2e" || lower === "%2e." || lower === "%2e%2e";
};

function newRecord() {
  return { scheme: "", username: "", password: "", host: null, port: null, path: [], query: null, fragment: null };
}

function cloneRecord(url) {
  return { ...url, path: Array.isArray(url.path) ? url.path.slice() : url.path };
}

const hasOpaquePath = (url) => typeof url.path === "string";
const includesCredentials = (url) => url.username !== "" || url.password !== "";

function shortenPath(url) {
  const path = url.path;
  if (url.scheme === "file" && path.length === 1 && isWindowsDriveLetter(path[0], true)) return;
  path.pop();
}

function basicParse(input, base, url, stateOverride) {
  if (!url) {
    url = newRecord();
    input = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  }
  input = input.replace(/[\t\n\r]/g, "");
  let state = stateOverride || "scheme start";
  let buffer = "";
  let atSignSeen = false, insideBrackets = false, passwordTokenSeen = false;
  const codes = Array.from(input, (ch) => ch.codePointAt(0));
  for (let pointer = 0; pointer <= codes.length; pointer++) {
    const c = codes[pointer];
    const ch = c === undefined ? "" : String.fromCodePoint(c);
    switch (state) {
      case "scheme start":
        if (c !== undefined && isASCIIAlpha(c)) {
          buffer += ch.toLowerCase();
          state = "scheme";
        } else if (!stateOverride) {
          state = "no scheme";
          pointer--;
        } else {
          return failure;
        }
        break;
      case "scheme":
        if (c !== undefined && (isASCIIAlphanumeric(c) || c === 0x2b || c === 0x2d || c === 0x2e)) {
          buffer += ch.toLowerCase();
        } else if (c === 0x3a) {
          if (stateOverride) {
            if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
            if ((includesCredentials(url) || url.port !== null) && buffer === "file") return url;
            if (url.scheme === "file" && url.host === "") return url;
          }
          url.scheme = buffer;
          if (stateOverride) {
            if (url.port === specialPorts[url.scheme]) url.port = null;
            return url;
          }
          buffer = "";
          if (url.scheme === "file") {
            state = "file";
          } else if (isSpecialScheme(url.scheme) && base && base.scheme === url.scheme) {
            state = "special relative or authority";
          } else if (isSpecialScheme(url.scheme)) {
            state = "special authority slashes";
          } else if (codes[pointer + 1] === 0x2f) {
            state = "path or authority";
            pointer++;
          } else {
            url.path = "";
            state = "opaque path";
          }
        } else if (!stateOverride) {
          buffer = "";
          state = "no scheme";
          pointer = -1;
        } else {
          return failure;
        }
        break;
      case "no scheme":
        if (!base || (hasOpaquePath(base) && c !== 0x23)) return failure;
        if (hasOpaquePath(base) && c === 0x23) {
          url.scheme = base.scheme;
          url.path = base.path;
          url.query = base.query;
          url.fragment = "";
          state = "fragment";
        } else if (base.scheme !== "file") {
          state = "relative";
          pointer--;
        } else {
          state = "file";
          pointer--;
        }
        break;
      case "special relative or authority":
        if (c === 0x2f && codes[pointer + 1] === 0x2f) {
          state = "special authority ignore slashes";
          pointer++;
        } else {
          state = "relative";
          pointer--;
        }
        break;
      case "path or authority":
        if (c === 0x2f) {
          state = "authority";
        } else {
          state = "path";
          pointer--;
        }
        break;
      case "relative":
        url.scheme = base.scheme;
        if (c === 0x2f) {
          state = "relative slash";
        } else if (isSpecialScheme(url.scheme) && c === 0x5c) {
          state = "relative slash";
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          url.path = base.path.slice();
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = "query";
          } else if (c === 0x23) {
            url.fragment = "";
            state = "fragment";
          } else if (c !== undefined) {
            url.query = null;
            shortenPath(url);
            state = "path";
            pointer--;
          }
        }
        break;
      case "relative slash":
        if (isSpecialScheme(url.scheme) && (c === 0x2f || c === 0x5c)) {
          state = "special authority ignore slashes";
        } else if (c === 0x2f) {
          state = "authority";
        } else {
          url.username = base.username;
          url.password = base.password;
          url.host = base.host;
          url.port = base.port;
          state = "path";
          pointer--;
        }
        break;
      case "special authority slashes":
        if (c === 0x2f && codes[pointer + 1] === 0x2f) {
          state = "special authority ignore slashes";
          pointer++;
        } else {
          state = "special authority ignore slashes";
          pointer--;
        }
        break;
      case "special authority ignore slashes":
        if (c !== 0x2f && c !== 0x5c) {
          state = "authority";
          pointer--;
        }
        break;
      case "authority":
        if (c === 0x40) {
          if (atSignSeen) buffer = "%40" + buffer;
          atSignSeen = true;
          for (const bufferChar of buffer) {
            const code = bufferChar.codePointAt(0);
            if (code === 0x3a && !passwordTokenSeen) {
              passwordTokenSeen = true;
              continue;
            }
            const encoded = percentEncodeCodePoint(code, inUserinfoSet);
            if (passwordTokenSeen) url.password += encoded;
            else url.username += encoded;
          }
          buffer = "";
        } else if (c === undefined || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c)) {
          if (atSignSeen && buffer === "") return failure;
          pointer -= Array.from(buffer).length + 1;
          buffer = "";
          state = "host";
        } else {
          buffer += ch;
        }
        break;
      case "host":
      case "hostname":
        if (stateOverride && url.scheme === "file") {
          pointer--;
          state = "file host";
        } else if (c === 0x3a && !insideBrackets) {
          if (buffer === "") return failure;
          if (stateOverride === "hostname") return failure;
          const host = parseHost(buffer, !isSpecialScheme(url.scheme));
          if (host === failure) return failure;
          url.host = host;
          buffer = "";
          state = "port";
        } else if (c === undefined || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c)) {
          pointer--;
          if (isSpecialScheme(url.scheme) && buffer === "") return failure;
          if (stateOverride && buffer === "" && (includesCredentials(url) || url.port !== null)) return failure;
          const host = parseHost(buffer, !isSpecialScheme(url.scheme));
          if (host === failure) return failure;
          url.host = host;
          buffer = "";
          state = "path start";
          if (stateOverride) return url;
        } else {
          if (c === 0x5b) insideBrackets = true;
          if (c === 0x5d) insideBrackets = false;
          buffer += ch;
        }
        break;
      case "port":
        if (c !== undefined && isASCIIDigit(c)) {
          buffer += ch;
        } else if (c === undefined || c === 0x2f || c === 0x3f || c === 0x23 || (isSpecialScheme(url.scheme) && c === 0x5c) || stateOverride) {
          if (buffer !== "") {
            const port = parseInt(buffer, 10);
            if (port > 65535) return failure;
            url.port = specialPorts[url.scheme] === port ? null : port;
            buffer = "";
            if (stateOverride) return url;
          }
          if (stateOverride) return failure;
          state = "path start";
          pointer--;
        } else {
          return failure;
        }
        break;
      case "file":
        url.scheme = "file";
        url.host = "";
        if (c === 0x2f || c === 0x5c) {
          state = "file slash";
        } else if (base && base.scheme === "file") {
          url.host = base.host;
          url.path = base.path.slice();
          url.query = base.query;
          if (c === 0x3f) {
            url.query = "";
            state = "query";
          } else if (c === 0x23) {
            url.fragment = "";
            state = "fragment";
          } else if (c !== undefined) {
            url.query = null;
            if (!startsWithWindowsDriveLetter(codes, pointer)) shortenPath(url);
            else url.path = [];
            state = "path";
            pointer--;
          }
        } else {
          state = "path";
          pointer--;
        }
        break;
      case "file slash":
        if (c === 0x2f || c === 0x5c) {
          state = "file host";
        } else {
          if (base && base.scheme === "file") {
            url.host = base.host;
            if (!startsWithWindowsDriveLetter(codes, pointer) && base.path.length > 0 && isWindowsDriveLetter(base.path[0], true)) {
              url.path.push(base.path[0]);
            }
          }
          state = "path";
          pointer--;
        }
        break;
      case "file host":
        if (c === undefined || c === 0x2f || c === 0x5c || c === 0x3f || c === 0x23) {
          pointer--;
          if (!stateOverride && isWindowsDriveLetter(buffer, false)) {
            state = "path";
          } else if (buffer === "") {
            url.host = "";
            if (stateOverride) return url;
            state = "path start";
          } else {
            let host = parseHost(buffer, false);
            if (host === failure) return failure;
            if (host === "localhost") host = "";
            url.host = host;
            if (stateOverride) return url;
            buffer = "";
            state = "path start";
          }
        } else {
          buffer += ch;
        }
        break;
      case "path start":
        if (isSpecialScheme(url.scheme)) {
          state = "path";
          if (c !== 0x2f && c !== 0x5c) pointer--;
        } else if (!stateOverride && c === 0x3f) {
          url.query = "";
          state = "query";
        } else if (!stateOverride && c === 0x23) {
          url.fragment = "";
          state = "fragment";
        } else if (c !== undefined) {
          state = "path";
          if (c !== 0x2f) pointer--;
        } else if (stateOverride && url.host === null) {
          url.path.push("");
        }
        break;
      case "path":
        if (c === undefined || c === 0x2f || (isSpecialScheme(url.scheme) && c === 0x5c) || (!stateOverride && (c === 0x3f || c === 0x23))) {
          const slash = c === 0x2f || (isSpecialScheme(url.scheme) && c === 0x5c);
          if (isDoubleDot(buffer)) {
            shortenPath(url);
            if (!slash) url.path.push("");
          } else if (isSingleDot(buffer) && !slash) {
            url.path.push("");
          } else if (!isSingleDot(buffer)) {
            if (url.scheme === "file" && url.path.length === 0 && isWindowsDriveLetter(buffer, false)) {
              buffer = buffer[0] + ":";
            }
            url.path.push(buffer);
          }
          buffer = "";
          if (c === 0x3f) {
            url.query = "";
            state = "query";
          }
          if (c === 0x23) {
            url.fragment = "";
            state = "fragment";
          }
        } else {
          buffer += percentEncodeCodePoint(c, inPathSet);
        }
        break;
      case "opaque path":
        if (c === 0x3f) {
          url.query = "";
          state = "query";
        } else if (c === 0x23) {
          url.fragment = "";
          state = "fragment";
        } else if (c === 0x20) {
          const next = codes[pointer + 1];
          url.path += next === 0x3f || next === 0x23 ? "%20" : " ";
        } else if (c !== undefined) {
          url.path += percentEncodeCodePoint(c, inC0ControlSet);
        }
        break;
      case "query":
        if ((!stateOverride && c === 0x23) || c === undefined) {
          const inSet = isSpecialScheme(url.scheme) ? inSpecialQuerySet : inQuerySet;
          url.query += percentEncodeString(buffer, inSet, false);
          buffer = "";
          if (c === 0x23) {
            url.fragment = "";
            state = "fragment";
          }
        } else if (c !== undefined) {
          buffer += ch;
        }
        break;
      case "fragment":
        if (c !== undefined) url.fragment += percentEncodeCodePoint(c, inFragmentSet);
        break;
    }
  }
  return url;
}

function serializePath(url) {
  if (hasOpaquePath(url)) return url.path;
  return url.path.map((segment) => "/" + segment).join("");
}

function serializeURL(url, excludeFragment) {
  let output = url.scheme + ":";
  if (url.host !== null) {
    output += "//";
    if (includesCredentials(url)) {
      output += url.username;
      if (url.password !== "") output += ":" + url.password;
      output += "@";
    }
    output += url.host;
    if (url.port !== null) output += ":" + url.port;
  }
  if (url.host === null && !hasOpaquePath(url) && url.path.length > 1 && url.path[0] === "") output += "/.";
  output += serializePath(url);
  if (url.query !== null) output += "?" + url.query;
  if (!excludeFragment && url.fragment !== null) output += "#" + url.fragment;
  return output;
}

function parseURLOrThrow(input, base) {
  let baseRecord = null;
  if (base !== undefined) {
    baseRecord = basicParse(toUSVString(base), null);
    if (baseRecord === failure) throw new TypeError(`Invalid base URL: ${String(base)}`);
  }
  const record = basicParse(toUSVString(input), baseRecord);
  if (record === failure) throw new TypeError(`Invalid URL: ${String(input)}`);
  return record;
}

// --- URLSearchParams ---------------------------------------------------------------
function parseFormUrlencoded(input) {
  const pairs = [];
  for (const sequence of input.split("&")) {
    if (sequence === "") continue;
    const index = sequence.indexOf("=");
    const name = index === -1 ? sequence : sequence.slice(0, index);
    const value = index === -1 ? "" : sequence.slice(index + 1);
    const decode = (s) => utf8Decode(percentDecodeString(s.replace(/\+/g, " ")), false);
    pairs.push([decode(name), decode(value)]);
  }
  return pairs;
}

const serializeFormUrlencoded = (pairs) =>
  pairs.map(([name, value]) => percentEncodeString(name, inFormSet, true) + "=" + percentEncodeString(value, inFormSet, true)).join("&");

const urlOfParams = new WeakMap();

class URLSearchParams {
  #list = [];
  constructor(init = "") {
    if (init instanceof URLSearchParams) {
      this.#list = init.#list.map(([name, value]) => [name, value]);
    } else if (init !== null && (typeof init === "object" || typeof init === "function")) {
      if (typeof init[Symbol.iterator] === "function") {
        for (const pair of init) {
          const items = Array.from(pair);
          if (items.length !== 2) throw new TypeError("Each URLSearchParams pair must have exactly two items");
          this.#list.push([toUSVString(items[0]), toUSVString(items[1])]);
        }
      } else {
        for (const key of Reflect.ownKeys(init)) {
          if (typeof key !== "string") continue;
          const descriptor = Reflect.getOwnPropertyDescriptor(init, key);
          if (descriptor && descriptor.enumerable) this.#list.push([toUSVString(key), toUSVString(init[key])]);
        }
      }
    } else {
      let text = toUSVString(init);
      if (text.startsWith("?")) text = text.slice(1);
      this.#list = parseFormUrlencoded(text);
    }
  }
  static _setList(params, list) { params.#list = list; }
  #update() {
    const url = urlOfParams.get(this);
    if (!url) return;
    const serialized = serializeFormUrlencoded(this.#list);
    url.query = serialized === "" ? null : serialized;
  }
  get size() { return this.#list.length; }
  append(name, value) {
    this.#list.push([toUSVString(name), toUSVString(value)]);
    this.#update();
  }
  delete(name, value) {
    name = toUSVString(name);
    if (value === undefined) this.#list = this.#list.filter(([n]) => n !== name);
    else {
      value = toUSVString(value);
      this.#list = this.#list.filter(([n, v]) => n !== name || v !== value);
    }
    this.#update();
  }
  get(name) {
    name = toUSVString(name);
    const pair = this.#list.find(([n]) => n === name);
    return pair ? pair[1] : null;
  }
  getAll(name) {
    name = toUSVString(name);
    return this.#list.filter(([n]) => n === name).map(([, v]) => v);
  }
  has(name, value) {
    name = toUSVString(name);
    if (value === undefined) return this.#list.some(([n]) => n === name);
    value = toUSVString(value);
    return this.#list.some(([n, v]) => n === name && v === value);
  }
  set(name, value) {
    name = toUSVString(name);
    value = toUSVString(value);
    const index = this.#list.findIndex(([n]) => n === name);
    if (index === -1) this.#list.push([name, value]);
    else {
      this.#list[index][1] = value;
      this.#list = this.#list.filter(([n], i) => i <= index || n !== name);
    }
    this.#update();
  }
  sort() {
    // Array.prototype.sort is stable and compares UTF-16 code units, as required.
    this.#list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.#update();
  }
  forEach(callback, thisArg) {
    for (let i = 0; i < this.#list.length; i++) callback.call(thisArg, this.#list[i][1], this.#list[i][0], this);
  }
  *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
  *keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
  *values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return serializeFormUrlencoded(this.#list); }
  get [Symbol.toStringTag]() { return "URLSearchParams"; }
}
const setParamsList = URLSearchParams._setList;
delete URLSearchParams._setList;

// --- URL ---------------------------------------------------------------------------
class URL {
  #url;
  #params;
  constructor(input, base) {
    this.#url = parseURLOrThrow(input, base);
    this.#params = new URLSearchParams(this.#url.query || "");
    urlOfParams.set(this.#params, this.#url);
  }
  static canParse(input, base) {
    try { parseURLOrThrow(input, base); return true; } catch { return false; }
  }
  static parse(input, base) {
    try { return new URL(input, base); } catch { return null; }
  }
  #refreshParams() {
    setParamsList(this.#params, this.#url.query ? parseFormUrlencoded(this.#url.query) : []);
  }
  get href() { return serializeURL(this.#url, false); }
  set href(value) {
    const record = basicParse(toUSVString(value), null);
    if (record === failure) throw new TypeError(`Invalid URL: ${String(value)}`);
    this.#url = record;
    urlOfParams.set(this.#params, this.#url);
    this.#refreshParams();
  }
  get origin() {
    const url = this.#url;
    if (url.scheme === "blob") {
      try { return new URL(serializePath(url)).origin; } catch { return "null"; }
    }
    if (["ftp", "http", "https", "ws", "wss"].includes(url.scheme)) {
      return url.scheme + "://" + url.host + (url.port !== null ? ":" + url.port : "");
    }
    return "null";
  }
  get protocol() { return this.#url.scheme + ":"; }
  set protocol(value) { basicParse(toUSVString(value) + ":", null, this.#url, "scheme start"); }
  get username() { return this.#url.username; }
  set username(value) {
    const url = this.#url;
    if (url.host === null || url.host === "" || url.scheme === "file") return;
    url.username = percentEncodeString(toUSVString(value), inUserinfoSet, false);
  }
  get password() { return this.#url.password; }
  set password(value) {
    const url = this.#url;
    if (url.host === null || url.host === "" || url.scheme === "file") return;
    url.password = percentEncodeString(toUSVString(value), inUserinfoSet, false);
  }
  get host() {
    const url = this.#url;
    if (url.host === null) return "";
    return url.port === null ? url.host : url.host + ":" + url.port;
  }
  set host(value) {
    if (hasOpaquePath(this.#url)) return;
    this.#applyOverride(toUSVString(value), "host");
  }
  get hostname() { return this.#url.host === null ? "" : this.#url.host; }
  set hostname(value) {
    if (hasOpaquePath(this.#url)) return;
    this.#applyOverride(toUSVString(value), "hostname");
  }
  get port() { return this.#url.port === null ? "" : String(this.#url.port); }
  set port(value) {
    const url = this.#url;
    if (url.host === null || url.host === "" || url.scheme === "file") return;
    value = toUSVString(value);
    if (value === "") url.port = null;
    else this.#applyOverride(value, "port");
  }
  get pathname() { return serializePath(this.#url); }
  set pathname(value) {
    if (hasOpaquePath(this.#url)) return;
    const copy = cloneRecord(this.#url);
    copy.path = [];
    const result = basicParse(toUSVString(value), null, copy, "path start");
    if (result !== failure) this.#url.path = copy.path;
  }
  get search() {
    const query = this.#url.query;
    return query === null || query === "" ? "" : "?" + query;
  }
  set search(value) {
    value = toUSVString(value);
    if (value === "") {
      this.#url.query = null;
      setParamsList(this.#params, []);
      return;
    }
    const input = value.startsWith("?") ? value.slice(1) : value;
    const copy = cloneRecord(this.#url);
    copy.query = "";
    basicParse(input, null, copy, "query");
    this.#url.query = copy.query;
    this.#refreshParams();
  }
  get searchParams() { return this.#params; }
  get hash() {
    const fragment = this.#url.fragment;
    return fragment === null || fragment === "" ? "" : "#" + fragment;
  }
  set hash(value) {
    value = toUSVString(value);
    if (value === "") {
      this.#url.fragment = null;
      return;
    }
    const input = value.startsWith("#") ? value.slice(1) : value;
    const copy = cloneRecord(this.#url);
    copy.fragment = "";
    basicParse(input, null, copy, "fragment");
    this.#url.fragment = copy.fragment;
  }
  #applyOverride(input, stateOverride) {
    const copy = cloneRecord(this.#url);
    const result = basicParse(input, null, copy, stateOverride);
    if (result === failure) return;
    Object.assign(this.#url, copy);
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return "URL"; }
}
return { URL, URLSearchParams };
}
