-- wrk script: GET the paths listed in a file (one per line), in turn, with an optional bearer token.
-- A line "POST <path> <JSON body without spaces>" is sent as a POST of that JSON body instead.
--   BENCH_TOKEN=... wrk -t1 -c32 -d10s -s bench/wrk/paths.lua http://127.0.0.1:8000 -- paths.txt
-- Each thread starts at a different line, so connections do not ask for the same row together.
-- done() prints one JSON line that bench/load.py reads.

local paths = {}
local posts = {}
local position = 0
local headers = {}
local json_headers = {}

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      local path, body = line:match("^POST (%S+) (.+)$")
      if path then
        paths[#paths + 1] = path
        posts[#paths] = body
      else
        paths[#paths + 1] = line
      end
    end
  end
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  for name, value in pairs(headers) do json_headers[name] = value end
  json_headers["Content-Type"] = "application/json"
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  position = math.random(#paths)
end

function request()
  position = position % #paths + 1
  local body = posts[position]
  if body then return wrk.format("POST", paths[position], json_headers, body) end
  return wrk.format("GET", paths[position], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
