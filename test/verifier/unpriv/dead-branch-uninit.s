# The dead side reads an uninitialised register.
.prog_type socket_filter
    r0 = 1
    if r0 != 0 goto out
    r0 = r5
out:
    exit
