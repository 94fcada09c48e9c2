// The sandbox runtime, evaluated into every new realm before a tool runs in it: one function
// taking the host object and returning `{ start, isWholeBody }`. The worker puts each
// file named by an `// @include` line in place of that line (see README.md), so all the
// pieces share this strict-mode scope and nothing but the globals they define is
// visible to tools.
(function (host) {
"use strict";
// @include encoding.js

// URL and URLSearchParams are the largest part of the runtime and most tools never
// touch them, so their code runs (and is linked into the fresh context) only on first use.
let urlModule;
const loadURLModule = () => urlModule ??= makeURLModule();
// @include url.js

// The tool-facing runtime: globals, ctx and the driver the host calls. Built-ins used
// after user code starts are captured first, so a tool that patches prototypes only
// breaks its own realm (its server version's calls), never how results or errors are reported.
const { apply } = Reflect;
const { defineProperty, freeze, keys: objectKeys } = Object;
const promiseThen = Promise.prototype.then;
const functionToString = Function.prototype.toString;
const stringify = JSON.stringify;
const numberIsFinite = Number.isFinite;
const parseJSON = JSON.parse;
const NativeError = Error;
const NativeTypeError = TypeError;
const NativeUint8Array = Uint8Array;
const arrayFrom = Array.from;
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const weakSetAdd = WeakSet.prototype.add;
const weakSetHas = WeakSet.prototype.has;

function describe(value) {
  if (typeof value === "string") return value;
  if (value instanceof NativeError) return value.message ? `${value.name}: ${value.message}` : String(value.name);
  if (typeof value === "function") return `[Function${value.name ? ": " + value.name : ""}]`;
  if (typeof value === "symbol" || typeof value === "bigint") return typeof value === "bigint" ? `${value}n` : value.toString();
  if (typeof value === "object" && value !== null) {
    try {
      const json = stringify(value);
      if (json !== undefined) return json;
    } catch {}
    try { return String(value); } catch { return "[object]"; }
  }
  return String(value);
}

function logLine(prefix, values) {
  let line = prefix;
  for (let i = 0; i < values.length; i++) line += (i > 0 ? " " : "") + describe(values[i]);
  host.log(line);
}

const counts = new Map();
const timers = new Map();
const consoleObject = freeze({
  log: (...values) => logLine("", values),
  info: (...values) => logLine("", values),
  debug: (...values) => logLine("", values),
  trace: (...values) => logLine("", values),
  dir: (value) => logLine("", [value]),
  table: (value) => logLine("", [value]),
  warn: (...values) => logLine("[warn] ", values),
  error: (...values) => logLine("[error] ", values),
  assert: (condition, ...values) => {
    if (!condition) logLine("[error] Assertion failed" + (values.length ? ": " : ""), values);
  },
  count: (label = "default") => {
    const next = (counts.get(String(label)) || 0) + 1;
    counts.set(String(label), next);
    logLine("", [`${label}: ${next}`]);
  },
  countReset: (label = "default") => { counts.delete(String(label)); },
  time: (label = "default") => { timers.set(String(label), Date.now()); },
  timeLog: (label = "default", ...values) => {
    const start = timers.get(String(label));
    if (start !== undefined) logLine("", [`${label}: ${Date.now() - start}ms`, ...values]);
  },
  timeEnd: (label = "default") => {
    const start = timers.get(String(label));
    timers.delete(String(label));
    if (start !== undefined) logLine("", [`${label}: ${Date.now() - start}ms`]);
  },
  group: (...values) => { if (values.length) logLine("", values); },
  groupCollapsed: (...values) => { if (values.length) logLine("", values); },
  groupEnd: () => {},
});

function randomBytesInto(view) {
  const target = new NativeUint8Array(view.buffer, view.byteOffset, view.byteLength);
  target.set(host.randomBytes(target.length));
}

const cryptoObject = freeze({
  randomUUID() {
    const bytes = host.randomBytes(16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hexDigits = "";
    for (let i = 0; i < 16; i++) hexDigits += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return `${hexDigits.slice(0, 8)}-${hexDigits.slice(8, 12)}-${hexDigits.slice(12, 16)}-${hexDigits.slice(16, 20)}-${hexDigits.slice(20)}`;
  },
  getRandomValues(array) {
    const integerArray = array instanceof Int8Array || array instanceof Uint8Array || array instanceof Uint8ClampedArray ||
      array instanceof Int16Array || array instanceof Uint16Array || array instanceof Int32Array ||
      array instanceof Uint32Array || array instanceof BigInt64Array || array instanceof BigUint64Array;
    if (!integerArray) throw new NativeTypeError("crypto.getRandomValues expects an integer typed array");
    if (array.byteLength > 65536) throw new RangeError("crypto.getRandomValues can fill at most 65536 bytes at a time");
    randomBytesInto(array);
    return array;
  },
});

const define = (name, value) => defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
delete globalThis.WebAssembly;
define("console", consoleObject);
// Accessors until first read (see loadURLModule above); assigning replaces them like a plain global.
const defineLazy = (name, load) => defineProperty(globalThis, name, {
  configurable: true,
  enumerable: false,
  get() { const value = load(); define(name, value); return value; },
  set(value) { define(name, value); },
});
defineLazy("URL", () => loadURLModule().URL);
defineLazy("URLSearchParams", () => loadURLModule().URLSearchParams);
define("TextEncoder", TextEncoder);
define("TextDecoder", TextDecoder);
define("crypto", cryptoObject);

// --- ctx.fetch ---------------------------------------------------------------------
const headerNamePattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function requestHeaders(headers) {
  if (headers === undefined || headers === null) return [];
  if (typeof headers !== "object") throw new NativeTypeError("ctx.fetch: init.headers must be an object mapping header names to values");
  const pairs = typeof headers[Symbol.iterator] === "function"
    ? arrayFrom(headers, (pair) => arrayFrom(pair))
    : objectKeys(headers).map((name) => [name, headers[name]]);
  return pairs.map((pair) => {
    if (pair.length !== 2) throw new NativeTypeError("ctx.fetch: each header must be a [name, value] pair");
    const name = String(pair[0]);
    const value = String(pair[1]).trim();
    if (!headerNamePattern.test(name)) throw new NativeTypeError(`ctx.fetch: invalid header name "${name}"`);
    if (/[\0\r\n]/.test(value)) throw new NativeTypeError(`ctx.fetch: the value of header "${name}" contains a line break`);
    return [name, value];
  });
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function base64(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += base64Alphabet[(n >> 18) & 63] + base64Alphabet[(n >> 12) & 63] +
      (i + 1 < bytes.length ? base64Alphabet[(n >> 6) & 63] : "=") + (i + 2 < bytes.length ? base64Alphabet[n & 63] : "=");
  }
  return out;
}

// btoa and atob as browsers have them, for HTTP Basic auth and APIs that want base64: a "binary
// string" holds one byte per character (code points 0 to 255). Text goes through TextEncoder first.
function invalidCharacter(message) {
  const error = new NativeError(message);
  error.name = "InvalidCharacterError";
  return error;
}

function btoa(data) {
  if (arguments.length === 0) throw new NativeTypeError("btoa: 1 argument required");
  const text = `${data}`;
  const bytes = new NativeUint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) {
      throw invalidCharacter("btoa: the string has a character above U+00FF; encode text first: " +
        "btoa(String.fromCharCode(...new TextEncoder().encode(text)))");
    }
    bytes[i] = code;
  }
  return base64(bytes);
}

function atob(data) {
  if (arguments.length === 0) throw new NativeTypeError("atob: 1 argument required");
  let text = `${data}`.replace(/[\t\n\f\r ]/g, "");
  if (text.length % 4 === 0) text = text.replace(/==?$/, "");
  if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) throw invalidCharacter("atob: the string is not valid base64");
  let out = "";
  let bits = 0;
  let buffer = 0;
  for (let i = 0; i < text.length; i++) {
    buffer = (buffer << 6) | base64Alphabet.indexOf(text[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((buffer >> bits) & 0xff);
    }
  }
  return out;
}
define("btoa", btoa);
define("atob", atob);

function requestBody(body, headers) {
  if (body === undefined || body === null) return { body: null };
  if (typeof body === "string") return { body, encoding: "utf8" };
  if (body instanceof loadURLModule().URLSearchParams) {
    if (!headers.some(([name]) => name.toLowerCase() === "content-type")) {
      headers.push(["Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"]);
    }
    return { body: body.toString(), encoding: "utf8" };
  }
  if (body instanceof ArrayBuffer || isView(body)) {
    const bytes = body instanceof ArrayBuffer ? new NativeUint8Array(body) : new NativeUint8Array(body.buffer, body.byteOffset, body.byteLength);
    return { body: base64(bytes), encoding: "base64" };
  }
  throw new NativeTypeError("ctx.fetch: init.body must be a string (use JSON.stringify for JSON), URLSearchParams or bytes");
}

function makeHeaders(list) {
  const lowered = list.map(([name, value]) => [String(name).toLowerCase(), String(value)]);
  const valuesOf = (name) => {
    const wanted = String(name).toLowerCase();
    return lowered.filter(([key]) => key === wanted).map(([, value]) => value);
  };
  return freeze({
    get(name) {
      const values = valuesOf(name);
      return values.length ? values.join(", ") : null;
    },
    has(name) { return valuesOf(name).length > 0; },
    forEach(callback, thisArg) { for (const [name, value] of lowered) callback.call(thisArg, value, name, this); },
    *entries() { for (const [name, value] of lowered) yield [name, value]; },
    *keys() { for (const [name] of lowered) yield name; },
    *values() { for (const [, value] of lowered) yield value; },
    [Symbol.iterator]() { return this.entries(); },
  });
}

function makeResponse(raw) {
  const body = String(raw.body);
  const status = Number(raw.status);
  return freeze({
    status,
    ok: status >= 200 && status <= 299,
    statusText: String(raw.statusText),
    url: String(raw.url),
    redirected: raw.redirected === true,
    headers: makeHeaders(raw.headers),
    async text() { return body; },
    async json() {
      try {
        return parseJSON(body);
      } catch (error) {
        throw new SyntaxError(`The response body is not valid JSON: ${error.message}`);
      }
    },
  });
}

async function fetch(input, init) {
  if (input === undefined) throw new NativeTypeError("ctx.fetch needs a URL");
  const { URL: URLClass } = loadURLModule();
  const text = input instanceof URLClass ? input.href : String(input);
  let url;
  try {
    url = new URLClass(text);
  } catch {
    throw new NativeTypeError(`ctx.fetch: "${text}" is not an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new NativeTypeError(`ctx.fetch only supports http and https URLs, not ${url.protocol}`);
  }
  const options = init === undefined || init === null ? {} : init;
  if (typeof options !== "object") throw new NativeTypeError("ctx.fetch: init must be an object");
  const method = options.method === undefined ? "GET" : String(options.method).toUpperCase();
  if (!headerNamePattern.test(method)) throw new NativeTypeError(`ctx.fetch: invalid method "${method}"`);
  const headers = requestHeaders(options.headers);
  const { body, encoding } = requestBody(options.body, headers);
  if (body !== null && (method === "GET" || method === "HEAD")) {
    throw new NativeTypeError(`ctx.fetch: a ${method} request cannot have a body`);
  }
  const redirect = options.redirect === undefined ? "follow" : String(options.redirect);
  if (redirect !== "follow" && redirect !== "error" && redirect !== "manual") {
    throw new NativeTypeError(`ctx.fetch: redirect must be "follow", "error" or "manual", not "${redirect}"`);
  }
  const request = { url: url.href, method, headers, body, bodyEncoding: encoding ?? null, redirect };
  const raw = await host.fetch(stringify(request));
  return makeResponse(raw);
}

// --- ctx.content ---------------------------------------------------------------------
// Items are remembered here rather than recognised by shape, so a tool returning data
// that happens to look like `{type: "image"}` still gets it back as JSON. The host
// checks every item (base64, media types, URIs) before a client sees it.
const contentItems = new WeakSet();

function contentItem(fields) {
  const item = freeze(fields);
  apply(weakSetAdd, contentItems, [item]);
  return item;
}

function binaryData(call, data) {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return base64(new NativeUint8Array(data));
  if (isView(data)) return base64(new NativeUint8Array(data.buffer, data.byteOffset, data.byteLength));
  throw new NativeTypeError(`${call}: data must be a base64 string or bytes`);
}

const contentObject = freeze({
  text: (text) => contentItem({ type: "text", text: String(text) }),
  image: (data, mimeType) => contentItem({ type: "image", data: binaryData("ctx.content.image", data), mimeType: String(mimeType) }),
  audio: (data, mimeType) => contentItem({ type: "audio", data: binaryData("ctx.content.audio", data), mimeType: String(mimeType) }),
  resourceLink(uri, name, options) {
    const link = { type: "resource_link", uri: String(uri), name: String(name) };
    if (options !== undefined && options !== null) {
      for (const key of ["title", "description", "mimeType"]) {
        if (options[key] !== undefined) link[key] = String(options[key]);
      }
    }
    return contentItem(link);
  },
});

const isContentItem = (value) => apply(weakSetHas, contentItems, [value]);

// The items to send when the tool returned one or an array holding at least one, else
// null. The other elements of a mixed array become text items here, where it is known
// which objects are items: data shaped like `{type: "car"}` must stay data.
function returnedContent(value) {
  if (isContentItem(value)) return [value];
  if (!isArray(value)) return null;
  let mixed = false;
  for (let i = 0; i < value.length && !mixed; i++) mixed = isContentItem(value[i]);
  if (!mixed) return null;
  const items = [];
  for (let i = 0; i < value.length; i++) {
    const element = value[i];
    if (element === undefined || element === null) continue;
    const text = typeof element === "string" || isContentItem(element) ? element : stringify(element);
    if (text !== undefined) items[items.length] = isContentItem(text) ? text : { type: "text", text: String(text) };
  }
  return items;
}

// --- The driver --------------------------------------------------------------------
const programmerErrors = [TypeError, ReferenceError, RangeError, SyntaxError, URIError, EvalError];

function describeThrown(error, implementationURL) {
  try {
    if (error instanceof NativeError) {
      const name = String(error.name ?? "Error");
      const message = String(error.message ?? "");
      let text = name === "Error" ? message || "Error" : message ? `${name}: ${message}` : name;
      const isProgrammerError = programmerErrors.some((type) => error instanceof type);
      if (isProgrammerError && error.sourceURL === implementationURL && typeof error.line === "number") {
        text += ` (line ${Math.max(1, error.line - 1)})`;
      }
      return text;
    }
    if (typeof error === "string") return error;
    if (error === undefined) return "The tool threw undefined";
    let json;
    try { json = stringify(error); } catch {}
    return "The tool threw a non-Error value: " + (json !== undefined ? json : String(error));
  } catch {
    return "The tool threw a value that could not be described";
  }
}

// --- ctx.progress ------------------------------------------------------------------
// ctx.progress(done, total?, message?): reported to the MCP client as notifications/progress
// when it asked for progress; otherwise nothing happens. `done` should grow with each call.
function progress(done, total, message) {
  if (typeof done !== "number" || !numberIsFinite(done) || done < 0) {
    throw new NativeTypeError("ctx.progress: the first argument must be a finite number of at least 0");
  }
  if (total !== undefined && (typeof total !== "number" || !numberIsFinite(total) || total < 0)) {
    throw new NativeTypeError("ctx.progress: total must be a finite number of at least 0, or left out");
  }
  if (message !== undefined && typeof message !== "string") {
    throw new NativeTypeError("ctx.progress: message must be a string, or left out");
  }
  const update = { progress: done };
  if (total !== undefined) update.total = total;
  // A cut message ends with "…" at 500 units: the parent then redacts a secret the cut went through.
  if (message !== undefined) update.message = message.length > 500 ? message.slice(0, 499) + "…" : message;
  host.progress(stringify(update));
}

return freeze({
  isWholeBody(fn, wrapperSource) {
    return typeof fn === "function" && apply(functionToString, fn, []) === wrapperSource.slice(1, -1);
  },
  start(fn, args, secrets, implementationURL) {
    // A ctx works only during its own call: one kept in module state (which a warm realm keeps for
    // the server's next calls) must not fetch, log or report progress into a later call's answer.
    let live = true;
    const ended = (name) => {
      throw new NativeTypeError("ctx." + name + ": this ctx belongs to a call that has ended; use the ctx passed to the current call");
    };
    const settle = (ok, value, isContent) => {
      live = false;
      host.settle(ok, value, isContent);
    };
    const ctx = freeze({
      content: contentObject,
      fetch: (...parameters) => (live ? apply(fetch, undefined, parameters) : ended("fetch")),
      log: (...values) => (live ? logLine("", values) : ended("log")),
      progress: (...parameters) => (live ? apply(progress, undefined, parameters) : ended("progress")),
      secrets: freeze({ ...secrets }),
    });
    let promise;
    try {
      promise = fn(args, ctx);
    } catch (error) {
      settle(false, describeThrown(error, implementationURL));
      return;
    }
    apply(promiseThen, promise, [
      (value) => {
        let items;
        try {
          items = returnedContent(value);
        } catch (error) {
          settle(false, describeThrown(error, implementationURL));
          return;
        }
        if (items === null) settle(true, value); else settle(true, items, true);
      },
      (error) => { settle(false, describeThrown(error, implementationURL)); },
    ]);
  },
});
})
