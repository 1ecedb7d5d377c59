-- Signed submits for bench/registry-wrk.sh: POST /api/v1/certificates with a
-- lab token, each pre-signed certificate (gencerts.py) exactly once.
-- wrk -t T -c C -d D -s submit.lua URL -- BODIES TOKEN T
-- Thread k of T sends lines k+1, k+1+T, ... of BODIES; when its share is used
-- up it stops itself (its last request is a repeat, answered 409 and counted).
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, token, nthreads = args[1], args[2], tonumber(args[3])
  mine, i = {}, 0
  created, dup, other, sample = 0, 0, 0, ""
  local n = 0
  for line in io.lines(path) do
    if n % nthreads == id then mine[#mine + 1] = line end
    n = n + 1
  end
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

function request()
  i = i + 1
  if i > #mine then
    i = #mine
    wrk.thread:stop()
  end
  return wrk.format("POST", "/api/v1/certificates", headers, mine[i])
end

function response(status, hdrs, body)
  if status == 201 then created = created + 1
  elseif status == 409 then dup = dup + 1
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local c, d, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c, d, o = c + t:get("created"), d + t:get("dup"), o + t:get("other")
    local s = t:get("sample")
    if s ~= "" then io.write("unexpected answer: ", s, "\n") end
  end
  local secs = summary.duration / 1e6
  io.write(string.format("submits: %d created (201), %d repeated (409), %d other in %.1f s\n",
                         c, d, o, secs))
  io.write(string.format("RESULT submit created/s=%.0f p50=%.2fms p99=%.2fms max=%.2fms\n",
                         c / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         latency.max / 1000))
end
