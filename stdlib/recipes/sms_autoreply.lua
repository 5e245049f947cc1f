-- sms_autoreply.lua: answer every inbound text with an automatic reply, and log how each reply
-- was delivered. Keywords: "hours" and "stop" get their own answers.
-- Arguments: none
-- run: telnyx-lua serve --sandbox stdlib/recipes/sms_autoreply.lua
-- On Telnyx: set your messaging profile's webhook URL to this server.
local REPLIES = {
  hours = "We are open 9am-5pm, Monday to Friday.",
  stop = "You are unsubscribed. Reply START to subscribe again.",
}
local DEFAULT = "Thanks for your message! We will get back to you shortly."

local function reply_for(text)
  local lower = (text or ""):lower()
  for keyword, reply in pairs(REPLIES) do
    if lower:find(keyword, 1, true) then return reply end
  end
  return DEFAULT
end

local finalized = {}   -- reply text -> delivery status, as message.finalized reports it

telnyx.on("message.received", function(event)
  local text = event.payload.text
  print(("from %s: %s"):format(event.payload.from.phone_number, text))
  event.reply(reply_for(text))
end)

telnyx.on("message.finalized", function(event)
  local to = event.payload.to[1]
  finalized[event.payload.text] = to.status
  print(("reply to %s: %s"):format(to.phone_number, to.status))
end)

-- On the sandbox: a customer asks for the opening hours; check the reply was delivered.
local sandbox = require "telnyx.sandbox"

local function demo()
  local profile = telnyx.messaging_profiles.create{name = "autoreply recipe", whitelisted_destinations = {"US"},
    webhook_url = telnyx.server.url .. "/webhooks"}.data
  local number = telnyx.phone_numbers.list():first()
  -- The sandbox routes the message to the profile named here (on Telnyx: the number's profile).
  sandbox.inbound_message{from = "+13125550179", to = number.phone_number, text = "What are your hours?",
    messaging_profile_id = profile.id}
  for _ = 1, 100 do
    if finalized[REPLIES.hours] then break end
    telnyx.sleep(0.1)
  end
  print("reply delivered: " .. tostring(finalized[REPLIES.hours]))
  return finalized[REPLIES.hours] == "delivered"
end

sandbox.demo(demo)
