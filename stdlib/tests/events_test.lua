-- Tests for telnyx.events below the server: events from envelopes, client_state, call commands,
-- routes' arguments and replay. Run: telnyx-lua stdlib/tests/events_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local events = require "telnyx.events"
local dryrun = require "telnyx.dryrun"

local b64 = telnyx._crypto.base64_encode

t.test("an event from the envelope Telnyx sends and from a webhook_deliveries record", function()
  local sent = events.event{data = {id = "e1", event_type = "call.answered", occurred_at = "2026-01-01T00:00:00Z",
    record_type = "event", payload = {call_control_id = "v3:x", client_state = b64('{"step":2}')}},
    meta = {attempt = 2}}
  t.eq(sent.type, "call.answered")
  t.eq(sent.id, "e1")
  t.eq(sent.meta.attempt, 2)
  t.eq(sent.client_state.step, 2)
  t.eq(tostring(sent.call), "<call v3:x>")
  local stored = events.event{id = "d1", webhook = {id = "e2", event_type = "message.received",
    payload = {to = {{phone_number = "+1"}}, from = {phone_number = "+2"}}}}
  t.eq(stored.type, "message.received")
  t.eq(stored.id, "e2")
  t.eq(stored.call, nil)
  t.eq(type(stored.reply), "function")
end)

t.test("client_state decodes Base64, then JSON when it is JSON, and keeps what is neither", function()
  local function state(value) return events.event{data = {payload = {client_state = value}}}.client_state end
  t.eq(state(b64("plain text")), "plain text")
  t.eq(state(b64('{"a":[1,2]}')).a[2], 2)
  t.eq(state(b64("{broken")), "{broken")
  t.eq(state("***not base64***"), "***not base64***")
  t.eq(state(""), nil)
  t.eq(state(nil), nil)
end)

t.test("call commands fill in the call, encode client_state and number their command ids", function()
  local out = io.open(t.tmpname(), "w+")
  dryrun.enable({output = out})
  local event = events.event{data = {id = "ev9", event_type = "call.initiated", payload = {call_control_id = "v3:abc"}}}
  event.call.answer{client_state = {step = "menu"}}
  event.call:speak{payload = "Hi", voice = "female", command_id = "mine"}
  event.call.hangup()
  local ok, err = pcall(event.call.speak, "not a table")
  t.ok(not ok)
  t.contains(tostring(err), "expected a table of parameters")
  t.eq(event.call.no_such_action, nil)
  local requests = dryrun.requests()
  t.eq(#requests, 3)
  local answer = telnyx.json.decode(requests[1].body)
  t.eq(answer.client_state, b64('{"step":"menu"}'))
  t.eq(answer.command_id, "ev9:1")
  t.eq(telnyx.json.decode(requests[2].body).command_id, "mine")
  t.eq(telnyx.json.decode(requests[3].body).command_id, "ev9:2")
  t.contains(requests[1].path, "/calls/v3:abc/actions/answer")
end)

t.test("registration checks its arguments", function()
  for _, bad in ipairs({{"", function() end}, {"call.answered", "not a function"}, {42, function() end}}) do
    t.ok(not pcall(telnyx.on, bad[1], bad[2]))
  end
  t.ok(not pcall(telnyx.route, "no-slash", function() end))
  t.ok(not pcall(telnyx.route, "/x", function() end, "options"))
  t.ok(not pcall(telnyx.stop, 1.5))
end)

t.test("replay runs each recorded event once, in order per call, and reports failures", function()
  local path = t.tmpname()
  local f = io.open(path, "w")
  f:write('{"data":{"id":"r1","event_type":"test.one","payload":{"call_control_id":"C"}}}\n')
  f:write('{"data":{"id":"r1","event_type":"test.one","payload":{"call_control_id":"C"}}}\n')
  f:write('\n')
  f:write('{"webhook":{"id":"r2","event_type":"test.two","payload":{"call_control_id":"C"}}}\n')
  f:close()
  local seen = {}
  telnyx.on("test.*", function(e)
    telnyx.sleep(0.01)
    seen[#seen + 1] = e.id
  end)
  t.eq(events.replay(path), 0)
  t.eq(table.concat(seen, ","), "r1,r2")
  f = io.open(path, "w")
  f:write('not json\n')
  f:close()
  t.eq(events.replay(path), 1)
  local ok, err = pcall(events.replay, path .. ".missing")
  t.ok(not ok)
  t.contains(tostring(err), "--replay")
end)

t.finish()
