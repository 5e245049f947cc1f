-- telnyx.webhooks: verify the Ed25519 signature Telnyx puts on every webhook.
-- Telnyx signs `timestamp .. "|" .. body` with its key; the request carries the base64 signature
-- in `telnyx-signature-ed25519` and the Unix time in `telnyx-timestamp`. Your public key is in
-- the Mission Control Portal (Keys & Credentials > Public Key), base64.
--
--   local webhooks = require "telnyx.webhooks"
--   local event = assert(webhooks.verify(body, headers, os.getenv("TELNYX_PUBLIC_KEY")))
local M = {}

M.SIGNATURE_HEADER = "telnyx-signature-ed25519"
M.TIMESTAMP_HEADER = "telnyx-timestamp"
M.DEFAULT_TOLERANCE = 300

local function crypto()
  local t = rawget(_G, "telnyx")
  if not (type(t) == "table" and rawget(t, "_crypto")) then
    error("telnyx.webhooks needs the telnyx-lua host (telnyx._crypto is missing)", 3)
  end
  return t._crypto
end

--- The value of header `name` in `headers`, matched case-insensitively (first of a list).
function M.header(headers, name)
  local wanted = name:lower()
  for k, v in pairs(headers) do
    if type(k) == "string" and k:lower() == wanted then
      if type(v) == "table" then
        v = v[1]
      end
      return v
    end
  end
  return nil
end

--- Verifies a webhook. Returns the decoded event (a table), or nil, a reason and a code.
-- body: the raw request body, exactly as received. headers: a table of request headers (any
-- case). public_key: base64 (or 32 raw bytes); defaults to the TELNYX_PUBLIC_KEY variable.
-- opts.tolerance: seconds a timestamp may differ from now (default 300); opts.now: the current
-- Unix time (for tests; default os.time()).
-- Codes: "missing_header", "bad_timestamp", "timestamp_out_of_tolerance", "bad_base64",
-- "bad_signature", "bad_json". Wrong argument types raise an error instead.
function M.verify(body, headers, public_key, opts)
  if type(body) ~= "string" then
    error("webhooks.verify: body must be the raw request body (a string), got " .. type(body), 2)
  end
  if type(headers) ~= "table" then
    error("webhooks.verify: headers must be a table, got " .. type(headers), 2)
  end
  public_key = public_key or os.getenv("TELNYX_PUBLIC_KEY")
  if type(public_key) ~= "string" or public_key == "" then
    error("webhooks.verify: a public key is required (argument 3 or TELNYX_PUBLIC_KEY)", 2)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error("webhooks.verify: options must be a table, got " .. type(opts), 2)
  end
  opts = opts or {}
  local tolerance = opts.tolerance or M.DEFAULT_TOLERANCE
  if type(tolerance) ~= "number" or tolerance < 0 then
    error("webhooks.verify: tolerance must be a number of seconds >= 0", 2)
  end
  local now = opts.now or os.time()
  local c = crypto()

  local key = public_key
  if #key ~= 32 then
    local decoded = c.base64_decode(key)
    if not decoded or #decoded ~= 32 then
      error("webhooks.verify: the public key is not the base64 of a 32-byte Ed25519 key", 2)
    end
    key = decoded
  end

  local signature = M.header(headers, M.SIGNATURE_HEADER)
  if signature == nil or signature == "" then
    return nil, "missing header " .. M.SIGNATURE_HEADER, "missing_header"
  end
  local timestamp = M.header(headers, M.TIMESTAMP_HEADER)
  if timestamp == nil or timestamp == "" then
    return nil, "missing header " .. M.TIMESTAMP_HEADER, "missing_header"
  end
  timestamp = tostring(timestamp)
  if not timestamp:match("^%d+$") then
    return nil, "header " .. M.TIMESTAMP_HEADER .. " is not a Unix time: '" .. timestamp .. "'", "bad_timestamp"
  end
  local age = now - tonumber(timestamp)
  if math.abs(age) > tolerance then
    local when = age > 0 and (age .. " s old") or (-age .. " s in the future")
    return nil, "timestamp is " .. when .. "; tolerance is " .. tolerance .. " s (replayed or clock skew)",
      "timestamp_out_of_tolerance"
  end
  local raw_signature = c.base64_decode(tostring(signature))
  if not raw_signature or #raw_signature ~= 64 then
    return nil, "header " .. M.SIGNATURE_HEADER .. " is not the base64 of a 64-byte signature", "bad_base64"
  end
  if not c.ed25519_verify(key, raw_signature, timestamp .. "|" .. body) then
    return nil, "signature does not match (body or timestamp altered, or wrong public key)", "bad_signature"
  end
  local ok, event = pcall(telnyx.json.decode, body)
  if not ok then
    return nil, "body is not valid JSON: " .. tostring(event), "bad_json"
  end
  return event
end

return M
