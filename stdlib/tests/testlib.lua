-- testlib: the tiny test helper the stdlib's Lua tests share.
-- Load it from a test with:
--   package.path = arg[0]:match("^(.*)/[^/]*$") .. "/?.lua;" .. package.path
--   local t = require "testlib"
-- then `t.test(name, fn)` for each case and `t.finish()` at the end, which prints
-- "N passed, M failed" and exits 1 when anything failed.
local M = {}

local passed, failed = 0, 0

local function show(v)
  if type(v) == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end

--- Runs `fn` as one test case named `name`; a raised error marks it failed.
function M.test(name, fn)
  assert(type(name) == "string", "test name must be a string")
  assert(type(fn) == "function", "test body must be a function")
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

--- Fails unless `actual == expected` (raw equality, strings shown quoted).
function M.eq(actual, expected, what)
  if actual ~= expected then
    error((what and (what .. ": ") or "") .. "expected " .. show(expected) .. ", got " .. show(actual), 2)
  end
end

--- Fails unless `value` is truthy.
function M.ok(value, what)
  if not value then
    error(what or "expected a true value", 2)
  end
end

--- Fails unless `text` contains `fragment` (plain search).
function M.contains(text, fragment, what)
  if type(text) ~= "string" or not text:find(fragment, 1, true) then
    error((what and (what .. ": ") or "") .. show(text) .. " does not contain " .. show(fragment), 2)
  end
end

--- Fails unless calling `fn(...)` raises an error whose message contains `fragment`.
-- Returns the raised error value.
function M.raises(fragment, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then
    error("expected an error containing " .. show(fragment) .. ", got none", 2)
  end
  if not tostring(err):find(fragment, 1, true) then
    error("expected an error containing " .. show(fragment) .. ", got " .. show(tostring(err)), 2)
  end
  return err
end

--- The error of `fn(...)`, called from a line of this file (not as a tail call, so that is
-- the line Lua's error levels lead to): a library's argument error must name this line, the
-- caller's, not one inside the library.
function M.caller_error(fn, ...)
  local args = table.pack(...)
  local ok, err = pcall(function() local r = fn(table.unpack(args, 1, args.n)) return r end)
  M.ok(not ok, "expected an error")
  return tostring(err)
end

--- Deep equality of two values (tables compared key by key).
function M.same(a, b, what)
  local function same(x, y)
    if type(x) ~= "table" or type(y) ~= "table" then
      return x == y
    end
    for k, v in pairs(x) do
      if not same(v, y[k]) then return false end
    end
    for k in pairs(y) do
      if x[k] == nil then return false end
    end
    return true
  end
  if not same(a, b) then
    local encode = telnyx and telnyx.json and telnyx.json.encode
    local sa = encode and select(2, pcall(encode, a)) or tostring(a)
    local sb = encode and select(2, pcall(encode, b)) or tostring(b)
    error((what and (what .. ": ") or "") .. "expected " .. tostring(sb) .. ", got " .. tostring(sa), 2)
  end
end

--- A fresh temporary file name (removed by `cleanup`).
local temps = {}
function M.tmpname()
  local name = os.tmpname()
  temps[#temps + 1] = name
  return name
end

--- Reads a whole file.
function M.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

--- Writes a whole file.
function M.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

--- Prints the summary, removes temporary files and exits 1 on any failure.
function M.finish()
  for _, name in ipairs(temps) do
    os.remove(name)
  end
  print(string.format("%d passed, %d failed", passed, failed))
  os.exit(failed == 0 and 0 or 1)
end

return M
