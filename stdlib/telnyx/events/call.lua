-- telnyx.events.call: the commands of one call, from the event that named it (internal; see
-- docs/events.md). `event.call.speak{payload = "Hi"}` is telnyx.calls.actions.speak with the
-- call_control_id filled in, client_state encoded when given decoded (a table becomes JSON,
-- then Base64, as the event decodes it), and a command_id derived from the event so that a
-- command sent again (a retry, or the same delivery handled twice) is not executed twice.
local api = require "telnyx.runtime.api"

local M = {}

local takes_command_id = {}   -- action name -> boolean, read from the catalog once

local function crypto()
  return telnyx._crypto
end

local function actions()
  local _, methods = api.children("calls.actions")
  local set = {}
  for _, name in ipairs(methods) do set[name] = true end
  return set
end
local ACTIONS = nil

local function accepts_command_id(name)
  local known = takes_command_id[name]
  if known == nil then
    known = false
    for _, p in ipairs(api.describe("calls.actions." .. name).parameters) do
      if p.name == "command_id" then known = true break end
    end
    takes_command_id[name] = known
  end
  return known
end

--- client_state as the API wants it: Base64 of the text, a table given as JSON first.
function M.encode_client_state(state)
  if type(state) == "table" then state = telnyx.json.encode(state) end
  if type(state) ~= "string" then
    error("client_state must be a table or a string, got " .. type(state), 3)
  end
  return crypto().base64_encode(state)
end

--- client_state as an event carries it, decoded: Base64, then JSON when it is JSON.
function M.decode_client_state(state)
  if type(state) ~= "string" or state == "" then return nil end
  local raw = crypto().base64_decode(state)
  if not raw then return state end
  if raw:match("^%s*[%[{]") then
    local ok, value = pcall(telnyx.json.decode, raw)
    if ok then return value end
  end
  return raw
end

local Call = {}
Call.__name = "telnyx.Call"

function Call.__index(call, name)
  ACTIONS = ACTIONS or actions()
  if not ACTIONS[name] then return nil end
  local method = telnyx.calls.actions[name]
  local function command(first, params)
    -- Both call.speak{...} and call:speak{...} work.
    if first ~= call then params = first end
    if params ~= nil and type(params) ~= "table" then
      error("call." .. name .. ": expected a table of parameters, got " .. type(params), 2)
    end
    local sent = {}
    for k, v in pairs(params or {}) do sent[k] = v end
    if sent.client_state ~= nil then sent.client_state = M.encode_client_state(sent.client_state) end
    if sent.command_id == nil and accepts_command_id(name) then
      rawset(call, "_commands", rawget(call, "_commands") + 1)
      sent.command_id = rawget(call, "_origin") .. ":" .. rawget(call, "_commands")
    end
    return method(rawget(call, "id"), sent)
  end
  rawset(call, name, command)
  return command
end

function Call.__tostring(call)
  return "<call " .. rawget(call, "id") .. ">"
end

--- The call `call_control_id`; its command ids start from `origin` (the event's id).
function M.new(call_control_id, origin)
  return setmetatable({id = call_control_id, _origin = origin or call_control_id, _commands = 0}, Call)
end

return M
