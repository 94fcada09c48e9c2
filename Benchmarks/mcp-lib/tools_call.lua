-- wrk script: the same stateless MCP 2026-07-28 `tools/call add {a: 2, b: 3}` POST for every server.
-- Targets: BENCH_TARGETS = a file of "path token" lines (a random line per request), or
-- BENCH_PATH + BENCH_TOKEN for one endpoint (the request is then built once per thread).
-- Every response is checked: HTTP 200 and a successful tool result whose sum is 5
-- (ours answers 5, FastMCP 5.0). done() prints one machine-readable RESULT line.

local body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add","arguments":{"a":2,"b":3},'
  .. '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}'

local function headers(token)
  return {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["MCP-Protocol-Version"] = "2026-07-28",
    ["Mcp-Method"] = "tools/call",
    ["Mcp-Name"] = "add",
    ["Authorization"] = "Bearer " .. token,
  }
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

local prepared = {}
local single = nil
ok, not200, wrong = 0, 0, 0
first_bad = ""

function init(args)
  local file = os.getenv("BENCH_TARGETS")
  if file and file ~= "" then
    for line in io.lines(file) do
      local path, token = line:match("^(%S+)%s+(%S+)$")
      if path then prepared[#prepared + 1] = wrk.format("POST", path, headers(token), body) end
    end
    math.randomseed(os.time() * 1000 + (thread_number or 0))
  else
    single = wrk.format("POST", os.getenv("BENCH_PATH"), headers(os.getenv("BENCH_TOKEN") or "bmm_unused"), body)
  end
end

function request()
  if single then return single end
  return prepared[math.random(#prepared)]
end

-- BENCH_RATE (calls/s over all BENCH_CONNECTIONS connections) paces the load below saturation: each
-- connection waits a random, exponentially distributed time between a response and its next request, so
-- latencies measure a call's own time rather than the queue that a saturating closed loop builds.
local rate, connections = tonumber(os.getenv("BENCH_RATE") or ""), tonumber(os.getenv("BENCH_CONNECTIONS") or "")
if rate and connections then
  local mean_ms = connections * 1000 / rate
  function delay()
    return math.floor(-math.log(1 - math.random()) * mean_ms)
  end
end

function response(status, _, text)
  if status ~= 200 then
    not200 = not200 + 1
    if first_bad == "" then first_bad = status .. " " .. text:sub(1, 300) end
  elseif text:find('"isError":false', 1, true) and text:find('"sum":5', 1, true) then
    ok = ok + 1
  else
    wrong = wrong + 1
    if first_bad == "" then first_bad = status .. " " .. text:sub(1, 300) end
  end
end

function done(summary, latency, requests)
  local good, bad_status, bad_body, example = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    good = good + thread:get("ok")
    bad_status = bad_status + thread:get("not200")
    bad_body = bad_body + thread:get("wrong")
    if example == "" then example = thread:get("first_bad") end
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d ok=%d not200=%d wrong_body=%d socket_errors=%d timeouts=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, good, bad_status, bad_body,
    errors.connect + errors.read + errors.write, errors.timeout))
  if example ~= "" then io.write("FIRST_BAD " .. example:gsub("\n", " ") .. "\n") end
end
