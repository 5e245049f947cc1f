-- texml_app_call.lua: create a TeXML application, start an outbound call with it, then list the
-- account's calls and recordings across all their pages (the paginators follow next_page_uri).
-- Arguments: account_sid from to [voice_url]
--   account_sid: your TeXML account sid; from/to: E.164 numbers (from must be yours)
--   voice_url: where Telnyx fetches the TeXML (default https://example.com/texml)
-- run: telnyx-lua --sandbox stdlib/recipes/texml_app_call.lua ACCOUNT_SID +13120001234 +13121230000
local e164 = require "telnyx.e164"
local texml = require "telnyx.texml"

local account_sid, from, to, voice_url = ...
if not (account_sid and from and to) then
  io.stderr:write("usage: texml_app_call.lua account_sid from to [voice_url]\n")
  os.exit(2)
end
local function number(arg_name, value)
  local n, why = e164.normalize(value)
  if not n then
    io.stderr:write(arg_name, ": ", why, "\n")
    os.exit(2)
  end
  return n
end
from, to = number("from", from), number("to", to)
voice_url = voice_url or "https://example.com/texml"

-- What the voice_url should answer with (serve it from your web app).
print(texml.render(texml.Response{
  texml.Say({voice = "alice"}, "Hello from telnyx-lua. This call is recorded."),
  texml.Record({maxLength = 30, playBeep = true}),
  texml.Hangup(),
}, {indent = "  "}))

local app = telnyx.texml_applications.create{
  friendly_name = "telnyx-lua recipe " .. os.date("!%Y-%m-%dT%H:%M:%SZ"),
  voice_url = voice_url,
  voice_method = "post",
}.data
print(("created TeXML application %s"):format(app.id))

local call = telnyx.texml.accounts.calls.calls(account_sid, {
  ApplicationSid = app.id,
  From = from,
  To = to,
})
print(("call %s -> %s: %s"):format(tostring(call.from), tostring(call.to), tostring(call.status)))

-- TeXML lists come back as paginators that follow next_page_uri, so a for loop walks every page.
local calls = 0
for c in telnyx.texml.accounts.calls.retrieve_calls(account_sid, {PageSize = 20}) do
  calls = calls + 1
  print(("  call %s %s -> %s %s"):format(tostring(c.sid or c.call_sid), tostring(c.from), tostring(c.to),
    tostring(c.status)))
end
local recordings = 0
for r in telnyx.texml.accounts.retrieve_recordings_json(account_sid, {PageSize = 20}) do
  recordings = recordings + 1
  print(("  recording %s (%s s) %s"):format(tostring(r.sid), tostring(r.duration), tostring(r.media_url)))
end
print(("%d call(s), %d recording(s)"):format(calls, recordings))
