// A small recursive-descent parser: the expression is arithmetic only, never run as code.
async function calculate(args, ctx) {
const text = args.expression;
let at = 0;
const fail = (message) => { throw new Error(`${message} (at character ${at + 1} of "${text}")`); };
const skip = () => { while (at < text.length && /\s/.test(text[at])) at++; };
const peek = () => { skip(); return text[at]; };
const take = (symbol) => { if (peek() === symbol) { at++; return true; } return false; };

function number() {
  skip();
  const match = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(text.slice(at));
  if (!match) fail(at >= text.length ? "The expression ends too early" : `Expected a number, not "${text[at]}"`);
  at += match[0].length;
  return Number(match[0]);
}
function primary() {
  if (take("(")) {
    const value = sum();
    if (!take(")")) fail("A closing parenthesis is missing");
    return value;
  }
  if (take("-")) return -primary();
  if (take("+")) return primary();
  return number();
}
function power() {
  const base = primary();
  return take("^") ? Math.pow(base, unary()) : base;
}
function unary() {
  if (take("-")) return -unary();
  if (take("+")) return unary();
  return power();
}
function product() {
  let value = unary();
  for (;;) {
    if (take("*")) value *= unary();
    else if (take("/")) {
      const divisor = unary();
      if (divisor === 0) fail("Division by zero");
      value /= divisor;
    } else if (take("%")) value %= unary();
    else return value;
  }
}
function sum() {
  let value = product();
  for (;;) {
    if (take("+")) value += product();
    else if (take("-")) value -= product();
    else return value;
  }
}

const result = sum();
if (peek() !== undefined) fail(`Unexpected "${peek()}"`);
if (!Number.isFinite(result)) fail("The result is too large");
return { expression: text, result: Number(result.toPrecision(15)) };
}
