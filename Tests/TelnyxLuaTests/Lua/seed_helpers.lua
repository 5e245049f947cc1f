-- The methods of seed-methods.tsv, called the way the seed documents show them (their
-- example arguments, translated to Lua with the SDK convention: JavaScript's
-- `method('id', {...})` as `method(id, {...})`, Python's keyword arguments as one table), with
-- the JavaScript camelCase names where the seed is JavaScript. Each call's result must carry the
-- fields the seed lists under "Returns:" (in the record: `r`, `r.data` or `r.data[1]`, or the
-- first item of a list).
--
-- This file returns the checker, SEED; SeedMethodsTests runs it, then each area file
-- (seed_<area>.lua) with SEED and ID(route, param [, index]) in scope: ID gives the id of a
-- record the sandbox seeded, in place of the seeds' placeholder ids.
local telnyx, pcall, type, tostring, ipairs = telnyx, pcall, type, tostring, ipairs
local failures, called = {}, 0
local SEED = {}

-- The record a result's fields are read from.
local function record_of(kind, r)
  if kind:match("^page:") or kind:match("^texml:") then
    if type(r) ~= "table" or type(r.first) ~= "function" then return nil, "expected a paginator" end
    local item = r:first()
    if item == nil then return nil, "the list is empty" end
    return item
  end
  if type(r) ~= "table" then return nil, "expected a table, got " .. tostring(r) end
  if type(r.pages) == "function" then
    -- A TeXML list: the seed lists the fields of the page itself.
    local page = r:pages()()
    r = page and page.body or {}
  end
  local data = r.data
  if type(data) == "table" then
    if data[1] ~= nil then return data[1] end
    return data
  end
  return r
end

-- Calls `call` and checks its result against the seed: its kind, and every listed field.
function SEED.check(name, kind, fields, call)
  called = called + 1
  local ok, r = pcall(call)
  if not ok then
    failures[#failures + 1] = name .. ": " .. tostring(r)
    return
  end
  if kind == "none" then
    if r ~= true then failures[#failures + 1] = name .. ": expected true, got " .. tostring(r) end
    return
  elseif kind == "binary" then
    if type(r) ~= "table" or type(r.data) ~= "string" or #r.data == 0 then
      failures[#failures + 1] = name .. ": expected downloaded bytes, got " .. tostring(r)
    end
    return
  end
  local record, why = record_of(kind, r)
  if record == nil then
    failures[#failures + 1] = name .. ": " .. why
    return
  end
  local missing = {}
  for _, field in ipairs(fields) do
    if record[field] == nil then missing[#missing + 1] = field end
  end
  if #missing > 0 then
    failures[#failures + 1] = name .. ": missing " .. table.concat(missing, ", ")
  end
end

--- The number of methods called and the failures, one `name: problem` a line.
function SEED.report()
  return called, table.concat(failures, "\n")
end

return SEED
