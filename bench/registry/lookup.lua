-- Lookups for bench/registry-wrk.sh: GET /api/v1/certificates?sha256=HEX,
-- cycling through HASHES (the sha256 of certified subjects and of files no
-- certificate names, mixed by the script). Public: no token.
-- wrk -t T -c C -d D -s lookup.lua URL -- HASHES
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = "/api/v1/certificates?sha256=" .. line
  end
  i = (id * 7919) % #paths -- threads start at different places in the list
  ok, valid, other, sample = 0, 0, 0, ""
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, hdrs, body)
  if status == 200 then
    ok = ok + 1
    if string.find(body, '"status"%s*:%s*"VALID"') then valid = valid + 1 end
  else
    other = other + 1
    if sample == "" then sample = status .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local o, n, v = 0, 0, 0
  for _, t in ipairs(threads) do
    n, o, v = n + t:get("ok"), o + t:get("other"), v + t:get("valid")
    local s = t:get("sample")
    if s ~= "" then io.write("unexpected answer: ", s, "\n") end
  end
  local secs = summary.duration / 1e6
  io.write(string.format("lookups: %d answered 200 (%d naming a VALID certificate), %d other in %.1f s\n",
                         n, v, o, secs))
  io.write(string.format("RESULT lookup req/s=%.0f p50=%.2fms p99=%.2fms max=%.2fms\n",
                         summary.requests / secs, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000, latency.max / 1000))
end
