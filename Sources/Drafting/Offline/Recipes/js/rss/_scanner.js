// Defines `elements(source, name, max)` (each with `attributes`, `inner` and the
// position `at` of its attributes), `attributesOf(text)`, `decode(text)` and
// `clean(raw, max)`, shared by both feed tools.
async function _scanner(args, ctx) {
const named = new Map([
  ["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", "\""], ["apos", "'"], ["nbsp", " "], ["ndash", "–"],
  ["mdash", "—"], ["hellip", "…"], ["lsquo", "‘"], ["rsquo", "’"], ["ldquo", "“"], ["rdquo", "”"]
]);
const decode = (text) => text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body) => {
  if (body[0] === "#") {
    const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  return named.get(body) ?? entity;
});

// Every <name …>…</name> (or <name …/>) in order, found by plain string scanning.
const elements = (source, name, max = Infinity) => {
  const found = [];
  let from = 0;
  while (found.length < max) {
    const start = source.indexOf(`<${name}`, from);
    if (start < 0) {
      break;
    }
    const afterName = start + name.length + 1;
    const next = source[afterName];
    if (next !== ">" && next !== "/" && next !== " " && next !== "\n" && next !== "\r" && next !== "\t") {
      from = afterName;
      continue;
    }
    const openEnd = source.indexOf(">", afterName);
    if (openEnd < 0) {
      break;
    }
    const attributes = source.slice(afterName, openEnd);
    if (source[openEnd - 1] === "/") {
      found.push({ attributes, inner: "", at: afterName });
      from = openEnd + 1;
      continue;
    }
    const close = source.indexOf(`</${name}>`, openEnd + 1);
    if (close < 0) {
      found.push({ attributes, inner: "", at: afterName });
      from = openEnd + 1;
      continue;
    }
    found.push({ attributes, inner: source.slice(openEnd + 1, close), at: afterName });
    from = close + name.length + 3;
  }
  return found;
};

// Attributes of a tag as a Map (name → decoded value); quoted or bare values.
const attributesOf = (text) => {
  const result = new Map();
  let i = 0;
  const isSpace = (character) => character === " " || character === "\n" || character === "\r" || character === "\t";
  while (i < text.length) {
    while (i < text.length && (isSpace(text[i]) || text[i] === "/")) {
      i += 1;
    }
    let name = "";
    while (i < text.length && !isSpace(text[i]) && text[i] !== "=" && text[i] !== "/" && text[i] !== ">") {
      name += text[i];
      i += 1;
    }
    if (!name) {
      i += 1;
      continue;
    }
    while (i < text.length && isSpace(text[i])) {
      i += 1;
    }
    let value = "";
    if (text[i] === "=") {
      i += 1;
      while (i < text.length && isSpace(text[i])) {
        i += 1;
      }
      const quote = text[i];
      if (quote === "\"" || quote === "'") {
        const end = text.indexOf(quote, i + 1);
        value = text.slice(i + 1, end < 0 ? text.length : end);
        i = end < 0 ? text.length : end + 1;
      } else {
        while (i < text.length && !isSpace(text[i]) && text[i] !== ">") {
          value += text[i];
          i += 1;
        }
      }
    }
    result.set(name.toLowerCase(), decode(value));
  }
  return result;
};

// Text of an element: CDATA unwrapped, entities decoded, markup removed, spaces collapsed.
const clean = (raw, max) => {
  let unwrapped = "";
  let rest = raw;
  while (rest) {
    const start = rest.indexOf("<![CDATA[");
    if (start < 0) {
      unwrapped += decode(rest);
      break;
    }
    unwrapped += decode(rest.slice(0, start));
    const end = rest.indexOf("]]>", start + 9);
    unwrapped += rest.slice(start + 9, end < 0 ? rest.length : end);
    rest = end < 0 ? "" : rest.slice(end + 3);
  }
  let text = "";
  for (let i = 0; i < unwrapped.length; i += 1) {
    const next = unwrapped[i + 1] ?? "";
    if (unwrapped[i] === "<" && (next === "/" || next === "!" || (next >= "a" && next <= "z") || (next >= "A" && next <= "Z"))) {
      const end = unwrapped.indexOf(">", i);
      if (end < 0) {
        break;
      }
      text += " ";
      i = end;
    } else {
      text += unwrapped[i];
    }
  }
  text = decode(text).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};
}
