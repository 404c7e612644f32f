# Crafts small, valid inputs for the macho/dex/dotnet fuzz seeds (our own construction, not copied samples).
import struct, sys, os
out = sys.argv[1]
def w(name, data):
    os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
    open(os.path.join(out, name), 'wb').write(data)

def macho64():
    seg = struct.pack('<II16sQQQQiiII', 0x19, 72 + 80, b'__TEXT', 0x100000000, 0x1000, 0, 0x400, 7, 5, 1, 0)
    sec = struct.pack('<16s16sQQIIIIIIII', b'__text', b'__TEXT', 0x100000300, 0x10, 0x300, 4, 0, 0, 0x80000400, 0, 0, 0)
    main = struct.pack('<IIQQ', 0x80000028, 24, 0x300, 0)
    thread = struct.pack('<IIII', 5, 16 + 168, 4, 42) + struct.pack('<21Q', *([0] * 16 + [0x100000300] + [0] * 4))
    cmds = seg + sec + main + thread
    hdr = struct.pack('<IiiIIIII', 0xfeedfacf, 0x01000007, 3, 2, 3, len(cmds), 0x200085, 0)
    d = hdr + cmds
    return d + b'\x90' * (0x400 - len(d))

def macho32be():
    seg = struct.pack('>II16sIIIIiiII', 1, 56 + 68, b'__TEXT', 0x1000, 0x1000, 0, 0x200, 7, 5, 1, 0)
    sec = struct.pack('>16s16sIIIIIIIII', b'__text', b'__TEXT', 0x1100, 0x10, 0x100, 2, 0, 0, 0x80000400, 0, 0)
    thread = struct.pack('>IIII', 5, 16 + 160, 1, 40) + struct.pack('>40I', *([0x1100] + [0] * 39))
    cmds = seg + sec + thread
    hdr = struct.pack('>IiiIIIIi', 0xfeedface, 18, 0, 2, 2, len(cmds), 1, 0)
    d = hdr + cmds
    return d + b'\x00' * (0x200 - len(d))

def fat():
    a, b = macho32be(), macho64()
    hdr = struct.pack('>II', 0xcafebabe, 2) + struct.pack('>iiIII', 18, 0, 0x1000, len(a), 12) + struct.pack('>iiIII', 0x01000007, 3, 0x2000, len(b), 12)
    d = hdr + b'\x00' * (0x1000 - len(hdr)) + a
    return d + b'\x00' * (0x2000 - len(d)) + b

def uleb(v):
    o = b''
    while True:
        b = v & 0x7f; v >>= 7
        if v: o += bytes([b | 0x80])
        else: return o + bytes([b])

def dex():
    strings = [b'<init>', b'I', b'LFoo;', b'Ljava/lang/Object;', b'V', b'count', b'run']
    # layout: header 0x70, string_ids, type_ids, proto_ids, field_ids, method_ids, class_defs, data
    n = len(strings)
    off_str = 0x70; off_type = off_str + 4 * n; types = [2, 3, 1]  # LFoo; Object I
    off_proto = off_type + 4 * len(types); off_field = off_proto + 12; off_meth = off_field + 8
    off_class = off_meth + 16; off_data = off_class + 32
    data = b''; sdata_offs = []
    for s in strings:
        sdata_offs.append(off_data + len(data)); data += uleb(len(s)) + s + b'\0'
    code_off = off_data + len(data); code_off += (-code_off) % 4
    data += b'\0' * ((-(off_data + len(data))) % 4)
    data += struct.pack('<HHHHII', 1, 1, 1, 0, 0, 2) + b'\x0e\x00\x00\x00'
    cd_off = off_data + len(data)
    data += uleb(0) + uleb(1) + uleb(1) + uleb(1) + uleb(0) + uleb(1) + uleb(0) + uleb(0x10001) + uleb(code_off) + uleb(1) + uleb(1) + uleb(0)
    map_off = off_data + len(data); map_off_pad = (-map_off) % 4; data += b'\0' * map_off_pad; map_off += map_off_pad
    items = [(0, 1, 0), (1, n, off_str), (2, len(types), off_type), (0x1000, 1, map_off)]
    data += struct.pack('<I', len(items)) + b''.join(struct.pack('<HHII', t, 0, c, o) for t, c, o in items)
    body = struct.pack('<%dI' % n, *sdata_offs) + struct.pack('<%dI' % len(types), *types)
    body += struct.pack('<III', 4, 1, 0)  # proto: shorty V, return V
    body += struct.pack('<HHI', 0, 2, 5)  # field: LFoo; I count
    body += struct.pack('<HHI', 0, 0, 0) + struct.pack('<HHI', 0, 0, 6)  # methods <init>, run
    body += struct.pack('<8I', 0, 1, 1, 0, 0xffffffff, 0, cd_off, 0)
    total = 0x70 + len(body) + len(data)
    hdr = b'dex\n035\0' + struct.pack('<I', 0) + b'\x11' * 20 + struct.pack('<20I', total, 0x70, 0x12345678, 0, 0, map_off,
        n, off_str, len(types), off_type, 1, off_proto, 1, off_field, 2, off_meth, 1, off_class, len(data), off_data)
    return hdr + body + data

