#!/usr/bin/python3
"""FILDES protocol cases for ClamdFdPassTest: sends each case to a clamd-protocol UNIX socket (and a few
over TCP), passing descriptors with SCM_RIGHTS, and prints one line per case: name TAB repr(reply).
Usage: fildes_cases.py SOCKET TCPPORT FILESDIR"""
import os, socket, sys, time

def exchange(addr, parts, wait=3.0):
    fam = socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.connect(addr)
    s.settimeout(wait)
    for p in parts:
        try:
            if isinstance(p, tuple):
                socket.send_fds(s, [p[0]], p[1])
            else:
                s.sendall(p)
        except OSError:
            pass  # the server already ended the connection; its reply is what we compare
        time.sleep(0.05)
    out = b""
    try:
        while True:
            d = s.recv(65536)
            if not d:
                break
            out += d
    except socket.timeout:
        out += b"<TIMEOUT>"
    except OSError:
        out += b"<RESET>"
    s.close()
    return out

def main():
    unix, port, files = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    op = lambda name: os.open(os.path.join(files, name), os.O_RDONLY)
    r, w = os.pipe()
    os.write(w, b"x" * 10)
    cases = [
        ("infected", [b"zFILDES\0", (b"\0", [op("eicar.com")])]),
        ("clean n-framing", [b"nFILDES\n", (b"\0", [op("clean.txt")])]),
        ("body signature", [b"zFILDES\0", (b"\0", [op("sub/body.bin")])]),
        ("command and descriptor together", [(b"zFILDES\0\0", [op("eicar.com")])]),
        ("directory", [b"zFILDES\0", (b"\0", [os.open(files, os.O_RDONLY)])]),
        ("pipe", [b"zFILDES\0", (b"\0", [r])]),
        ("empty file", [b"zFILDES\0", (b"\0", [op("empty")])]),
        ("large file", [b"zFILDES\0", (b"\0", [op("large.bin")])]),
        ("two descriptors", [b"zFILDES\0", (b"\0", [op("eicar.com"), op("clean.txt")])]),
        ("three descriptors", [b"zFILDES\0", (b"\0", [op("eicar.com"), op("clean.txt"), op("empty")])]),
        ("no descriptor", [b"zFILDES\0", b"\0"]),
        ("any byte carries it", [b"zFILDES\0", (b"X", [op("eicar.com")])]),
        ("descriptor with PING", [(b"zPING\0", [op("eicar.com")])]),
        ("descriptor before the command", [(b"z", [op("eicar.com")]), b"FILDES\0\0"]),
        ("trailing garbage", [b"zFILDES\0", (b"\0junk", [op("eicar.com")])]),
        ("descriptor on the command, byte later", [(b"zFILDES\0", [op("eicar.com")]), b"\0"]),
        ("descriptor on INSTREAM data", [b"zINSTREAM\0", (b"\0\0\0\x05hello", [op("eicar.com")]), b"\0\0\0\0"]),
        ("IDSESSION", [b"zIDSESSION\0", b"zFILDES\0", (b"\0", [op("eicar.com")]), b"zFILDES\0",
                       (b"\0", [op("clean.txt")]), b"zPING\0zEND\0"]),
        ("IDSESSION descriptor with PING", [b"zIDSESSION\0", (b"zPING\0", [op("eicar.com")]), b"zPING\0zEND\0"]),
        ("IDSESSION no descriptor", [b"zIDSESSION\0", b"zFILDES\0", b"\0", b"zEND\0"]),
        # old style (no z/n prefix): clamd runs FILDES once its buffer holds 8 bytes
        ("old style, newline, byte later", [b"FILDES\n", (b"\0", [op("eicar.com")])]),
        ("old style, byte later", [b"FILDES", (b"\0", [op("eicar.com")])]),
        ("old style, two bytes later", [b"FILDES", (b"\0\0", [op("eicar.com")])]),
        ("old style, one byte, then one with the descriptor", [b"FILDES", b"\0", (b"\0", [op("eicar.com")])]),
        ("old style, descriptor on the command", [(b"FILDES", [op("eicar.com")])]),
        ("old style, descriptor on the command and newline", [(b"FILDES\n", [op("eicar.com")])]),
        ("old style, descriptor on the command, newline and byte", [(b"FILDES\n\0", [op("clean.txt")])]),
        ("old style, NUL-terminated", [(b"FILDES\0", [op("eicar.com")])]),
        ("old style, CRLF", [b"FILDES\r\n", (b"\0", [op("eicar.com")])]),
        ("old style, newline, byte without descriptor", [b"FILDES\n", b"\0"]),
        ("old style, extended", [b"FILDES", (b"X", [op("eicar.com")]), b"Y"]),
        ("old style, one byte, no descriptor", [b"FILDES", b"\0"]),
    ]
    for name, parts in cases:
        print("%s\t%r" % (name, exchange(unix, parts)))
    print("%s\t%r" % ("TCP with a byte", exchange(("127.0.0.1", port), [b"zFILDES\0\0"])))
    print("%s\t%r" % ("TCP IDSESSION", exchange(("127.0.0.1", port), [b"zIDSESSION\0zFILDES\0\0zPING\0zEND\0"])))

main()
