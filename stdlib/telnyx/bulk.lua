-- telnyx.bulk: run a function over many items with a concurrency limit, retries with backoff,
-- a checkpoint file that lets a rerun skip finished items, and a progress bar.
--
--   local bulk = require "telnyx.bulk"
--   local report = bulk.run(numbers, function(n)
--     return telnyx.phone_numbers.update(n.id, {tags = {"migrated"}})
--   end, {concurrency = 10, checkpoint = "tagging.done", key = function(n) return n.id end})
--   print(report.done, report.failed)
local records = require "telnyx.records"

local M = {}

local RETRYABLE_TYPES = {
  RateLimitError = true, InternalServerError = true,
  APIConnectionError = true, APITimeoutError = true,
}

--- True when `err` (an API error table) is worth retrying: a rate limit, a server error, a
-- connection failure or timeout (by `type`), or HTTP status 408, 409, 429 or >= 500.
function M.is_retryable(err)
  if type(err) ~= "table" then
    return false
  end
  if RETRYABLE_TYPES[err.type] then
    return true
  end
  local status = tonumber(err.status)
  return status ~= nil and (status == 408 or status == 409 or status == 429 or status >= 500)
end

local function telnyx_fn(name)
  local t = rawget(_G, "telnyx")
  local f = type(t) == "table" and rawget(t, name) or nil
  return type(f) == "function" and f or nil
end

local function default_key(item, index)
  if type(item) == "string" or type(item) == "number" then
    return tostring(item)
  end
  if type(item) == "table" and item.id ~= nil then
    return tostring(item.id)
  end
  return tostring(index)
end

local function stderr_is_terminal()
  local ok, result = pcall(os.execute, "test -t 2")
  return ok and result == true
end

local function load_checkpoint(path)
  local done = {}
  local f = io.open(path, "r")
  if not f then
    return done
  end
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if line ~= "" then done[line] = true end
  end
  f:close()
  return done
end

local function check_options(items, fn, opts)
  if not records.is_iterable(items) then
    error("bulk.run: items must be an array, an iterator or a paginator, got " .. type(items), 3)
  end
  if type(fn) ~= "function" then
    error("bulk.run: fn must be a function, got " .. type(fn), 3)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("bulk.run: options must be a table, got " .. type(opts), 3)
  end
  opts = opts or {}
  local function int_option(name, default, min)
    local v = opts[name]
    if v == nil then return default end
    if math.type(v) ~= "integer" or v < min then
      error("bulk.run: " .. name .. " must be an integer >= " .. min .. ", got " .. tostring(v), 4)
    end
    return v
  end
  local o = {
    concurrency = int_option("concurrency", 10, 1),
    retries = int_option("retries", 3, 0),
    backoff = opts.backoff or 0.5,
    max_backoff = opts.max_backoff or 30,
    checkpoint = opts.checkpoint,
    key = opts.key or default_key,
    sleep = opts.sleep or telnyx_fn("sleep") or function() end,
    progress = opts.progress,
  }
  if type(o.backoff) ~= "number" or o.backoff < 0 then
    error("bulk.run: backoff must be a number of seconds >= 0", 3)
  end
  if o.checkpoint ~= nil and type(o.checkpoint) ~= "string" then
    error("bulk.run: checkpoint must be a file path, got " .. type(o.checkpoint), 3)
  end
  if type(o.key) ~= "function" then
    error("bulk.run: key must be a function(item, index), got " .. type(o.key), 3)
  end
  if type(o.sleep) ~= "function" then
    error("bulk.run: sleep must be a function(seconds)", 3)
  end
  if o.progress == nil then
    o.progress = stderr_is_terminal()
  end
  return o
end

local function progress_bar(report)
  local width = 30
  local finished = report.done + report.failed
  local filled = report.total > 0 and math.floor(width * finished / report.total) or width
  io.stderr:write(string.format("\r[%s%s] %d/%d done, %d failed", string.rep("#", filled),
    string.rep(".", width - filled), report.done, report.total, report.failed))
  io.stderr:flush()
end

