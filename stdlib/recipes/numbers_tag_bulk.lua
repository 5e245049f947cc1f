-- numbers_tag_bulk.lua: add a tag to many phone numbers, 10 at a time, with retries on rate
-- limits and a checkpoint file so an interrupted run resumes where it stopped.
-- Arguments: tag [filter_tag] [checkpoint]
--   tag: the tag to add; filter_tag: only numbers that already carry this tag (default: all);
--   checkpoint: file of finished ids (default tag-<tag>.done); delete it to start over.
-- run: telnyx-lua --sandbox stdlib/recipes/numbers_tag_bulk.lua migrated
local bulk = require "telnyx.bulk"

local tag, filter_tag, checkpoint = ...
if not tag or tag == "" then
  io.stderr:write("usage: numbers_tag_bulk.lua tag [filter_tag] [checkpoint]\n")
  os.exit(2)
end
checkpoint = checkpoint or ("tag-" .. tag:gsub("[^%w_-]", "_") .. ".done")

local params = {page = {size = 250}}
if filter_tag and filter_tag ~= "" then params.filter = {tag = filter_tag} end

local report = bulk.run(telnyx.phone_numbers.list(params), function(number)
  local tags = {}
  for _, existing in ipairs(number.tags or {}) do
    if existing == tag then return "already tagged" end
    tags[#tags + 1] = existing
  end
  tags[#tags + 1] = tag
  return telnyx.phone_numbers.update(number.id, {tags = tags}).data
end, {concurrency = 10, retries = 3, checkpoint = checkpoint, key = function(n) return n.id end})

print(("%d number(s): %d done (%d from an earlier run), %d failed"):format(
  report.total, report.done, report.skipped, report.failed))
for _, failure in ipairs(report.errors) do
  print(("  %s: %s"):format(failure.key, tostring(failure.error)))
end
os.exit(report.failed == 0 and 0 or 1)
