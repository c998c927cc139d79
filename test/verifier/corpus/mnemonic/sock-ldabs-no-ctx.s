; Legacy packet loads need the skb in r6, which was never set.
.prog_type socket_filter
        ldabsh 12
        exit