def dotnet():
    # PE32, one section at RVA 0x1000 / file 0x200 holding CLI header, metadata and a managed resource
    sec_rva, sec_off = 0x1000, 0x200
    strings = b'\0' + b'seed.dll\0' + b'Seed\0' + b'mscorlib\0' + b'GuidAttribute\0' + b'System.Runtime.InteropServices\0' + b'.ctor\0' + b'res.bin\0' + b'kernel32\0'
    S = lambda s: strings.index(s.encode() + b'\0')
    guid = bytes(range(16))
    typelib = b'01234567-89ab-cdef-0123-456789abcdef'
    blob = b'\0' + bytes([8]) + bytes.fromhex('b77a5c561934e089') + bytes([3 + len(typelib) + 2]) + b'\x01\x00' + bytes([len(typelib)]) + typelib + b'\x00\x00' + bytes([4]) + 'hi'.encode('utf-16le') + bytes([3]) + b'\x20\x01\x01'
    B_KEY, B_GUIDATTR, B_CONST, B_SIG = 1, 10, 10 + 1 + 3 + len(typelib) + 2, 10 + 1 + 3 + len(typelib) + 2 + 5
    us = b'\0' + bytes([11]) + 'hello'.encode('utf-16le') + b'\0'
    tables = {0x00: [struct.pack('<HHHHH', 0, S('seed.dll'), 1, 0, 0)],
              0x01: [struct.pack('<HHH', (1 << 2) | 2, S('GuidAttribute'), S('System.Runtime.InteropServices'))],
              0x0A: [struct.pack('<HHH', (1 << 3) | 1, S('.ctor'), B_SIG)],
              0x0B: [struct.pack('<BBHH', 0x0e, 0, (1 << 2) | 0, B_CONST)],
              0x0C: [struct.pack('<HHH', (1 << 5) | 0x0E, (1 << 3) | 3, B_GUIDATTR)],
              0x1A: [struct.pack('<H', S('kernel32'))],
              0x1D: [struct.pack('<IH', sec_rva + 0x10, 1)],
              0x20: [struct.pack('<IHHHHIHHH', 0x8004, 1, 2, 3, 4, 0, 0, S('Seed'), 0)],
              0x23: [struct.pack('<HHHHIHHHH', 4, 0, 0, 0, 0, B_KEY, S('mscorlib'), 0, 0)],
              0x28: [struct.pack('<IIHH', 0, 1, S('res.bin'), 0)]}
    valid = sum(1 << t for t in tables)
    tilde = struct.pack('<IBBBBQQ', 0, 2, 0, 0, 1, valid, 0) + b''.join(struct.pack('<I', len(tables[t])) for t in sorted(tables))
    tilde += b''.join(b''.join(tables[t]) for t in sorted(tables))
    tilde += b'\0' * ((-len(tilde)) % 4)
    pad4 = lambda b: b + b'\0' * ((-len(b)) % 4)
    strings, us, blob = pad4(strings), pad4(us), pad4(blob)
    version = b'v4.0.30319\0\0'
    names = [b'#~', b'#Strings', b'#US', b'#GUID', b'#Blob']
    heaps = [tilde, strings, us, guid, blob]
    hdr_len = 16 + len(version) + 4 + sum(8 + len(n) + 4 - len(n) % 4 for n in names)
    md = struct.pack('<IHHII', 0x424A5342, 1, 1, 0, len(version)) + version + struct.pack('<HH', 0, len(names))
    off = hdr_len
    for n, h in zip(names, heaps):
        md += struct.pack('<II', off, len(h)) + n + b'\0' * (4 - len(n) % 4); off += len(h)
    md += b''.join(heaps)
    res = struct.pack('<I', 4) + b'DATA'
    cli_rva = sec_rva + 0x20; md_rva = cli_rva + 72; res_rva = md_rva + len(md)
    cli = struct.pack('<IHHIIIIII', 72, 2, 5, md_rva, len(md), 1, 0x06000001, res_rva, len(res)) + b'\0' * 40
    section = b'\0' * 0x20 + cli + md + res
    section += b'\0' * ((-len(section)) % 0x200)
    dos = b'MZ' + b'\0' * 0x3a + struct.pack('<I', 0x40)
    opt = struct.pack('<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII', 0x10b, 8, 0, len(section), 0, 0, 0, sec_rva, 0, 0x400000, 0x1000, 0x200,
                      4, 0, 0, 0, 4, 0, 0, sec_rva + len(section), 0x200, 0, 3, 0x8540, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    dirs = [(0, 0)] * 16; dirs[14] = (cli_rva, 72)
    opt += b''.join(struct.pack('<II', *d) for d in dirs)
    coff = struct.pack('<HHIIIHH', 0x14c, 1, 0, 0, 0, len(opt), 0x2102)
    sh = struct.pack('<8sIIIIIIHHI', b'.text', len(section), sec_rva, len(section), sec_off, 0, 0, 0, 0, 0x60000020)
    head = dos + b'PE\0\0' + coff + opt + sh
    return head + b'\0' * (sec_off - len(head)) + section

w('macho/macho64', macho64()); w('macho/fat', fat()); w('dex/dex035', dex()); w('dotnet/assembly', dotnet())

# signatures/signed-pe: dotnet/assembly with a WIN_CERTIFICATE appended, holding a self-signed CMS signature made by
#   openssl req -x509 -newkey rsa:1024 -nodes -keyout k.pem -out c.pem -subj "/C=XX/O=Bulwark Test/CN=Bulwark seed signer" -set_serial 0x0102030405
#   openssl cms -sign -binary -in content -signer c.pem -inkey k.pem -outform DER -out sig.der -nosmimecap -noattr
# (WIN_CERTIFICATE: length, revision 0x200, type 2, DER, padded to 8; data directory 4 = its file offset and size).
