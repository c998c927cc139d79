# Comparing two pointers is prohibited for !root.
.prog_type socket_filter
    r2 = r10
    if r1 == r2 goto out
    r0 = 1
    exit
out:
    r0 = 0
    exit
