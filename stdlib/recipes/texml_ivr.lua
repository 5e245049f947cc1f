-- texml_ivr.lua: a TeXML IVR, "press 1 for sales, 2 for support", served by telnyx-lua serve.
-- The TeXML application's voice_url is <server>/texml/ivr; the caller's key press comes back to
-- the same route with Digits, and the route answers with the next document.
-- Arguments: [sales_number support_number]
-- run: telnyx-lua serve --sandbox stdlib/recipes/texml_ivr.lua
-- On Telnyx: set your TeXML application's voice_url to https://<your host>/texml/ivr (POST).
local texml = require "telnyx.texml"

local SALES, SUPPORT = ...
SALES, SUPPORT = SALES or "+13125550101", SUPPORT or "+13125550102"
local MENU = "Press 1 for sales, 2 for support."

telnyx.route("/texml/ivr", function(request)
  local digits = request.params.Digits
  if digits == "1" or digits == "2" then
    local team, number = "sales", SALES
    if digits == "2" then team, number = "support", SUPPORT end
    return texml.Response{
      texml.Say({voice = "alice"}, "Connecting you to " .. team .. "."),
      texml.Dial({}, {texml.Number(number)}),
    }
  end
  return texml.Response{
    texml.Gather({action = "/texml/ivr", method = "POST", numDigits = 1, timeout = 5},
      {texml.Say({voice = "alice"}, MENU)}),
    texml.Say({voice = "alice"}, "We did not get a choice. Goodbye."),
    texml.Hangup(),
  }
end)

telnyx.route("/texml/status", function(request)
  print(("call %s: %s%s"):format(request.params.CallSid, request.params.CallStatus,
    request.params.CallDuration and (" after " .. request.params.CallDuration .. " s") or ""))
  return {status = 204}
end)

-- On the sandbox: a caller presses 2; check what they heard and that the call completed.
local sandbox = require "telnyx.sandbox"

local function demo()
  local app = telnyx.texml_applications.create{friendly_name = "IVR recipe",
    voice_url = telnyx.server.url .. "/texml/ivr", voice_method = "post",
    status_callback = telnyx.server.url .. "/texml/status"}.data
  local number = telnyx.phone_numbers.list():first()
  telnyx.phone_numbers.update(number.id, {connection_id = app.id})
  local caller = "+13125550178"
  sandbox.party{number = caller, digits = "2", hangup_after_ms = 2500}
  local call = sandbox.inbound_call{from = caller, to = number.phone_number}.data
  local ended = sandbox.wait_for_end(call.call_sid, 20)
  local heard = sandbox.heard(ended)
  print("the caller heard: " .. table.concat(heard, " | "))
  local ok = heard[1] == MENU and heard[2] == "Connecting you to support."
  return ok
end

sandbox.demo(demo)
