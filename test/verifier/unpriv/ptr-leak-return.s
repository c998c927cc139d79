# Returning the frame pointer leaks a kernel address.
.prog_type socket_filter
    r0 = r10
    exit
