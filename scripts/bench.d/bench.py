"""The official Python SDK side of scripts/bench. Run as:
    TELNYX_BASE_URL=http://127.0.0.1:PORT/v2 TELNYX_API_KEY=x python bench.py CASE ARGS...
Each case times its own work (not the process start) and prints one JSON line of results.
bench.lua is the same program for telnyx-lua.
"""
import asyncio
import json
import sys
import time

import telnyx


def peak_rss_kb():
    """Peak resident memory of this process so far, in kB (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])


def report(**fields):
    fields["peak_rss_kb"] = peak_rss_kb()
    print(json.dumps(fields))


def phone_number_ids(client, count):
    """The ids of the first `count` seeded phone numbers (not timed)."""
    ids = []
    for n in client.phone_numbers.list(page_size=250):
        ids.append(n.id)
        if len(ids) == count:
            break
    return ids


def sequential(n):
    client = telnyx.Telnyx()
    ids = phone_number_ids(client, 250)
    t0 = time.perf_counter()
    for i in range(n):
        r = client.phone_numbers.retrieve(ids[i % len(ids)])
        assert r.data.id
    seconds = time.perf_counter() - t0
    report(calls=n, seconds=seconds, per_second=n / seconds)


def paginate(limit):
    client = telnyx.Telnyx()
    count, t0 = 0, time.perf_counter()
    for _ in client.phone_numbers.list(page_size=250):
        count += 1
        if count == limit:
            break
    seconds = time.perf_counter() - t0
    report(items=count, seconds=seconds, per_second=count / seconds)


def concurrent(n, concurrency):
    """N retrieves with AsyncTelnyx, at most CONCURRENCY in flight (the ids of one page, over and over)."""
    ids = phone_number_ids(telnyx.Telnyx(), 250)

    async def run():
        client = telnyx.AsyncTelnyx()
        limit = asyncio.Semaphore(concurrency)

        async def retrieve(id):
            async with limit:
                return (await client.phone_numbers.retrieve(id)).data.id

        t0 = time.perf_counter()
        results = await asyncio.gather(*(retrieve(ids[i % len(ids)]) for i in range(n)))
        seconds = time.perf_counter() - t0
        assert len(results) == n and all(isinstance(r, str) for r in results)
        return seconds

    seconds = asyncio.run(run())
    report(calls=n, seconds=seconds, per_second=n / seconds)


def bulk(n, concurrency):
    ids = phone_number_ids(telnyx.Telnyx(), min(n, 1000))

    async def run():
        client = telnyx.AsyncTelnyx()
        limit = asyncio.Semaphore(concurrency)

        async def update(id):
            async with limit:
                return await client.phone_numbers.update(id, tags=["bench"])

        t0 = time.perf_counter()
        await asyncio.gather(*(update(ids[i % len(ids)]) for i in range(n)))
        return time.perf_counter() - t0

    seconds = asyncio.run(run())
    report(calls=n, seconds=seconds, per_second=n / seconds)


def json_decode(path, iterations):
    with open(path, "rb") as f:
        text = f.read()
    t0 = time.perf_counter()
    for _ in range(iterations):
        value = json.loads(text)
        assert len(value["data"]) > 0
    seconds = time.perf_counter() - t0
    mb = len(text) * iterations / 1e6
    report(megabytes=mb, seconds=seconds, per_second=mb / seconds)


CASES = {"sequential": sequential, "paginate": paginate, "concurrent": concurrent, "bulk": bulk, "json": json_decode}

if __name__ == "__main__":
    name, *args = sys.argv[1:]
    CASES[name](*(int(a) if a.isdigit() else a for a in args))
