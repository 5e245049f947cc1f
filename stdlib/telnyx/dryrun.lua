-- telnyx.dryrun: print mutating requests (POST, PUT, PATCH, DELETE) instead of sending them;
-- reads (GET, HEAD) still go through, so a script can be rehearsed against real data.
--
--   require("telnyx.dryrun").enable()
--   telnyx.phone_numbers.update("123", {tags = {"x"}})   -- printed, answered with a stub
--
-- It installs a `before_request` hook with telnyx.configure; the hook receives
-- {method, url, path, query, body (JSON text or nil), name ("phone_numbers.update")} and a
-- returned {status, body} is used as the response without sending anything.
local M = {}

local MUTATING = {POST = true, PUT = true, PATCH = true, DELETE = true}

local state = {active = false, output = nil, requests = {}}

--- The requests intercepted since enable() (each the request table the hook received).
function M.requests()
  return state.requests
end

--- True while dry-run is on.
function M.is_enabled()
  return state.active
end

local function describe(req)
  local line = "DRY RUN " .. tostring(req.method) .. " " .. tostring(req.url or req.path)
  if req.name then
    line = line .. "  (" .. req.name .. ")"
  end
  if req.body ~= nil and req.body ~= "" then
    line = line .. "\n  body: " .. tostring(req.body)
  end
  return line .. "\n"
end

-- The stub answer: {"data": <the request body's object, or {}>} marked dry_run.
local function stub_body(req)
  local data = {}
  if type(req.body) == "string" and req.body ~= "" then
    local ok, decoded = pcall(telnyx.json.decode, req.body)
    if ok and type(decoded) == "table" and decoded[1] == nil then
      data = decoded
    end
  end
  data.dry_run = true
  return telnyx.json.encode({data = data})
end

--- The hook itself: returns a stub response for a mutating request (after printing it), or
-- nil to let the request go. Exposed for tests and for chaining into another hook.
function M.hook(req)
  if not state.active or type(req) ~= "table" then
    return nil
  end
  local method = tostring(req.method or ""):upper()
  if not MUTATING[method] then
    return nil
  end
  state.requests[#state.requests + 1] = req
  local out = state.output or io.stderr
  out:write(describe(req))
  out:flush()
  return {status = 200, body = stub_body(req)}
end

--- Turns dry-run on. opts.output: the file to print to (default io.stderr).
-- Raises when the host has no telnyx.configure (an older build).
function M.enable(opts)
  if opts ~= nil and type(opts) ~= "table" then
    error("dryrun.enable: options must be a table, got " .. type(opts), 2)
  end
  opts = opts or {}
  if opts.output ~= nil and io.type(opts.output) ~= "file" then
    error("dryrun.enable: output must be an open file", 2)
  end
  local t = rawget(_G, "telnyx")
  if type(t) ~= "table" or type(rawget(t, "configure")) ~= "function" then
    error("dryrun.enable: this telnyx-lua has no telnyx.configure to hook requests", 2)
  end
  state.active = true
  state.output = opts.output
  state.requests = {}
  t.configure{before_request = M.hook}
  return M
end

--- Turns dry-run off: the hook stays installed but lets every request through. Under
-- `--dry-run` the host holds dry-run itself, so this raises instead of pretending.
function M.disable()
  local t = rawget(_G, "telnyx")
  if type(t) == "table" and type(rawget(t, "dry_run_enforced")) == "function" and t.dry_run_enforced() then
    error("dryrun.disable: --dry-run was given on the command line; it stays on", 2)
  end
  state.active = false
end

return M
