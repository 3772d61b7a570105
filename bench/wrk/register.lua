-- wrk script: POST /api/v1/applications with a different family each time (intake officer token).
--   BENCH_TOKEN=... wrk -t1 -c16 -d20s -s bench/wrk/register.lua http://127.0.0.1:8000
-- done() prints one JSON line with the number of 201 answers and of every other status.

local given = {"María José", "João", "Ángela", "Luis Alberto", "Conceição", "Nicolás", "Inés", "Sebastião"}
local family = {"Pérez Gómez", "da Silva Araújo", "Núñez Ortiz", "Gonçalves Simões", "Quispe Ñahui", "Suárez Peña"}
local countries = {"VE", "CO", "BR", "EC", "HT"}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  created, other = 0, 0
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
end

function request()
  local body = string.format(
    '{"route": "application", "applicant": {"given_names": "%s", "family_names": "%s", "sex": "F", ' ..
    '"date_of_birth": "19%02d-%02d-%02d", "place_of_birth": {"country": "%s"}, "languages": ["es"]}, ' ..
    '"dependants": [{"given_names": "Sofía", "family_names": "%s", "sex": "F", "date_of_birth": "2019-05-0%d", ' ..
    '"place_of_birth": {"country": "PE", "locality": "Lima"}, "relationship": "child"}]}',
    given[math.random(#given)], family[math.random(#family)], math.random(50, 99), math.random(1, 12),
    math.random(1, 28), countries[math.random(#countries)], family[math.random(#family)], math.random(1, 9))
  return wrk.format("POST", "/api/v1/applications", headers, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local total_created, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_created = total_created + thread:get("created")
    total_other = total_other + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "created": %d, "other_status": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, total_created, total_other, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
