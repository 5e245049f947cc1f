-- telnyx.texml: build TeXML documents (Telnyx's call-control XML) as Lua tables and render
-- them with correct escaping, a stable attribute order and checks on which verb goes where.
--
--   local texml = require "telnyx.texml"
--   local doc = texml.Response{
--     texml.Say({voice = "alice"}, "Hello & welcome"),
--     texml.Dial({callerId = "+13125550100"}, {texml.Number("+13125550111")}),
--   }
--   print(texml.render(doc))
local M = {}

-- Verbs and nouns, and which elements each may contain (nil: text only, {}: nothing).
local CHILDREN = {
  Response = {"Say", "Play", "Dial", "Gather", "Record", "Redirect", "Hangup", "Pause", "Reject",
    "Enqueue", "Leave", "Refer", "Start", "Stop", "Stream", "Transcription", "Siprec", "Connect",
    "Sms", "Suppression", "AIGatherer", "Queue"},
  Dial = {"Number", "Sip", "Conference", "Queue", "Client"},
  Gather = {"Say", "Play", "Pause"},
  Refer = {"Sip"},
  Start = {"Stream", "Siprec", "Transcription", "Suppression"},
  Stop = {"Stream", "Siprec", "Transcription", "Suppression"},
  Connect = {"Stream", "AIAssistant"},
  Enqueue = {},
  Stream = {"Parameter"},
  Siprec = {},
  Transcription = {},
  Suppression = {},
  Record = {},
  Hangup = {},
  Pause = {},
  Reject = {},
  Leave = {},
  Parameter = {},
  AIGatherer = {},
  AIAssistant = {},
}

-- Elements whose content is text (a phone number, a URL, words to say, a queue name).
local TEXT = {
  Say = true, Play = true, Number = true, Sip = true, Conference = true, Queue = true,
  Redirect = true, Enqueue = true, Client = true, Sms = true,
}

local ELEMENT = {}  -- metatable marking element tables

--- Escapes `s` for XML text and attribute values (& < > " ').
function M.escape(s)
  s = tostring(s)
  if s:find("[%z\1-\8\11\12\14-\31]") then
    error("texml: control characters are not allowed in XML: " .. string.format("%q", s), 2)
  end
  return (s:gsub("[&<>\"']", {
    ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;",
  }))
end

local function is_element(v)
  return getmetatable(v) == ELEMENT
end

--- Whether `v` is an element made by this module (telnyx-lua serve renders one a route returns).
M.is_element = is_element

--- Creates an element. Forms: `texml.element(name, attrs, content)` where attrs is a table of
-- attributes (optional) and content is a string (text), an element, or an array of elements.
-- Attribute values may be strings, numbers or booleans; they render sorted by name unless
-- attrs has an `_order` array naming them in the wanted order.
function M.element(name, attrs, content)
  if type(name) ~= "string" or not name:match("^[%a_][%w_%-]*$") then
    error("texml: bad element name " .. tostring(name), 2)
  end
  if content == nil and (type(attrs) == "string" or is_element(attrs) or (type(attrs) == "table" and attrs[1] ~= nil)) then
    attrs, content = nil, attrs
  end
  if attrs ~= nil and type(attrs) ~= "table" then
    error("texml." .. name .. ": attributes must be a table, got " .. type(attrs), 2)
  end
  local el = setmetatable({name = name, attrs = {}, order = nil, children = {}, text = nil}, ELEMENT)
  for k, v in pairs(attrs or {}) do
    if k == "_order" then
      el.order = v
    elseif type(k) ~= "string" or not k:match("^[%a_][%w_%-:]*$") then
      error("texml." .. name .. ": bad attribute name " .. tostring(k), 2)
    elseif type(v) == "boolean" or type(v) == "number" or type(v) == "string" then
      el.attrs[k] = tostring(v)
    else
      error("texml." .. name .. ": attribute '" .. k .. "' must be a string, number or boolean, got " .. type(v), 2)
    end
  end
  if type(content) == "string" or type(content) == "number" then
    el.text = tostring(content)
  elseif is_element(content) then
    el.children = {content}
  elseif type(content) == "table" then
    for i, child in ipairs(content) do
      if not is_element(child) then
        error("texml." .. name .. ": child " .. i .. " is not a TeXML element (got " .. type(child) .. ")", 2)
      end
      el.children[i] = child
    end
  elseif content ~= nil then
    error("texml." .. name .. ": content must be text, an element or an array of elements", 2)
  end
  return el
end

-- texml.Say(attrs, text), texml.Dial(attrs, children), texml.Response{children}, ...
local NAMES = {"Response", "Say", "Play", "Dial", "Number", "Sip", "Client", "Conference", "Queue",
  "Gather", "Record", "Redirect", "Hangup", "Pause", "Reject", "Stream", "Enqueue", "Leave", "Refer",
  "Transcription", "Start", "Stop", "Siprec", "Connect", "Parameter", "Sms", "Suppression",
  "AIGatherer", "AIAssistant"}
for _, name in ipairs(NAMES) do
  M[name] = function(attrs, content)
    return M.element(name, attrs, content)
  end
end

--- Checks the nesting of `el` (and below); returns true or nil and the first problem.
function M.validate(el, parent)
  if not is_element(el) then
    return nil, "not a TeXML element: " .. type(el)
  end
  if parent == nil and el.name ~= "Response" then
    return nil, "the root element must be Response, got " .. el.name
  end
  if parent ~= nil then
    local allowed = CHILDREN[parent]
    local found = false
    for _, n in ipairs(allowed or {}) do
      if n == el.name then found = true end
    end
    if not found then
      return nil, el.name .. " is not allowed inside " .. parent
    end
  end
  if el.text ~= nil and not TEXT[el.name] then
    return nil, el.name .. " takes no text"
  end
  for _, child in ipairs(el.children) do
    local ok, why = M.validate(child, el.name)
    if not ok then
      return nil, why
    end
  end
  return true
end

local function render_element(el, out, indent, depth)
  local pad = indent and string.rep(indent, depth) or ""
  out[#out + 1] = pad .. "<" .. el.name
  local keys = {}
  local listed = {}
  for _, k in ipairs(el.order or {}) do
    if el.attrs[k] ~= nil and not listed[k] then
      keys[#keys + 1] = k
      listed[k] = true
    end
  end
  local rest = {}
  for k in pairs(el.attrs) do
    if not listed[k] then rest[#rest + 1] = k end
  end
  table.sort(rest)
  for _, k in ipairs(rest) do keys[#keys + 1] = k end
  for _, k in ipairs(keys) do
    out[#out + 1] = " " .. k .. '="' .. M.escape(el.attrs[k]) .. '"'
  end
  if el.text == nil and #el.children == 0 then
    out[#out + 1] = "/>"
  elseif el.text ~= nil then
    out[#out + 1] = ">" .. M.escape(el.text) .. "</" .. el.name .. ">"
  else
    out[#out + 1] = ">"
    for _, child in ipairs(el.children) do
      if indent then out[#out + 1] = "\n" end
      render_element(child, out, indent, depth + 1)
    end
    if indent then out[#out + 1] = "\n" .. pad end
    out[#out + 1] = "</" .. el.name .. ">"
  end
end

--- Renders a Response element as a TeXML document string, starting with the XML declaration.
-- Raises "texml.render: ..." when `doc` is not a valid document (see validate).
-- opts.indent: a string (e.g. "  ") to pretty-print one element per line; default compact.
function M.render(doc, opts)
  local ok, why = M.validate(doc)
  if not ok then
    error("texml.render: " .. why, 2)
  end
  local indent = opts and opts.indent
  local out = {'<?xml version="1.0" encoding="UTF-8"?>', indent and "\n" or ""}
  render_element(doc, out, indent, 0)
  return table.concat(out)
end

return M
