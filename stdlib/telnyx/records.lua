-- telnyx.records: helpers for lists of API records, shared by csv, tabulate and bulk.
-- Walks any source of records (an array, an iterator function, a paginator callable in a
-- generic for, or an object with :each) and reads nested fields by dotted path.
local M = {}

--- True when `v` is nil or telnyx.null (JSON null).
function M.is_null(v)
  if v == nil then
    return true
  end
  local t = rawget(_G, "telnyx")
  return type(t) == "table" and v == rawget(t, "null")
end

--- Returns `record[path]` following dots: get(r, "voice.call_forwarding.forwarding_type").
-- A key that itself contains dots is found when present as is. Missing or null steps give nil.
-- Integer steps index arrays: get(r, "tags.1").
function M.get(record, path)
  if type(path) ~= "string" or path == "" then
    error("records.get: path must be a non-empty string, got " .. tostring(path), 2)
  end
  if type(record) ~= "table" then
    return nil
  end
  local direct = record[path]
  if direct ~= nil then
    if M.is_null(direct) then
      return nil
    end
    return direct
  end
  local value = record
  for step in path:gmatch("[^.]+") do
    if type(value) ~= "table" then
      return nil
    end
    local next_value = value[step]
    if next_value == nil and step:match("^%d+$") then
      next_value = value[tonumber(step)]
    end
    if M.is_null(next_value) then
      return nil
    end
    value = next_value
  end
  return value
end

local function callable(v)
  if type(v) == "function" then
    return true
  end
  local mt = getmetatable(v)
  return type(mt) == "table" and mt.__call ~= nil
end

--- True when `source` can be walked by `each`.
function M.is_iterable(source)
  return type(source) == "table" or callable(source) or
    (type(source) == "userdata" and source.each ~= nil)
end

--- Calls `fn(item, index)` for every item of `source`, in order; returns the count.
-- `source`: an array; a function or callable object used as a generic-for iterator (a
-- paginator: `for item in p do`); or an object with `:each(fn)` (or `:each()` returning an
-- iterator). `fn` returning false stops the walk early.
function M.each(source, fn)
  if type(fn) ~= "function" then
    error("records.each: fn must be a function", 2)
  end
  local n = 0
  local stopped = false
  local function visit(item)
    if stopped then
      return false
    end
    n = n + 1
    if fn(item, n) == false then
      stopped = true
      return false
    end
  end
  if callable(source) then
    for item in source do
      if visit(item) == false then break end
    end
    return n
  end
  local ok_each, each = pcall(function() return source.each end)
  if ok_each and type(each) == "function" or (ok_each and callable(each)) then
    local returned = each(source, visit)
    if n == 0 and callable(returned) then
      for item in returned do
        if visit(item) == false then break end
      end
    end
    return n
  end
  if type(source) == "table" then
    for _, item in ipairs(source) do
      if visit(item) == false then break end
    end
    return n
  end
  error("expected an array, an iterator or a paginator, got " .. type(source), 2)
end

--- Collects `source` (see `each`) into an array.
function M.to_list(source)
  local list = {}
  M.each(source, function(item) list[#list + 1] = item end)
  return list
end

--- The sorted top-level keys of `record` whose values are not tables (for default columns).
function M.scalar_keys(record)
  local keys = {}
  if type(record) ~= "table" then
    return keys
  end
  for k, v in pairs(record) do
    if type(k) == "string" and type(v) ~= "table" then
      keys[#keys + 1] = k
    end
  end
  table.sort(keys)
  return keys
end

return M
