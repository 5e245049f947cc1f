-- sip_external_connection.lua: create an external SIP connection (Zoom), upload phone numbers
-- to it and follow the upload until it settles.
-- Arguments: [kind] [number_id,number_id,...]
--   kind: "zoom" (the default, and the only kind the API's create accepts)
--   number ids: comma-separated phone number ids; default: the first 3 numbers of the account.
-- run: telnyx-lua --sandbox stdlib/recipes/sip_external_connection.lua zoom
local kind, ids_arg = ...
kind = kind or "zoom"
if kind ~= "zoom" then
  io.stderr:write("kind must be zoom (the only kind external_connections.create accepts), got '", kind, "'\n")
  os.exit(2)
end
local sleep = telnyx.sleep or function() end

local number_ids = {}
if ids_arg then
  for id in ids_arg:gmatch("[^,%s]+") do number_ids[#number_ids + 1] = id end
else
  for number in telnyx.phone_numbers.list{page = {size = 3}} do
    number_ids[#number_ids + 1] = number.id
    if #number_ids == 3 then break end
  end
end
if #number_ids == 0 then
  io.stderr:write("no phone numbers to upload: pass their ids as the second argument\n")
  os.exit(2)
end

-- 1. The connection. outbound is required (an empty object takes the defaults).
local created = telnyx.external_connections.create{
  external_sip_connection = kind,
  outbound = {},
  tags = {"recipe"},
}
local connection = created.data
print(("created external connection %s (%s)"):format(connection.id, connection.external_sip_connection))

-- 2. The upload of the numbers (at most 1000 per request).
local upload = telnyx.external_connections.uploads.create(connection.id, {number_ids = number_ids})
local ticket = upload.ticket_id or (upload.data and upload.data.ticket_id)
print(("upload ticket %s for %d numbers"):format(tostring(ticket), #number_ids))

-- 3. Follow it: ask Telnyx to recheck, then poll with a growing wait, at most 8 times.
local settled = {success = true, partial_success = true, error = true}
local status = "pending"
if ticket then
  local wait = 1
  for attempt = 1, 8 do
    local current = telnyx.external_connections.uploads.retrieve(ticket, {id = connection.id}).data
    status = current.status or status
    print(("  check %d: %s"):format(attempt, status))
    if settled[status] then
      for _, entry in ipairs(current.tn_upload_entries or {}) do
        print(("    %s %s %s"):format(tostring(entry.phone_number), tostring(entry.status),
          entry.error_message and tostring(entry.error_message) or ""))
      end
      break
    end
    if attempt == 1 then
      telnyx.external_connections.uploads.refresh_status(connection.id)
    end
    sleep(wait)
    wait = math.min(wait * 2, 30)
  end
end

-- 4. Every upload of the connection, across pages.
local count = 0
for item in telnyx.external_connections.uploads.list(connection.id) do
  count = count + 1
  print(("  upload %s: %s"):format(tostring(item.ticket_id), tostring(item.status)))
end
print(("%d upload(s); last status %s"):format(count, status))
