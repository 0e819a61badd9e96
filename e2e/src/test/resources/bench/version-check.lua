-- wrk script for VersionBench: counts answers by status per thread and prints one RESULT line
-- (the request headers come from wrk's -H options).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  c304 = 0
  c200 = 0
  cother = 0
end

function response(status, headers, body)
  if status == 304 then
    c304 = c304 + 1
  elseif status == 200 then
    c200 = c200 + 1
  else
    cother = cother + 1
  end
end

function done(summary, latency, requests)
  local n304, n200, nother = 0, 0, 0
  for _, t in ipairs(threads) do
    n304 = n304 + t:get("c304")
    n200 = n200 + t:get("c200")
    nother = nother + t:get("cother")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d s304=%d s200=%d sother=%d errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, n304, n200, nother,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
