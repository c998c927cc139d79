# Comparing a pointer with a non-zero constant.
.prog_type socket_filter
    if r1 == 5 goto out
    r0 = 1
    exit
out:
    r0 = 0
    exit
