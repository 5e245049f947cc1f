-- numbers_emergency_batch.lua: enable (or disable) emergency calling on a batch of numbers with
-- one background job, then follow the job until it completes and report each number.
-- Arguments: emergency_address_id [numbers] [--disable]
--   numbers: comma-separated E.164 numbers or ids (at most 1000); default: the first 5 numbers
--   --disable: turn emergency calling off instead
-- run: telnyx-lua --sandbox stdlib/recipes/numbers_emergency_batch.lua 1315261609962112019
local e164 = require "telnyx.e164"

local address_id, numbers_arg, flag = ...
if numbers_arg == "--disable" then numbers_arg, flag = nil, numbers_arg end
if not address_id then
  io.stderr:write("usage: numbers_emergency_batch.lua emergency_address_id [numbers] [--disable]\n")
  os.exit(2)
end
local enable = flag ~= "--disable"
local sleep = telnyx.sleep or function() end

local numbers = {}
if numbers_arg then
  for n in numbers_arg:gmatch("[^,%s]+") do
    -- Ids are digits only; anything with + or punctuation must be a valid phone number.
    if not n:match("^%d+$") then
      local normalized, why = e164.normalize(n)
      if not normalized then
        io.stderr:write(why, "\n")
        os.exit(2)
      end
      n = normalized
    end
    numbers[#numbers + 1] = n
  end
else
  for number in telnyx.phone_numbers.list{page = {size = 5}} do
    numbers[#numbers + 1] = number.phone_number
    if #numbers == 5 then break end
  end
end
if #numbers == 0 or #numbers > 1000 then
  io.stderr:write("between 1 and 1000 numbers are needed, got ", #numbers, "\n")
  os.exit(2)
end

local job = telnyx.phone_numbers.jobs.update_emergency_settings_batch{
  emergency_enabled = enable,
  emergency_address_id = enable and address_id or telnyx.null,
  phone_numbers = numbers,
}.data
print(("job %s (%s): %s"):format(tostring(job.id), tostring(job.type), tostring(job.status)))

local finished = {completed = true, failed = true, expired = true}
local wait = 1
for _ = 1, 10 do
  if finished[job.status] then break end
  sleep(wait)
  wait = math.min(wait * 2, 30)
  local ok, answer = pcall(telnyx.phone_numbers.jobs.retrieve, job.id)
  if not ok then
    io.stderr:write("cannot follow job ", tostring(job.id), ": ", tostring(answer), "\n")
    os.exit(1)
  end
  job = answer.data
  print(("  %s"):format(tostring(job.status)))
end

for _, op in ipairs(job.successful_operations or {}) do
  print(("  ok     %s"):format(tostring(op.phone_number or op.id)))
end
for _, op in ipairs(job.failed_operations or {}) do
  local why = op.errors and op.errors[1] and (op.errors[1].detail or op.errors[1].title) or ""
  print(("  failed %s %s"):format(tostring(op.phone_number or op.id), tostring(why)))
end
print(("job %s ended %s"):format(tostring(job.id), tostring(job.status)))
