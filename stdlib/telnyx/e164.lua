-- telnyx.e164: normalize and validate phone numbers to E.164 (+ and 8 to 15 digits).
local M = {}

--- Returns the E.164 form of `number`, or nil and a reason a person can act on.
-- Accepts spaces, dashes, dots and parentheses; a leading "00" is read as "+".
-- `default_country` (digits, e.g. "1") is prefixed to a national number without "+".
function M.normalize(number, default_country)
  if type(number) ~= "string" then
    return nil, "expected a string, got " .. type(number)
  end
  local s = number:gsub("[%s%-%.%(%)]", "")
  if s:sub(1, 2) == "00" then
    s = "+" .. s:sub(3)
  end
  if s:sub(1, 1) ~= "+" then
    if not default_country then
      return nil, "'" .. number .. "' has no country code: start it with + or pass a default country"
    end
    if not tostring(default_country):match("^%d+$") then
      return nil, "default country must be digits, got '" .. tostring(default_country) .. "'"
    end
    s = "+" .. default_country .. s
  end
  local digits = s:sub(2)
  if digits:find("%D") then
    return nil, "'" .. number .. "' contains characters other than digits"
  end
  if digits:sub(1, 1) == "0" then
    return nil, "'" .. number .. "': a country code never starts with 0"
  end
  if #digits < 8 or #digits > 15 then
    return nil, "'" .. number .. "' has " .. #digits .. " digits; E.164 allows 8 to 15"
  end
  return s
end

--- True when `number` is already in E.164 form.
function M.is_valid(number)
  return type(number) == "string" and number:match("^%+[1-9]%d%d%d%d%d%d%d+$") ~= nil and #number <= 16
end

--- Returns true when `number` is already E.164, else nil and why: the reason normalize gives,
-- or, for a number that normalizes but is written differently, its E.164 form.
function M.validate(number)
  if M.is_valid(number) then
    return true
  end
  local normalized, why = M.normalize(number)
  if not normalized then
    return nil, why
  end
  return nil, "'" .. number .. "' is not in E.164 form; write it as " .. normalized
end

return M
