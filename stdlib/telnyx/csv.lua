-- telnyx.csv: read and write CSV (RFC 4180): quoted fields, embedded quotes, separators and
-- newlines, CRLF or LF line ends. Export any list, iterator or paginator of API records.
local records = require "telnyx.records"

local M = {}

-- Errors name the caller's line, as Lua's own library errors do: `level` is the caller's
-- level seen from here (3 when the public function calls this directly).
local function check_options(fname, opts, level)
  if opts ~= nil and type(opts) ~= "table" then
    error("csv." .. fname .. ": options must be a table, got " .. type(opts), level)
  end
  opts = opts or {}
  local sep = opts.separator or ","
  if type(sep) ~= "string" or #sep ~= 1 or sep == '"' or sep == "\r" or sep == "\n" then
    error("csv." .. fname .. ": separator must be one character other than a quote or newline", level)
  end
  return opts, sep
end

-- The work of parse and read, each of which calls it directly (not as a tail call), so
-- level 3 here, 4 in its nested fail, is their caller.
local function parse(fname, text, opts)
  local sep
  opts, sep = check_options(fname, opts, 4)
  if text:sub(1, 3) == "\239\187\191" then
    text = text:sub(4)
  end
  local rows, row, field = {}, {}, {}
  local i, n, line = 1, #text, 1
  local function fail(msg)
    error("csv." .. fname .. ": line " .. line .. ": " .. msg, 4)
  end
  local function end_field()
    row[#row + 1] = table.concat(field)
    field = {}
  end
  local function end_row()
    end_field()
    rows[#rows + 1] = row
    row = {}
  end
  local at_field_start = true
  while i <= n do
    local c = text:sub(i, i)
    if c == '"' and at_field_start then
      -- Quoted field: read up to the closing quote, "" is a literal quote.
      local start_line = line
      i = i + 1
      while true do
        local q = text:find('"', i, true)
        if not q then
          line = start_line
          fail("unterminated quoted field")
        end
        local chunk = text:sub(i, q - 1)
        local _, newlines = chunk:gsub("\n", "")
        line = line + newlines
        field[#field + 1] = chunk
        if text:sub(q + 1, q + 1) == '"' then
          field[#field + 1] = '"'
          i = q + 2
        else
          i = q + 1
          break
        end
      end
      local after = text:sub(i, i)
      if after ~= "" and after ~= sep and after ~= "\r" and after ~= "\n" then
        fail("unexpected text after a closing quote")
      end
      at_field_start = false
    elseif c == sep then
      end_field()
      at_field_start = true
      i = i + 1
    elseif c == "\r" or c == "\n" then
      end_row()
      at_field_start = true
      if c == "\r" and text:sub(i + 1, i + 1) == "\n" then
        i = i + 1
      end
      i = i + 1
      line = line + 1
    elseif c == '"' then
      fail("a quote inside an unquoted field (quote the whole field and double the quote)")
    else
      local stop = text:find('[' .. (sep == "%" and "%%" or "%" .. sep) .. '\r\n"]', i)
      stop = stop or n + 1
      field[#field + 1] = text:sub(i, stop - 1)
      at_field_start = false
      i = stop
    end
  end
  if not at_field_start or #row > 0 then
    end_row()
  end
  if not opts.header then
    return rows
  end
  local header = table.remove(rows, 1) or {}
  local seen = {}
  for _, name in ipairs(header) do
    if seen[name] then
      error("csv." .. fname .. ": line 1: duplicate column '" .. name .. "'", 3)
    end
    seen[name] = true
  end
  local out = {}
  for r, fields in ipairs(rows) do
    if #fields > #header then
      error("csv." .. fname .. ": line " .. (r + 1) .. ": " .. #fields .. " fields but the header has " .. #header, 3)
    end
    local rec = {}
    for k, name in ipairs(header) do
      rec[name] = fields[k]
    end
    out[#out + 1] = rec
  end
  return out, header
end

--- Parses CSV `text` into rows.
-- opts.header (default false): when true the first row names the fields and each row is a
-- table keyed by them; otherwise each row is an array of strings. opts.separator (default ",").
-- Raises "csv.parse: line N: ..." on an unterminated quote, a stray quote, a duplicate header
-- or a row with more fields than the header. A leading UTF-8 BOM is ignored.
function M.parse(text, opts)
  if type(text) ~= "string" then
    error("csv.parse: text must be a string, got " .. type(text), 2)
  end
  local rows, header = parse("parse", text, opts)
  return rows, header
end

--- Reads and parses the CSV file at `path` (options as for parse).
-- Raises "csv.read: <reason>" when the file cannot be opened.
function M.read(path, opts)
  if type(path) ~= "string" then
    error("csv.read: path must be a string, got " .. type(path), 2)
  end
  local f, err = io.open(path, "rb")
  if not f then
    error("csv.read: " .. tostring(err), 2)
  end
  local text = f:read("a")
  f:close()
  local rows, header = parse("read", text, opts)
  return rows, header
end

--- Formats one value as a CSV field: nil and telnyx.null are empty, tables become JSON,
-- and a field with the separator, a quote or a newline is quoted.
function M.field(value, sep)
  sep = sep or ","
  local s
  if records.is_null(value) then
    s = ""
  elseif type(value) == "table" then
    s = telnyx.json.encode(value)
  elseif math.type(value) == "float" and value == math.floor(value) and math.abs(value) < 2^53 then
    s = string.format("%d", value)
  else
    s = tostring(value)
  end
  if s:find('[' .. (sep == "%" and "%%" or "%" .. sep) .. '"\r\n]') then
    s = '"' .. s:gsub('"', '""') .. '"'
  end
  return s
end

-- Normalises columns to {title =, get = function(record)}.
local function resolve_columns(fname, columns)
  if type(columns) ~= "table" then
    error("csv." .. fname .. ": columns must be an array of field paths, got " .. type(columns), 3)
  end
  local out = {}
  for i, col in ipairs(columns) do
    if type(col) == "string" then
      out[i] = {title = col, get = function(r) return records.get(r, col) end}
    elseif type(col) == "table" and type(col[1]) == "string" then
      local source = col[2] or col[1]
      local getter = type(source) == "function" and source or function(r) return records.get(r, source) end
      out[i] = {title = col[1], get = getter}
    else
      error("csv." .. fname .. ": column " .. i .. " must be a path or {title, path_or_function}", 3)
    end
  end
  return out
end

local function line_for(cols, rec, sep, positional)
  local fields = {}
  for i, col in ipairs(cols) do
    local v
    if positional then
      v = rec[i]
    else
      v = col.get(rec)
    end
    fields[i] = M.field(v, sep)
  end
  return table.concat(fields, sep)
end

--- Returns `rows` as CSV text.
-- Rows are arrays (written as they are) or records (tables with fields). opts.columns: the
-- fields to write, by dotted path (or {title, path_or_function}); without it arrays are written
-- whole and records use the sorted scalar keys of the first record. opts.header (default true
-- when columns apply) writes the titles first. opts.eol (default "\r\n"), opts.separator.
function M.write(rows, opts)
  if type(rows) ~= "table" then
    error("csv.write: rows must be an array, got " .. type(rows), 2)
  end
  local sep
  opts, sep = check_options("write", opts, 3)
  local eol = opts.eol or "\r\n"
  local out = {}
  local first = rows[1]
  if first ~= nil and type(first) ~= "table" then
    error("csv.write: row 1 must be a table, got " .. type(first), 2)
  end
  local positional = opts.columns == nil and (first == nil or first[1] ~= nil or next(first) == nil)
  if positional then
    for r, row in ipairs(rows) do
      if type(row) ~= "table" then
        error("csv.write: row " .. r .. " must be a table, got " .. type(row), 2)
      end
      local fields = {}
      for i = 1, #row do
        fields[i] = M.field(row[i], sep)
      end
      out[#out + 1] = table.concat(fields, sep) .. eol
    end
    return table.concat(out)
  end
  local cols = resolve_columns("write", opts.columns or records.scalar_keys(first))
  if opts.header ~= false then
    local titles = {}
    for i, col in ipairs(cols) do titles[i] = col.title end
    out[1] = line_for(cols, titles, sep, true) .. eol
  end
  for r, row in ipairs(rows) do
    if type(row) ~= "table" then
      error("csv.write: row " .. r .. " must be a table, got " .. type(row), 2)
    end
    out[#out + 1] = line_for(cols, row, sep, false) .. eol
  end
  return table.concat(out)
end

--- Writes every record of `source` to `dest` as CSV, one line at a time; returns the count.
-- source: an array, an iterator, a paginator (`telnyx.phone_numbers.list{...}`) or an object
-- with :each. dest: a path (created or truncated) or an open file (left open).
-- opts as for write; without opts.columns the first record's scalar keys are used.
function M.export(source, dest, opts)
  if not records.is_iterable(source) then
    error("csv.export: source must be an array, an iterator or a paginator, got " .. type(source), 2)
  end
  -- Options are checked before the destination is opened: a bad call leaves no empty file.
  local sep
  opts, sep = check_options("export", opts, 3)
  local cols = opts.columns and resolve_columns("export", opts.columns)
  local file, close
  if type(dest) == "string" then
    local err
    file, err = io.open(dest, "wb")
    if not file then
      error("csv.export: " .. tostring(err), 2)
    end
    close = true
  elseif io.type(dest) == "file" then
    file = dest
  else
    error("csv.export: destination must be a path or an open file, got " .. type(dest), 2)
  end
  local eol = opts.eol or "\r\n"
  local function header()
    if opts.header ~= false then
      local titles = {}
      for i, col in ipairs(cols) do titles[i] = col.title end
      file:write(line_for(cols, titles, sep, true), eol)
    end
  end
  if cols then header() end
  local ok, result = pcall(records.each, source, function(item)
    if not cols then
      cols = resolve_columns("export", records.scalar_keys(item))
      header()
    end
    file:write(line_for(cols, item, sep, false), eol)
  end)
  file:flush()
  if close then file:close() end
  if not ok then
    error(result, 0)
  end
  return result
end

return M
