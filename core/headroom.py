"""Room on CPython's frame stack for a request or a job.

CPython keeps the frames of Python calls in chunks of 16 KB. When a call does not fit
in the current chunk it maps a new one, and when the last frame in that chunk returns
it unmaps it again. Code that calls in a loop right at a chunk's end, as rendering a
template's rows does at whatever depth the request reached, maps and unmaps a chunk
for each call: python/cpython#142183, fixed in 3.13 and 3.14 by keeping one chunk,
not in 3.11. On this project's pages that was 400 to 1,900 pairs of ``mmap`` and
``munmap`` per request, and up to 40 % of their time over HTTP (docs/operations.md,
"Where a page's time went").

``with_headroom(call, ...)`` calls ``call`` from a frame of ``SLOTS`` slots (25 KB),
too big for what is left of any chunk: CPython maps a chunk of 64 KB for it, and
everything ``call`` calls runs in the 39 KB after it. That is one pair per request
instead, and deeper than any page goes. On a Python that keeps a chunk it costs
nothing more than a bigger frame.
"""

# Just over what makes CPython 3.11's push_chunk() double 32 KB to 64 KB: the frame's
# slots and its 1,000 slots of overhead, at 8 bytes each, exceed 32 KB.
SLOTS = 3200


def _runner(slots):
    # The names after the return never run; being assigned, they are locals, and
    # every local is a slot of the frame.
    names = " = ".join(f"_{number}" for number in range(slots))
    source = (
        "def with_headroom(call, /, *args, **kwargs):\n"
        "    return call(*args, **kwargs)\n"
        f"    {names} = None\n"
    )
    namespace = {}
    exec(compile(source, __name__, "exec"), namespace)  # noqa: S102 - source of our own
    return namespace["with_headroom"]


with_headroom = _runner(SLOTS)
with_headroom.__doc__ = "``call(*args, **kwargs)`` with room on the frame stack below it."
