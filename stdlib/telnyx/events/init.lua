-- telnyx.events: react to Telnyx from Lua. `telnyx.on(type, handler)` runs a handler for each
-- webhook delivery of that type, `telnyx.route(path, handler)` answers TeXML fetches, and
-- `telnyx-lua serve app.lua` (or `--replay events.jsonl`) feeds them. One task per event, as
-- OpenResty runs one coroutine per request: API calls inside a handler yield to the others.
-- See docs/events.md.
local scheduler = require "telnyx.runtime.scheduler"
local api = require "telnyx.runtime.api"
local host = require "telnyx.runtime.events_host"
local dispatcher = require "telnyx.events.dispatcher"
local calls = require "telnyx.events.call"

local M = {}

local handlers = {}   -- {pattern = text, prefix = text or nil, fn = function}, in registration order
local routes = {}     -- pattern -> {fn = function, verify = boolean}
local stop_status = nil
local app_failures = 0  -- tasks of the app (not handlers) that failed while serving

M.grace = 10          -- seconds handlers get to finish once a stop is asked for
M.backlog = 1000      -- events taken from the server beyond max_handlers, waiting to start

--- Applies `telnyx-lua serve`'s options: grace, max_handlers, handler_timeout, backlog (all
-- optional).
function M.configure(options)
  M.grace = options.grace or M.grace
  M.backlog = options.backlog or M.backlog
  dispatcher.max_handlers = options.max_handlers or dispatcher.max_handlers
  dispatcher.handler_timeout = options.handler_timeout or dispatcher.handler_timeout
end

