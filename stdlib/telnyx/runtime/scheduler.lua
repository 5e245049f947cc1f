-- telnyx.runtime.scheduler: tasks, waiting for requests, and coroutines that keep working
-- when API calls happen inside them. Internal: the public functions are telnyx.spawn,
-- telnyx.gather, telnyx.map and telnyx.sleep (see docs/scripting.md).
--
-- How it works. Outside tasks an API call blocks: it pumps the scheduler (running other tasks
-- whose requests finished) until its own request is done. Inside a task it yields a unique
-- marker up to the scheduler, which parks the task until the request finishes; meanwhile other
-- tasks run and their requests are in flight at the same time. User coroutines sit between a
-- task and the scheduler: coroutine.resume and coroutine.wrap are replaced so that the marker
-- passes through them (as Nmap's NSE does) and a user coroutine only sees its own yields.
local api = require "telnyx.runtime.api"

local M = {}

local raw_create, raw_resume, raw_yield = coroutine.create, coroutine.resume, coroutine.yield
local raw_status, raw_isyieldable, raw_close = coroutine.status, coroutine.isyieldable, coroutine.close
local traceback = debug.traceback
local pack, unpack = table.pack, table.unpack
local pcall, tostring, type = pcall, tostring, type
local now = api.now

-- tostring for error values, protected as lua.c's message handler is: a __tostring that fails
-- or does not return a string gives "(error object is a T value)".
local function describe(err)
  local ok, text = pcall(tostring, err)
  if ok and type(text) == "string" then return text end
  return "(error object is a " .. type(err) .. " value)"
end

-- The marker a host yield carries, so it is told apart from the user's own yields.
local IO = setmetatable({}, {__name = "telnyx.io"})

local current = nil       -- the task running now; nil for the main script
local ready = {}          -- FIFO of {task, ...} to resume, ready[ready_head..ready_tail]
local ready_head, ready_tail = 1, 0  -- explicit: `#` is unreliable once the head is cleared
local by_request = {}     -- request id -> task waiting for it
local finished = {}       -- request id -> true, finished with no task waiting (a blocked caller)
local timers = {}         -- {at = seconds, task = t}, unsorted (few)
local alive = 0           -- tasks not yet finished
local in_flight = 0       -- requests started and not yet finished
local outstanding = {}    -- request id -> true while it is in flight
local unawaited = {}      -- failed tasks nobody has awaited yet, in order of failure
local live = {}           -- task -> true until it finishes or is cancelled

local Task = {}
Task.__index = Task
Task.__name = "telnyx.Task"

local function schedule(task)
  ready_tail = ready_tail + 1
  ready[ready_tail] = task
end

--- A traceback (or an error message with one) without the runtime's own frames, which are not
-- on the user's disk: the task machinery's xpcall and stdlib/telnyx/ lines go, and an error
-- message the runtime raised for the user's call loses the runtime's position.
function M.user_traceback(text)
  local lines = {}
  for line in text:gmatch("[^\n]+") do
    if line:sub(1, 1) ~= "\t" then
      lines[#lines + 1] = (line:gsub("^stdlib/telnyx/[%w_/]+%.lua:%d+: ", ""))
    elseif not (line:find("stdlib/telnyx/", 1, true) or line:find("in function 'xpcall'", 1, true)
        or line:find("'telnyx.runtime.", 1, true)) then
      lines[#lines + 1] = line
    end
  end
  return table.concat(lines, "\n")
end

-- The error handler of a task body: keeps the error value and where it happened.
local function keep_traceback(err)
  if type(err) == "table" then
    if rawget(err, "traceback") == nil then
      pcall(rawset, err, "traceback", M.user_traceback(traceback(nil, 2)))
    end
    return err
  end
  return {message = err, traceback = M.user_traceback(traceback(describe(err), 2)), plain = true}
end

local function finish_task(task, ok, results)
  alive = alive - 1
  live[task] = nil
  if ok then
    task.status = "done"
    task.results = results
  else
    task.status = "failed"
    local err = results
    if type(err) == "table" and err.plain then
      task.error, task.traceback = err.message, err.traceback
    else
      task.error = err
      task.traceback = type(err) == "table" and rawget(err, "traceback") or nil
    end
    if #task.waiters == 0 then unawaited[#unawaited + 1] = task end
  end
  for _, waiter in ipairs(task.waiters) do schedule(waiter) end
  task.waiters = {}
end

-- Parks `task` on what it yielded for: a request, a timer, or another task.
local function park(task, kind, arg)
  task.status = "waiting"
  if kind == "request" then
    if finished[arg] then
      finished[arg] = nil
      schedule(task)
    else
      by_request[arg] = task
      task.request = arg
    end
  elseif kind == "sleep" then
    timers[#timers + 1] = {at = arg, task = task}
  elseif kind == "await" then
    if arg.status == "ready" or arg.status == "running" or arg.status == "waiting" then
      arg.waiters[#arg.waiters + 1] = task
    else
      schedule(task)
    end
  else
    schedule(task)
  end
end

-- Resumes a task and handles how it stopped. What it yields is read as values, not packed:
-- this runs for every request of every task.
local function step(task)
  if task.status ~= "ready" and task.status ~= "waiting" then return end
  local previous = current
  current = task
  task.status = "running"
  task.request = nil
  local ok, first, kind, arg = raw_resume(task.co)
  current = previous
  if raw_status(task.co) == "dead" then
    if ok then
      -- `first` is the body's packed xpcall (see M.spawn).
      if first[1] then
        finish_task(task, true, pack(unpack(first, 2, first.n)))
      else
        finish_task(task, false, first[2])
      end
    else
      finish_task(task, false, keep_traceback(first))
    end
  elseif first == IO then
    park(task, kind, arg)
  else
    park(task, "yield")  -- a plain coroutine.yield in a task body lets the others run
  end
end

local function run_ready()
  local stepped = ready_head <= ready_tail
  while ready_head <= ready_tail do
    local task = ready[ready_head]
    ready[ready_head] = nil
    ready_head = ready_head + 1
    step(task)
  end
  ready, ready_head, ready_tail = {}, 1, 0
  return stepped
end

local function fire_timers()
  if #timers == 0 then return nil end
  local t, next_at, keep = now(), nil, {}
  for _, timer in ipairs(timers) do
    if timer.at <= t then
      schedule(timer.task)
    else
      keep[#keep + 1] = timer
      next_at = next_at and math.min(next_at, timer.at) or timer.at
    end
  end
  timers = keep
  return next_at
end

local function dispatch(id)
  in_flight = in_flight - 1
  outstanding[id] = nil
  local task = by_request[id]
  if task then
    by_request[id] = nil
    schedule(task)
  else
    finished[id] = true
  end
end

-- One round: run what is ready, fire due timers, else wait (at most `limit` s) for responses.
-- Returns false when nothing can ever happen again: no task ready, no timer, no request.
local function pump(limit)
  local stepped = run_ready()
  local next_at = fire_timers()
  if stepped or ready_head <= ready_tail then return true end
  if in_flight == 0 and not next_at then return false end
  local wait = limit or 1
  if next_at then wait = math.min(wait, math.max(0, next_at - now())) end
  local ids = api.poll(wait)
  for i = 1, #ids do dispatch(ids[i]) end
  return true
end

local DEADLOCK = "deadlock: waiting for something that can never finish (no task can run, no request is in flight)"

-- Blocks the caller (not a task, or a task that cannot yield here) until `done()` is true,
-- running other tasks meanwhile.
local function block_until(done)
  while not done() do
    if not pump() then error(DEADLOCK, 0) end
  end
end

--- Lets tasks make progress without blocking: runs what is ready, fires due timers and takes
-- the responses that have arrived, until nothing more can happen now. The REPL calls it after
-- each input, and while it waits for a key whenever `due` says there is work, so spawned tasks
-- run while the user reads or types.
function M.step()
  repeat
    local stepped = run_ready()
    fire_timers()
    local ids = in_flight > 0 and api.poll(0) or {}
    for i = 1, #ids do dispatch(ids[i]) end
  until not stepped and #ids == 0 and ready_head > ready_tail
end

--- Whether `step` has something to do now: a task ready to run, a timer due, or a response
-- arrived. Cheap (it runs nothing), so the REPL asks it while waiting for a key.
function M.due()
  if ready_head <= ready_tail or (in_flight > 0 and api.has_finished()) then return true end
  local at = now()
  for i = 1, #timers do
    if timers[i].at <= at then return true end
  end
  return false
end

--- One round for a loop that also waits for something else (telnyx-lua serve's events): runs
-- what is ready and the timers due, then waits at most `limit` s for a response. The host ends
-- the wait early when an event arrives (the request engine's wake), so nothing waits a round.
function M.round(limit)
  run_ready()
  local next_at = fire_timers()
  if ready_head <= ready_tail then return end
  local wait = limit
  if next_at then wait = math.min(wait, math.max(0, next_at - now())) end
  local ids = api.poll(wait)
  for i = 1, #ids do dispatch(ids[i]) end
  run_ready()
end

--- tostring for error values, never raising (see describe above): modules loaded later share it.
M.describe = describe

--- debug.traceback as it was at start-up: modules loaded later (telnyx.events) still report
-- where a handler failed under --safe, which removes the debug library from scripts.
-- A wrapper, not the function itself: Lua names a C function in tracebacks by finding it in
-- package.loaded, and the original must stay 'debug.traceback' there.
function M.traceback(message, level)
  return traceback(message, (level or 1) + 1)
end

--- Registers a started request (the API layer calls this once per request it starts).
function M.started(id)
  in_flight = in_flight + 1
  if id ~= nil then outstanding[id] = true end
end

-- Waits in the calling context for one of the host's wait kinds.
local function wait(kind, arg)
  if current and raw_isyieldable() then
    raw_yield(IO, kind, arg)
    return
  end
  if kind == "request" then
    -- Ctrl-C (or --timeout) raises out of the wait: abort the request rather than leave it
    -- running unseen.
    local ok, err = pcall(block_until, function() return finished[arg] end)
    if not ok then
      api.cancel(arg)
      error(err, 0)
    end
    finished[arg] = nil
  elseif kind == "sleep" then
    run_ready()  -- even sleep(0) lets the tasks that are ready run
    while now() < arg do
      run_ready()
      local next_at = fire_timers()
      local ids = api.poll(math.max(0, math.min(arg, next_at or arg) - now()))
      for i = 1, #ids do dispatch(ids[i]) end
    end
  elseif kind == "await" then
    block_until(function() return arg.status ~= "ready" and arg.status ~= "running" and arg.status ~= "waiting" end)
  end
end

--- Waits until request `id` has finished (then api.finish(id) collects it).
function M.wait_request(id)
  wait("request", id)
end

--- Pauses the caller for `seconds`; other tasks run meanwhile.
function M.sleep(seconds)
  if type(seconds) ~= "number" or seconds ~= seconds or seconds < 0 then
    error("telnyx.sleep: expected a number of seconds >= 0, got " .. tostring(seconds), 2)
  end
  wait("sleep", now() + seconds)
end

--- Starts `fn(...)` as a task; returns its handle.
function M.spawn(fn, ...)
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error("telnyx.spawn: expected a function, got " .. type(fn), 2)
  end
  local args = pack(...)
  local task = setmetatable({status = "ready", waiters = {}}, Task)
  task.co = raw_create(function()
    return pack(xpcall(fn, keep_traceback, unpack(args, 1, args.n)))
  end)
  alive = alive + 1
  live[task] = true
  schedule(task)
  return task
end

local function is_task(t)
  return getmetatable(t) == Task
end

local function forget_unawaited(task)
  for i, t in ipairs(unawaited) do
    if t == task then table.remove(unawaited, i) return end
  end
end

--- Waits for the task; returns its results, or raises its error (with its traceback).
function Task:await()
  if not is_task(self) then error("await: expected a task (use task:await())", 2) end
  if self == current then error("await: a task cannot await itself", 2) end
  wait("await", self)
  forget_unawaited(self)
  if self.status == "done" then return unpack(self.results, 1, self.results.n) end
  local err = self.error
  if type(err) == "string" and self.traceback then
    err = self.traceback:gsub("\nstack traceback:", "\ntask traceback:", 1)
  end
  error(err, 0)
end

--- Cancels the task: its request in flight is aborted; awaiting it raises CancelledError.
-- Returns false if it had already finished.
function Task:cancel()
  if self.status == "done" or self.status == "failed" or self.status == "cancelled" then return false end
  if self == current then error("cancel: a task cannot cancel itself; return from it instead", 2) end
  if self.request then
    by_request[self.request] = nil
    finished[self.request] = nil
    api.cancel(self.request)
  end
  for i = #timers, 1, -1 do
    if timers[i].task == self then table.remove(timers, i) end
  end
  if raw_status(self.co) == "suspended" then raw_close(self.co) end
  alive = alive - 1
  live[self] = nil
  self.status = "cancelled"
  self.error = api.error("CancelledError", "the task was cancelled")
  for _, waiter in ipairs(self.waiters) do schedule(waiter) end
  self.waiters = {}
  return true
end

function Task:__tostring()
  return "<task " .. self.status .. ">"
end

--- Waits for every task (a function is spawned as one first); returns the first result of
-- each, in order. If any failed, raises the first failure once all have finished.
function M.gather(...)
  local tasks = pack(...)
  if tasks.n == 1 and type(tasks[1]) == "table" and not is_task(tasks[1]) then
    tasks = pack(unpack(tasks[1]))
  end
  local results, first_error = {}, nil
  for i = 1, tasks.n do
    if type(tasks[i]) ~= "function" and not is_task(tasks[i]) then
      error("telnyx.gather: argument #" .. i .. " is neither a task nor a function", 2)
    end
  end
  for i = 1, tasks.n do
    if type(tasks[i]) == "function" then tasks[i] = M.spawn(tasks[i]) end
  end
  for i = 1, tasks.n do
    local ok, value = pcall(tasks[i].await, tasks[i])
    if ok then results[i] = value elseif not first_error then first_error = value end
  end
  if first_error ~= nil then error(first_error, 0) end
  return unpack(results, 1, tasks.n)
end

--- Calls fn(item, index) for every item of `list` with at most `concurrency` running at once.
-- Returns one entry per item, in input order: {ok = true, value = v} or {ok = false, error = e}
-- (each also has `item` and `index`). No item is lost.
function M.map(list, fn, options)
  if type(list) ~= "table" then error("telnyx.map: expected a list, got " .. type(list), 2) end
  if type(fn) ~= "function" then error("telnyx.map: expected a function, got " .. type(fn), 2) end
  if options ~= nil and type(options) ~= "table" then error("telnyx.map: options must be a table", 2) end
  local concurrency = (options and options.concurrency) or 10
  if math.type(concurrency) ~= "integer" or concurrency < 1 then
    error("telnyx.map: concurrency must be a whole number >= 1", 2)
  end
  local n, results, next_index = #list, {}, 1
  local function worker()
    while next_index <= n do
      local i = next_index
      next_index = i + 1
      local ok, value = pcall(fn, list[i], i)
      if ok then
        results[i] = {ok = true, value = value, item = list[i], index = i}
      else
        results[i] = {ok = false, error = value, item = list[i], index = i}
      end
    end
  end
  local workers = {}
  for w = 1, math.min(concurrency, n) do workers[w] = M.spawn(worker) end
  for _, w in ipairs(workers) do w:await() end
  return results
end

--- Runs every task to its end (the host calls this when the script ends) and returns the
-- failures nobody awaited, as printable messages.
function M.drain()
  while alive > 0 do
    if not pump() then error(DEADLOCK, 0) end
  end
  -- Requests nobody will collect (a page prefetched for a loop that ended with break): cancel
  -- them rather than leave them running as the process ends.
  for id in pairs(outstanding) do api.cancel(id) end
  outstanding = {}
  return M.take_failures()
end

--- The failures of tasks nobody awaited so far, as printable messages; they are not reported
-- again. (telnyx-lua serve logs them as they happen: a server runs for long.)
function M.take_failures()
  local reports = {}
  for _, task in ipairs(unawaited) do
    local message = task.traceback or describe(task.error)
    if type(task.error) == "table" and task.traceback then
      message = describe(task.error) .. "\n" .. task.traceback
    end
    reports[#reports + 1] = message
  end
  unawaited = {}
  return reports
end

--- Whether no task is alive (every one has finished, failed or been cancelled).
function M.idle()
  return alive == 0
end

--- Cancels every task still running or waiting (telnyx-lua serve's shutdown, once its grace
-- period is over, so a background loop cannot hold the process). Returns how many.
function M.cancel_tasks()
  local count = 0
  for task in pairs(live) do
    if task ~= current and task:cancel() then
      count = count + 1
      forget_unawaited(task)
    end
  end
  return count
end

--- Cancels every request in flight (Ctrl-C in the REPL).
function M.cancel_all()
  for id in pairs(by_request) do api.cancel(id) end
end

-- Coroutines written by users: the host's waits pass through them.

local function pass_through(co, r)
  while r[1] and r[2] == IO and raw_status(co) == "suspended" do
    if current and raw_isyieldable() then
      r = pack(raw_resume(co, raw_yield(unpack(r, 2, r.n))))
    else
      wait(r[3], r[4])
      r = pack(raw_resume(co))
    end
  end
  return r
end

--- coroutine.resume, passing the host's waits through to the scheduler.
function M.resume(co, ...)
  if type(co) ~= "thread" then
    error("bad argument #1 to 'resume' (coroutine expected)", 2)
  end
  local r = pass_through(co, pack(raw_resume(co, ...)))
  return unpack(r, 1, r.n)
end

--- coroutine.wrap on top of M.resume, raising errors as the original does.
function M.wrap(fn)
  if type(fn) ~= "function" then
    error("bad argument #1 to 'wrap' (function expected)", 2)
  end
  local co = raw_create(fn)
  return function(...)
    local r = pass_through(co, pack(raw_resume(co, ...)))
    if not r[1] then
      local err = r[2]
      if raw_status(co) == "dead" then
        -- As lua.c's auxwrap: close the dead coroutine's to-be-closed variables; an error in a
        -- __close handler replaces the original one.
        local closed, close_err = raw_close(co)
        if not closed then err = close_err end
      end
      error(err, type(err) == "string" and 2 or 0)
    end
    return unpack(r, 2, r.n)
  end
end

return M
