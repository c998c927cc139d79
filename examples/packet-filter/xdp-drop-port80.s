; xdp-drop-port80: drop TCP segments to port 80 (HTTP) at the driver, pass the rest.
; Parses Ethernet -> IPv4 (with options) -> TCP, proving every access in bounds
; first: the verifier only lets us read packet bytes below a `data + N <= data_end`
; check it has seen.
;
; struct xdp_md: 0 u32 data, 4 u32 data_end (loaded as packet pointers).
; Returns XDP_DROP = 1 or XDP_PASS = 2.
; Multi-byte packet fields are big-endian; a little-endian load of the two bytes
; 08 00 (ETH_P_IP) reads 0x0008, of 00 50 (port 80) reads 0x5000.
.prog_type xdp
.license "GPL"
.name xdp_drop_80

.set XDP_DROP, 1
.set XDP_PASS, 2
.set ETH_HLEN, 14                       ; Ethernet header: dest, source, h_proto at 12
.set IP_MIN_HLEN, 20                    ; IPv4 header without options
.set IPPROTO_TCP, 6
.set HTONS_ETH_P_IP, 0x0008             ; 08 00 read little-endian
.set HTONS_80, 0x5000                   ; 00 50 read little-endian

        ldxw %r2, [%r1+0]               ; r2 = data
        ldxw %r3, [%r1+4]               ; r3 = data_end
        mov %r4, %r2
        add %r4, ETH_HLEN + IP_MIN_HLEN
        jgt %r4, %r3, pass              ; too short for both: not ours
        ldxh %r5, [%r2+ETH_HLEN-2]      ; h_proto
        jne %r5, HTONS_ETH_P_IP, pass
        ldxb %r5, [%r2+ETH_HLEN]        ; version (high nibble) and IHL (low nibble)
        mov %r4, %r5
        rsh %r4, 4
        jne %r4, 4, pass                ; not IPv4
        and %r5, 0xf                    ; IHL, in 32-bit words
        jlt %r5, IP_MIN_HLEN / 4, pass  ; malformed header
        ldxb %r4, [%r2+ETH_HLEN+9]      ; protocol
        jne %r4, IPPROTO_TCP, pass
        ldxh %r4, [%r2+ETH_HLEN+6]      ; flags and fragment offset
        and %r4, 0xff1f                 ; htons(0x1fff): the fragment offset
        jne %r4, 0, pass                ; a later fragment carries no TCP header
        lsh %r5, 2                      ; IP header length in bytes, 20..60
        add %r2, %r5                    ; r2 = data + IP header length (a variable packet offset)
        mov %r4, %r2
        add %r4, ETH_HLEN + 4           ; Ethernet + TCP source and dest ports
        jgt %r4, %r3, pass
        ldxh %r5, [%r2+ETH_HLEN+2]      ; TCP dest port, at 14 + ihl*4 + 2
        jne %r5, HTONS_80, pass
        mov %r0, XDP_DROP
        exit
pass:
        mov %r0, XDP_PASS
        exit
