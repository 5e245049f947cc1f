-- Fuzzes telnyx.json.decode and telnyx.json.encode from Lua (see docs/fuzzing.md).
--
--   telnyx-lua scripts/fuzz-json.lua [cases] [seed] [exit]
--
-- Each case is one of: a random Lua value encoded and decoded back (the value must survive
-- exactly and re-encode to the same text); valid JSON text mutated at the byte level (decode
-- either succeeds or raises a clean "telnyx.json.decode: ..." string, and what it decodes must
-- round-trip); a soup of random bytes and JSON tokens (the same); a value with something
-- unencodable hidden inside (encode must raise a clean "telnyx.json.encode: ..." string).
-- Then once: 100,000-deep nesting both ways, which must be an error, not a stack overflow.
--
-- Returns the number of failures and a summary; with "exit" as third argument it prints the
-- summary and exits 1 when anything failed. The random generator is Lua's, seeded, so a seed
-- replays the same cases.
local cases, seed, mode = ...
cases = math.tointeger(tonumber(cases)) or 2000
seed = math.tointeger(tonumber(seed)) or 1
math.randomseed(seed)
local R = math.random
local json, null, array = telnyx.json, telnyx.null, telnyx.array

local stats = {value = 0, mutated = 0, soup = 0, unencodable = 0, decoded = 0, decode_errors = 0}
local failures, failed = {}, 0