--- Runs `fn(item)` for every item; returns a report, never raising for an item's failure.
-- items: an array, iterator or paginator (read fully first). opts.concurrency (10): items in
-- flight at once, through telnyx.map or telnyx.spawn when the host has them, else one by one.
-- opts.retries (3): extra attempts for retryable errors (see is_retryable), waiting
-- opts.backoff * 2^(attempt-1) seconds (0.5 s base, at most opts.max_backoff = 30) with
-- telnyx.sleep (or opts.sleep). opts.key(item, index): the item's checkpoint key (default:
-- the item itself when a string or number, else item.id, else the index). opts.checkpoint: a
-- file that gets each finished key appended and flushed; keys already in it are skipped (and
-- counted as done). opts.progress: a bar on stderr (default: only when stderr is a terminal).
-- Report: {total, done, failed, skipped, results = {[index] = value}, errors = {{item, key,
-- error, attempts, index}}}; done + failed == total.
function M.run(items, fn, opts)
  local o = check_options(items, fn, opts)
  local list = records.to_list(items)
  local report = {total = #list, done = 0, failed = 0, skipped = 0, results = {}, errors = {}}
  local finished = o.checkpoint and load_checkpoint(o.checkpoint) or {}
  local log
  if o.checkpoint then
    local err
    log, err = io.open(o.checkpoint, "a")
    if not log then
      error("bulk.run: cannot open checkpoint: " .. tostring(err), 2)
    end
  end
  local keys, pending = {}, {}
  for i, item in ipairs(list) do
    local key = o.key(item, i)
    if key == nil then
      error("bulk.run: key function returned nil for item " .. i, 2)
    end
    key = tostring(key)
    if key:find("[\r\n]") then
      error("bulk.run: key for item " .. i .. " contains a newline", 2)
    end
    keys[i] = key
    if finished[key] then
      report.done = report.done + 1
      report.skipped = report.skipped + 1
    else
      pending[#pending + 1] = i
    end
  end

  local function attempt(index)
    local item = list[index]
    local tries = 0
    while true do
      tries = tries + 1
      local ok, value = pcall(fn, item)
      if ok then
        return true, value, tries
      end
      if tries > o.retries or not M.is_retryable(value) then
        return false, value, tries
      end
      local wait = math.min(o.max_backoff, o.backoff * 2 ^ (tries - 1))
      if type(value) == "table" and type(value.retry_after) == "number" then
        wait = math.max(wait, value.retry_after)
      end
      o.sleep(wait)
    end
  end

  local settled = {}
  local function work(index)
    if settled[index] then
      return true
    end
    settled[index] = true
    local ok, value, tries = attempt(index)
    if ok then
      report.done = report.done + 1
      report.results[index] = value
      if log then
        log:write(keys[index], "\n")
        log:flush()
      end
    else
      report.failed = report.failed + 1
      report.errors[#report.errors + 1] = {item = list[index], key = keys[index], error = value,
        attempts = tries, index = index}
    end
    if o.progress then progress_bar(report) end
    return true
  end

  local map, spawn = telnyx_fn("map"), telnyx_fn("spawn")
  if o.progress then progress_bar(report) end
  if map and #pending > 1 and o.concurrency > 1 then
    map(pending, work, {concurrency = o.concurrency})
  elseif spawn and #pending > 1 and o.concurrency > 1 then
    local next_slot = 0
    local workers = {}
    for w = 1, math.min(o.concurrency, #pending) do
      workers[w] = spawn(function()
        while next_slot < #pending do
          next_slot = next_slot + 1
          work(pending[next_slot])
        end
      end)
    end
    for _, handle in ipairs(workers) do handle:await() end
  else
    for _, index in ipairs(pending) do work(index) end
  end
  -- Whatever the scheduler did, every item ends done or failed: none is dropped.
  for _, index in ipairs(pending) do
    if not settled[index] then
      settled[index] = true
      report.failed = report.failed + 1
      report.errors[#report.errors + 1] = {item = list[index], key = keys[index], attempts = 0,
        index = index, error = "not run (the task scheduler did not reach it)"}
    end
  end
  if o.progress then io.stderr:write("\n") end
  if log then log:close() end
  table.sort(report.errors, function(a, b) return a.index < b.index end)
  return report
end

return M
