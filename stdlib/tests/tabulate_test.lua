-- Tests for telnyx.tabulate. Run: telnyx-lua stdlib/tests/tabulate_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local tabulate = require "telnyx.tabulate"

local rows = {
  {id = "1", phone_number = "+13125550100", cost = 1.5, voice = {call_forwarding = {forwarding_type = "always"}}},
  {id = "22", phone_number = "+442079460000", cost = 10, voice = telnyx.null},
}

t.test("aligns columns, right-aligns numbers, blanks nulls", function()
  local out = tabulate.render(rows, {columns = {"id", "phone_number", "cost", {"fwd", "voice.call_forwarding.forwarding_type"}}})
  t.eq(out,
    "id  phone_number   cost  fwd\n" ..
    "--  -------------  ----  ------\n" ..
    "1   +13125550100    1.5  always\n" ..
    "22  +442079460000    10\n")
end)

t.test("default columns: names first, empty ones and record_type out, only what fits", function()
  local wide = {}
  for i = 1, 3 do
    wide[i] = {record_type = "phone_number", zeta = "z" .. i, status = "active", empty = "",
               phone_number = "+1312555010" .. i, alpha = string.rep("a", 20), beta = string.rep("b", 20)}
  end
  local out = tabulate.render(wide, {width = 60})
  -- beta (20 wide) would pass 60 columns; zeta (4) still fits after it.
  t.eq(out:match("^[^\n]*"), "phone_number  status  alpha                 zeta")
  for line in out:gmatch("[^\n]+") do t.ok(tabulate.width(line) <= 60, line) end
end)

t.test("measures UTF-8 by display width", function()
  t.eq(tabulate.width("abc"), 3)
  t.eq(tabulate.width("café"), 4)
  t.eq(tabulate.width("e\204\129"), 1)       -- e + combining acute accent
  t.eq(tabulate.width("日本"), 4)
  t.eq(tabulate.width("\255\254"), 2)         -- invalid UTF-8 counts bytes
  local out = tabulate.render({{name = "日本語", n = "x"}, {name = "ab", n = "y"}}, {columns = {"name", "n"}})
  t.contains(out, "日本語  x\n")
  t.contains(out, "ab      y\n")
end)

t.test("truncates with an ellipsis to fit the width", function()
  t.eq(tabulate.truncate("abcdefgh", 5), "abcd…")
  t.eq(tabulate.truncate("abc", 5), "abc")
  t.eq(tabulate.truncate("日本語です", 5), "日本…")
  local long = {{a = string.rep("x", 80), b = string.rep("y", 80)}}
  local out = tabulate.render(long, {columns = {"a", "b"}, width = 40})
  for line in out:gmatch("[^\n]+") do
    t.ok(tabulate.width(line) <= 40, "line too wide: " .. line)
  end
  t.contains(out, "…")
  t.contains(tabulate.render(long, {columns = {"a"}, width = 20, ellipsis = "..."}), "xxxxxxxxxxxxxxxxx...")
end)

t.test("takes the width from COLUMNS or defaults to 100", function()
  t.eq(tabulate.terminal_width({width = 55}), 55)
  local env = os.getenv("COLUMNS")
  t.eq(tabulate.terminal_width(), env and tonumber(env) and tonumber(env) >= 10 and math.floor(tonumber(env)) or 100)
end)

t.test("default columns, iterators and limits", function()
  local out = tabulate.render({{b = 2, a = 1, nested = {x = 1}}})
  t.eq(out, "a  b\n-  -\n1  2\n")
  local i = 0
  local iter = function() i = i + 1; return {n = i} end   -- endless
  out = tabulate.render(iter, {columns = {"n"}, limit = 3})
  t.eq(out, "n\n-\n1\n2\n3\n")
end)

t.test("print writes to a file and returns the row count", function()
  local path = t.tmpname()
  local f = io.open(path, "w")
  t.eq(tabulate.print(rows, {columns = {"id"}, file = f}), 2)
  f:close()
  t.eq(t.read(path), "id\n--\n1\n22\n")
end)

t.test("bad input is refused clearly", function()
  t.raises("rows must be an array", tabulate.render, 5)
  t.raises("column 1 must be a path", tabulate.render, rows, {columns = {true}})
  t.raises("options must be a table", tabulate.render, rows, "x")
end)

t.test("errors point at the caller's line, not into the module", function()
  local cases = {
    {tabulate.render, 5}, {tabulate.print, 5}, {tabulate.print, rows, 5},
    {tabulate.render, rows, {columns = {5}}}, {tabulate.print, rows, {columns = {5}}},
    {tabulate.render, rows, {columns = 5}}, {tabulate.render, rows, {columns = {""}}},
    {tabulate.render, rows, {limit = "x"}}, {tabulate.render, rows, {width = "x"}},
    {tabulate.print, rows, {file = 5}}, {tabulate.truncate, "abc", "x"},
  }
  for i, case in ipairs(cases) do
    local err = t.caller_error(table.unpack(case))
    t.ok(err:find("testlib%.lua:%d+: tabulate%.") ~= nil, "case " .. i .. ": " .. err)
    t.ok(not err:find("telnyx/tabulate"), "case " .. i .. ": " .. err)
  end
end)

t.finish()
