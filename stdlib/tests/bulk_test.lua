-- Tests for telnyx.bulk. Run: telnyx-lua stdlib/tests/bulk_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local bulk = require "telnyx.bulk"

local function api_error(kind, status)
  return setmetatable({type = kind, status = status, message = kind},
    {__tostring = function(e) return e.type .. ": " .. e.message end})
end

local function range(n)
  local list = {}
  for i = 1, n do list[i] = i end
  return list
end

local quiet = {progress = false, sleep = function() end}

local function with(opts)
  local o = {}
  for k, v in pairs(quiet) do o[k] = v end
  for k, v in pairs(opts or {}) do o[k] = v end
  return o
end

t.test("classifies retryable errors", function()
  t.ok(bulk.is_retryable(api_error("RateLimitError", 429)))
  t.ok(bulk.is_retryable(api_error("InternalServerError", 500)))
  t.ok(bulk.is_retryable(api_error("APIConnectionError")))
  t.ok(bulk.is_retryable(api_error("APITimeoutError")))
  t.ok(bulk.is_retryable({status = 408}))
  t.ok(bulk.is_retryable({status = 409}))
  t.ok(bulk.is_retryable({status = 503}))
  t.ok(not bulk.is_retryable(api_error("ValidationError", 422)))
  t.ok(not bulk.is_retryable(api_error("NotFoundError", 404)))
  t.ok(not bulk.is_retryable("a string error"))
end)

t.test("runs every item and keeps results in input order", function()
  local report = bulk.run(range(25), function(i) return i * i end, with())
  t.eq(report.total, 25)
  t.eq(report.done, 25)
  t.eq(report.failed, 0)
  for i = 1, 25 do t.eq(report.results[i], i * i) end
end)

