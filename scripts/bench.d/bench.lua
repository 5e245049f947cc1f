-- The telnyx-lua side of scripts/bench. Run as:
--   TELNYX_BASE_URL=http://127.0.0.1:PORT/v2 TELNYX_API_KEY=x telnyx-lua bench.lua CASE ARGS...
-- Each case times its own work (not the process start) and prints one JSON line of results.
-- bench.py is the same program for the official Python SDK.
local now = require("telnyx.runtime.api").now  -- the host's monotonic clock, in seconds

-- Peak resident memory of this process so far, in kB (VmHWM).
local function peak_rss_kb()
  local f = assert(io.open("/proc/self/status"))
  local kb = f:read("a"):match("VmHWM:%s*(%d+)")
  f:close()
  return tonumber(kb)
end

local function report(t)
  t.peak_rss_kb = peak_rss_kb()
  print(telnyx.json.encode(t))
end

-- The ids of the first `count` seeded phone numbers (not timed).
local function phone_number_ids(count)
  local ids = {}
  for i, n in ipairs(telnyx.phone_numbers.list{page = {size = 250}}:take(count)) do ids[i] = n.id end
  return ids
end

local cases = {}

-- sequential N: N retrieves, one at a time.
function cases.sequential(n)
  local ids = phone_number_ids(250)
  local t0 = now()
  for i = 1, n do
    local r = telnyx.phone_numbers.retrieve(ids[(i - 1) % #ids + 1])
    assert(r.data.id)
  end
  local seconds = now() - t0
  report{calls = n, seconds = seconds, per_second = n / seconds}
end

-- paginate LIMIT: walks the phone numbers at page size 250, counting (LIMIT 0: all of them).
function cases.paginate(limit)
  local count, t0 = 0, now()
  for _ in telnyx.phone_numbers.list{page = {size = 250}} do
    count = count + 1
    if count == limit then break end
  end
  local seconds = now() - t0
  report{items = count, seconds = seconds, per_second = count / seconds}
end

-- concurrent N CONCURRENCY: N retrieves through telnyx.map, at most CONCURRENCY in flight
-- (the ids of one page, over and over); every result must be ok. Each call keeps what a bulk
-- job keeps (the record's id), not the whole record, so that memory measures the machinery
-- rather than 20,000 records held on purpose; bench.py does the same. (nginx answers every id
-- with the one recorded record, so the id is checked to be there, not to match.)
function cases.concurrent(n, concurrency)
  local ids = phone_number_ids(250)
  local list = {}
  for i = 1, n do list[i] = ids[(i - 1) % #ids + 1] end
  local t0 = now()
  local results = telnyx.map(list, function(id)
    return telnyx.phone_numbers.retrieve(id).data.id
  end, {concurrency = concurrency})
  local seconds = now() - t0
  assert(#results == n, "telnyx.map returned " .. #results .. " results for " .. n .. " items")
  for _, r in ipairs(results) do
    if not r.ok then error(tostring(r.error)) end
    assert(type(r.value) == "string")
  end
  report{calls = n, seconds = seconds, per_second = n / seconds}
end

-- bulk N CONCURRENCY: N updates, at most CONCURRENCY in flight.
function cases.bulk(n, concurrency)
  local ids = phone_number_ids(math.min(n, 1000))
  local list = {}
  for i = 1, n do list[i] = ids[(i - 1) % #ids + 1] end
  local t0 = now()
  local results = telnyx.map(list, function(id)
    return telnyx.phone_numbers.update(id, {tags = {"bench"}})
  end, {concurrency = concurrency})
  local seconds = now() - t0
  for _, r in ipairs(results) do
    if not r.ok then error(tostring(r.error)) end
  end
  report{calls = n, seconds = seconds, per_second = n / seconds}
end

-- json FILE ITERATIONS: decodes the file's JSON into Lua tables, ITERATIONS times.
function cases.json(path, iterations)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  local t0 = now()
  for _ = 1, iterations do
    local value = telnyx.json.decode(text)
    assert(#value.data > 0)
  end
  local seconds = now() - t0
  local mb = #text * iterations / 1e6
  report{megabytes = mb, seconds = seconds, per_second = mb / seconds}
end

local name = arg[1]
local fn = cases[name] or error("unknown case " .. tostring(name))
local args = {}
for i = 2, #arg do args[#args + 1] = math.tointeger(tonumber(arg[i])) or arg[i] end
fn(table.unpack(args))
