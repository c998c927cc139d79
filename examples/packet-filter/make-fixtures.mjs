// Writes the packet fixtures of this folder: Ethernet frames as BPF_PROG_TEST_RUN's
// data_in takes them, and fixtures.json with what each filter must answer.
// Run: node examples/packet-filter/make-fixtures.mjs (writes fixtures/)
import { writeFileSync } from 'node:fs';

const here = new URL('./fixtures/', import.meta.url);

function checksum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ethernet(etherType, payload) {
  const eth = Buffer.alloc(14);
  Buffer.from('020000000002', 'hex').copy(eth, 0); // dst
  Buffer.from('020000000001', 'hex').copy(eth, 6); // src
  eth.writeUInt16BE(etherType, 12);
  return Buffer.concat([eth, payload]);
}

function ipv4(protocol, payload, { options = Buffer.alloc(0), fragOffset = 0, moreFragments = false } = {}) {
  const ihl = 5 + options.length / 4;
  const h = Buffer.alloc(20 + options.length);
  h[0] = 0x40 | ihl;
  h.writeUInt16BE(h.length + payload.length, 2);
  h.writeUInt16BE(0x1234, 4); // id
  h.writeUInt16BE((moreFragments ? 0x2000 : 0) | fragOffset, 6);
  h[8] = 64; // ttl
  h[9] = protocol;
  Buffer.from([10, 0, 0, 1]).copy(h, 12);
  Buffer.from([10, 0, 0, 2]).copy(h, 16);
  options.copy(h, 20);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

function ipv6(nextHeader, payload) {
  const h = Buffer.alloc(40);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(payload.length, 4);
  h[6] = nextHeader;
  h[7] = 64;
  h[23] = 1; // ::1 style source and destination
  h[39] = 2;
  return Buffer.concat([h, payload]);
}

function tcp(srcPort, dstPort, payload = Buffer.alloc(0)) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt32BE(1, 4); // seq
  h[12] = 5 << 4; // data offset
  h[13] = payload.length ? 0x18 : 0x02; // PSH|ACK or SYN
  h.writeUInt16BE(64240, 14); // window
  return Buffer.concat([h, payload]);
}

function udp(srcPort, dstPort, payload) {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(srcPort, 0);
  h.writeUInt16BE(dstPort, 2);
  h.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([h, payload]);
}

const get = Buffer.from('GET / HTTP/1.1\r\nHost: example\r\n\r\n');
const ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86dd, ETH_P_ARP = 0x0806;
const full = ethernet(ETH_P_IP, ipv4(6, tcp(40000, 80)));

// name -> [frame, XDP verdict (1 drop / 2 pass), socket filter verdict ('drop' = 0 / 'keep' = skb->len)]
const fixtures = {
  'http-syn': [full, 1, 'drop', 'TCP SYN to port 80'],
  'http-get': [ethernet(ETH_P_IP, ipv4(6, tcp(40000, 80, get))), 1, 'drop', 'TCP segment with an HTTP request to port 80'],
  'http-ip-options': [ethernet(ETH_P_IP, ipv4(6, tcp(40000, 80), { options: Buffer.from([1, 1, 1, 0]) })), 1, 'drop', 'IPv4 header with 4 bytes of options (IHL 6), TCP to port 80'],
  'https-syn': [ethernet(ETH_P_IP, ipv4(6, tcp(40000, 443))), 2, 'keep', 'TCP SYN to port 443'],
  'from-port-80': [ethernet(ETH_P_IP, ipv4(6, tcp(80, 40000))), 2, 'keep', 'TCP from port 80 (a server reply)'],
  'udp-80': [ethernet(ETH_P_IP, ipv4(17, udp(40000, 80, Buffer.from('hello')))), 2, 'keep', 'UDP to port 80'],
  'fragment-80': [ethernet(ETH_P_IP, ipv4(6, tcp(40000, 80), { fragOffset: 185 })), 2, 'keep', 'a later IPv4 fragment whose first bytes look like port 80'],
  'ipv6-http': [ethernet(ETH_P_IPV6, ipv6(6, tcp(40000, 80))), 2, 'keep', 'IPv6 TCP to port 80 (the filters only parse IPv4)'],
  'arp': [ethernet(ETH_P_ARP, Buffer.from('0001080006040001020000000001' + '0a000001' + '000000000000' + '0a000002', 'hex')), 2, 'keep', 'ARP request'],
  'truncated-tcp': [full.subarray(0, 14 + 20 + 3), 2, 'drop', 'IPv4 TCP cut 3 bytes into the TCP header: XDP passes what it cannot parse; LD_IND past the end ends the socket filter with 0'],
};

const manifest = [];
for (const [name, [frame, xdp, sock, what]] of Object.entries(fixtures)) {
  writeFileSync(new URL(`${name}.bin`, here), frame);
  manifest.push({ file: `${name}.bin`, what, bytes: frame.length, xdp, socketFilter: sock });
}
writeFileSync(new URL('fixtures.json', here), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${manifest.length} fixtures`);
