-- call_control_attendant.lua: an auto-attendant on Call Control. Answers incoming calls, asks
-- "press 1 for sales, 2 for support", and transfers the caller; anything else hears goodbye.
-- client_state carries each call's step from one event to the next.
-- Arguments: [sales_number support_number]
-- run: telnyx-lua serve --sandbox stdlib/recipes/call_control_attendant.lua
-- On Telnyx: point a Call Control application's webhook URL at this server, then
--   TELNYX_PUBLIC_KEY=... telnyx-lua serve --port 8080 call_control_attendant.lua +1312... +1312...
local SALES, SUPPORT = ...
SALES, SUPPORT = SALES or "+13125550101", SUPPORT or "+13125550102"
local MENU = "Thanks for calling Example. Press 1 for sales, 2 for support."

telnyx.on("call.initiated", function(event)
  if event.payload.direction == "incoming" then
    event.call.answer{client_state = {step = "menu"}}
  end
end)

telnyx.on("call.answered", function(event)
  event.call.gather_using_speak{payload = MENU, voice = "female", language = "en-US",
    valid_digits = "12", maximum_digits = 1, client_state = {step = "menu"}}
end)

telnyx.on("call.gather.ended", function(event)
  local to = ({["1"] = SALES, ["2"] = SUPPORT})[event.payload.digits]
  if to then
    event.call.speak{payload = "Connecting you now.", voice = "female", client_state = {step = "transfer", to = to}}
  else
    event.call.speak{payload = "Sorry, we did not get that. Goodbye.", voice = "female", client_state = {step = "goodbye"}}
  end
end)

telnyx.on("call.speak.ended", function(event)
  local state = event.client_state or {}
  if state.step == "transfer" then
    event.call.transfer{to = state.to}
  elseif state.step == "goodbye" then
    event.call.hangup()
  end
end)

telnyx.on("call.hangup", function(event)
  print(("call %s ended: %s"):format(event.payload.call_control_id, event.payload.hangup_cause or "?"))
end)

-- On the sandbox: play the caller once (pressing 1), check what they heard, and stop.
local sandbox = require "telnyx.sandbox"

local function demo()
  local app = telnyx.call_control_applications.create{application_name = "attendant recipe",
    webhook_event_url = telnyx.server.url .. "/webhooks"}.data
  local number = telnyx.phone_numbers.list():first()
  telnyx.phone_numbers.update(number.id, {connection_id = app.id})
  local caller = "+13125550177"
  sandbox.party{number = caller, digits = "1", hangup_after_ms = 2500}
  sandbox.party{number = SALES, answer_after_ms = 100}
  local call = sandbox.inbound_call{from = caller, to = number.phone_number}.data
  local ended = sandbox.wait_for_end(call.call_control_id, 20)
  local heard = sandbox.heard(ended)
  local transferred = false
  for _, entry in ipairs(ended.entries) do
    if entry.event == "transfer_answered" and entry.to == SALES then transferred = true end
  end
  print("the caller heard: " .. table.concat(heard, " | "))
  print("transferred to sales: " .. tostring(transferred))
  local ok = heard[1] == MENU and heard[2] == "Connecting you now." and transferred
  return ok
end

sandbox.demo(demo)
