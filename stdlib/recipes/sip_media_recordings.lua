-- sip_media_recordings.lua: manage stored media and call recordings: upload an audio file by
-- URL, extend its lifetime, list what is stored, then list recordings across pages as a table
-- and (only with --delete) delete the recordings older than a date in one request.
-- Arguments: [media_url] [before_date] [--delete]
--   media_url: a public audio URL (default https://www.example.com/audio.mp3)
--   before_date: ISO date; recordings created before it are listed for deletion (default 2020-01-01)
-- run: telnyx-lua --sandbox stdlib/recipes/sip_media_recordings.lua https://www.example.com/audio.mp3
local tabulate = require "telnyx.tabulate"

local media_url, before, flag = ...
media_url = media_url or "https://www.example.com/audio.mp3"
before = before or "2020-01-01"
local delete = flag == "--delete" or before == "--delete"
if before == "--delete" then before = "2020-01-01" end
if not before:match("^%d%d%d%d%-%d%d%-%d%d") then
  io.stderr:write("before_date must look like 2024-01-31, got '", before, "'\n")
  os.exit(2)
end

-- Media: upload, extend the time to live to a day, list.
local name = "recipe-" .. os.time()
local uploaded = telnyx.media.upload{media_url = media_url, media_name = name, ttl_secs = 3600}.data
print(("uploaded media %s (%s)"):format(tostring(uploaded.media_name), tostring(uploaded.content_type)))
local updated = telnyx.media.update(uploaded.media_name or name, {ttl_secs = 86400}).data
print(("media %s now expires at %s"):format(tostring(updated.media_name), tostring(updated.expires_at)))
local stored = telnyx.media.list().data or {}
print(("%d stored media file(s)"):format(#stored))
tabulate.print(stored, {columns = {"media_name", "content_type", "expires_at"}, limit = 10})

-- Recordings: walk every page, keep the old ones.
local old, total = {}, 0
for recording in telnyx.recordings.list{page = {size = 50}} do
  total = total + 1
  if type(recording.created_at) == "string" and recording.created_at < before then
    old[#old + 1] = recording
  end
end
print(("%d recording(s), %d created before %s"):format(total, #old, before))
tabulate.print(old, {columns = {"id", "created_at", "duration_millis", "from", "to", "status"}, limit = 20})

if delete and #old > 0 then
  local ids = {}
  for i, recording in ipairs(old) do ids[i] = recording.id end
  -- recordings.actions.delete takes a list of ids.
  local result = telnyx.recordings.actions.delete{ids = ids}
  print(("deleted %d recording(s): %s"):format(#ids, tostring(result.status)))
elseif #old > 0 then
  print("pass --delete to delete them")
end