local function fail(kind, detail, input)
  failed = failed + 1
  if #failures < 20 then
    local shown = input and (" <- " .. string.format("%q", input:sub(1, 160))) or ""
    failures[#failures + 1] = ("case %d %s: %s%s"):format(stats.case, kind, tostring(detail):sub(1, 300), shown)
  end
end

-- A clean error is a string that names the function that raised it.
local function clean(err, name)
  return type(err) == "string" and err:find(name .. ": ", 1, true) ~= nil
end

-- Random values --------------------------------------------------------------------------

local specials = {'"', "\\", "/", "\b", "\f", "\n", "\r", "\t", "\0", "\127", "é", "😀", "\u{2028}", "\u{FFFF}"}

local function rstring(max)
  local parts = {}
  for i = 1, R(0, max) do
    local c = R(1, 10)
    if c <= 5 then
      parts[i] = string.char(R(32, 126))
    elseif c <= 7 then
      parts[i] = specials[R(#specials)]
    elseif c == 8 then
      parts[i] = string.char(R(0, 31))
    else
      local cp = R(0x80, 0x10FFFF)
      if cp >= 0xD800 and cp <= 0xDFFF then cp = 0xE000 end
      parts[i] = utf8.char(cp)
    end
  end
  return table.concat(parts)
end

local floats = {0.0, -0.0, 0.1, -2.5, 1e-300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
  2.0 ^ 53, 2.0 ^ 63, -2.0 ^ 63, 123456789.125, 1 / 3, 1e21, 1e-7, 100.0}

local function rnumber()
  local c = R(1, 6)
  if c == 1 then return R(-1000, 1000) end
  if c == 2 then return R(math.mininteger, math.maxinteger) end
  if c == 3 then return ({math.mininteger, math.maxinteger, 0, -1})[R(4)] end
  if c == 4 then return floats[R(#floats)] end
  if c == 5 then return (R() - 0.5) * 10.0 ^ R(-30, 30) end
  -- Any bit pattern that is a finite double.
  local d = string.unpack("<d", string.pack("<i8", R(math.mininteger, math.maxinteger)))
  if d ~= d or d == math.huge or d == -math.huge then return 1.5 end
  return d
end

local function rvalue(depth)
  local c = R(1, depth >= 5 and 5 or 8)
  if c == 1 then return R(2) == 1 end
  if c == 2 then return rnumber() end
  if c == 3 or c == 4 then return rstring(12) end
  if c == 5 then return null end
  local t = {}
  if c <= 7 then
    for i = 1, R(0, 5) do t[i] = rvalue(depth + 1) end
    if #t == 0 and R(2) == 1 then array(t) end
  else
    for _ = 1, R(0, 5) do t[rstring(8)] = rvalue(depth + 1) end
  end
  return t
end

-- Exact equality: same types, integer vs float kept, the sign of zero kept.
local function same(a, b)
  if a == null or b == null then return rawequal(a, b) end
  if type(a) ~= type(b) then return false end
  if type(a) == "number" then
    if math.type(a) ~= math.type(b) or a ~= b then return false end
    return math.type(a) == "integer" or a ~= 0 or 1 / a == 1 / b
  end
  if type(a) == "table" then
    for k, v in pairs(a) do
      if not same(v, rawget(b, k)) then return false end
    end
    for k in pairs(b) do
      if rawget(a, k) == nil then return false end
    end
    return true
  end
  return a == b
end

-- Checks -----------------------------------------------------------------------------------

-- decode(text) must succeed or fail cleanly; what it gives must encode and round-trip.
local function check_text(text)
  local ok, value = pcall(json.decode, text)
  if not ok then
    stats.decode_errors = stats.decode_errors + 1
    if not clean(value, "telnyx.json.decode") then fail("unclean decode error", value, text) end
    return
  end
  stats.decoded = stats.decoded + 1
  local ok2, encoded = pcall(json.encode, value)
  if not ok2 then
    -- Accepted input the encoder refuses: raw invalid UTF-8 inside strings, or a number too
    -- large for a double (1e999 reads as infinity). Anything else is a failure.
    local excused = clean(encoded, "telnyx.json.encode")
      and ((encoded:find("UTF-8", 1, true) and not utf8.len(text)) or encoded:find("infinite", 1, true))
    if not excused then fail("decoded value does not encode", encoded, text) end
    return
  end
  local ok3, again = pcall(json.decode, encoded)
  if not ok3 then return fail("own output does not decode", again, encoded) end
  if not same(value, again) then return fail("round trip changed the value", encoded, text) end
  local ok4, encoded2 = pcall(json.encode, again)
  if not ok4 or encoded2 ~= encoded then fail("re-encoding differs", encoded2, encoded) end
end

local function check_value(value)
  local ok, encoded = pcall(json.encode, value)
  if not ok then return fail("valid value does not encode", encoded) end
  local ok2, back = pcall(json.decode, encoded)
  if not ok2 then return fail("encoded value does not decode", back, encoded) end
  if not same(value, back) then return fail("value changed in the round trip", "", encoded) end
  local ok3, encoded2 = pcall(json.encode, back)
  if not ok3 or encoded2 ~= encoded then fail("re-encoding differs", encoded2, encoded) end
end

local tokens = {"{", "}", "[", "]", ",", ":", '"', "\\", "\\u", "\\ud800", "\\udc00", "\\u00", "null", "true",
  "false", "-", "0", "1e", ".", "e+", " ", "\n", "\0", "\255", "\192\128", "\237\160\128", "1e999", "-0",
  "99999999999999999999", "-9223372036854775809", "0.0e-400", "nul", "tru", '"\\"', "{}", "[]"}

local function mutate(text)
  for _ = 1, R(1, 4) do
    local len = #text
    local p = R(0, len)
    local c = R(1, 6)
    if c == 1 and len > 0 then
      text = text:sub(1, p - 1) .. text:sub(p + 1)
    elseif c == 2 then
      text = text:sub(1, p) .. tokens[R(#tokens)] .. text:sub(p + 1)
    elseif c == 3 and len > 0 then
      text = text:sub(1, p - 1) .. string.char(R(0, 255)) .. text:sub(p + 1)
    elseif c == 4 then
      text = text:sub(1, p)
    elseif c == 5 then
      text = text:sub(1, p) .. text:sub(R(1, len + 1), R(0, len)) .. text:sub(p + 1)
    else
      text = text:sub(1, p) .. text:sub(R(1, len + 1))
    end
  end
  return text
end

local function soup()
  local parts = {}
  for i = 1, R(0, 30) do
    parts[i] = R(3) == 1 and string.char(R(0, 255)) or tokens[R(#tokens)]
  end
  return table.concat(parts)
end

local unencodable = {
  function() return print end,
  function() return io.stdout end,
  function() return coroutine.create(print) end,
  function() return 0 / 0 end,
  function() return math.huge end,
  function() return -math.huge end,
  function() return "\255\254" end,
  function() return {["\192"] = 1} end,
  function() return {1, 2, nil, 4} end,
  function() return {1, x = 2} end,
  function() return {[1.5] = true} end,
  function() return {[true] = 1} end,
  function() local t = {} t.self = t return t end,
  function() local t = {{}} t[1][1] = t return t end,
}

-- Puts `bad` somewhere inside a random valid value.
local function hide(bad)
  local root = {}
  local node = root
  for _ = 1, R(0, 4) do
    local child = {}
    if R(2) == 1 then node[#node + 1] = child else node[rstring(6)] = child end
    node = child
  end
  if next(node) == nil or R(2) == 1 then node.x = bad else node[#node + 1] = bad end
  return R(5) == 1 and bad or root
end

local function check_unencodable()
  local value = hide(unencodable[R(#unencodable)]())
  local ok, err = pcall(json.encode, value)
  if ok then
    fail("unencodable value encoded", err)
  elseif not clean(err, "telnyx.json.encode") then
    fail("unclean encode error", err)
  end
end

-- Run ---------------------------------------------------------------------------------------

local started = os.clock()
for i = 1, cases do
  stats.case = i
  local c = R(1, 10)
  if c <= 4 then
    stats.value = stats.value + 1
    check_value(rvalue(0))
  elseif c <= 8 then
    stats.mutated = stats.mutated + 1
    local ok, text = pcall(json.encode, rvalue(0))
    check_text(mutate(ok and text or "[]"))
  elseif c == 9 then
    stats.soup = stats.soup + 1
    check_text(soup())
  else
    stats.unencodable = stats.unencodable + 1
    check_unencodable()
  end
end

-- Deep nesting, once: an error naming the limit, never a C stack overflow.
stats.case = cases + 1
local deep_inputs = {
  string.rep("[", 100000) .. string.rep("]", 100000),
  string.rep('{"a":', 100000) .. "1" .. string.rep("}", 100000),
  string.rep("[", 100000),
}
for _, text in ipairs(deep_inputs) do
  local ok, err = pcall(json.decode, text)
  if ok or not clean(err, "telnyx.json.decode") or not err:find("nesting deeper", 1, true) then
    fail("deep JSON", err)
  end
end
local deep = {}
for _ = 1, 100000 do deep = {deep} end
local ok, err = pcall(json.encode, deep)
if ok or not clean(err, "telnyx.json.encode") or not err:find("nested deeper", 1, true) then
  fail("deep table", err)
end

local seconds = os.clock() - started
local summary = ("cases %d, seed %d, %.1f s CPU: %d values round-tripped, %d mutated texts, %d byte soups, "
  .. "%d unencodable values; %d texts decoded, %d rejected cleanly; failures %d"):format(
  cases, seed, seconds, stats.value, stats.mutated, stats.soup, stats.unencodable, stats.decoded,
  stats.decode_errors, failed)
if mode == "exit" then
  print(summary)
  for _, f in ipairs(failures) do print("  " .. f) end
  os.exit(failed == 0 and 0 or 1)
end
return failed, summary, table.concat(failures, "\n")
