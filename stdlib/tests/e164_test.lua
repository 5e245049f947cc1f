-- Tests for telnyx.e164. Run: telnyx-lua stdlib/tests/e164_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local e164 = require "telnyx.e164"

t.test("normalizes punctuation, 00 prefix and default country", function()
  t.eq(e164.normalize("+1 (312) 555-0100"), "+13125550100")
  t.eq(e164.normalize("0044 20 7946 0000"), "+442079460000")
  t.eq(e164.normalize("312.555.0100", "1"), "+13125550100")
end)

t.test("gives reasons for bad numbers", function()
  local function reason(...)
    local v, why = e164.normalize(...)
    t.eq(v, nil)
    return why
  end
  t.contains(reason("3125550100"), "has no country code")
  t.contains(reason("+1312abc0100"), "characters other than digits")
  t.contains(reason("+0123456789"), "never starts with 0")
  t.contains(reason("+1234"), "has 4 digits")
  t.contains(reason("+1234567890123456"), "has 16 digits")
  t.contains(reason(13125550100), "expected a string, got number")
  t.contains(reason("5550100", "x1"), "default country must be digits")
end)

t.test("is_valid accepts only E.164", function()
  t.ok(e164.is_valid("+13125550100"))
  t.ok(not e164.is_valid("13125550100"))
  t.ok(not e164.is_valid("+1 312 555 0100"))
  t.ok(not e164.is_valid("+123456789012345678"))
  t.ok(not e164.is_valid(nil))
end)

t.test("validate explains why a stored number is not E.164", function()
  t.eq(e164.validate("+13125550100"), true)
  local ok, why = e164.validate("+1 312 555 0100")
  t.eq(ok, nil)
  t.contains(why, "not in E.164 form")
  t.contains(why, "+13125550100")
  ok, why = e164.validate("+1234")
  t.eq(ok, nil)
  t.contains(why, "has 4 digits")
end)

t.finish()