t.test("retries retryable errors with growing backoff, then succeeds", function()
  local calls, waits = {}, {}
  local report = bulk.run({"a", "b"}, function(item)
    calls[item] = (calls[item] or 0) + 1
    if item == "a" and calls[item] < 3 then error(api_error("RateLimitError", 429)) end
    return item:upper()
  end, with{sleep = function(s) waits[#waits + 1] = s end, backoff = 0.25})
  t.eq(report.done, 2)
  t.eq(calls.a, 3)
  t.same(waits, {0.25, 0.5})
  t.eq(report.results[1], "A")
end)

t.test("gives up after the retry budget and reports every failure", function()
  local calls = 0
  local report = bulk.run(range(4), function(i)
    calls = calls + 1
    if i == 2 then error(api_error("InternalServerError", 500)) end
    if i == 3 then error(api_error("ValidationError", 422)) end
    if i == 4 then error("plain failure") end
    return true
  end, with{retries = 2})
  t.eq(report.done, 1)
  t.eq(report.failed, 3)
  t.eq(report.done + report.failed, report.total)
  t.eq(calls, 1 + 3 + 1 + 1)
  t.eq(report.errors[1].item, 2)
  t.eq(report.errors[1].attempts, 3)
  t.eq(report.errors[1].error.type, "InternalServerError")
  t.eq(report.errors[2].attempts, 1)
  t.eq(report.errors[2].key, "3")
  t.contains(tostring(report.errors[3].error), "plain failure")
end)

t.test("keys default to item, item.id, then index; a custom key works", function()
  local path = t.tmpname()
  bulk.run({"x", {id = "id-7"}, {name = "anon"}}, function() end, with{checkpoint = path})
  t.eq(t.read(path), "x\nid-7\n3\n")
  local path2 = t.tmpname()
  bulk.run({{n = "a"}, {n = "b"}}, function() end, with{checkpoint = path2, key = function(r) return r.n end})
  t.eq(t.read(path2), "a\nb\n")
end)

t.test("a checkpoint skips finished items and records only successes", function()
  local path = t.tmpname()
  t.write(path, "1\n2\n")
  local seen = {}
  local report = bulk.run(range(5), function(i)
    seen[#seen + 1] = i
    if i == 4 then error("no") end
  end, with{checkpoint = path})
  t.same(seen, {3, 4, 5})
  t.eq(report.skipped, 2)
  t.eq(report.done, 4)
  t.eq(report.failed, 1)
  t.eq(t.read(path), "1\n2\n3\n5\n")
end)

t.test("a run killed midway resumes from its checkpoint", function()
  local exe
  for i = -1, -10, -1 do
    if arg[i] == nil then break end
    exe = arg[i]
  end
  t.ok(exe, "cannot find the interpreter in arg")
  local checkpoint, log, script = t.tmpname(), t.tmpname(), t.tmpname()
  os.remove(checkpoint)
  t.write(script, [[
local checkpoint, log, crash = ...
local bulk = require "telnyx.bulk"
local items = {}
for i = 1, 100 do items[i] = i end
local report = bulk.run(items, function(i)
  if crash == "crash" and i == 50 then os.exit(9) end
  local f = io.open(log, "a")
  f:write(i, "\n")
  f:close()
end, {checkpoint = checkpoint, progress = false, concurrency = 1})
print(report.done, report.failed, report.skipped)
]])
  local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
  local cmd = q(exe) .. " " .. q(script) .. " " .. q(checkpoint) .. " " .. q(log)
  local ok, how, code = os.execute(cmd .. " crash >/dev/null 2>&1")
  t.eq(ok, nil, "the first run should have died")
  t.eq(code, 9)
  local first = {}
  for line in io.lines(log) do first[#first + 1] = tonumber(line) end
  t.eq(#first, 49)
  local out = io.popen(cmd .. " 2>&1")
  local printed = out:read("a")
  out:close()
  t.eq(printed, "100\t0\t49\n")
  local counts = {}
  for line in io.lines(log) do
    local i = tonumber(line)
    counts[i] = (counts[i] or 0) + 1
  end
  for i = 1, 100 do
    t.eq(counts[i], 1, "item " .. i .. " ran")
  end
  local keys = 0
  for _ in io.lines(checkpoint) do keys = keys + 1 end
  t.eq(keys, 100)
  os.remove(checkpoint)
  os.remove(log)
end)

t.test("uses telnyx.map when the host has it, with the concurrency asked", function()
  local real_map = telnyx.map
  local seen_opts, seen_count
  telnyx.map = function(list, fn, opts)
    seen_opts, seen_count = opts, #list
    local out = {}
    for i = #list, 1, -1 do out[i] = fn(list[i]) end   -- reversed order, as a scheduler might
    return out
  end
  local ok, report = pcall(bulk.run, range(6), function(i) return -i end, with{concurrency = 3})
  telnyx.map = real_map
  t.ok(ok, tostring(report))
  t.eq(seen_opts.concurrency, 3)
  t.eq(seen_count, 6)
  t.eq(report.done, 6)
  for i = 1, 6 do t.eq(report.results[i], -i) end
end)

t.test("an item the scheduler never runs is reported failed, not dropped", function()
  local real_map = telnyx.map
  telnyx.map = function(list, fn) fn(list[1]) return {} end   -- a broken scheduler
  local ok, report = pcall(bulk.run, range(3), function(i) return i end, with{concurrency = 2})
  telnyx.map = real_map
  t.ok(ok, tostring(report))
  t.eq(report.done, 1)
  t.eq(report.failed, 2)
  t.contains(report.errors[1].error, "not run")
end)

t.test("falls back to telnyx.spawn workers when there is no telnyx.map", function()
  local real_map, real_spawn = telnyx.map, telnyx.spawn
  local spawned = 0
  telnyx.map = nil
  telnyx.spawn = function(fn, ...)
    spawned = spawned + 1
    local co = coroutine.create(fn)
    local args = table.pack(...)
    return {await = function() assert(coroutine.resume(co, table.unpack(args, 1, args.n))) end}
  end
  local ok, report = pcall(bulk.run, range(7), function(i) return i * 10 end, with{concurrency = 3})
  telnyx.map, telnyx.spawn = real_map, real_spawn
  t.ok(ok, tostring(report))
  t.eq(spawned, 3)
  t.eq(report.done, 7)
  t.eq(report.results[7], 70)
end)

t.test("draws a progress bar on stderr when asked", function()
  local exe
  for i = -1, -10, -1 do
    if arg[i] == nil then break end
    exe = arg[i]
  end
  local err = t.tmpname()
  local cmd = string.format("%q -e %q 2>%q", exe,
    'local r = require("telnyx.bulk").run({1, 2, 3}, function() end, {progress = true}) print(r.done)', err)
  local out = io.popen(cmd)
  local printed = out:read("a")
  out:close()
  t.eq(printed, "3\n")
  local bar = t.read(err)
  t.contains(bar, "[##############################] 3/3 done, 0 failed")
  t.contains(bar, "\r[")
  t.eq(bar:sub(-1), "\n")
end)

t.test("bad arguments are refused clearly", function()
  t.raises("items must be an array", bulk.run, 5, function() end)
  t.raises("fn must be a function", bulk.run, {}, "f")
  t.raises("concurrency must be an integer >= 1", bulk.run, {}, function() end, {concurrency = 0})
  t.raises("retries must be an integer >= 0", bulk.run, {}, function() end, {retries = 1.5})
  t.raises("checkpoint must be a file path", bulk.run, {}, function() end, {checkpoint = 1})
  t.raises("key function returned nil", bulk.run, {1}, function() end, with{key = function() end})
  t.raises("cannot open checkpoint", bulk.run, {1}, function() end, with{checkpoint = "/nonexistent/dir/cp"})
end)

t.finish()
