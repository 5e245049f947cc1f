-- Tests for telnyx.sandbox (what holds without a sandbox running; the recipes drive a real one).
-- Run: telnyx-lua stdlib/tests/sandbox_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local sandbox = require "telnyx.sandbox"

t.test("only admin paths can be requested", function()
  for _, path in ipairs({"/calls", "/v2/calls", "/__sandbox/../calls", "/__sandbox/x?y=1", "/__sandbox/{id}"}) do
    local ok, err = pcall(sandbox.request, "POST", path, {})
    t.ok(not ok, path .. " was accepted")
    t.contains(tostring(err), "sandbox admin path")
  end
  local ok, err = pcall(sandbox.request, "PATCH", "/__sandbox/parties", {})
  t.ok(not ok)
  t.contains(tostring(err), "GET, POST or DELETE")
  ok, err = pcall(sandbox.request, "POST", "/__sandbox/parties", "not a table")
  t.ok(not ok)
  t.contains(tostring(err), "body must be a table")
end)

t.test("transcript refuses ids that would change the path", function()
  for _, id in ipairs({"", "a/b", "a?b", "a#b", "%2e%2e", 42}) do
    local ok, err = pcall(sandbox.transcript, id)
    t.ok(not ok, tostring(id) .. " was accepted")
    t.contains(tostring(err), "expected a call id")
  end
end)

t.test("heard lists the spoken texts of a transcript, in order", function()
  local call = {entries = {
    {event = "state", state = "answered"},
    {event = "speak", text = "Press 1"},
    {event = "digits", digits = "1"},
    {event = "verb", verb = "Say", text = "Connecting"},
  }}
  local heard = sandbox.heard(call)
  t.eq(#heard, 2)
  t.eq(heard[1], "Press 1")
  t.eq(heard[2], "Connecting")
  t.eq(#sandbox.heard({}), 0)
end)

t.finish()
