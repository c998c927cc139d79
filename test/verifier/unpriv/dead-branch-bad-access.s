# A branch decided at verification time: the dead side is still walked speculatively for !root.
.prog_type socket_filter
    r0 = 0
    if r0 == 0 goto out
    r0 = *(u64 *)(r0 + 0)
out:
    exit
