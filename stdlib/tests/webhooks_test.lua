-- Tests for telnyx.webhooks. Run: telnyx-lua stdlib/tests/webhooks_test.lua
-- The vector was made with Python's cryptography package: the private key's seed is the bytes
-- 1..32; it signed TIMESTAMP .. "|" .. BODY.
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local webhooks = require "telnyx.webhooks"

local PUBLIC_KEY = "ebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ="
local TIMESTAMP = "1700000000"
local BODY = '{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",' ..
  '"payload":{"call_control_id":"v3:abc","from":"+13125550100","to":"+13125550111"}},"meta":{"attempt":1}}'
local SIGNATURE = "lc5c1uE381U3IewitWLzfx6mMZsHWf92QHoq1lz5b+oZIzNkp1WT5z+Aw0SWSLljWV5Aio2jDNKWwKHk/6vwCA=="
local NOW = 1700000000 + 42

local function headers(overrides)
  local h = {["telnyx-signature-ed25519"] = SIGNATURE, ["telnyx-timestamp"] = TIMESTAMP}
  for k, v in pairs(overrides or {}) do h[k] = v end
  return h
end

t.test("accepts a genuine webhook and decodes it", function()
  local event, why = webhooks.verify(BODY, headers(), PUBLIC_KEY, {now = NOW})
  t.eq(why, nil)
  t.eq(event.data.event_type, "call.initiated")
  t.eq(event.data.payload.to, "+13125550111")
end)

t.test("matches header names case-insensitively", function()
  local h = {["Telnyx-Signature-Ed25519"] = SIGNATURE, ["TELNYX-TIMESTAMP"] = TIMESTAMP}
  t.ok(webhooks.verify(BODY, h, PUBLIC_KEY, {now = NOW}))
end)

t.test("rejects a tampered body", function()
  local tampered = BODY:gsub("%+13125550111", "+13125550999")
  local event, why, code = webhooks.verify(tampered, headers(), PUBLIC_KEY, {now = NOW})
  t.eq(event, nil)
  t.eq(code, "bad_signature")
  t.contains(why, "signature does not match")
end)

t.test("rejects a changed timestamp even when recent", function()
  local _, _, code = webhooks.verify(BODY, headers{["telnyx-timestamp"] = "1700000001"}, PUBLIC_KEY, {now = NOW})
  t.eq(code, "bad_signature")
end)

t.test("rejects an old timestamp and one from the future", function()
  local event, why, code = webhooks.verify(BODY, headers(), PUBLIC_KEY, {now = 1700000000 + 301})
  t.eq(event, nil)
  t.eq(code, "timestamp_out_of_tolerance")
  t.contains(why, "301 s old")
  local _, why2 = webhooks.verify(BODY, headers(), PUBLIC_KEY, {now = 1700000000 - 400})
  t.contains(why2, "400 s in the future")
  t.ok(webhooks.verify(BODY, headers(), PUBLIC_KEY, {now = 1700000000 + 1000, tolerance = 1000}))
end)

t.test("reports missing headers and bad base64", function()
  local _, why, code = webhooks.verify(BODY, {["telnyx-timestamp"] = TIMESTAMP}, PUBLIC_KEY, {now = NOW})
  t.eq(code, "missing_header")
  t.contains(why, "telnyx-signature-ed25519")
  _, why = webhooks.verify(BODY, {["telnyx-signature-ed25519"] = SIGNATURE}, PUBLIC_KEY, {now = NOW})
  t.contains(why, "telnyx-timestamp")
  _, why, code = webhooks.verify(BODY, headers{["telnyx-signature-ed25519"] = "@@not base64@@"}, PUBLIC_KEY, {now = NOW})
  t.eq(code, "bad_base64")
  _, _, code = webhooks.verify(BODY, headers{["telnyx-timestamp"] = "yesterday"}, PUBLIC_KEY, {now = NOW})
  t.eq(code, "bad_timestamp")
end)

t.test("rejects the wrong key", function()
  -- Another valid Ed25519 public key (seed: 32 bytes of 7).
  local other = "6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw="
  local event, _, code = webhooks.verify(BODY, headers(), other, {now = NOW})
  t.eq(event, nil)
  t.eq(code, "bad_signature")
  t.raises("not the base64 of a 32-byte", webhooks.verify, BODY, headers(), "c2hvcnQ=", {now = NOW})
end)

t.test("raises on wrong argument types", function()
  t.raises("body must be the raw request body", webhooks.verify, {}, headers(), PUBLIC_KEY)
  t.raises("headers must be a table", webhooks.verify, BODY, "h", PUBLIC_KEY)
  t.raises("tolerance must be a number", webhooks.verify, BODY, headers(), PUBLIC_KEY, {tolerance = "x"})
end)

t.test("the crypto primitives validate their input", function()
  local c = telnyx._crypto
  t.eq(c.base64_decode(c.base64_encode("hello")), "hello")
  t.eq(c.base64_decode("aGVsbG8"), "hello")
  t.eq(c.base64_decode("!!"), nil)
  t.raises("neither 32 raw bytes nor valid base64", c.ed25519_verify, "!!", SIGNATURE, "m")
  t.raises("decodes to 3 bytes", c.ed25519_verify, PUBLIC_KEY, "YWJj", "m")
  t.eq(c.ed25519_verify(PUBLIC_KEY, SIGNATURE, TIMESTAMP .. "|" .. BODY), true)
  t.eq(c.ed25519_verify(PUBLIC_KEY, SIGNATURE, TIMESTAMP .. "|" .. BODY .. " "), false)
end)

t.finish()
