-- Tests for telnyx.csv. Run: telnyx-lua stdlib/tests/csv_test.lua
package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
local t = require "testlib"
local csv = require "telnyx.csv"

t.test("parses plain rows with CRLF and LF line ends", function()
  local rows = csv.parse("a,b,c\r\n1,2,3\n4,5,6")
  t.same(rows, {{"a", "b", "c"}, {"1", "2", "3"}, {"4", "5", "6"}})
end)

t.test("parses quoted fields with commas, quotes and newlines", function()
  local rows = csv.parse('name,note\r\n"Smith, J","said ""hi""\r\nthen left"\r\n')
  t.eq(#rows, 2)
  t.eq(rows[2][1], "Smith, J")
  t.eq(rows[2][2], 'said "hi"\r\nthen left')
end)

t.test("keeps empty fields and empty quoted fields", function()
  local rows = csv.parse('a,,""\n,\n')
  t.same(rows, {{"a", "", ""}, {"", ""}})
end)

t.test("header mode keys rows by column name", function()
  local rows, header = csv.parse("id,phone_number\n1,+13125550100\n2,+13125550101\n", {header = true})
  t.same(header, {"id", "phone_number"})
  t.eq(rows[2].phone_number, "+13125550101")
  t.eq(rows[1].id, "1")
end)

t.test("strips a UTF-8 BOM and supports another separator", function()
  local rows = csv.parse("\239\187\191a;b\n1;2", {separator = ";", header = true})
  t.eq(rows[1].a, "1")
  t.eq(rows[1].b, "2")
end)

t.test("reports malformed input with a line number", function()
  t.raises("line 2: unterminated quoted field", csv.parse, 'a\n"open,b\nc')
  t.raises("line 1: a quote inside an unquoted field", csv.parse, 'ab"c')
  t.raises("unexpected text after a closing quote", csv.parse, '"ab"c')
  t.raises("duplicate column 'a'", csv.parse, "a,a\n1,2", {header = true})
  t.raises("line 2: 3 fields but the header has 2", csv.parse, "a,b\n1,2,3", {header = true})
  t.raises("text must be a string", csv.parse, 42)
  t.raises("separator must be one character", csv.parse, "a", {separator = ",,"})
end)

t.test("writes with quoting and round-trips", function()
  local rows = {{"plain", "with,comma", 'with "quote"', "two\nlines", ""}}
  local text = csv.write(rows)
  t.eq(text, 'plain,"with,comma","with ""quote""","two\nlines",\r\n')
  t.same(csv.parse(text), rows)
end)

t.test("random rows survive write then parse", function()
  math.randomseed(4180)
  local alphabet = {"a", "b", ",", '"', "\r", "\n", "\r\n", " ", "é", ";"}
  for _ = 1, 200 do
    local rows = {}
    for r = 1, math.random(1, 4) do
      local row = {}
      for c = 1, 3 do
        local parts = {}
        for k = 1, math.random(0, 6) do parts[k] = alphabet[math.random(#alphabet)] end
        row[c] = table.concat(parts)
      end
      rows[r] = row
    end
    t.same(csv.parse(csv.write(rows)), rows)
    t.same(csv.parse(csv.write(rows, {eol = "\n", separator = ";"}), {separator = ";"}), rows)
  end
end)

t.test("writes records by dotted columns, null and nil as empty", function()
  local recs = {
    {id = "1", phone_number = "+13125550100", voice = {call_forwarding = {forwarding_type = "always"}}},
    {id = "2", phone_number = "+13125550101", voice = telnyx.null},
    {id = 3, phone_number = telnyx.null, tags = {"a", "b"}},
  }
  local text = csv.write(recs, {columns = {"id", "phone_number", "voice.call_forwarding.forwarding_type", "tags"}})
  t.eq(text, "id,phone_number,voice.call_forwarding.forwarding_type,tags\r\n" ..
    "1,+13125550100,always,\r\n" .. "2,+13125550101,,\r\n" .. '3,,,"[""a"",""b""]"\r\n')
end)

t.test("columns may be renamed or computed", function()
  local text = csv.write({{a = {b = 2}}}, {columns = {{"B", "a.b"}, {"double", function(r) return r.a.b * 2 end}},
    eol = "\n"})
  t.eq(text, "B,double\n2,4\n")
end)

t.test("write without columns uses the first record's scalar keys, sorted", function()
  t.eq(csv.write({{b = 1, a = "x", nested = {}}}, {eol = "\n"}), "a,b\nx,1\n")
  t.raises("column 1 must be a path", csv.write, {{a = 1}}, {columns = {42}})
  t.raises("rows must be an array", csv.write, "nope")
end)

t.test("export from an array to a path, then read back", function()
  local path = t.tmpname()
  local n = csv.export({{id = "a", n = 1}, {id = "b", n = 2}}, path, {columns = {"id", "n"}})
  t.eq(n, 2)
  t.eq(t.read(path), "id,n\r\na,1\r\nb,2\r\n")
  local back = csv.read(path, {header = true})
  t.eq(back[2].id, "b")
end)

t.test("export from an iterator function and a callable paginator", function()
  local i = 0
  local function iter()
    i = i + 1
    if i <= 3 then return {id = i} end
  end
  local path = t.tmpname()
  t.eq(csv.export(iter, path, {columns = {"id"}, eol = "\n"}), 3)
  t.eq(t.read(path), "id\n1\n2\n3\n")
  -- A paginator-like object: callable in a generic for, yielding items across "pages".
  local pages = {{{id = "p1"}, {id = "p2"}}, {{id = "p3"}}}
  local page, pos = 1, 0
  local paginator = setmetatable({}, {__call = function()
    pos = pos + 1
    if pages[page] and not pages[page][pos] then page, pos = page + 1, 1 end
    return pages[page] and pages[page][pos]
  end})
  local f = io.open(path, "wb")
  t.eq(csv.export(paginator, f, {columns = {"id"}, eol = "\n"}), 3)
  f:close()
  t.eq(t.read(path), "id\np1\np2\np3\n")
end)

t.test("export from an object with :each", function()
  local obj = {each = function(self, fn) for _, v in ipairs({{x = 1}, {x = 2}}) do fn(v) end end}
  local path = t.tmpname()
  t.eq(csv.export(obj, path, {eol = "\n"}), 2)
  t.eq(t.read(path), "x\n1\n2\n")
end)

t.test("export errors are clear", function()
  t.raises("destination must be a path or an open file", csv.export, {}, 42)
  t.raises("source must be an array", csv.export, 42, "/tmp/x.csv")
  t.raises("csv.export: /nonexistent/dir/x.csv", csv.export, {}, "/nonexistent/dir/x.csv")
  t.raises("csv.read: /nonexistent/file.csv", csv.read, "/nonexistent/file.csv")
end)

t.test("errors point at the caller's line, not into the module", function()
  local bad = t.tmpname()
  local f = io.open(bad, "w")
  f:write('a\n"open')
  f:close()
  local cases = {
    {csv.parse, 42}, {csv.parse, "a", 5}, {csv.parse, "a", {separator = ",,"}},
    {csv.parse, 'a\n"open'}, {csv.parse, 'ab"c'}, {csv.parse, "a,a\n1,2", {header = true}},
    {csv.parse, "a,b\n1,2,3", {header = true}}, {csv.read, bad}, {csv.read, bad, 5},
    {csv.write, "nope"}, {csv.write, {5}}, {csv.write, {{a = 1}}, 5},
    {csv.write, {{a = 1}}, {columns = 5}}, {csv.write, {{a = 1}}, {columns = {42}}},
    {csv.export, 42, bad}, {csv.export, {}, 42}, {csv.export, {{a = 1}}, bad, 5},
    {csv.export, {{a = 1}}, bad, {columns = {42}}},
  }
  for i, case in ipairs(cases) do
    local err = t.caller_error(table.unpack(case))
    t.ok(err:find("testlib%.lua:%d+: csv%.") ~= nil, "case " .. i .. ": " .. err)
    t.ok(not err:find("telnyx/csv"), "case " .. i .. ": " .. err)
  end
end)

t.finish()
