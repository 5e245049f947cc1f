-- Tests for telnyx.records. Run: telnyx-lua stdlib/tests/records_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local records = require "telnyx.records"

t.test("get follows dotted paths, array steps and literal dotted keys", function()
  local r = {a = {b = {c = 3}}, tags = {"x", "y"}, ["odd.key"] = 1, n = telnyx.null, f = false}
  t.eq(records.get(r, "a.b.c"), 3)
  t.eq(records.get(r, "tags.2"), "y")
  t.eq(records.get(r, "odd.key"), 1)
  t.eq(records.get(r, "a.x.c"), nil)
  t.eq(records.get(r, "n"), nil)
  t.eq(records.get(r, "n.deeper"), nil)
  t.eq(records.get(r, "f"), false)
  t.eq(records.get("not a table", "a"), nil)
  t.raises("path must be a non-empty string", records.get, r, "")
end)

t.test("each walks arrays, iterators, callables and :each objects", function()
  local seen = {}
  t.eq(records.each({10, 20}, function(v, i) seen[i] = v end), 2)
  t.same(seen, {10, 20})
  local n = 0
  t.eq(records.each(function() n = n + 1; if n <= 2 then return n end end, function() end), 2)
  local callable = setmetatable({}, {__call = function(self, _, last) if (last or 0) < 3 then return (last or 0) + 1 end end})
  t.same(records.to_list(callable), {1, 2, 3})
  local obj = {each = function(self, fn) fn("a"); fn("b") end}
  t.same(records.to_list(obj), {"a", "b"})
  local returns_iter = {each = function(self) local i = 0; return function() i = i + 1; if i < 3 then return i end end end}
  t.same(records.to_list(returns_iter), {1, 2})
end)

t.test("each stops early when fn returns false", function()
  local count = 0
  local endless = function() return 1 end
  records.each(endless, function() count = count + 1; if count == 5 then return false end end)
  t.eq(count, 5)
end)

t.test("bad sources and helpers", function()
  t.raises("expected an array, an iterator or a paginator", records.each, 42, function() end)
  t.raises("fn must be a function", records.each, {}, nil)
  t.ok(records.is_null(nil))
  t.ok(records.is_null(telnyx.null))
  t.ok(not records.is_null(false))
  t.same(records.scalar_keys({b = 1, a = "x", t = {}, [1] = 2}), {"a", "b"})
end)

t.finish()
