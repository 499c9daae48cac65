-- wrk script: POST /user/wxlogin in the Flask tutorial's shape, a fresh code every request.
-- PAYLOADS names a Lua file (from the emulator's /emulator/benchmark/payloads.lua) that defines
-- `payloads`: user k's encryptedData and iv; codes are bench-<k>-<thread>-<n>.
dofile(os.getenv("PAYLOADS"))
local counter = 0
local threads = 0

function setup(thread)
    thread:set("thread_id", threads)
    threads = threads + 1
end

request = function()
    counter = counter + 1
    local k = counter % #payloads
    local p = payloads[k + 1]
    local run = os.getenv("RUN_ID") or "0"
    local body = string.format(
        '{"platCode":"bench-%d-%s-%d-%d","platUserInfoMap":{"encryptedData":"%s","iv":"%s"}}',
        k, run, thread_id or 0, counter, p.encryptedData, p.iv)
    return wrk.format("POST", "/user/wxlogin", {["Content-Type"] = "application/json"}, body)
end
