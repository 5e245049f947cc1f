-- Tests for telnyx.texml. Run: telnyx-lua stdlib/tests/texml_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local texml = require "telnyx.texml"

local DECL = '<?xml version="1.0" encoding="UTF-8"?>'

t.test("renders a document with the declaration and sorted attributes", function()
  local doc = texml.Response{
    texml.Say({voice = "alice", language = "en-US"}, "Hello"),
    texml.Dial({timeout = 20, callerId = "+13125550100", record = true}, {
      texml.Number("+13125550111"),
      texml.Sip({username = "u"}, "sip:alice@example.com"),
    }),
    texml.Hangup(),
  }
  t.eq(texml.render(doc), DECL .. '<Response><Say language="en-US" voice="alice">Hello</Say>' ..
    '<Dial callerId="+13125550100" record="true" timeout="20"><Number>+13125550111</Number>' ..
    '<Sip username="u">sip:alice@example.com</Sip></Dial><Hangup/></Response>')
end)

t.test("escapes text and attribute values", function()
  local doc = texml.Response{
    texml.Say({voice = 'a"b\'<c>&'}, "Tom & Jerry <say> \"hi\""),
    texml.Redirect({method = "POST"}, "https://example.com/next?a=1&b=2"),
  }
  local xml = texml.render(doc)
  t.contains(xml, '<Say voice="a&quot;b&apos;&lt;c&gt;&amp;">Tom &amp; Jerry &lt;say&gt; &quot;hi&quot;</Say>')
  t.contains(xml, ">https://example.com/next?a=1&amp;b=2</Redirect>")
  t.raises("control characters are not allowed", texml.render, texml.Response{texml.Say("bell\7")})
end)

t.test("a given attribute order wins over sorting", function()
  local xml = texml.render(texml.Response{texml.Gather({_order = {"input", "action"}, action = "/g",
    input = "dtmf speech", numDigits = 4}, {texml.Say("Press 1")})})
  t.contains(xml, '<Gather input="dtmf speech" action="/g" numDigits="4"><Say>Press 1</Say></Gather>')
end)

t.test("pretty printing puts one element per line", function()
  local xml = texml.render(texml.Response{texml.Pause({length = 2}), texml.Reject({reason = "busy"})},
    {indent = "  "})
  t.eq(xml, DECL .. '\n<Response>\n  <Pause length="2"/>\n  <Reject reason="busy"/>\n</Response>')
end)

t.test("covers the other verbs", function()
  local xml = texml.render(texml.Response{
    texml.Play("https://example.com/a.mp3"),
    texml.Record({maxLength = 30, playBeep = false}),
    texml.Enqueue({waitUrl = "/wait"}, "support"),
    texml.Dial{texml.Conference({startConferenceOnEnter = true}, "room-1")},
    texml.Dial{texml.Queue("support")},
    texml.Start{texml.Stream({url = "wss://example.com/s"}, {texml.Parameter({name = "k", value = "v"})})},
    texml.Transcription({language = "en"}),
    texml.Refer{texml.Sip("sip:bob@example.com")},
    texml.Leave(),
  })
  t.contains(xml, "<Enqueue waitUrl=\"/wait\">support</Enqueue>")
  t.contains(xml, "<Dial><Conference startConferenceOnEnter=\"true\">room-1</Conference></Dial>")
  t.contains(xml, '<Start><Stream url="wss://example.com/s"><Parameter name="k" value="v"/></Stream></Start>')
  t.contains(xml, "<Refer><Sip>sip:bob@example.com</Sip></Refer><Leave/></Response>")
end)

t.test("rejects bad nesting with a clear reason", function()
  t.raises("Number is not allowed inside Response", texml.render, texml.Response{texml.Number("+13125550100")})
  t.raises("Sip is not allowed inside Gather", texml.render, texml.Response{texml.Gather{texml.Sip("sip:x@y")}})
  t.raises("the root element must be Response", texml.render, texml.Say("hi"))
  t.raises("Hangup takes no text", texml.render, texml.Response{texml.Hangup("bye")})
  t.raises("Dial is not allowed inside Dial", texml.render, texml.Response{texml.Dial{texml.Dial{}}})
end)

t.test("rejects bad arguments", function()
  t.raises("child 2 is not a TeXML element", texml.Response, {texml.Hangup(), "oops"})
  t.raises("attribute 'x' must be a string, number or boolean", texml.Say, {x = {}}, "hi")
  t.raises("bad element name", texml.element, "1bad")
  local ok, why = texml.validate("nope")
  t.eq(ok, nil)
  t.contains(why, "not a TeXML element")
end)

t.finish()
