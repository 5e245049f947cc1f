-- telnyx.sandbox: drive the built-in sandbox's simulated world from Lua (telnyx-lua --sandbox):
-- describe the far ends of calls, start inbound calls and messages, and read back what happened
-- on a call. Calls yield inside tasks like API calls. See docs/sandbox.md for the admin API.
--
--   local sandbox = require "telnyx.sandbox"
--   sandbox.party{number = "+13125550100", digits = "1"}
--   local call = sandbox.inbound_call{from = "+13125550100", to = "+13125550199"}
--   ... later: for _, step in ipairs(sandbox.transcript(call.call_control_id)) do ... end
local api = require "telnyx.runtime.api"
local scheduler = require "telnyx.runtime.scheduler"

local M = {}

--- One admin request: `method` GET/POST/DELETE, `path` under /__sandbox/, `body` a table or nil.
-- Returns the decoded answer; raises the usual error table on a 4xx/5xx.
function M.request(method, path, body)
  if body ~= nil and type(body) ~= "table" then error("telnyx.sandbox: body must be a table", 2) end
  local id = api.sandbox_start(method, path, body and telnyx.json.encode(body) or nil)
  scheduler.started(id)
  scheduler.wait_request(id)
  return api.finish(id)
end

--- How the party at `spec.number` behaves: answer_after_ms, digits, speech, hangup_after_ms, busy.
function M.party(spec)
  return M.request("POST", "/__sandbox/parties", spec)
end

--- Starts an inbound call {from =, to =, digits =, ...}; returns the simulated call.
function M.inbound_call(spec)
  return M.request("POST", "/__sandbox/calls/inbound", spec)
end

--- Delivers an inbound message {from =, to =, text =}.
function M.inbound_message(spec)
  return M.request("POST", "/__sandbox/messages/inbound", spec)
end

--- The simulated calls.
function M.calls()
  return M.request("GET", "/__sandbox/calls")
end

--- What happened on call `id` (a call_control_id or a TeXML CallSid), in order.
function M.transcript(id)
  if type(id) ~= "string" or id == "" or id:find("[/?#%%]") then
    error("telnyx.sandbox.transcript: expected a call id, got " .. tostring(id), 2)
  end
  return M.request("GET", "/__sandbox/calls/" .. id .. "/transcript")
end

--- Waits (yielding, so handlers keep running) until call `id` has ended, at most `seconds`
-- (default 30); returns its transcript's data: {state =, hangup_cause =, entries = {...}}.
function M.wait_for_end(id, seconds)
  local deadline = api.now() + (seconds or 30)
  while true do
    local call = M.transcript(id).data
    if call.state == "ended" then return call end
    if api.now() >= deadline then
      error(("telnyx.sandbox.wait_for_end: call %s still %s after %g s"):format(id, tostring(call.state), seconds or 30), 2)
    end
    telnyx.sleep(0.1)
  end
end

--- The texts the caller heard (Say verbs, speak commands and gather prompts), in order.
function M.heard(call)
  local texts = {}
  for _, entry in ipairs(call.entries or {}) do
    if type(entry.text) == "string" then texts[#texts + 1] = entry.text end
  end
  return texts
end

--- For apps of `telnyx-lua serve` that show themselves: on the sandbox (`serve --sandbox`),
-- runs `fn` as a task that plays the other side (a caller, a customer), then stops the server:
-- status 0 when `fn` returns true, 1 when it returns anything else or fails. Elsewhere it does
-- nothing and returns false, so the same file serves real traffic unchanged.
function M.demo(fn)
  if type(fn) ~= "function" then error("telnyx.sandbox.demo: expected a function, got " .. type(fn), 2) end
  if os.getenv("TELNYX_SANDBOX") ~= "1" or not telnyx.server then return false end
  telnyx.spawn(function()
    local ok, passed = pcall(fn)
    if not ok then io.stderr:write("demo failed: ", tostring(passed), "\n") end
    telnyx.stop((ok and passed == true) and 0 or 1)
  end)
  return true
end

--- The key the sandbox signs its webhooks with (base64).
function M.public_key()
  return M.request("GET", "/__sandbox/public_key").public_key
end

return M
