-- telnyx.tabulate: print lists of records as aligned text tables that fit the terminal.
--
--   local tabulate = require "telnyx.tabulate"
--   tabulate.print(telnyx.phone_numbers.list{page = {size = 20}}:take(20),
--     {columns = {"phone_number", "status", {"forwarding", "voice.call_forwarding.forwarding_type"}}})
local records = require "telnyx.records"

local M = {}

-- Zero-width code points (combining marks, joiners) and double-width ranges (CJK, emoji).
local ZERO = {{0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
  {0x064B, 0x065F}, {0x200B, 0x200F}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}}
local WIDE = {{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
  {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F},
  {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}}

local function in_ranges(cp, ranges)
  for _, r in ipairs(ranges) do
    if cp >= r[1] and cp <= r[2] then return true end
  end
  return false
end

local function char_width(cp)
  if cp < 0x20 or (cp >= 0x7F and cp < 0xA0) then return 0 end
  if cp < 0x300 then return 1 end
  if in_ranges(cp, ZERO) then return 0 end
  if in_ranges(cp, WIDE) then return 2 end
  return 1
end

--- The display width of `s` in terminal columns (UTF-8 aware; invalid UTF-8 counts bytes).
function M.width(s)
  s = tostring(s)
  if not utf8.len(s) then
    return #s
  end
  local w = 0
  for _, cp in utf8.codes(s) do
    w = w + char_width(cp)
  end
  return w
end

--- Cuts `s` to at most `max` columns, ending with `ellipsis` ("…") when it was cut.
function M.truncate(s, max, ellipsis)
  if type(max) ~= "number" then
    error("tabulate.truncate: max must be a number, got " .. type(max), 2)
  end
  s = tostring(s)
  ellipsis = ellipsis or "…"
  if M.width(s) <= max then
    return s
  end
  if not utf8.len(s) then
    return s:sub(1, math.max(0, max - #ellipsis)) .. ellipsis
  end
  local room = max - M.width(ellipsis)
  local out, w = {}, 0
  for _, cp in utf8.codes(s) do
    local cw = char_width(cp)
    if w + cw > room then break end
    out[#out + 1] = utf8.char(cp)
    w = w + cw
  end
  return table.concat(out) .. ellipsis
end

local function pad(s, width, right_align)
  local gap = string.rep(" ", math.max(0, width - M.width(s)))
  return right_align and (gap .. s) or (s .. gap)
end

--- The table width to fit: opts.width, else the terminal's width (or COLUMNS), else 100.
function M.terminal_width(opts)
  local terminal = rawget(telnyx, "terminal")
  local w = opts and opts.width or tonumber(os.getenv("COLUMNS") or "") or (terminal and terminal.columns())
  if type(w) ~= "number" or w < 10 then
    w = 100
  end
  return math.floor(w)
end

local function cell_text(v)
  if records.is_null(v) then
    return ""
  elseif type(v) == "table" then
    local ok, s = pcall(telnyx.json.encode, v)
    return ok and s or tostring(v)
  elseif math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2^53 then
    return string.format("%d", v)
  end
  return (tostring(v):gsub("[\r\n\t]", " "))
end

-- Columns are checked by check_arguments, before any work, so that every error points at
-- the caller's line (level 3: check_arguments, the public function, its caller).
local function resolve_columns(columns)
  local out = {}
  for i, col in ipairs(columns) do
    if type(col) == "string" then
      out[i] = {title = col, get = function(r) return records.get(r, col) end}
    else
      local src = col[2] or col[1]
      out[i] = {title = col[1],
        get = type(src) == "function" and src or function(r) return records.get(r, src) end}
    end
  end
  return out
end

local function is_path(v)
  return type(v) == "string" and v ~= ""
end

-- Raises a bad argument of render or print at the line that called them, as Lua's own
-- library does (a message at tabulate.lua's line would not say which call was wrong).
local function check_arguments(rows, opts, fname)
  local function fail(msg)
    error("tabulate." .. fname .. ": " .. msg, 4)
  end
  if not records.is_iterable(rows) then
    fail("rows must be an array, an iterator or a paginator, got " .. type(rows))
  end
  if opts == nil then
    return {}
  end
  if type(opts) ~= "table" then
    fail("options must be a table, got " .. type(opts))
  end
  if opts.columns ~= nil then
    if type(opts.columns) ~= "table" then
      fail("columns must be an array of field paths, got " .. type(opts.columns))
    end
    for i, col in ipairs(opts.columns) do
      local ok = is_path(col) or (type(col) == "table" and is_path(col[1])
        and (col[2] == nil or is_path(col[2]) or type(col[2]) == "function"))
      if not ok then
        fail("column " .. i .. " must be a path or {title, path_or_function}")
      end
    end
  end
  if opts.limit ~= nil and math.type(opts.limit) ~= "integer" then
    fail("limit must be an integer, got " .. type(opts.limit))
  end
  if opts.width ~= nil and type(opts.width) ~= "number" then
    fail("width must be a number, got " .. type(opts.width))
  end
  if opts.ellipsis ~= nil and type(opts.ellipsis) ~= "string" then
    fail("ellipsis must be a string, got " .. type(opts.ellipsis))
  end
  if opts.file ~= nil and io.type(opts.file) ~= "file" then
    fail("file must be an open file, got " .. type(opts.file))
  end
  return opts
end

-- Keys that say what a record is, shown first when the columns are chosen for you.
local PREFERRED = {
  "phone_number", "name", "connection_name", "id", "status", "type", "direction", "from", "to",
  "email", "country_code", "messaging_profile_id", "connection_id", "created_at",
}

-- The columns shown when none are given: the first record's scalar keys, those that name the
-- record first, leaving out ones empty in every row and `record_type` (the same in every row),
-- as many as fit the width at their natural size (at most 36 columns of text each, a UUID).
local function default_columns(list, opts)
  local keys, rank = records.scalar_keys(list[1]), {}
  for i, k in ipairs(PREFERRED) do rank[k] = i end
  table.sort(keys, function(a, b)
    local ra, rb = rank[a] or math.huge, rank[b] or math.huge
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  local budget, used, chosen = M.terminal_width(opts), 0, {}
  for _, key in ipairs(keys) do
    if key ~= "record_type" then
      local w = M.width(key)
      local filled = false
      for _, row in ipairs(list) do
        local s = cell_text(row[key])
        if s ~= "" then filled = true end
        w = math.max(w, math.min(M.width(s), 36))
      end
      local need = w + (#chosen > 0 and 2 or 0)
      if filled and (used + need <= budget or #chosen == 0) then
        chosen[#chosen + 1] = key
        used = used + need
      end
    end
  end
  return chosen
end

-- The text of M.render, for arguments check_arguments accepted.
local function render(rows, opts)
  local list = {}
  records.each(rows, function(r)
    list[#list + 1] = r
    if opts.limit and #list >= opts.limit then return false end
  end)
  local cols = resolve_columns(opts.columns or default_columns(list, opts))
  if #cols == 0 then
    return "(no columns)\n"
  end
  local cells, numeric, widths = {}, {}, {}
  for c, col in ipairs(cols) do
    widths[c] = M.width(col.title)
    numeric[c] = true
  end
  for r, row in ipairs(list) do
    cells[r] = {}
    for c, col in ipairs(cols) do
      local v = col.get(row)
      local s = cell_text(v)
      if type(v) ~= "number" and s ~= "" then numeric[c] = false end
      cells[r][c] = s
      widths[c] = math.max(widths[c], M.width(s))
    end
  end
  local gap = "  "
  local budget = M.terminal_width(opts) - #gap * (#cols - 1)
  local total = 0
  for _, w in ipairs(widths) do total = total + w end
  local floor_width = 3
  while total > budget do
    local widest = 1
    for c = 2, #cols do
      if widths[c] > widths[widest] then widest = c end
    end
    if widths[widest] <= floor_width then break end
    widths[widest] = widths[widest] - 1
    total = total - 1
  end
  local ellipsis = opts.ellipsis or "…"
  local lines = {}
  local function line(values, header)
    local parts = {}
    for c, s in ipairs(values) do
      parts[c] = pad(M.truncate(s, widths[c], ellipsis), widths[c], numeric[c] and not header)
    end
    lines[#lines + 1] = (table.concat(parts, gap):gsub("%s+$", ""))
  end
  local titles, rules = {}, {}
  for c, col in ipairs(cols) do
    titles[c] = col.title
    rules[c] = string.rep("-", widths[c])
  end
  line(titles, true)
  line(rules, true)
  for _, row in ipairs(cells) do line(row, false) end
  return table.concat(lines, "\n") .. "\n"
end

--- Returns `rows` as an aligned table (a string ending in a newline).
-- rows: an array, iterator or paginator of records. opts.columns: dotted paths or
-- {title, path_or_function} (default: the first record's scalar keys that fit the width, the
-- ones that name a record first, empty ones and record_type left out). opts.width: total width
-- (default COLUMNS, else the terminal's width, else 100); wide columns are cut with opts.ellipsis ("…"). opts.limit: at most
-- this many rows are read from an iterator. Numbers are right-aligned; nil/null are blank.
function M.render(rows, opts)
  local text = render(rows, check_arguments(rows, opts, "render"))
  return text
end

--- Writes `render(rows, opts)` to opts.file (default io.stdout); returns the row count.
function M.print(rows, opts)
  opts = check_arguments(rows, opts, "print")
  local text = render(rows, opts)
  local file = opts.file or io.stdout
  file:write(text)
  local _, n = text:gsub("\n", "")
  return n - 2
end

return M
