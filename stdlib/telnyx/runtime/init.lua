-- telnyx.runtime: installs the API into the `telnyx` table at start-up (internal).
local api = require "telnyx.runtime.api"
local scheduler = require "telnyx.runtime.scheduler"
local resources = require "telnyx.runtime.resources"

local M = {}

local function describe(x)
  local name = resources.method_name(x)
  if name then return api.describe(name) end
  local path = resources.resource_path(x)
  if path then
    local subresources, methods = api.children(path)
    return {name = path, kind = "resource", resources = subresources, methods = methods}
  end
  error("telnyx.describe: expected an API method or resource (or its name), got " .. tostring(x), 2)
end

local function help(x)
  local d = describe(x)
  local out = {}
  if d.kind == "resource" then
    out[#out + 1] = "telnyx" .. (d.name == "" and "" or "." .. d.name)
    if #d.resources > 0 then out[#out + 1] = "  resources: " .. table.concat(d.resources, ", ") end
    if #d.methods > 0 then out[#out + 1] = "  methods: " .. table.concat(d.methods, ", ") end
  else
    out[#out + 1] = ("telnyx.%s  %s %s"):format(d.name, d.http, d.route)
    if d.summary then out[#out + 1] = "  " .. d.summary end
    out[#out + 1] = "  returns: " .. d.result
    for _, p in ipairs(d.parameters) do
      out[#out + 1] = ("  %-28s %-6s %-8s%s%s"):format(p.name, p.where, p.type, p.required and " required" or "",
        p.enum and (" one of: " .. table.concat(p.enum, ", ")) or "")
      if p.description then out[#out + 1] = "      " .. p.description end
    end
    out[#out + 1] = "  example: " .. d.example
  end
  print(table.concat(out, "\n"))
end

--- telnyx.file(path) or telnyx.file{data = bytes, filename = ..., content_type = ...}: a file
-- for an upload parameter.
local function file(spec, options)
  if type(spec) == "string" then
    local f, err = io.open(spec, "rb")
    if not f then error("telnyx.file: " .. err, 2) end
    f:close()
    local t = {path = spec}
    for k, v in pairs(options or {}) do t[k] = v end
    return t
  elseif type(spec) == "table" and type(spec.data) == "string" then
    return {data = spec.data, filename = spec.filename, content_type = spec.content_type}
  end
  error("telnyx.file: expected a path or {data = bytes, filename = ..., content_type = ...}", 2)
end

-- An option error without the runtime's position, to be raised at the caller's line.
local function caller_error(err)
  if type(err) ~= "string" then return err end
  return (err:gsub("^stdlib/[^:]*:%d+: ", ""))
end

--- Installs everything into the `telnyx` table.
function M.install(telnyx)
  telnyx.spawn = scheduler.spawn
  telnyx.gather = scheduler.gather
  telnyx.map = scheduler.map
  telnyx.sleep = scheduler.sleep
  telnyx.describe = describe
  telnyx.help = help
  telnyx.file = file
  telnyx.configure = function(options)
    if type(options) ~= "table" then error("telnyx.configure: expected a table of options", 2) end
    local ok, err = pcall(api.configure, options)
    if not ok then error(caller_error(err), 2) end
  end
  telnyx.with_options = function(options)
    if type(options) ~= "table" then error("telnyx.with_options: expected a table of options", 2) end
    -- Checked now, so a bad option fails here rather than at the first call.
    local ok, err = pcall(api.check_options, options)
    if not ok then error(caller_error(err), 2) end
    return resources.resource({}, "", options)
  end
  telnyx.is_error = function(e)
    return type(e) == "table" and type(rawget(e, "type")) == "string" and rawget(e, "message") ~= nil
  end
  -- Events (docs/events.md): loaded on first use, so scripts that never serve pay nothing.
  telnyx.on = function(...) return require("telnyx.events").on(...) end
  telnyx.route = function(...) return require("telnyx.events").route(...) end
  telnyx.stop = function(...) return require("telnyx.events").stop(...) end
  resources.resource(telnyx, "", nil)
  coroutine.resume = scheduler.resume
  coroutine.wrap = scheduler.wrap
end

return M