--- telnyx.on(event_type, handler): `handler(event)` for each delivery of that type. `"*"` is
-- every type; `"call.*"` every type starting with "call.".
function M.on(pattern, fn)
  if type(pattern) ~= "string" or pattern == "" then
    error("telnyx.on: expected an event type such as \"call.answered\", \"call.*\" or \"*\", got " .. tostring(pattern), 2)
  end
  if type(fn) ~= "function" then error("telnyx.on: expected a handler function, got " .. type(fn), 2) end
  local prefix = nil
  if pattern ~= "*" and pattern:sub(-1) == "*" then prefix = pattern:sub(1, -2) end
  handlers[#handlers + 1] = {pattern = pattern, prefix = prefix, fn = fn}
end

--- telnyx.route(path, handler [, {verify = false}]): `handler(request)` answers requests to
-- `path` (exact, or every path under it when it ends in `*`). It returns a string (served as
-- application/xml), a document of telnyx.texml, or {status =, headers =, body =}. Requests
-- must be signed by Telnyx unless the route says verify = false (or the server runs --insecure).
function M.route(pattern, fn, options)
  if type(pattern) ~= "string" or pattern:sub(1, 1) ~= "/" then
    error("telnyx.route: expected a path starting with '/', got " .. tostring(pattern), 2)
  end
  if type(fn) ~= "function" then error("telnyx.route: expected a handler function, got " .. type(fn), 2) end
  if options ~= nil and type(options) ~= "table" then error("telnyx.route: options must be a table", 2) end
  local verify = not (options and options.verify == false)
  routes[pattern] = {fn = fn, verify = verify}
  host.add_route(pattern, verify)
end

--- telnyx.stop([status]): stops the server as Ctrl-C does; `telnyx-lua serve` then exits with
-- `status` (default 0). For apps that drive their own flow, as the recipes do.
function M.stop(status)
  if status ~= nil and math.type(status) ~= "integer" then error("telnyx.stop: status must be an integer", 2) end
  stop_status = status or 0
end

-- The route serving `path`: exact first, then the longest prefix (as the server chooses).
local function route_for(path)
  if routes[path] then return routes[path] end
  local best, length = nil, -1
  for pattern, route in pairs(routes) do
    if pattern:sub(-1) == "*" and #pattern > length and path:sub(1, #pattern - 1) == pattern:sub(1, -2) then
      best, length = route, #pattern
    end
  end
  return best
end

local function handlers_for(event_type)
  local found = {}
  for _, h in ipairs(handlers) do
    if h.pattern == "*" or h.pattern == event_type or (h.prefix and event_type:sub(1, #h.prefix) == h.prefix) then
      found[#found + 1] = h.fn
    end
  end
  return found
end

--- The event a handler receives, from a delivery's envelope (as Telnyx sends it, or as
-- webhook_deliveries stores it).
function M.event(envelope)
  local data = envelope.data or envelope.webhook or envelope
  local payload = type(data.payload) == "table" and data.payload or {}
  local event = {
    type = data.event_type, id = data.id, occurred_at = data.occurred_at, record_type = data.record_type,
    payload = payload, meta = type(envelope.meta) == "table" and envelope.meta or {},
    client_state = calls.decode_client_state(payload.client_state),
  }
  if type(payload.call_control_id) == "string" then
    event.call = calls.new(payload.call_control_id, event.id)
  end
  if event.type == "message.received" then
    event.reply = function(params)
      if type(params) == "string" then params = {text = params} end
      if type(params) ~= "table" then error("event.reply: expected the text or a table of parameters", 2) end
      -- From the number it was sent to, through the same messaging profile.
      local sent = {from = (payload.to or {})[1] and payload.to[1].phone_number, to = (payload.from or {}).phone_number,
        messaging_profile_id = payload.messaging_profile_id}
      for k, v in pairs(params) do sent[k] = v end
      return telnyx.messages.send(sent)
    end
  end
  return event
end

-- The call (or message) an event belongs to: its events run one at a time, in order.
local function event_key(event)
  local p = event.payload
  local key = p.call_control_id or p.call_session_id
  if key == nil and type(event.type) == "string" and event.type:match("^message%.") then key = p.id end
  return type(key) == "string" and key or nil
end

local function submit_event(event)
  local event_type = type(event.type) == "string" and event.type or "?"
  local fns = handlers_for(event_type)
  if #fns == 0 then
    host.log(event_type, event_key(event), "unhandled", "no telnyx.on matches it")
    return
  end
  dispatcher.submit({what = event_type, key = event_key(event), fn = function()
    for _, fn in ipairs(fns) do fn(event) end
  end})
end

local function unescape(s)
  return (s:gsub("+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- application/x-www-form-urlencoded (query strings too) into a table; a repeated name keeps the last.
local function decode_form(text, into)
  for pair in text:gmatch("[^&]+") do
    local name, value = pair:match("^([^=]*)=?(.*)$")
    into[unescape(name)] = unescape(value)
  end
  return into
end

-- What a route handler returned, as status, headers and body.
local function response_of(value)
  if value == nil then return 204, {}, "" end
  if type(value) == "string" then return 200, {["content-type"] = "application/xml"}, value end
  local texml = require "telnyx.texml"
  if texml.is_element(value) then return 200, {["content-type"] = "application/xml"}, texml.render(value) end
  if type(value) == "table" then
    local status = value.status or 200
    if math.type(status) ~= "integer" or status < 200 or status > 599 then
      error("route handler: status must be an HTTP status (200-599), got " .. tostring(value.status), 0)
    end
    local body = value.body or ""
    if value.headers ~= nil and type(value.headers) ~= "table" then
      error("route handler: headers must be a table of name = value, got " .. type(value.headers), 0)
    end
    local headers = {}
    for k, v in pairs(value.headers or {}) do
      if type(k) ~= "string" or (type(v) ~= "string" and type(v) ~= "number") then
        error("route handler: headers must map names to strings, got " .. type(k) .. " = " .. type(v), 0)
      end
      headers[k:lower()] = tostring(v)
    end
    if texml.is_element(body) then
      body = texml.render(body)
      headers["content-type"] = headers["content-type"] or "application/xml"
    elseif type(body) ~= "string" then
      error("route handler: body must be a string or a TeXML document, got " .. type(body), 0)
    end
    headers["content-type"] = headers["content-type"] or "application/xml"
    return status, headers, body
  end
  error("route handler: return a string, a TeXML document or {status =, headers =, body =}, got " .. type(value), 0)
end

local function submit_route(item, route)
  -- The signature covers the body, not the URL: a POST's params are its form fields only, so a
  -- query added to a signed request cannot pass for them; a GET has only its query.
  local query = decode_form(item.query, {})
  local content_type = item.headers["content-type"] or ""
  local params = query
  if item.method ~= "GET" and item.method ~= "HEAD" then
    params = content_type:find("application/x-www-form-urlencoded", 1, true) and decode_form(item.body, {}) or {}
  end
  local request = {method = item.method, path = item.path, params = params, query = query, headers = item.headers,
    body = item.body}
  if content_type:find("json", 1, true) and item.body ~= "" then
    local ok, value = pcall(telnyx.json.decode, item.body)
    if ok then request.json = value end
  end
  local answered, answered_status = false, nil
  local function respond(status, headers, body)
    if answered then return answered_status end
    host.respond(item.token, status, headers, body)  -- raises on a header HTTP cannot carry
    answered, answered_status = true, status
    return status
  end
  dispatcher.submit({
    what = item.method .. " " .. item.path, key = params.CallSid or params.call_control_id,
    fn = function()
      local status, headers, body = response_of(route.fn(request))
      respond(status, headers, body)
    end,
    on_finish = function(outcome)
      if answered then return answered_status end
      if outcome == "cancelled" then
        return respond(503, {["content-type"] = "application/json", ["retry-after"] = "5"},
          '{"errors":[{"title":"Service unavailable","detail":"the server stopped before the handler answered"}]}')
      end
      return respond(500, {["content-type"] = "application/json"},
        '{"errors":[{"title":"Handler failed","detail":"the route handler raised an error; see the server log"}]}')
    end,
  })
end

local function admit(item)
  if item.kind == "route" then
    local route = route_for(item.path)
    if route then return submit_route(item, route) end
    -- The route was replaced between the server's check and now: answer rather than hang.
    return host.respond(item.token, 404, {["content-type"] = "application/json"}, '{"errors":[{"title":"Not found"}]}')
  end
  local ok, envelope = pcall(telnyx.json.decode, item.body)
  if not ok or type(envelope) ~= "table" then
    host.log("POST " .. item.path, nil, "error", "the body is not a JSON object")
    return
  end
  submit_event(M.event(envelope))
end

-- One round of the loop: take what arrived, start what may start, let tasks run, and wait (at
-- most `limit` s; an arrival or a finished request ends the wait early).
local function round(limit)
  -- Taken only while the dispatcher has room: beyond it requests wait in the server's bounded
  -- inbox, which answers 503 when full, so a flood cannot grow memory here.
  local running, queued = dispatcher.counts()
  local room = dispatcher.max_handlers + M.backlog - running - queued
  if room > 0 then
    for _, item in ipairs(host.take(room)) do admit(item) end
  end
  dispatcher.advance()
  scheduler.round(limit)
  dispatcher.advance()
  -- The app's own tasks (not handlers, which catch their errors): a failure is logged now,
  -- not at exit, and makes the exit status 1; the server goes on.
  for _, message in ipairs(scheduler.take_failures()) do
    app_failures = app_failures + 1
    host.log("task", nil, "error", "a task of the app failed and was never awaited")
    io.stderr:write(message, "\n")
  end
end

--- Serves until Ctrl-C, SIGTERM or telnyx.stop(): then stops accepting, gives running and
-- queued handlers `M.grace` seconds, cancels the rest. Returns the exit status.
function M.serve()
  while not host.stopping() and stop_status == nil do
    round(0.2)
  end
  host.stop_accepting()
  local deadline = api.now() + M.grace
  repeat
    round(0.05)
  until dispatcher.idle() or api.now() >= deadline
  for _, item in ipairs(host.take()) do admit(item) end
  dispatcher.abandon()
  host.abandon_routes()
  -- The app's own background tasks (a ticker, say) get the same grace, then end too.
  while not scheduler.idle() and api.now() < deadline do scheduler.round(0.05) end
  local cancelled = scheduler.cancel_tasks()
  if cancelled > 0 then
    host.log("shutdown", nil, "cancelled", cancelled .. " task(s) of the app still running after the grace period")
  end
  if app_failures > 0 and (stop_status or 0) == 0 then return 1 end
  return stop_status or 0
end

--- Feeds the deliveries recorded in `path` (one JSON envelope per line: as Telnyx POSTs it,
-- or a webhook_deliveries record) to the handlers, without a server, and waits for them all.
-- Returns the exit status: 1 if a line did not parse or a handler failed.
function M.replay(path)
  local file, err = io.open(path, "rb")
  if not file then error("--replay: " .. tostring(err), 0) end
  local text = file:read("a")
  file:close()
  return M.replay_text(text, path)
end

--- replay for recorded deliveries already read (`serve --replay` reads the file itself, so
-- that under --safe it may lie outside the app's folder); `name` names it in the log.
function M.replay_text(text, name)
  local bad, seen, number = 0, {}, 0
  for line in text:gmatch("[^\n]+") do
    number = number + 1
    if line:match("%S") then
      local ok, envelope = pcall(telnyx.json.decode, line)
      if not ok or type(envelope) ~= "table" then
        bad = bad + 1
        host.log(name .. ":" .. number, nil, "error", "not a JSON object")
      else
        local event = M.event(envelope)
        if event.id and seen[event.id] then
          host.log(tostring(event.type), event_key(event), "duplicate", "id " .. tostring(event.id) .. " ran already")
        else
          if event.id then seen[event.id] = true end
          submit_event(event)
        end
      end
    end
    dispatcher.advance()
    scheduler.round(0)
  end
  repeat round(0.05) until dispatcher.idle() or stop_status ~= nil
  if bad > 0 or dispatcher.failures() > 0 then return 1 end
  return stop_status or 0
end

return M
