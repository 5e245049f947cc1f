-- telnyx.events.dispatcher: runs one task per event (internal; see docs/events.md).
--
-- A job is one delivery or one route request. Jobs of the same call (same key) run one at a
-- time, in arrival order; jobs of different calls run at the same time, up to `max_handlers`;
-- the rest wait in a queue. A job that outlives `handler_timeout` is cancelled. Every job ends
-- in exactly one log line: what, call, outcome, duration.
local scheduler = require "telnyx.runtime.scheduler"
local api = require "telnyx.runtime.api"
local host = require "telnyx.runtime.events_host"

local M = {}

M.max_handlers = 1000
M.handler_timeout = 60

local now = api.now
local traceback = scheduler.traceback

-- Jobs free to start, first in first out. Explicit head and tail: `#` of a table with holes at
-- its start is not the count of what is left.
local waiting, waiting_head, waiting_tail = {}, 1, 0
local behind = {}         -- key -> FIFO of jobs queued behind the key's running job
local running = {}        -- job -> true
local running_count = 0
local failures = 0        -- jobs that ended in an error or a timeout

local function push_waiting(job)
  waiting_tail = waiting_tail + 1
  waiting[waiting_tail] = job
end

local function pop_waiting()
  if waiting_head > waiting_tail then return nil end
  local job = waiting[waiting_head]
  waiting[waiting_head] = nil
  waiting_head = waiting_head + 1
  if waiting_head > waiting_tail then waiting, waiting_head, waiting_tail = {}, 1, 0 end
  return job
end

local function milliseconds(job)
  return ("%.1f ms"):format((now() - job.started) * 1000)
end

-- Ends `job`: one log line, the route's answer, and the next job of its call let go.
local function finish(job, outcome, err)
  if not running[job] then return end
  running[job] = nil
  running_count = running_count - 1
  local detail = milliseconds(job)
  if outcome ~= "ok" then
    failures = failures + 1
  end
  if job.on_finish then
    -- A route's outcome is its HTTP status, with why when it is not the handler's own answer.
    local status = job.on_finish(outcome, err)
    outcome = tostring(status) .. (outcome == "ok" and "" or " " .. outcome)
  end
  host.log(job.what, job.key, outcome, detail)
  if err ~= nil then
    -- Indented under its log line, control characters shown escaped: an error text made of a
    -- request's data cannot pass for log lines of its own.
    local text = tostring(err):gsub("[%z\1-\8\11-\31\127]", function(c) return ("\\%03d"):format(c:byte()) end)
    io.stderr:write("    ", (text:gsub("\n", "\n    ")), "\n")
  end
  local queue = job.key and behind[job.key]
  if queue then
    if #queue > 0 then
      push_waiting(table.remove(queue, 1))
    else
      behind[job.key] = nil
    end
  end
end

-- The error and the handler's own frames: the dispatcher's and the scheduler's are left out.
local function handler_traceback(err)
  return scheduler.user_traceback(traceback(scheduler.describe(err), 3))
end

local function run(job)
  local ok, err = xpcall(job.fn, handler_traceback, job)
  finish(job, ok and "ok" or "error", not ok and err or nil)
end

local function start(job)
  job.started = now()
  job.deadline = job.started + M.handler_timeout
  running[job] = true
  running_count = running_count + 1
  job.task = scheduler.spawn(run, job)
end

--- Queues a job: {what = text for the log, key = call id or nil, fn = function(job),
-- on_finish = function(outcome, err) -> status or nil (optional)}.
function M.submit(job)
  local key = job.key
  if key then
    local queue = behind[key]
    if queue then
      queue[#queue + 1] = job
      return
    end
    behind[key] = {}
  end
  push_waiting(job)
end

--- Starts queued jobs up to the cap, and cancels jobs past their time limit.
function M.advance()
  while running_count < M.max_handlers do
    local job = pop_waiting()
    if not job then break end
    start(job)
  end
  local t = now()
  for job in pairs(running) do
    if t >= job.deadline then
      job.task:cancel()
      finish(job, "timeout", ("the handler ran longer than %g s and was cancelled"):format(M.handler_timeout))
    end
  end
end

--- Whether every job submitted has finished.
function M.idle()
  return running_count == 0 and waiting_head > waiting_tail and next(behind) == nil
end

--- Jobs running now, and waiting (free to start, or behind their call's running job).
function M.counts()
  local queued = waiting_tail - waiting_head + 1
  for _, queue in pairs(behind) do queued = queued + #queue end
  return running_count, queued
end

--- Cancels every job left (shutdown past its grace period); each gets its log line.
function M.abandon()
  for job in pairs(running) do
    job.task:cancel()
    finish(job, "cancelled", "stopped at shutdown before the handler finished")
  end
  local job = pop_waiting()
  while job do
    host.log(job.what, job.key, "dropped", "the server stopped before it started")
    job = pop_waiting()
  end
  for key, queue in pairs(behind) do
    for _, queued in ipairs(queue) do
      host.log(queued.what, key, "dropped", "the server stopped before it started")
    end
    behind[key] = nil
  end
end

--- Jobs that failed or timed out so far.
function M.failures()
  return failures
end

return M
