-- telnyx.runtime.resources: the `telnyx` table's API tree, built lazily from the catalog.
-- Internal: the host installs it at start-up. telnyx.phone_numbers.list,
-- telnyx.texml.accounts.calls.retrieve_calls, ... are made on first use; pairs() on a resource
-- lists its sub-resources and methods; camelCase names of the JavaScript SDK resolve to the
-- same methods (telnyx.phoneNumbers.slimList).
local require = require  -- captured: a script replacing the global cannot intercept
local api = require "telnyx.runtime.api"
local scheduler = require "telnyx.runtime.scheduler"

local M = {}

local method_names = setmetatable({}, {__mode = "k"})  -- function -> "resource.method"
local resource_paths = setmetatable({}, {__mode = "k"}) -- resource table -> "resource"

local function snake_case(name)
  local s = name:gsub("(%l)(%u)", "%1_%2"):gsub("(%d)(%u)", "%1_%2"):gsub("(%u)(%u%l)", "%1_%2")
  return s:lower()
end

-- Starts one request and returns a function that waits for it and returns its result.
local function starter(full, options)
  return function(...)
    local id = api.start(full, options, ...)
    scheduler.started(id)
    return function()
      scheduler.wait_request(id)
      return api.finish(id)
    end
  end
end

local function make_method(full, result, options)
  local fn
  if result:match("^page:") or result:match("^texml:") then
    local fetch = starter(full, options)
    fn = function(...)
      local params = api.normalize(full, ...)
      -- Loaded on first use: a script that lists nothing does not pay for compiling it.
      return require("telnyx.runtime.paginator").new(full, result, params, fetch)
    end
  else
    local start = starter(full, options)
    fn = function(...)
      local result = start(...)()  -- not a tail call: the method stays in tracebacks
      return result
    end
  end
  method_names[fn] = full
  return fn
end

local function children_names(path)
  local resources, methods = api.children(path)
  local names = {}
  for _, n in ipairs(resources) do names[#names + 1] = n end
  for _, n in ipairs(methods) do names[#names + 1] = n end
  return names
end

-- Levenshtein distance between two names (transposed letters, as in "retreive", count two).
local function distance(a, b)
  local previous = {}
  for j = 0, #b do previous[j] = j end
  for i = 1, #a do
    local current = {[0] = i}
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      current[j] = math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    end
    previous = current
  end
  return previous[#b]
end

local function suggestion(path, key)
  local best, best_d = nil, math.huge
  local lower = snake_case(key):lower()
  for _, name in ipairs(children_names(path)) do
    local d = distance(lower, name)
    if d < best_d then best, best_d = name, d end
  end
  if best and best_d <= math.max(2, #key // 3) then return " (did you mean '" .. best .. "'?)" end
  return ""
end

--- Makes `node` (a table) the resource at `path` ("" for the root); `options` are per-request
-- options carried by a with_options view. `extra` resolves non-API names of the root.
function M.resource(node, path, options)
  resource_paths[node] = path
  local mt = {__name = "telnyx.Resource"}
  function mt.__index(t, key)
    if type(key) ~= "string" then return nil end
    local full = path == "" and key or path .. "." .. key
    local kind, result = api.kind(full)
    if kind == nil then
      local snake = snake_case(key)
      if snake ~= key then
        local value = t[snake]
        if value ~= nil then return value end  -- an alias: not stored, so pairs() omits it
      end
      error(("telnyx%s has no resource or method '%s'%s"):format(
        path == "" and "" or "." .. path, key, suggestion(path, key)), 2)
    end
    local value
    if kind == "resource" then
      value = M.resource({}, full, options)
    else
      value = make_method(full, result, options)
    end
    rawset(t, key, value)
    return value
  end
  function mt.__pairs(t)
    for _, name in ipairs(children_names(path)) do
      if rawget(t, name) == nil then local _ = t[name] end
    end
    return next, t, nil
  end
  function mt.__tostring()
    return path == "" and "<telnyx>" or "<telnyx resource " .. path .. ">"
  end
  return setmetatable(node, mt)
end

--- The dotted method name of an API function, or of a "name" / "telnyx.name" string.
function M.method_name(x)
  if type(x) == "function" then return method_names[x] end
  if type(x) == "string" then
    local name = x:gsub("^telnyx%.", "")
    if api.kind(name) == "method" then return name end
  end
  return nil
end

--- The resource path of a resource table or name, or nil.
function M.resource_path(x)
  if type(x) == "table" then return resource_paths[x] end
  if type(x) == "string" then
    local name = x:gsub("^telnyx%.?", "")
    if name == "" or api.kind(name) == "resource" then return name end
  end
  return nil
end

return M
