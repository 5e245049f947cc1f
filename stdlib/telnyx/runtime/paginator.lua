-- telnyx.runtime.paginator: lazy, auto-paginating lists. Internal: list methods of the
-- `telnyx` table return these (see docs/scripting.md, "Pagination").
--
--   for n in telnyx.phone_numbers.list{filter = {tag = "x"}} do ... end
--   p:pages(), p:take(n), p:first(), p:collect(), p:count(), p:each(fn), p:map(fn), p:filter(fn)
--
-- Pages are fetched only as the loop needs them; the caller's filters and page size go with
-- every page request. While a page is consumed in a full walk, the next one is already being
-- fetched. Iterating again starts again from the first page.
local api = require "telnyx.runtime.api"

local M = {}

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

-- Sets params[outer][inner] = value without touching the caller's tables.
local function with_nested(params, outer, inner, value)
  local p = copy(params)
  local nested = type(p[outer]) == "table" and copy(p[outer]) or {}
  nested[inner] = value
  p[outer] = nested
  return p
end

local function with(params, key, value)
  local p = copy(params)
  p[key] = value
  return p
end

local function meta_of(body)
  return type(body) == "table" and type(body.meta) == "table" and body.meta or {}
end

local function list_of(value)
  return type(value) == "table" and value or {}
end

-- Page-number schemes stop at the last page, or at an empty page.
local function numbered(items_key, set_next)
  return {
    items = function(body) return list_of(body[items_key]) end,
    next = function(body, params, items)
      local meta = meta_of(body)
      local number, total = meta.page_number, meta.total_pages
      if #items == 0 or type(number) ~= "number" or type(total) ~= "number" or number >= total then
        return nil
      end
      return set_next(params, number + 1), "page " .. tostring(math.tointeger(number) or number)
    end,
  }
end

local function cursor(read, set_next)
  return {
    items = function(body) return list_of(body.data) end,
    next = function(body, params, items)
      local c = read(meta_of(body))
      if #items == 0 or type(c) ~= "string" or c == "" then return nil end
      return set_next(params, c), ("cursor %q"):format(#c > 80 and c:sub(1, 80) .. "..." or c)
    end,
  }
end

-- `records` pages with a top-level `page` and a page count under `count_key`.
local function counted(count_key)
  return {
    items = function(body) return list_of(body.records) end,
    next = function(body, params, items)
      local page, pages = body.page, body[count_key]
      if #items == 0 or type(page) ~= "number" or type(pages) ~= "number" or page >= pages then return nil end
      return with(params, "page", page + 1), "page " .. tostring(math.tointeger(page) or page)
    end,
  }
end

M.schemes = {
  DefaultFlatPagination = numbered("data", function(p, n) return with_nested(p, "page", "number", n) end),
  DefaultFlatPaginationForInexplicitNumberOrders = numbered("data", function(p, n) return with(p, "page_number", n) end),
  DefaultPaginationForLogMessages = numbered("log_messages", function(p, n) return with_nested(p, "page", "number", n) end),
  PerPagePagination = numbered("data", function(p, n) return with(p, "page", n) end),
  -- The API names the page count `totalRecords` (or `total_records`).
  PerPagePaginationV2 = counted("totalRecords"),
  DefaultPaginationForMessagingTollfree = counted("total_records"),
  DefaultPaginationForQueues = {
    items = function(body) return list_of(body.queues) end,
    next = function(body, params, items)
      if #items == 0 then return nil end
      return with(params, "Page", (tonumber(params.Page) or 1) + 1)
    end,
  },
  DefaultFlatPaginationTopLevelArray = {
    items = function(body) return list_of(body) end,
    next = function(body, params, items)
      if #items == 0 then return nil end
      local page = type(params.page) == "table" and params.page.number or 1
      return with_nested(params, "page", "number", page + 1)
    end,
  },
  CursorFlatPagination = cursor(function(m) return m.cursor end, function(p, c) return with(p, "cursor", c) end),
  EmailCursorPagination = cursor(function(m) return m.page_cursor end, function(p, c) return with(p, "page_cursor", c) end),
  EmailBracketCursorPagination = cursor(function(m) return m.page_cursor end,
    function(p, c) return with_nested(p, "page", "after", c) end),
  CloudfsCursorPagination = cursor(function(m) return type(m.cursors) == "table" and m.cursors.after or nil end,
    function(p, c) return with_nested(p, "page", "after", c) end),
}

-- TeXML lists follow next_page_uri: its query string holds the next request's parameters.
local function texml(items_key)
  return {
    items = function(body) return list_of(body[items_key]) end,
    next = function(body, params, items)
      local uri = body.next_page_uri
      if #items == 0 or type(uri) ~= "string" or uri == "" then return nil end
      local p = copy(params)
      local query = uri:match("%?(.*)$") or ""
      for key, value in query:gmatch("([^&=]+)=([^&]*)") do
        local function unescape(s)
          return (s:gsub("+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
        end
        key, value = unescape(key), unescape(value)
        p[key] = math.tointeger(tonumber(value)) or value
      end
      return p, ("next_page_uri %q"):format(#uri > 120 and uri:sub(1, 120) .. "..." or uri)
    end,
  }
end

--- The scheme table for a catalog result kind ("page:DefaultFlatPagination", "texml:calls").
function M.scheme_for(result)
  local name = result:match("^page:(.+)$")
  if name then return M.schemes[name] or error("unknown pagination scheme " .. name) end
  local key = result:match("^texml:(.+)$")
  if key then return texml(key) end
  return nil
end

-- Streams: lazy sequences with take/first/collect/count/each/map/filter. A paginator is a
-- stream over its items that also has pages().
local Stream = {}
Stream.__index = Stream
Stream.__name = "telnyx.Stream"

-- A field a paginator or stream does not have is an error rather than nil: `p.data`, `p[1]`
-- and `#p` are what a newcomer tries first, and nil (or 0) hides that nothing was fetched.
-- Names starting with "_" stay nil (the runtime's own optional fields).
setmetatable(Stream, {__index = function(_, key)
  if type(key) == "string" and key:sub(1, 1) == "_" then return nil end
  error(("a paginator has no field %s: iterate it (for item in p do ... end), or use p:take(n), "
    .. "p:first() or p:collect()"):format(type(key) == "string" and "'" .. key .. "'" or "[" .. tostring(key) .. "]"), 2)
end})

function Stream.__len()
  error("a paginator has no length: p:count() walks every page and counts the items, p:collect() "
    .. "gives them all in an array", 2)
end

local function stream(make_iterator, describe)
  return setmetatable({_iterate = make_iterator, _describe = describe}, Stream)
end

-- `for x in s do`: the generic for calls the stream with the item it got last (nil to start a
-- new walk). Each loop's walk is found again by that item, so loops over the same stream can
-- nest, and a loop left by `break` leaves the others alone. Equal plain values (strings,
-- numbers) held by two loops at once share a stack of walks, the innermost loop first.
function Stream.__call(self, _, control)
  local walks = self._walks
  if walks == nil then
    walks = setmetatable({}, {__mode = "k"})  -- item -> walks that returned it last
    self._walks = walks
  end
  local walk
  if control == nil then
    walk = self._iterate(true)
  else
    local waiting = walks[control]
    if waiting == nil then
      error("this loop over " .. tostring(self) .. " lost its place; iterate with :items() instead", 2)
    end
    walk = table.remove(waiting)
    if #waiting == 0 then walks[control] = nil end
  end
  local item = walk()
  if item ~= nil then
    local waiting = walks[item]
    if waiting then waiting[#waiting + 1] = walk else walks[item] = {walk} end
  end
  return item
end

function Stream:__tostring()
  return self._describe and self._describe() or "<stream>"
end

--- A fresh iterator function over the items (`for x in p:items() do`).
function Stream:items()
  return self._iterate(true)
end

--- The first `n` items as an array; fetches only the pages needed.
function Stream:take(n)
  if math.type(n) ~= "integer" or n < 0 then error("take: expected a whole number >= 0", 2) end
  local out = {}
  if n == 0 then return out end
  local next_item = self._iterate(false)
  for item in next_item do
    out[#out + 1] = item
    if #out >= n then break end
  end
  return out
end

--- The first item, or nil.
function Stream:first()
  return self:take(1)[1]
end

--- Every item, as an array.
function Stream:collect()
  local out = {}
  for item in self._iterate(true) do out[#out + 1] = item end
  return out
end

--- How many items there are (walks them all).
function Stream:count()
  local n = 0
  for _ in self._iterate(true) do n = n + 1 end
  return n
end

--- Calls fn(item) for every item; stops early if fn returns false.
function Stream:each(fn)
  if type(fn) ~= "function" then error("each: expected a function", 2) end
  for item in self._iterate(true) do
    if fn(item) == false then break end
  end
end

--- A lazy stream of fn(item).
function Stream:map(fn)
  if type(fn) ~= "function" then error("map: expected a function", 2) end
  local source = self
  return stream(function(prefetch)
    local next_item = source._iterate(prefetch)
    return function()
      local item = next_item()
      if item == nil then return nil end
      return fn(item)
    end
  end, function() return "<mapped " .. tostring(source) .. ">" end)
end

--- A lazy stream of the items for which fn(item) is true.
function Stream:filter(fn)
  if type(fn) ~= "function" then error("filter: expected a function", 2) end
  local source = self
  return stream(function(prefetch)
    local next_item = source._iterate(prefetch)
    return function()
      while true do
        local item = next_item()
        if item == nil or fn(item) then return item end
      end
    end
  end, function() return "<filtered " .. tostring(source) .. ">" end)
end

local Paginator = setmetatable({}, {__index = Stream})
Paginator.__index = Paginator
Paginator.__name = "telnyx.Paginator"
Paginator.__call = Stream.__call
Paginator.__len = Stream.__len

function Paginator:__tostring()
  return ("<paginator %s: iterate to fetch>"):format(self.method)
end

--- Creates a paginator. `fetch(params)` starts the request for one page and returns a function
-- that waits for it and returns the decoded body.
function M.new(method, result, params, fetch)
  local scheme = M.scheme_for(result)
  local self = setmetatable({method = method, params = params}, Paginator)
  -- Iterator over pages: {items = ..., meta = ..., body = ...}.
  local function page_iterator()
    local next_params, pending = params, nil
    -- Where the server said each page was (its page number, its next cursor): one seen twice
    -- in a walk means the server is going round in circles, and following it never ends.
    local seen = {}
    return function()
      if next_params == nil then return nil end
      local wait = pending or fetch(next_params)
      pending = nil
      local body = wait()
      local items = scheme.items(body)
      local position
      next_params, position = scheme.next(body, next_params, items)
      if position ~= nil then
        if seen[position] then
          next_params = nil
          local e = api.error("APIResponseValidationError",
            ("pagination stopped: the server returned %s again (%s would loop forever)"):format(position, method))
          e.method = method
          error(e, 0)
        end
        seen[position] = true
      end
      return {items = items, meta = type(body) == "table" and body.meta or nil, body = body}
    end, function()
      -- Starts the next page's request ahead of need (once).
      if next_params and pending == nil then pending = fetch(next_params) end
    end
  end
  self._pages = function() return (page_iterator()) end
  -- Items; with `prefetch`, the next page is requested once the walk is half-way through the
  -- current one, so its latency overlaps the work on the second half, and a loop left by
  -- `break` early in a page sends no request it will not use.
  self._iterate = function(prefetch)
    local pages, start_next = page_iterator()
    local items, i = {}, 0
    return function()
      while true do
        i = i + 1
        if items[i] ~= nil then
          if prefetch and i == (#items + 1) // 2 then start_next() end
          return items[i]
        end
        local page = pages()
        if page == nil then return nil end
        items, i = page.items, 0
      end
    end
  end
  return self
end

--- An iterator over the pages: `for page in p:pages() do print(#page.items) end`.
function Paginator:pages()
  return self._pages()
end

return M
